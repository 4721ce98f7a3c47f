// Measured versus predicted last-level traffic, read from the JSON written by
// `memsched validate --json FILE` (cachegrind runs of the layer variants):
//   {"machine": "...", "rows": [{"layer", "spec", "scheduler", "cache_bytes",
//     "measured_ll_bytes", "predicted_ll_bytes" (or null),
//     "relative_error" (or null), "lower_bound_bytes", "compulsory_bytes"}]}
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace memsched::report {

struct ValidationRow {
    std::string layer, spec, scheduler;
    int64_t cache_bytes = 0;                  // simulated last-level cache
    double measured_ll_bytes = 0.0;           // bytes past the last-level cache
    std::optional<double> predicted_ll_bytes; // the model's prediction, if any
    std::optional<double> relative_error;     // (measured - predicted) / measured
    double lower_bound_bytes = 0.0;
    double compulsory_bytes = 0.0;
};

struct ValidationResults {
    std::string file;
    std::string machine;
    std::vector<ValidationRow> rows;
};

// Throws InputError naming the file and field on any malformed input.
ValidationResults read_validation_results(const std::string& path);

} // namespace memsched::report
