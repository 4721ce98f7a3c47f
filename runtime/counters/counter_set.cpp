// perf_event_open plumbing for CounterSet: attribute setup, the fallback to
// user-only counting, and reads scaled for multiplexing.
#include "runtime/counters/counter_set.h"

#include "runtime/counters/perf_open_error.h"

#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace memsched {
namespace {

int perf_event_open(perf_event_attr* attr, pid_t pid, int cpu) {
    return static_cast<int>(syscall(SYS_perf_event_open, attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC));
}

perf_event_attr make_attr(const EventPart& part, bool user_only) {
    perf_event_attr attr;
    std::memset(&attr, 0, sizeof(attr));
    attr.size = sizeof(attr);
    attr.type = part.type;
    attr.config = part.config;
    attr.config1 = part.config1;
    attr.config2 = part.config2;
    attr.disabled = 1;
    // The time fields tell whether the PMU multiplexed the event, and by how much.
    attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
    if (part.cpu < 0) {
        // Per-process: follow threads created later (Halide's and TBB's workers).
        attr.inherit = 1;
        attr.exclude_hv = 1;
        attr.exclude_kernel = user_only ? 1 : 0;
    }
    // System-wide (uncore) PMUs reject the exclude_* bits and inherit.
    return attr;
}

struct RawCount {
    uint64_t value = 0;
    uint64_t time_enabled_ns = 0;
    uint64_t time_running_ns = 0;
};

bool read_count(int fd, RawCount* count) {
    uint64_t buffer[3] = {0, 0, 0};
    if (::read(fd, buffer, sizeof(buffer)) != static_cast<ssize_t>(sizeof(buffer))) {
        return false;
    }
    *count = RawCount{buffer[0], buffer[1], buffer[2]};
    return true;
}

} // namespace

CounterSet::CounterSet(const std::vector<std::string>& names) {
    events_.reserve(names.size());
    for (const std::string& name : names) {
        Event event;
        event.spec = resolve_event(name);
        event.reason = event.spec.reason;
        if (event.reason.empty()) {
            open_event(event);
        }
        events_.push_back(std::move(event));
    }
}

CounterSet::~CounterSet() {
    close_all();
}

CounterSet::CounterSet(CounterSet&& other) noexcept : events_(std::move(other.events_)) {
    other.events_.clear();
}

CounterSet& CounterSet::operator=(CounterSet&& other) noexcept {
    if (this != &other) {
        close_all();
        events_ = std::move(other.events_);
        other.events_.clear();
    }
    return *this;
}

void CounterSet::open_event(Event& event) {
    // First with kernel counting; if paranoia forbids that, user-only (flagged in readings).
    for (bool user_only : {false, true}) {
        event.fds.clear();
        int failed_errno = 0;
        bool system_wide = false;
        for (const EventPart& part : event.spec.parts) {
            perf_event_attr attr = make_attr(part, user_only);
            system_wide = part.cpu >= 0;
            int fd = perf_event_open(&attr, part.cpu >= 0 ? -1 : 0, part.cpu);
            if (fd < 0) {
                failed_errno = errno;
                break;
            }
            event.fds.push_back(fd);
        }
        if (failed_errno == 0) {
            event.user_only = user_only;
            event.reason.clear();
            return;
        }
        // A partial sum over IMCs or sockets would be wrong: all parts or nothing.
        for (int fd : event.fds) {
            ::close(fd);
        }
        event.fds.clear();
        event.reason = describe_perf_open_error(failed_errno, system_wide);
        bool permission = failed_errno == EACCES || failed_errno == EPERM;
        if (!permission || system_wide) {
            return;
        }
    }
}

void CounterSet::close_all() {
    for (Event& event : events_) {
        for (int fd : event.fds) {
            ::close(fd);
        }
        event.fds.clear();
    }
}

void CounterSet::start() {
    for (const Event& event : events_) {
        for (int fd : event.fds) {
            ioctl(fd, PERF_EVENT_IOC_RESET, 0);
        }
    }
    for (const Event& event : events_) {
        for (int fd : event.fds) {
            ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
        }
    }
}

void CounterSet::stop() {
    for (const Event& event : events_) {
        for (int fd : event.fds) {
            ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
        }
    }
}

std::vector<CounterReading> CounterSet::read() const {
    std::vector<CounterReading> readings;
    for (const Event& event : events_) {
        CounterReading reading;
        reading.name = event.spec.name;
        reading.unit = event.spec.unit;
        reading.software = event.spec.software;
        reading.user_only = event.user_only;
        reading.reason = event.reason;
        if (!event.fds.empty()) {
            double total = 0.0;
            double fraction = 1.0;
            for (int fd : event.fds) {
                RawCount raw;
                if (!read_count(fd, &raw)) {
                    reading.reason =
                        "read() of the perf counter failed: " + std::string(std::strerror(errno));
                    break;
                }
                if (raw.time_enabled_ns > 0 && raw.time_running_ns == 0) {
                    reading.reason = "the PMU never scheduled this event (more events than "
                                     "hardware counters); measure fewer events at once";
                    break;
                }
                double part_fraction =
                    raw.time_enabled_ns == 0
                        ? 1.0
                        : static_cast<double>(raw.time_running_ns) / raw.time_enabled_ns;
                total += static_cast<double>(raw.value) / part_fraction;
                fraction = std::min(fraction, part_fraction);
            }
            if (reading.reason.empty()) {
                reading.value = total * event.spec.scale;
                reading.fraction_counted = fraction;
            }
        }
        readings.push_back(std::move(reading));
    }
    return readings;
}

std::vector<CounterReading> CounterSet::unavailable() const {
    std::vector<CounterReading> result;
    for (const Event& event : events_) {
        if (event.fds.empty()) {
            CounterReading reading;
            reading.name = event.spec.name;
            reading.unit = event.spec.unit;
            reading.software = event.spec.software;
            reading.reason = event.reason;
            result.push_back(std::move(reading));
        }
    }
    return result;
}

bool CounterSet::any_available() const {
    for (const Event& event : events_) {
        if (!event.fds.empty()) {
            return true;
        }
    }
    return false;
}

} // namespace memsched
