// A set of named performance counters read through perf_event_open. Every
// event is either available (and then reports a measured value) or unavailable
// with the reason; an unavailable event never reports a number.
#pragma once

#include "runtime/counters/event_catalog.h"

#include <optional>
#include <string>
#include <vector>

namespace memsched {

// What one event counted between start() and stop().
struct CounterReading {
    std::string name;
    std::optional<double> value; // set only when the event was really counted
    std::string unit;            // "count", "ns" or "bytes"
    std::string reason;          // why value is missing; empty when available
    bool software = false;       // counted by the kernel, needs no PMU
    // The event could only be opened for user space (perf_event_paranoid refused kernel
    // counting), so work done in the kernel on our behalf is missing from value.
    bool user_only = false;
    // Fraction of the enabled time the event was on the PMU; < 1 means value was scaled
    // up from a sample because more events were requested than the PMU has counters.
    double fraction_counted = 1.0;

    bool available() const { return value.has_value(); }
};

// Opens its events at construction. Counting covers the calling thread and the threads
// it creates after construction (perf's inherit flag); system-wide events (uncore) cover
// the whole machine. Not thread-safe: start/stop/read from one thread.
class CounterSet {
public:
    explicit CounterSet(const std::vector<std::string>& names);
    ~CounterSet();
    CounterSet(CounterSet&& other) noexcept;
    CounterSet& operator=(CounterSet&& other) noexcept;
    CounterSet(const CounterSet&) = delete;
    CounterSet& operator=(const CounterSet&) = delete;

    // Zeroes and enables every available event.
    void start();
    // Disables every available event; read() then returns the counts since start().
    void stop();
    std::vector<CounterReading> read() const;

    // Readings of the events that could not be opened (known right after construction).
    std::vector<CounterReading> unavailable() const;
    bool any_available() const;

private:
    struct Event {
        ResolvedEvent spec;
        std::vector<int> fds; // one per part; empty when unavailable
        std::string reason;
        bool user_only = false;
    };

    void open_event(Event& event);
    void close_all();

    std::vector<Event> events_;
};

} // namespace memsched
