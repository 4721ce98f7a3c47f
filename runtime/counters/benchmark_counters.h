// Runs a Google Benchmark state loop under a CounterSet and publishes the
// available events as per-iteration benchmark counters. Unavailable events are
// left out of the report and explained once per process on stderr.
#pragma once

#include "runtime/counters/counter_set.h"

#include <benchmark/benchmark.h>

#include <iostream>
#include <string>
#include <utility>
#include <vector>

namespace memsched {

// "hardware counters not available on this machine: <reason>" for the unavailable events
// among `readings` (distinct reasons joined, each with its events); empty if all available.
std::string unavailable_counters_message(const std::vector<CounterReading>& readings);

// Prints unavailable_counters_message to `out` the first time it is non-empty in this
// process; returns whether it printed.
bool report_unavailable_once(const std::vector<CounterReading>& readings, std::ostream& out);

// Adds each available reading to state.counters as an average per iteration.
void publish_counters(const std::vector<CounterReading>& readings, benchmark::State& state);

// Opens `events`, counts the whole `for (auto _ : state) body();` loop, and publishes.
// The counters include any time spent in PauseTiming regions of `body`.
template <class Body>
void run_with_counters(benchmark::State& state, const std::vector<std::string>& events,
                       Body&& body) {
    CounterSet counters(events);
    report_unavailable_once(counters.unavailable(), std::cerr);
    counters.start();
    for (auto _ : state) {
        body();
    }
    counters.stop();
    std::vector<CounterReading> readings = counters.read();
    // Events can also fail at read time (never scheduled on the PMU).
    report_unavailable_once(readings, std::cerr);
    publish_counters(readings, state);
}

template <class Body> void run_with_counters(benchmark::State& state, Body&& body) {
    run_with_counters(state, default_hardware_event_names(), std::forward<Body>(body));
}

} // namespace memsched
