// memsched_counters: shows which performance counters this machine can count,
// by counting each requested event around a short busy loop. Unavailable events
// are printed with the reason, never with a number.
#include "runtime/counters/counter_set.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <vector>

namespace {

// Floating-point and memory work for about `milliseconds`, so every event has something to count.
double busy_work(double milliseconds) {
    using Clock = std::chrono::steady_clock;
    std::vector<double> data(1 << 22, 1.0); // 32 MiB: misses in L1/L2 (and LLC on most machines)
    double sum = 0.0;
    auto end = Clock::now() + std::chrono::duration<double, std::milli>(milliseconds);
    while (Clock::now() < end) {
        for (size_t i = 0; i < data.size(); i += 8) {
            sum += data[i];
            data[i] = sum * 1e-9;
        }
    }
    return sum;
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> events;
    double work_ms = 200.0;
    CLI::App app{
        "Counts performance events around a short busy loop and shows which are available."};
    app.add_option("events", events,
                   "Event names (default: the hardware set plus task-clock, context-switches, "
                   "page-faults); built-in names, pmu/event/ or libpfm names");
    app.add_option("--work-ms", work_ms, "Milliseconds of busy work to count")
        ->check(CLI::PositiveNumber);
    CLI11_PARSE(app, argc, argv);
    if (events.empty()) {
        events = memsched::default_hardware_event_names();
        events.insert(events.end(), {"task-clock", "context-switches", "page-faults"});
    }

    memsched::CounterSet counters(events);
    counters.start();
    volatile double sink = busy_work(work_ms);
    (void)sink;
    counters.stop();

    int available = 0;
    for (const memsched::CounterReading& r : counters.read()) {
        if (r.available()) {
            ++available;
            std::printf("%-18s %18.0f %-5s%s%s\n", r.name.c_str(), *r.value, r.unit.c_str(),
                        r.user_only ? "  (user space only)" : "",
                        r.fraction_counted < 1.0 ? "  (multiplexed, scaled)" : "");
        } else {
            std::printf("%-18s %18s        %s\n", r.name.c_str(), "not available",
                        r.reason.c_str());
        }
    }
    std::printf("%d of %zu events available\n", available, events.size());
    return 0;
}
