// The reporting half of run_with_counters: the once-per-process message and
// the conversion of readings into benchmark counters.
#include "runtime/counters/benchmark_counters.h"

#include <algorithm>
#include <atomic>
#include <ostream>

namespace memsched {

std::string unavailable_counters_message(const std::vector<CounterReading>& readings) {
    // Group events by reason so that seven ENOENTs make one clause, not seven.
    std::vector<std::pair<std::string, std::string>> by_reason; // reason -> event list
    for (const CounterReading& reading : readings) {
        if (reading.available()) {
            continue;
        }
        auto it = std::find_if(by_reason.begin(), by_reason.end(),
                               [&](const auto& entry) { return entry.first == reading.reason; });
        if (it == by_reason.end()) {
            by_reason.emplace_back(reading.reason, reading.name);
        } else {
            it->second += ", " + reading.name;
        }
    }
    if (by_reason.empty()) {
        return "";
    }
    std::string message = "hardware counters not available on this machine: ";
    for (size_t i = 0; i < by_reason.size(); ++i) {
        message += (i == 0 ? "" : "; ") + by_reason[i].second + ": " + by_reason[i].first;
    }
    return message;
}

bool report_unavailable_once(const std::vector<CounterReading>& readings, std::ostream& out) {
    static std::atomic<bool> reported{false};
    std::string message = unavailable_counters_message(readings);
    if (message.empty() || reported.exchange(true)) {
        return false;
    }
    out << message << std::endl;
    return true;
}

void publish_counters(const std::vector<CounterReading>& readings, benchmark::State& state) {
    for (const CounterReading& reading : readings) {
        if (reading.available()) {
            state.counters[reading.name] =
                benchmark::Counter(*reading.value, benchmark::Counter::kAvgIterations);
        }
    }
}

} // namespace memsched
