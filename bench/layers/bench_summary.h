// Reading memsched_bench_layers' Google Benchmark JSON (names
// <set>/<layer>/<variant>/threads:<N>) and summarising it as Markdown: per
// layer times, and per set and thread count the geometric-mean speedups of
// memsched against the best bundled autoscheduler, OpenCV DNN and manual,
// total GFLOP/s and the fraction of the machine's peak.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace memsched::bench {

struct LayerResult {
    std::string set, layer, variant;
    int threads = 1;
    double real_ms = 0; // median when the run had repetitions, else the single run
    double cpu_ms = 0;  // from cpu_gflops: process CPU time (all threads) per call; 0 if absent
    double macs = 0;
    int layer_count = 1; // network layers sharing this shape
};

// Medians (aggregate_name "median") when present, else the iteration runs;
// errored runs and names not of the four-part form are left out.
std::vector<LayerResult> parse_bench_json(const nlohmann::json& json);

struct PeakGflops {
    double one_thread = 0; // 0: unknown
    double all_threads = 0;
    int all_threads_count = 0; // the thread count "all" means
};

enum class TimeBasis { Wall, Cpu };

// Per layer tables and the summary table, as Markdown, on wall-clock times
// or on process CPU time (work per CPU second, as bench/roofline's *_cpu_time;
// its "% of peak" is against the one-thread peak, as the rate is per core-second).
std::string summarise(const std::vector<LayerResult>& results, const PeakGflops& peak,
                      TimeBasis basis);

} // namespace memsched::bench
