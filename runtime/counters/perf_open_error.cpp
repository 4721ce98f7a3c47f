// Explanations of perf_event_open errno values; the wording follows
// perf_event_open(2) and the kernel's perf_event_paranoid documentation.
#include "runtime/counters/perf_open_error.h"

#include "runtime/counters/sysfs_pmu.h"

#include <cerrno>
#include <cstring>
#include <fstream>

namespace memsched {

std::optional<int> perf_event_paranoid() {
    std::ifstream in("/proc/sys/kernel/perf_event_paranoid");
    int level = 0;
    if (in >> level) {
        return level;
    }
    return std::nullopt;
}

namespace {

std::string exposed_pmus() {
    std::string list;
    for (const std::string& pmu : list_pmus()) {
        list += (list.empty() ? "" : " ") + pmu;
    }
    return list.empty() ? "(none)" : list;
}

std::string errno_name(int err) {
    switch (err) {
    case ENOENT:
        return "ENOENT";
    case EOPNOTSUPP:
        return "EOPNOTSUPP";
    case EACCES:
        return "EACCES";
    case EPERM:
        return "EPERM";
    case ENOSYS:
        return "ENOSYS";
    case EINVAL:
        return "EINVAL";
    case ENODEV:
        return "ENODEV";
    case EBUSY:
        return "EBUSY";
    case EMFILE:
        return "EMFILE";
    default:
        return "errno " + std::to_string(err);
    }
}

std::string permission_reason(bool system_wide) {
    std::optional<int> level = perf_event_paranoid();
    std::string text = "permission denied (perf_event_paranoid=" +
                       (level ? std::to_string(*level) : std::string("unknown")) + "; ";
    text += system_wide ? "per-CPU/uncore events need CAP_PERFMON or paranoid <= 0"
                        : "per-process counting needs CAP_PERFMON or paranoid <= 2";
    // Docker's default seccomp profile also answers EPERM for this syscall.
    return text + "), or perf_event_open is blocked by a seccomp filter";
}

} // namespace

std::string describe_perf_open_error(int err, bool system_wide) {
    std::string head =
        "perf_event_open failed with " + errno_name(err) + " (" + std::strerror(err) + "): ";
    switch (err) {
    case ENOENT:
    case EOPNOTSUPP:
    case ENODEV:
        // A VM without a virtual PMU answers ENOENT for every hardware and cache event.
        return head + "the kernel has no PMU for this event (exposed PMUs: " + exposed_pmus() + ")";
    case EACCES:
    case EPERM:
        return head + permission_reason(system_wide);
    case ENOSYS:
        return head + "the kernel was built without perf events";
    case EINVAL:
        return head + "the kernel rejected this event encoding";
    case EBUSY:
        return head + "the PMU is in exclusive use by another process";
    default:
        return head + "unexpected error";
    }
}

} // namespace memsched
