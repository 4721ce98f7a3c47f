// memsched_bench_networks: every whole-network variant of the netpipe_bench
// set (MEMSCHED_NETWORK_PIPELINES) timed side by side with Google Benchmark,
// on 1 and 2 threads. One thread is enforced with set_halide_threads
// (halide_set_num_threads(1) alone leaves Halide 14's pool busy). Run with
//   --benchmark_repetitions=5 --benchmark_enable_random_interleaving=true
//   --benchmark_report_aggregates_only=true --benchmark_format=json
// so the variants alternate and each row is a median.
#include "bench/networks/pipeline_args.h"
#include "netpipe_bench_registry.h"
#include "runtime/heap/pipeline_heap.h"
#include "runtime/threads/halide_threads.h"

#include <benchmark/benchmark.h>

#include <iostream>
#include <map>
#include <memory>

namespace {

using memsched::PipelineArgs;
using memsched::VariantEntry;

// One argument set per config, built once: every variant of a network and
// every thread count reads the same values.
PipelineArgs& args_for(const VariantEntry& entry) {
    static std::map<std::string, std::unique_ptr<PipelineArgs>> cache;
    auto& slot = cache[entry.config];
    if (!slot) {
        const memsched::Network net = memsched::load_network_subset(memsched::pipeline_spec(entry));
        slot = std::make_unique<PipelineArgs>(memsched::make_pipeline_args(entry, net));
    }
    return *slot;
}

void run_variant(benchmark::State& state, const VariantEntry* entry, int threads, int64_t macs) {
    memsched::set_halide_threads(threads);
    PipelineArgs& args = args_for(*entry);
    if (int rc = memsched::run_pipeline(*entry, args); rc != 0) { // warm-up, and a check
        state.SkipWithError(("Halide error " + std::to_string(rc)).c_str());
        return;
    }
    for (auto _ : state) {
        memsched::run_pipeline(*entry, args);
        benchmark::ClobberMemory();
    }
    state.counters["GMAC/s"] = benchmark::Counter(double(macs) * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["threads"] = threads;
}

} // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    benchmark::AddCustomContext("heap", memsched::keep_heap_for_pipelines());
    for (const VariantEntry& entry : netpipe_bench_registry()) {
        const int64_t macs = memsched::load_network_subset(memsched::pipeline_spec(entry)).total_macs();
        for (int threads : {1, 2}) {
            const std::string name = std::string(entry.config) + "/" + entry.variant + "/threads:" +
                                     std::to_string(threads);
            benchmark::RegisterBenchmark(name.c_str(), run_variant, &entry, threads, macs)
                ->Unit(benchmark::kMillisecond)
                ->UseRealTime()
                ->MeasureProcessCPUTime();
        }
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
