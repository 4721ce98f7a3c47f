// The layer benchmark's results, read from Google Benchmark's JSON output of
// build/bin/memsched_bench_layers (--benchmark_out_format=json). Benchmark
// names are "<set>/<layer>/<variant>/threads:<N>" (Google Benchmark may add
// components such as "real_time" or "repeats:3"; they are ignored). With
// repetitions the "median" aggregate is used; without aggregates the median
// of the repetitions is taken here.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace memsched::report {

struct BenchRow {
    std::string set, layer, variant;
    int threads = 1;
    double real_time_s = 0.0;     // wall-clock time per iteration, seconds
    std::optional<double> gflops; // counter, or 2 * macs / real_time
    std::optional<double> macs;   // multiply-accumulates per iteration
    // Counters named predicted_<level>_bytes, by level (memsched only).
    std::map<std::string, double> predicted_bytes;
    int repetitions = 1; // runs the value summarises
    // Network layers sharing this shape (counter layer_count, default 1):
    // totals weight each row by it so they read as whole-network figures.
    int layer_count = 1;
};

// A benchmark that reported an error instead of a time (e.g. a variant that
// cannot be built for a layer), shown as such rather than dropped.
struct BenchError {
    std::string name, message;
};

struct BenchResults {
    std::string file;
    std::string machine; // host, CPUs, MHz, caches, from "context"
    std::string date;
    std::vector<BenchRow> rows; // in file order of first appearance
    std::vector<BenchError> errors;
};

// Throws InputError naming the file and field on any malformed input.
BenchResults read_bench_results(const std::string& path);

} // namespace memsched::report
