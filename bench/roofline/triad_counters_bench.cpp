// STREAM triad under Google Benchmark with the runtime's counters: bytes
// moved per element by the program (24) beside what the caches and DRAM saw,
// where this machine can count them. Array sizes span in-cache to DRAM.
#include "bench/roofline/stream_kernels.h"
#include "runtime/counters/benchmark_counters.h"

#include <benchmark/benchmark.h>

#include <vector>

namespace memsched {
namespace {

void BM_Triad(benchmark::State& state) {
    const size_t n = static_cast<size_t>(state.range(0)) * 1024 * 1024 / sizeof(double);
    std::vector<double> a(n, 1.0), b(n, 2.0), c(n, 0.5);
    // task-clock too, so that the plumbing shows a figure even on machines without a PMU.
    std::vector<std::string> events = default_hardware_event_names();
    events.push_back("task-clock");
    run_with_counters(state, events, [&] {
        stream_triad(a.data(), b.data(), c.data(), 0, n);
        benchmark::DoNotOptimize(a.data());
        benchmark::ClobberMemory();
    });
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * 24 * n);
    state.counters["elements"] = static_cast<double>(n);
}
// MiB per array: L2-resident, LLC-sized on most machines, beyond most LLCs.
BENCHMARK(BM_Triad)->Arg(1)->Arg(32)->Arg(1024)->Unit(benchmark::kMillisecond);

} // namespace
} // namespace memsched

BENCHMARK_MAIN();
