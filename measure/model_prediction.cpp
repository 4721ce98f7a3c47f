// Model predictions per scheduler (see model_prediction.h).
#include "measure/model_prediction.h"

#include "generators/manual_schedules/register_block.h"
#include "model/problem.h"
#include "model/schedule.h"
#include "model/traffic.h"

#include <Halide.h>

#include <algorithm>
#include <regex>

namespace memsched::measure {
namespace {

// One cache in front of DRAM: each simulated level is predicted on its own,
// so the nest's reuse at that level is limited by that level's capacity only
// (a two-level model would bound D1's boxes by the LL's tiles, which an
// untiled nest does not have).
MemoryHierarchy single_level(const CacheGeometry& g) {
    MemoryHierarchy h;
    h.levels.push_back(MemoryLevel{g.level, g.size_bytes, g.line_bytes, 50e9, int(g.associativity)});
    h.levels.push_back(MemoryLevel{"DRAM", 0, g.line_bytes, 10e9, 0});
    return h;
}

// The kept positions and halo policy with the least traffic among those
// whose boxes fit the level's capacity (the smallest boxes if none fits).
void fit_kept_positions(const Problem& p, const MemoryHierarchy& h, Schedule& s) {
    for (size_t level = 0; level < s.levels.size(); level++) {
        LevelMapping best = s.levels[level], smallest = s.levels[level];
        int64_t best_bytes = -1, smallest_footprint = -1;
        for (int a = 0; a <= kNumLoops; a++)
            for (int b = 0; b <= kNumLoops; b++)
                for (int c = 0; c <= kNumLoops; c++)
                    for (HaloPolicy halo : {HaloPolicy::Refetch, HaloPolicy::Keep}) {
                        s.levels[level].kept_at = {a, b, c};
                        s.levels[level].halo = halo;
                        const TrafficReport r = evaluate(p, h, s);
                        const int64_t fp = r.levels[level].footprint_bytes();
                        if (smallest_footprint < 0 || fp < smallest_footprint) smallest_footprint = fp, smallest = s.levels[level];
                        if (!r.levels[level].fits()) continue;
                        const int64_t bytes = r.levels[level].traffic_bytes();
                        if (best_bytes < 0 || bytes < best_bytes) best_bytes = bytes, best = s.levels[level];
                    }
        // Nothing fits (e.g. a register block's whole reduction exceeds a small
        // D1): the smallest boxes, i.e. the least reuse the nest can have.
        s.levels[level] = best_bytes >= 0 ? best : smallest;
    }
}

// The hand schedule's nest: register blocks (lanes x rows x channels, the
// whole reduction inside) stepped along x, then channel blocks, then row
// blocks (the padded input is staged per row block, which the kept-position
// fit reproduces when it fits).
Schedule manual_schedule(const Problem& p, const LayerShape& shape) {
    const manual_schedules::RegisterBlock b =
        manual_schedules::register_block(Halide::Target("x86-64-linux-avx2"), int(shape.out_channels));
    const auto& e = p.extent;
    auto full = [&](Loop l) { return e[int(l)]; };
    LevelMapping reg;
    reg.tile = {1, std::min<int64_t>(b.channel_block, full(Loop::K)), full(Loop::C),
                std::min<int64_t>(b.row_block, full(Loop::Y)), std::min<int64_t>(b.vector_lanes, full(Loop::X)),
                full(Loop::R), full(Loop::S)};
    reg.order = {Loop::N, Loop::Y, Loop::K, Loop::X, Loop::C, Loop::R, Loop::S};
    Schedule s;
    s.levels = {reg};
    return s;
}

// Bytes the naive Halide code moves besides the conv nest: the root
// reduction is zero-filled in a pass of its own and copied into the output
// buffer in another. The nest's output traffic stands for the reduction
// buffer; its scratch allocation is reused call after call, so when it fits
// it stays cached. When it does not: the init pass allocates it (out), the
// copy re-reads it (out) and allocates the output buffer (out).
int64_t naive_extra_passes(const LayerShape& shape, int64_t capacity) {
    const int64_t out = shape.output_elements() * shape.element_bytes;
    return out > capacity ? 3 * out : 0;
}

// Bytes into one simulated level for the naive or manual nest.
int64_t nest_bytes(const Problem& p, const LayerShape& shape, Scheduler scheduler, const CacheGeometry& g) {
    const MemoryHierarchy h = single_level(g);
    Schedule s = scheduler == Scheduler::Manual ? manual_schedule(p, shape) : naive_schedule(p, h);
    fit_kept_positions(p, h, s);
    int64_t bytes = evaluate(p, h, s).levels[0].traffic_bytes();
    if (scheduler == Scheduler::Naive) bytes += naive_extra_passes(shape, g.size_bytes);
    return bytes;
}

std::optional<int64_t> plugin_level(const std::string& source, const std::string& level) {
    const std::regex re("predicted[^\\n]*\\b" + level + "=([0-9]+)B");
    std::smatch m;
    if (!std::regex_search(source, m, re)) return std::nullopt;
    return std::stoll(m[1].str());
}

} // namespace

Prediction predict_traffic(const LayerShape& shape, Scheduler scheduler, const CacheGeometry& d1,
                           const CacheGeometry& ll, const std::string& schedule_source) {
    Prediction out;
    if (scheduler == Scheduler::MemSched) {
        out.ll_bytes = plugin_level(schedule_source, "LLC");
        out.d1_bytes = plugin_level(schedule_source, "L1");
        out.source = out.ll_bytes ? "memsched plugin: plan_layer prediction for the applied schedule"
                                  : "no prediction: the plugin's schedule has no 'predicted ... LLC=' comment";
        return out;
    }
    if (is_plugin(scheduler)) {
        out.source = std::string("no prediction: ") + to_string(scheduler) +
                     "'s schedule_source is not translated into a model Schedule";
        return out;
    }
    const Problem p = Problem::from_shape(shape);
    out.d1_bytes = nest_bytes(p, shape, scheduler, d1);
    out.ll_bytes = nest_bytes(p, shape, scheduler, ll);
    out.source = scheduler == Scheduler::Manual
                     ? "model: hand-schedule loop nest per level, kept positions fitted to capacity"
                     : "model: naive nest n,k,y,x,c,r,s per level + init/copy passes, kept positions fitted to capacity";
    return out;
}

} // namespace memsched::measure
