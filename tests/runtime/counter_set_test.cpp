// Tests of CounterSet on whatever machine runs them. Hardware events must be
// either available and growing with work, or unavailable with a reason and no
// value; the software task clock makes the perf plumbing testable without a PMU.
#include "runtime/counters/counter_set.h"

#include "tests/runtime/busy_work.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <thread>

namespace memsched {
namespace {

using memsched::testing::busy_work;

double thread_cpu_ns() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

// Counts `events` around busy_work(iterations).
std::vector<CounterReading> count(const std::vector<std::string>& events, int64_t iterations) {
    CounterSet counters(events);
    counters.start();
    busy_work(iterations);
    counters.stop();
    return counters.read();
}

TEST(CounterSet, EveryEventIsMeasuredOrExplained) {
    std::vector<std::string> names = default_hardware_event_names();
    names.push_back("task-clock");
    std::vector<CounterReading> readings = count(names, 20'000'000);
    ASSERT_EQ(readings.size(), names.size());
    for (size_t i = 0; i < names.size(); ++i) {
        const CounterReading& r = readings[i];
        EXPECT_EQ(r.name, names[i]) << "readings keep the requested order";
        if (r.available()) {
            EXPECT_TRUE(r.reason.empty()) << r.name;
            // DRAM bytes are system-wide and could in principle be idle; the rest cannot.
            if (r.name.rfind("dram-", 0) != 0) {
                EXPECT_GT(*r.value, 0.0) << r.name << " available but zero after real work";
            }
            EXPECT_GT(r.fraction_counted, 0.0);
            EXPECT_LE(r.fraction_counted, 1.0);
        } else {
            EXPECT_FALSE(r.reason.empty()) << r.name << " unavailable without a reason";
            EXPECT_FALSE(r.value.has_value());
        }
    }
}

TEST(CounterSet, UnavailableEventsAreListedUpFront) {
    CounterSet counters({"NO_SUCH_EVENT_ANYWHERE", "cycles"});
    std::vector<CounterReading> missing = counters.unavailable();
    ASSERT_FALSE(missing.empty());
    EXPECT_EQ(missing[0].name, "NO_SUCH_EVENT_ANYWHERE");
    for (const CounterReading& r : missing) {
        EXPECT_FALSE(r.reason.empty());
        EXPECT_FALSE(r.value.has_value());
    }
    // Reading without start() still reports no value for the unknown event.
    EXPECT_FALSE(counters.read()[0].available());
}

TEST(CounterSet, NoPmuMeansHardwareEventsUnavailableWithErrno) {
    CounterSet counters({"cycles", "instructions", "llc-misses"});
    std::vector<CounterReading> readings = counters.read();
    if (counters.any_available()) {
        GTEST_SKIP() << "this machine has hardware counters";
    }
    for (const CounterReading& r : readings) {
        EXPECT_NE(r.reason.find("perf_event_open failed with"), std::string::npos) << r.reason;
        EXPECT_FALSE(r.value.has_value());
    }
}

TEST(CounterSet, TaskClockMatchesThreadCpuTime) {
    CounterSet counters({"task-clock"});
    double cpu_before = thread_cpu_ns();
    counters.start();
    busy_work(30'000'000);
    counters.stop();
    double cpu_ns = thread_cpu_ns() - cpu_before;
    CounterReading r = counters.read().at(0);
    if (!r.available()) {
        // Containers may forbid even software events (perf_event_paranoid, seccomp).
        ASSERT_FALSE(r.reason.empty());
        GTEST_SKIP() << "task-clock unavailable: " << r.reason;
    }
    EXPECT_EQ(r.unit, "ns");
    EXPECT_GT(*r.value, 0.0);
    // Same quantity from two kernel clocks; allow for the start/stop syscalls.
    EXPECT_NEAR(*r.value, cpu_ns, 0.1 * cpu_ns + 1e6);
}

TEST(CounterSet, TaskClockGrowsWithWork) {
    CounterReading small = count({"task-clock"}, 5'000'000).at(0);
    CounterReading large = count({"task-clock"}, 40'000'000).at(0);
    if (!small.available() || !large.available()) {
        GTEST_SKIP() << "task-clock unavailable: " << small.reason;
    }
    EXPECT_GT(*large.value, 3.0 * *small.value);
}

TEST(CounterSet, CountsThreadsCreatedAfterOpening) {
    CounterSet counters({"task-clock"});
    counters.start();
    double worker_cpu_ns[2] = {0, 0};
    std::thread workers[2];
    for (int t = 0; t < 2; ++t) {
        workers[t] = std::thread([&worker_cpu_ns, t] {
            double before = thread_cpu_ns();
            busy_work(15'000'000);
            worker_cpu_ns[t] = thread_cpu_ns() - before;
        });
    }
    for (std::thread& w : workers) {
        w.join();
    }
    counters.stop();
    CounterReading r = counters.read().at(0);
    if (!r.available()) {
        GTEST_SKIP() << "task-clock unavailable: " << r.reason;
    }
    EXPECT_GT(*r.value, 0.9 * (worker_cpu_ns[0] + worker_cpu_ns[1]));
}

TEST(CounterSet, InstructionsGrowWithWorkWhenAvailable) {
    CounterReading small = count({"instructions"}, 2'000'000).at(0);
    CounterReading large = count({"instructions"}, 16'000'000).at(0);
    if (!small.available()) {
        ASSERT_FALSE(small.reason.empty());
        GTEST_SKIP() << "instructions unavailable: " << small.reason;
    }
    ASSERT_TRUE(large.available()) << large.reason;
    // 8x the loop trips: at least 6x the instructions (loop overhead and syscalls aside).
    EXPECT_GT(*large.value, 6.0 * *small.value);
    EXPECT_GT(*small.value, 2'000'000.0);
}

// Bytes of the largest cache cpu0 sees (sysfs), 0 if unknown.
uint64_t largest_cache_bytes() {
    uint64_t largest = 0;
    for (int index = 0; index < 8; ++index) {
        std::ifstream in("/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index) +
                         "/size");
        std::string size;
        if (in >> size && !size.empty()) {
            uint64_t value = std::stoull(size);
            value <<= size.back() == 'K' ? 10 : size.back() == 'M' ? 20 : 0;
            largest = std::max(largest, value);
        }
    }
    return largest;
}

// Reading an array twice the LLC must miss the LLC and come from DRAM: the memory events,
// where the machine has them, must see at least most of those bytes.
TEST(CounterSet, MemoryEventsSeeAStreamWhenAvailable) {
    CounterSet probe({"llc-misses", "dram-read-bytes"});
    if (!probe.any_available()) {
        GTEST_SKIP() << "neither llc-misses nor dram-read-bytes: " << probe.unavailable()[0].reason
                     << " / " << probe.unavailable()[1].reason;
    }
    size_t bytes = std::max<uint64_t>(64u << 20, 2 * largest_cache_bytes());
    std::vector<double> data(bytes / sizeof(double), 1.0);
    double sum = 0.0;
    CounterSet counters({"llc-misses", "dram-read-bytes"});
    counters.start();
    for (double v : data) {
        sum += v;
    }
    counters.stop();
    ASSERT_EQ(sum, static_cast<double>(data.size()));
    for (const CounterReading& r : counters.read()) {
        if (!r.available()) {
            continue;
        }
        // Lower bounds only: prefetches and (for DRAM, system-wide) other processes add more.
        double expected = r.unit == "bytes" ? 0.8 * bytes : 0.1 * bytes / 64;
        EXPECT_GT(*r.value, expected) << r.name << " over a " << bytes << "-byte stream";
    }
}

TEST(CounterSet, MoveKeepsEventsOpen) {
    CounterSet first({"task-clock"});
    CounterSet second = std::move(first);
    second.start();
    busy_work(5'000'000);
    second.stop();
    CounterReading r = second.read().at(0);
    if (r.available()) {
        EXPECT_GT(*r.value, 0.0);
    } else {
        EXPECT_FALSE(r.reason.empty());
    }
}

} // namespace
} // namespace memsched
