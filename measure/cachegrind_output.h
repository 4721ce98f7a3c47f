// Reading cachegrind's output file (cachegrind.out.<pid>): the "events:"
// line names the counters, the "summary:" line holds their totals for the
// whole run. Only the totals are needed: per-call figures come from the
// difference of two runs (see cachegrind_run.h).
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace memsched::measure {

// Totals of one cachegrind run, keyed by event name (Ir, Dr, Dw, D1mr,
// D1mw, DLmr, DLmw, ...). Data misses are what we compare; references are
// inflated by vector ops and only reported.
struct CachegrindCounts {
    std::map<std::string, int64_t> events;

    int64_t get(const std::string& name) const; // throws std::runtime_error if absent
    int64_t d1_misses() const { return get("D1mr") + get("D1mw"); }
    int64_t ll_misses() const { return get("DLmr") + get("DLmw"); }
};

// Parses the file's text. Throws std::runtime_error naming what is missing
// or malformed (no events line, no summary line, count mismatch, ...).
CachegrindCounts parse_cachegrind_output(const std::string& text);

// a - b, event by event (the N-call run minus the 1-call run).
CachegrindCounts difference(const CachegrindCounts& a, const CachegrindCounts& b);

} // namespace memsched::measure
