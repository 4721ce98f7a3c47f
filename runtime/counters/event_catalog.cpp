// The built-in event table and the three ways a name is resolved (generic perf
// events, sysfs PMU events, libpfm). Candidates are tried in order because the
// same quantity has a different name on each CPU vendor.
#include "runtime/counters/event_catalog.h"

#include "runtime/counters/pfm_encoding.h"
#include "runtime/counters/sysfs_pmu.h"

#include <linux/perf_event.h>

#include <algorithm>
#include <map>
#include <optional>

namespace memsched {
namespace {

constexpr uint64_t cache_event(uint64_t cache, uint64_t op, uint64_t result) {
    return cache | (op << 8) | (result << 16);
}

ResolvedEvent generic(const std::string& name, uint32_t type, uint64_t config,
                      const std::string& unit = "count") {
    ResolvedEvent event;
    event.name = name;
    event.parts.push_back(EventPart{type, config, 0, 0, -1});
    event.unit = unit;
    event.software = type == PERF_TYPE_SOFTWARE;
    return event;
}

// Events the kernel names generically, so they need no vendor tables.
std::optional<ResolvedEvent> resolve_generic(const std::string& name) {
    static const std::map<std::string, ResolvedEvent> table = {
        {"cycles", generic("cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES)},
        {"instructions", generic("instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS)},
        {"branch-misses",
         generic("branch-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES)},
        // Data-cache load misses: what a schedule's tiling changes first.
        {"l1d-misses", generic("l1d-misses", PERF_TYPE_HW_CACHE,
                               cache_event(PERF_COUNT_HW_CACHE_L1D, PERF_COUNT_HW_CACHE_OP_READ,
                                           PERF_COUNT_HW_CACHE_RESULT_MISS))},
        // PERF_COUNT_HW_CACHE_MISSES is the last-level cache miss count of all core
        // requests (loads, RFOs, prefetches), closer to DRAM traffic than LL read misses.
        {"llc-misses", generic("llc-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES)},
        {"task-clock", generic("task-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK, "ns")},
        {"cpu-clock", generic("cpu-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK, "ns")},
        {"context-switches",
         generic("context-switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES)},
        {"page-faults", generic("page-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS)},
    };
    auto it = table.find(name);
    if (it == table.end()) {
        return std::nullopt;
    }
    return it->second;
}

// A libpfm name; `name` is what the caller asked for, `pfm_name` what libpfm knows.
ResolvedEvent resolve_with_pfm(const std::string& name, const std::string& pfm_name) {
    ResolvedEvent event;
    event.name = name;
    std::optional<PfmEncoding> encoding = pfm_encode(pfm_name, &event.reason);
    if (encoding) {
        event.parts.push_back(
            EventPart{encoding->type, encoding->config, encoding->config1, encoding->config2, -1});
        event.software = encoding->type == PERF_TYPE_SOFTWARE;
    }
    return event;
}

// L2 misses have no generic perf event: try each vendor's name.
ResolvedEvent resolve_l2_misses(const std::string& name) {
    static const char* const candidates[] = {
        "L2_RQSTS:MISS",                                          // Intel up to Skylake-X
        "L2_RQSTS:ALL_DEMAND_MISS",                               // Intel Ice Lake on (demand only)
        "CORE_TO_L2_CACHEABLE_REQUEST_ACCESS_STATUS:LS_RD_BLK_C", // AMD Zen (data reads)
        "L2D_CACHE_REFILL",                                       // Arm
    };
    std::string tried;
    for (const char* candidate : candidates) {
        ResolvedEvent event = resolve_with_pfm(name, candidate);
        if (event.reason.empty()) {
            return event;
        }
        tried += std::string(tried.empty() ? "" : "; ") + event.reason;
    }
    ResolvedEvent event;
    event.name = name;
    event.reason = "no L2-miss event known for this CPU (" + tried + ")";
    return event;
}

// "pmu/terms/" summed over every instance of the PMU (uncore_imc -> uncore_imc_0..N).
ResolvedEvent resolve_sysfs(const std::string& name, const std::string& pmu,
                            const std::string& terms, const std::string& root) {
    ResolvedEvent event;
    event.name = name;
    std::vector<std::string> instances = pmus_matching(pmu, root);
    if (instances.empty()) {
        event.reason = "the kernel exposes no PMU named " + pmu + " (see " + root + ")";
        return event;
    }
    for (const std::string& instance : instances) {
        std::optional<SysfsEvent> found = resolve_sysfs_event(instance, terms, &event.reason, root);
        if (!found) {
            event.parts.clear();
            return event;
        }
        std::vector<int> cpus = found->cpus.empty() ? std::vector<int>{-1} : found->cpus;
        for (int cpu : cpus) {
            event.parts.push_back(
                EventPart{found->type, found->config, found->config1, found->config2, cpu});
        }
        // All instances of one PMU share the scale and unit of the event.
        event.scale = found->scale;
        event.unit = found->unit.empty() ? "count" : found->unit;
    }
    if (std::optional<double> bytes = bytes_per_unit(event.unit)) {
        event.scale *= *bytes;
        event.unit = "bytes";
    }
    return event;
}

// DRAM traffic comes from the memory controllers' uncore PMUs, named per generation.
ResolvedEvent resolve_dram(const std::string& name, bool writes, const std::string& root) {
    struct Candidate {
        const char* pmu;
        const char* event;
    };
    static const Candidate reads[] = {{"uncore_imc_free_running", "data_read"},
                                      {"uncore_imc", "data_reads"},
                                      {"uncore_imc", "cas_count_read"}};
    static const Candidate write_events[] = {{"uncore_imc_free_running", "data_write"},
                                             {"uncore_imc", "data_writes"},
                                             {"uncore_imc", "cas_count_write"}};
    std::vector<std::string> absent; // PMUs the kernel does not expose: listed together
    std::string failed;              // PMUs that exist but lack a usable byte event: in full
    for (const Candidate& c : writes ? write_events : reads) {
        if (pmus_matching(c.pmu, root).empty()) {
            bool listed = std::find(absent.begin(), absent.end(), c.pmu) != absent.end();
            if (!listed) {
                absent.push_back(c.pmu);
            }
            continue;
        }
        ResolvedEvent event = resolve_sysfs(name, c.pmu, c.event, root);
        if (event.reason.empty() && event.unit == "bytes") {
            return event;
        }
        failed += std::string("; ") + c.pmu + "/" + c.event +
                  "/: " + (event.reason.empty() ? "not in bytes" : event.reason);
    }
    std::string tried = failed.empty() ? "" : failed.substr(2);
    if (!absent.empty()) {
        std::string names;
        for (const std::string& pmu : absent) {
            names += (names.empty() ? "" : " or ") + pmu;
        }
        tried = "the kernel exposes no " + names + " PMU" + (failed.empty() ? "" : failed);
    }
    ResolvedEvent event;
    event.name = name;
    event.reason = "no memory-controller (uncore IMC) byte counter on this machine (" + tried + ")";
    return event;
}

} // namespace

std::vector<std::string> default_hardware_event_names() {
    return {"cycles",     "instructions",    "l1d-misses",      "l2-misses",
            "llc-misses", "dram-read-bytes", "dram-write-bytes"};
}

ResolvedEvent resolve_event(const std::string& name, const std::string& sysfs_root) {
    if (std::optional<ResolvedEvent> event = resolve_generic(name)) {
        return *event;
    }
    if (name == "l2-misses") {
        return resolve_l2_misses(name);
    }
    if (name == "dram-read-bytes" || name == "dram-write-bytes") {
        return resolve_dram(name, name == "dram-write-bytes", sysfs_root);
    }
    // perf's syntax for a sysfs PMU event: "pmu/event/" or "pmu/term=v,term=v/".
    size_t slash = name.find('/');
    if (slash != std::string::npos && slash > 0 && name.back() == '/' && name.size() > slash + 2) {
        return resolve_sysfs(name, name.substr(0, slash),
                             name.substr(slash + 1, name.size() - slash - 2), sysfs_root);
    }
    return resolve_with_pfm(name, name);
}

} // namespace memsched
