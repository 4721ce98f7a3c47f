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

MemoryHierarchy simulated_hierarchy(const CacheGeometry& d1, const CacheGeometry& ll) {
    MemoryHierarchy h;
    h.levels.push_back(MemoryLevel{"D1", d1.size_bytes, d1.line_bytes, 200e9, int(d1.associativity)});
    h.levels.push_back(MemoryLevel{"LL", ll.size_bytes, ll.line_bytes, 50e9, int(ll.associativity)});
    h.levels.push_back(MemoryLevel{"DRAM", 0, ll.line_bytes, 10e9, 0});
    return h;
}

// For each level, innermost first: the kept positions and halo policy with
// the least traffic at that level among those whose boxes fit its capacity.
void fit_kept_positions(const Problem& p, const MemoryHierarchy& h, Schedule& s) {
    for (size_t level = 0; level < s.levels.size(); level++) {
        LevelMapping best = s.levels[level];
        int64_t best_bytes = -1;
        for (int a = 0; a <= kNumLoops; a++)
            for (int b = 0; b <= kNumLoops; b++)
                for (int c = 0; c <= kNumLoops; c++)
                    for (HaloPolicy halo : {HaloPolicy::Refetch, HaloPolicy::Keep}) {
                        s.levels[level].kept_at = {a, b, c};
                        s.levels[level].halo = halo;
                        const TrafficReport r = evaluate(p, h, s);
                        if (!r.levels[level].fits()) continue;
                        const int64_t bytes = r.levels[level].traffic_bytes();
                        if (best_bytes < 0 || bytes < best_bytes) best_bytes = bytes, best = s.levels[level];
                    }
        s.levels[level] = best;
    }
}

Schedule manual_schedule(const Problem& p, const LayerShape& shape) {
    const manual_schedules::RegisterBlock b =
        manual_schedules::register_block(Halide::Target("x86-64-linux-avx2"), int(shape.out_channels));
    const auto& e = p.extent;
    auto full = [&](Loop l) { return e[int(l)]; };
    const int64_t kb = std::min<int64_t>(b.channel_block, full(Loop::K));
    const int64_t rb = std::min<int64_t>(b.row_block, full(Loop::Y));
    // D1 level: one register block, the whole reduction; it steps along x.
    LevelMapping reg;
    reg.tile = {1, kb, full(Loop::C), rb, std::min<int64_t>(b.vector_lanes, full(Loop::X)), full(Loop::R),
                full(Loop::S)};
    reg.order = {Loop::N, Loop::Y, Loop::K, Loop::X, Loop::C, Loop::R, Loop::S};
    // LL level: a row block (the staged padded input) stepped per channel block.
    LevelMapping rows;
    rows.tile = {1, kb, full(Loop::C), rb, full(Loop::X), full(Loop::R), full(Loop::S)};
    rows.order = {Loop::N, Loop::Y, Loop::K, Loop::X, Loop::C, Loop::R, Loop::S};
    Schedule s;
    s.levels = {reg, rows};
    return s;
}

// Bytes the naive Halide code moves besides the conv nest: the root
// reduction is zero-filled in a pass of its own and copied into the output
// buffer in another. Each pass allocates the lines it writes; the update and
// the copy re-read the reduction's buffer from DRAM when it does not fit.
int64_t naive_extra_passes(const LayerShape& shape, int64_t capacity) {
    const int64_t out = shape.output_elements() * shape.element_bytes;
    return out + (out > capacity ? 2 * out : 0);
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
    const MemoryHierarchy h = simulated_hierarchy(d1, ll);
    Schedule s = scheduler == Scheduler::Manual ? manual_schedule(p, shape) : naive_schedule(p, h);
    fit_kept_positions(p, h, s);
    const TrafficReport r = evaluate(p, h, s);
    out.d1_bytes = r.levels[0].traffic_bytes();
    out.ll_bytes = r.levels[1].traffic_bytes();
    if (scheduler == Scheduler::Naive) {
        *out.d1_bytes += naive_extra_passes(shape, d1.size_bytes);
        *out.ll_bytes += naive_extra_passes(shape, ll.size_bytes);
        out.source = "model: naive nest n,k,y,x,c,r,s + init and copy passes, kept positions fitted to capacity";
    } else {
        out.source = "model: hand-schedule loop nest, kept positions fitted to capacity";
    }
    return out;
}

} // namespace memsched::measure
