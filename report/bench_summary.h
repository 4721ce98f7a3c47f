// Figures derived from the layer benchmark: per scheduler and thread count
// the total time and aggregate GFLOP/s over its layers (each weighted by
// the number of network layers of that shape), and the geometric
// mean speedup of memsched over the best bundled Halide autoscheduler
// (per layer, the fastest of mullapudi2016, adams2019, li2018) and over
// OpenCV, on the layers where both sides were measured.
#pragma once

#include "report/bench_results.h"

#include <optional>
#include <string>
#include <vector>

namespace memsched::report {

struct SchedulerTotal {
    std::string variant;
    int threads = 1;
    int layers = 0;            // distinct layer shapes measured
    int network_layers = 0;    // layers of the network they stand for (layer_count)
    double total_time_s = 0.0; // sum of layer_count x time
    // Sum of 2 x MACs over sum of time; absent when a layer lacks its MAC count.
    std::optional<double> gflops;
};

struct LayerSpeedup {
    std::string layer;
    std::string baseline_variant; // which autoscheduler was fastest, or "opencv"
    double speedup = 0.0;         // baseline time / memsched time
};

struct SpeedupSummary {
    int threads = 1;
    std::string baseline; // "best autoscheduler" or "opencv"
    double geomean = 0.0;
    std::vector<LayerSpeedup> layers;
};

// Sorted by thread count, then scheduler in a fixed order (naive, manual,
// autoschedulers, memsched, opencv, others).
std::vector<SchedulerTotal> scheduler_totals(const BenchResults& bench);

// Only baselines that were measured appear; empty when memsched was not run.
std::vector<SpeedupSummary> memsched_speedups(const BenchResults& bench);

// Display order of a variant name (known ones first, in the order above).
int variant_rank(const std::string& variant);
bool is_bundled_autoscheduler(const std::string& variant);

} // namespace memsched::report
