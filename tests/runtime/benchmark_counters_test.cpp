// Tests of the Google Benchmark helper: only available events become benchmark
// counters, and the "not available" line is printed once per process.
#include "runtime/counters/benchmark_counters.h"

#include "tests/runtime/busy_work.h"

#include <gtest/gtest.h>

#include <map>
#include <sstream>

namespace memsched {
namespace {

CounterReading measured(const std::string& name, double value) {
    CounterReading r;
    r.name = name;
    r.value = value;
    return r;
}

CounterReading missing(const std::string& name, const std::string& reason) {
    CounterReading r;
    r.name = name;
    r.reason = reason;
    return r;
}

TEST(UnavailableMessage, GroupsEventsByReason) {
    std::string message = unavailable_counters_message(
        {missing("cycles", "ENOENT: no PMU"), measured("task-clock", 5.0),
         missing("instructions", "ENOENT: no PMU"), missing("dram-read-bytes", "no uncore IMC")});
    EXPECT_EQ(message, "hardware counters not available on this machine: cycles, instructions: "
                       "ENOENT: no PMU; dram-read-bytes: no uncore IMC");
}

TEST(UnavailableMessage, EmptyWhenEverythingIsMeasured) {
    EXPECT_EQ(unavailable_counters_message({measured("cycles", 1.0)}), "");
}

// Collects the runs instead of printing them.
class CollectingReporter : public benchmark::BenchmarkReporter {
public:
    bool ReportContext(const Context&) override { return true; }
    void ReportRuns(const std::vector<Run>& runs) override {
        for (const Run& run : runs) {
            counters[run.benchmark_name()] = run.counters;
        }
    }
    std::map<std::string, benchmark::UserCounters> counters;
};

TEST(RunWithCounters, PublishesOnlyAvailableEventsAndReportsOnce) {
    const std::vector<std::string> events = {"task-clock", "cycles", "instructions"};
    for (const char* name : {"counted_a", "counted_b"}) {
        benchmark::RegisterBenchmark(name, [events](benchmark::State& state) {
            run_with_counters(state, events, [] { memsched::testing::busy_work(200'000); });
        })->Iterations(20);
    }
    CollectingReporter reporter;
    ::testing::internal::CaptureStderr();
    benchmark::RunSpecifiedBenchmarks(&reporter);
    std::string err = ::testing::internal::GetCapturedStderr();

    // What this machine can count, found independently of the helper.
    CounterSet probe(events);
    std::vector<CounterReading> unavailable = probe.unavailable();

    ASSERT_EQ(reporter.counters.size(), 2u);
    for (const auto& [benchmark_name, counters] : reporter.counters) {
        for (const std::string& event : events) {
            bool is_unavailable = std::any_of(unavailable.begin(), unavailable.end(),
                                              [&](const auto& r) { return r.name == event; });
            auto it = counters.find(event);
            if (is_unavailable) {
                EXPECT_EQ(it, counters.end()) << benchmark_name << " published " << event;
            } else {
                ASSERT_NE(it, counters.end()) << benchmark_name << " lacks " << event;
                EXPECT_GT(it->second.value, 0.0) << event;
            }
        }
    }
    size_t lines = 0;
    for (size_t pos = err.find("not available on this machine"); pos != std::string::npos;
         pos = err.find("not available on this machine", pos + 1)) {
        ++lines;
    }
    EXPECT_EQ(lines, unavailable.empty() ? 0u : 1u) << err;
}

} // namespace
} // namespace memsched
