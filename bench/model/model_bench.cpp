// Speed of the traffic model: single schedule evaluations (target: 1M/s per
// core), one layer's search, and the whole ResNet-50 layer set at 64 KiB
// (target: under 10 s on 2 cores). Results go to bench/RESULTS.md.
#include "generators/networks/network.h"
#include "model/search.h"
#include "model/traffic.h"

#include <benchmark/benchmark.h>

#include <random>

namespace memsched {
namespace {

LayerShape resnet_3x3() {
    LayerShape l;
    l.in_channels = 64; l.out_channels = 64; l.in_height = 56; l.in_width = 56;
    l.kernel_h = l.kernel_w = 3; l.pad = 1;
    return l;
}

// Random legal single-level schedules with tiles from the search's candidates.
std::vector<Schedule> random_schedules(const Problem& p, int count) {
    std::mt19937 rng(1);
    std::vector<Schedule> out;
    for (int i = 0; i < count; ++i) {
        LevelMapping m;
        for (int l = 0; l < kNumLoops; ++l) {
            const auto c = tile_candidates(p, Loop(l), p.extent[l], 1);
            m.tile[l] = c[rng() % c.size()];
        }
        std::shuffle(m.order.begin(), m.order.end(), rng);
        for (int t = 0; t < kNumTensors; ++t) m.kept_at[t] = rng() % 8;
        m.halo = HaloPolicy::Keep;
        out.push_back(Schedule{{m}});
    }
    return out;
}

// One full evaluate() from scratch (validation, grids, footprints, bytes).
void BM_EvaluateSchedule(benchmark::State& state) {
    const Problem p = Problem::from_shape(resnet_3x3());
    const MemoryHierarchy h = MemoryHierarchy::scratchpad(64 * 1024);
    const std::vector<Schedule> s = random_schedules(p, 1024);
    size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(evaluate(p, h, s[i++ & 1023]).outer_traffic_bytes());
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EvaluateSchedule);

// Search of one layer; items = schedules scored (tile set x order x kept positions).
void BM_SearchLayer(benchmark::State& state) {
    const Problem p = Problem::from_shape(resnet_3x3());
    const MemoryHierarchy h = MemoryHierarchy::scratchpad(state.range(0) * 1024);
    SearchOptions o;
    o.parallel = false; // per-core figure
    int64_t evaluated = 0;
    for (auto _ : state) evaluated += search(p, h, o).evaluated;
    state.SetItemsProcessed(evaluated);
}
BENCHMARK(BM_SearchLayer)->Arg(16)->Arg(64)->Arg(256)->Unit(benchmark::kMillisecond);

// Every distinct ResNet-50 layer shape explored at 64 KiB, TBB over all cores.
void BM_SearchResNet50(benchmark::State& state) {
    const Network net = load_builtin_network("resnet50");
    const std::vector<LayerSetEntry> layers = distinct_layer_shapes(net);
    const MemoryHierarchy h = MemoryHierarchy::scratchpad(64 * 1024);
    int64_t evaluated = 0;
    for (auto _ : state) {
        for (const LayerSetEntry& e : layers)
            evaluated += search(Problem::from_shape(e.shape), h, SearchOptions{}).evaluated;
    }
    state.SetItemsProcessed(evaluated);
    state.counters["layers"] = static_cast<double>(layers.size());
}
BENCHMARK(BM_SearchResNet50)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

} // namespace
} // namespace memsched

BENCHMARK_MAIN();
