// Registers one Google Benchmark per (layer, thread count, variant) of a
// layer set, named <set>/<layer>/<variant>/threads:<N> (variant "opencv" for
// OpenCV DNN), after checking every variant's output against manual's.
#pragma once

#include "bench/layers/layer_sets.h"

#include <ostream>
#include <string>
#include <vector>

namespace memsched::bench {

struct LayerBenchOptions {
    std::vector<std::string> layers;   // config names; empty: all
    std::vector<std::string> variants; // registry variants and/or "opencv"; empty: all but naive
    std::vector<int> threads;          // thread counts, each timed separately
    int machine_parallelism = 1;       // machine_params the AOT plugins were given
    int64_t machine_llc_bytes = 0;
};

struct RegistrationResult {
    int registered = 0;
    int failed_checks = 0; // variants whose output disagreed with manual's or failed to run
};

// Builds buffers, runs the correctness checks (reported on `log`) and
// registers the benchmarks; a variant that fails its check is registered
// as a benchmark that reports the error instead of a time.
RegistrationResult register_layer_benchmarks(const NamedLayerSet& set,
                                             const LayerBenchOptions& options, std::ostream& log);

} // namespace memsched::bench
