// memsched_bench_layers: Google Benchmark over every AOT variant of each
// layer of a layer set (plus OpenCV DNN), at the estimate sizes, one thread
// and all cores. Our flags (--set, --layers, --variants, --threads) plus any
// --benchmark_* flag, e.g.
//   memsched_bench_layers --set resnet50 --benchmark_repetitions=5
//       --benchmark_enable_random_interleaving=true
//       --benchmark_out=r50.json --benchmark_out_format=json
// Exit code 1 when a variant failed its correctness check (its benchmark
// then reports the error instead of a time).
#include "bench/layers/layer_benchmarks.h"
#include "runtime/heap/pipeline_heap.h"

#include <CLI/CLI.hpp>
#include <benchmark/benchmark.h>

#include <algorithm>
#include <iostream>
#include <thread>

namespace {

std::string set_names(const std::vector<memsched::bench::NamedLayerSet>& sets) {
    std::string s;
    for (const auto& set : sets)
        s += (s.empty() ? "" : ", ") + set.network;
    return s;
}

} // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv); // removes the --benchmark_* flags
    benchmark::AddCustomContext("heap", memsched::keep_heap_for_pipelines());
    const auto sets = memsched::bench::built_layer_sets();
    CLI::App app{"memsched layer benchmarks: every variant of every layer of a layer set"};
    std::string set_name = sets.empty() ? "" : sets.front().network;
    memsched::bench::LayerBenchOptions options;
    const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
    options.threads = {1, cores};
    app.add_option("--set", set_name, "layer set (built: " + set_names(sets) + ")");
    app.add_option("--layers", options.layers,
                   "layers (configs) to run, comma-separated; default all")
        ->delimiter(',');
    app.add_option("--variants", options.variants,
                   "variants, comma-separated, 'opencv' for OpenCV DNN; default all but naive")
        ->delimiter(',');
    app.add_option("--threads", options.threads,
                   "thread counts, comma-separated; default 1 and all cores")
        ->delimiter(',')
        ->check(CLI::Range(1, 1024));
    CLI11_PARSE(app, argc, argv);
    if (options.threads.size() > 1 && options.threads[0] == options.threads[1])
        options.threads.pop_back();
    // What the AOT build gave the plugins (cmake: MEMSCHED_MACHINE_PARAMS).
    options.machine_parallelism = MEMSCHED_BUILD_THREADS;
    options.machine_llc_bytes = MEMSCHED_BUILD_LLC_BYTES;

    const memsched::bench::NamedLayerSet* chosen = nullptr;
    for (const auto& set : sets)
        if (set.network == set_name)
            chosen = &set;
    if (!chosen) {
        std::cerr << "error: --set " << set_name << " is not built (built: " << set_names(sets)
                  << "; see MEMSCHED_BENCH_LAYER_SETS)\n";
        return 2;
    }
    const auto result = memsched::bench::register_layer_benchmarks(*chosen, options, std::cerr);
    if (result.registered == 0) {
        std::cerr << "error: no benchmark matches --layers/--variants in set " << set_name << "\n";
        return 2;
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    if (result.failed_checks > 0) {
        std::cerr << "ERROR: " << result.failed_checks
                  << " correctness check(s) failed (see above)\n";
        return 1;
    }
    return 0;
}
