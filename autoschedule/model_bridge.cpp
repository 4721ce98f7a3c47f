// Tile planning for one layer through the traffic model (see model_bridge.h).
//
// The Halide schedule the plugin applies is a template with three free
// parameters: the cache-tile rows (tile_y), the cache-tile channels
// (tile_k, a multiple of the register block) and the order of the two tile
// loops. Each candidate is written as a memsched::Schedule that describes
// exactly that loop nest, evaluated with memsched::evaluate (traffic per
// level, per tensor) and ranked by memsched::roofline_time_s (the `time`
// objective: compute vs. traffic over each level's bandwidth). So the
// traffic printed next to a schedule is the model's figure for the
// schedule that is applied, not for a different, unconstrained optimum.
#include "autoschedule/model_bridge.h"

#include "model/kept_fit.h"
#include "model/memory_hierarchy.h"
#include "model/objective.h"
#include "model/problem.h"
#include "model/schedule.h"
#include "model/traffic.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace memsched::autoschedule {
namespace {

// The hierarchy tiles are planned against: every level shrunk to
// cache_fill_fraction of its capacity. The model's levels are
// application-managed buffers, but the real ones are LRU caches that also
// hold the staged copies, the output lines and the stack, so a tile planned
// to fill a level completely thrashes it (issue #5: 75% prediction error at
// a 32 KiB LL). Capacities only decide which tiles fit; the traffic of a
// given schedule does not depend on them.
MemoryHierarchy hierarchy_of(const PluginParams& params) {
    MemoryHierarchy h;
    // Private levels scale with the cores used; shared ones do not.
    for (size_t i = 0; i < params.levels.size(); i++) {
        const auto& l = params.levels[i];
        const double cores = i + 1 < params.levels.size() ? params.parallelism : 1;
        const auto planned_bytes =
            std::max<int64_t>(1, int64_t(double(l.capacity_bytes) * params.cache_fill_fraction));
        h.levels.push_back(MemoryLevel{l.name, planned_bytes, l.line_bytes,
                                       l.bandwidth_gbps * 1e9 * cores, 8});
    }
    h.levels.push_back(MemoryLevel{"DRAM", 0, params.levels.back().line_bytes,
                                   params.dram_bandwidth_gbps * 1e9, 0});
    return h;
}

int position(const LevelMapping& m, Loop l) { return m.position_of(l); }

// The loop nest tile_schedules.h builds, as the model's Schedule:
//   L1  = one register block (lanes x rows x k_block, whole reduction),
//         stepped channel blocks / row blocks / x vectors inside the cache tile;
//   L2  = one cache tile (tile_y rows x tile_k channels x full width);
//   LLC = the cache tile again, or the whole layer when it all fits.
Schedule template_schedule(const Problem& p, const MemoryHierarchy& h, const MicroKernel& mk,
                           int64_t tile_y, int64_t tile_k, bool k_outer) {
    const auto& e = p.extent;
    auto full = [&](Loop l) { return e[int(l)]; };
    LevelMapping reg;
    reg.tile = {1, std::min<int64_t>(mk.k_block, full(Loop::K)), full(Loop::C),
                std::min<int64_t>(mk.rows, full(Loop::Y)),
                std::min<int64_t>(mk.x_block(), full(Loop::X)), full(Loop::R), full(Loop::S)};
    reg.order = {Loop::N, Loop::C, Loop::R, Loop::S, Loop::K, Loop::Y, Loop::X};
    reg.kept_at = {position(reg, Loop::X) + 1, position(reg, Loop::K) + 1, kNumLoops};
    reg.halo = HaloPolicy::Keep;

    LevelMapping tile;
    tile.tile = {1, tile_k, full(Loop::C), tile_y, full(Loop::X), full(Loop::R), full(Loop::S)};
    tile.order = k_outer ? std::array<Loop, kNumLoops>{Loop::N, Loop::K, Loop::Y, Loop::C, Loop::X, Loop::R, Loop::S}
                         : std::array<Loop, kNumLoops>{Loop::N, Loop::Y, Loop::K, Loop::C, Loop::X, Loop::R, Loop::S};
    tile.kept_at = {position(tile, Loop::Y) + 1, position(tile, Loop::K) + 1, kNumLoops};
    tile.halo = HaloPolicy::Refetch;

    Schedule s;
    s.levels = {reg, tile};
    for (int l = 2; l < h.buffer_levels(); l++) {
        const int64_t all = (p.tensor_elements(Tensor::Input) + p.tensor_elements(Tensor::Weights) +
                             p.tensor_elements(Tensor::Output)) * p.element_bytes;
        LevelMapping outer = tile;
        if (all <= h.levels[l].capacity_bytes) {
            outer.tile = e;
            outer.kept_at = {0, 0, 0};
        }
        s.levels.push_back(outer);
    }
    return s;
}

// Issue #5: the nest of a conv whose reduction is split into chunks of
// tile_c input channels (tile_schedules.cpp, schedule_split_conv):
//   L1  = one register block over one chunk (lanes x rows x k_block x
//         tile_c x r x s), stepped channel blocks / row blocks / x vectors;
//   L2  = one cache tile over one chunk (tile_y rows x tile_k channels x full
//         width x tile_c); the chunks are the innermost tile loop, so the
//         tile's output box stays (partial sums accumulate in it) while each
//         chunk's input and weights are fetched;
//   LLC = the same tile (the split is only planned when no level holds a
//         whole-reduction tile, so the whole layer does not fit either).
Schedule split_schedule(const Problem& p, const MemoryHierarchy& h, const MicroKernel& mk,
                        int64_t tile_y, int64_t tile_k, int64_t tile_c, bool k_outer) {
    Schedule s = template_schedule(p, h, mk, tile_y, tile_k, k_outer);
    LevelMapping& reg = s.levels[0];
    reg.tile[int(Loop::C)] = tile_c;
    LevelMapping tile = s.levels[1];
    tile.tile[int(Loop::C)] = tile_c;
    tile.order = k_outer ? std::array<Loop, kNumLoops>{Loop::N, Loop::K, Loop::Y, Loop::C, Loop::X, Loop::R, Loop::S}
                         : std::array<Loop, kNumLoops>{Loop::N, Loop::Y, Loop::K, Loop::C, Loop::X, Loop::R, Loop::S};
    const int chunk = position(tile, Loop::C);
    tile.kept_at[int(Tensor::Output)] = chunk;
    tile.kept_at[int(Tensor::Input)] = chunk + 1;
    tile.kept_at[int(Tensor::Weights)] = chunk + 1;
    for (size_t l = 1; l < s.levels.size(); l++) s.levels[l] = tile;
    return s;
}

// What of an LRU cache a block's boxes may fill and still be there for the
// next block (the output lines, the stack and set conflicts take the rest;
// measured at 32 KiB: 28 KiB of boxes stay (layer3.0.downsample's input),
// 39 KiB do not (layer1.0.conv1's block weights and input lines)).
constexpr double kLruUsableFraction = 0.9;

// Issue #5. A cache tile larger than a level is not held by it: the level
// only keeps what fits of the register blocks the tile steps through. The
// template's figure for such a level assumes the whole tile is held (at a
// 32 KiB LL: the compulsory bytes, 4-13x below cachegrind). Here every level
// from `first` outwards is one register block stepped in the applied order
// (channel blocks, row blocks, x blocks; exact when the tile is the whole
// layer, which is what the plan falls back to when no tile fits; with
// partial tiles the tile loops' nesting is dropped), with the kept
// positions fitted to kLruUsableFraction of the level's capacity (not the
// planned fraction) with a block's input rows counted in the lines they
// touch (at 32 KiB, layer1.0.conv1's blocks read 13.5 KiB of weights and
// 10 KiB of input in rows of 10 of 18 columns, about 25 KiB of lines, so
// nothing survives from one block to the next). Each level is evaluated
// alone in front of DRAM. Returns the bytes into levels first.. outwards.
//
// `step_blocks` false (a reduction-split plan, whose tiles fit): the levels
// keep their planned tiles and only the kept positions are fitted the same
// way, so the figure is what an LRU keeps of the applied nest rather than
// the template's fixed kept positions (which miss, e.g., weights that stay
// across row tiles).
std::vector<int64_t> lru_traffic(const Problem& p, const MemoryHierarchy& h, const PluginParams& params,
                                 const Schedule& s, size_t first, bool step_blocks) {
    const int64_t line = params.levels.back().line_bytes;
    const int64_t xb = s.levels[0].tile_of(Loop::X);
    // The padded map the blocks read (full blocks over-compute the last
    // columns, so its width is the output's rounded up to whole blocks).
    // Rows narrower than a line share lines with the next rows: then a box
    // row costs at most the padded row's bytes; wider ones touch
    // (row + line - element) / line lines on average.
    const int64_t cols = (p.extent[int(Loop::X)] + xb - 1) / xb * xb;
    const int64_t padded_row = ((cols - 1) * p.stride + p.extent[int(Loop::S)]) * p.element_bytes;
    // A box's input rows: the level's x tile plus the window, rounded up to
    // the lines they touch on average.
    auto input_lines = [&](const LevelMapping& m) {
        const int64_t row = ((m.tile_of(Loop::X) - 1) * p.stride + p.extent[int(Loop::S)]) * p.element_bytes;
        return padded_row >= line ? double(row + line - p.element_bytes) / double(row)
                                  : std::max(1.0, double(padded_row) / double(row));
    };
    const int64_t out_rows = (p.extent[int(Loop::Y)] + s.levels[0].tile_of(Loop::Y) - 1) /
                             s.levels[0].tile_of(Loop::Y) * s.levels[0].tile_of(Loop::Y);
    const int64_t padded_input_bytes = p.extent[int(Loop::N)] * p.extent[int(Loop::C)] *
                                       ((out_rows - 1) * p.stride + p.extent[int(Loop::R)]) * padded_row;
    std::vector<int64_t> bytes;
    for (size_t l = first; l < s.levels.size(); l++) {
        // Level l alone in front of DRAM (the levels inside it as planned):
        // its tile loops step the blocks through the whole layer.
        MemoryHierarchy hl;
        hl.levels.assign(h.levels.begin(), h.levels.begin() + l + 1);
        hl.levels.push_back(h.levels.back());
        Schedule sl;
        sl.levels.assign(s.levels.begin(), s.levels.begin() + l + 1);
        if (step_blocks)
            for (size_t i = 1; i <= l; i++) sl.levels[i] = s.levels[0];
        const auto usable = int64_t(kLruUsableFraction * double(params.levels[l].capacity_bytes));
        fit_kept_positions(p, hl, sl, l,
                           KeptFitOptions{usable, input_lines(sl.levels[l]), padded_input_bytes});
        bytes.push_back(evaluate(p, hl, sl).levels[l].traffic_bytes());
    }
    return bytes;
}

// A reduction split must be predicted to move at most 1/kSplitMinGain of
// the whole-reduction blocks' DRAM bytes. Both figures are LRU estimates,
// off by tens of percent at a 32 KiB LL (bench/RESULTS.md), and the split
// adds partial-sum reloads and per-chunk copies. Set from the ResNet-18 /4
// layers at 32 KiB (so fitted on the cases it is checked on): conv1 (3
// input channels, 7x7, stride 2) was predicted 1.7x better split and
// measured 3.4x worse; the eight convs that take it were predicted
// 2.2-5.1x better and measured 3.0-6.9x better.
constexpr double kSplitMinGain = 2.0;

// Some level from the L2 outwards holds the tile.
bool held_by_a_cache(const TrafficReport& report) {
    for (size_t i = 1; i < report.levels.size(); i++)
        if (report.levels[i].fits()) return true;
    return false;
}

std::vector<int64_t> candidate_sizes(int64_t extent, int64_t unit) {
    std::vector<int64_t> out;
    for (int64_t t = unit; t < extent; t *= 2) out.push_back(t);
    out.push_back(extent);
    return out;
}

// The fit of the cache-tile level decides first: a tile the L2 cannot hold
// is refetched in ways the model (an application-managed buffer) does not
// charge for. Then the roofline time; when that is compute-bound for both
// (the common case: every level's transfer hides under the FMAs in the
// model), the plan moving less data (weighted by each level's bandwidth)
// wins, since real loads do not overlap perfectly with compute.
bool better(const TilePlan& a, bool a_fits, const TilePlan& b, bool b_fits) {
    if (a_fits != b_fits) return a_fits;
    if (a.predicted_seconds < b.predicted_seconds * 0.999) return true;
    if (a.predicted_seconds > b.predicted_seconds * 1.001) return false;
    return a.transfer_seconds < b.transfer_seconds * 0.999;
}

// One candidate nest scored: traffic per level, roofline time (idle cores
// counted when there are fewer tiles than threads), transfer time.
struct Scored {
    TilePlan plan;
    bool fits = false; // the L2 holds the cache tile
    bool held = false; // some level holds it
};

Scored score(const Problem& problem, const MemoryHierarchy& h, const PluginParams& params,
             const Schedule& s, TilePlan plan) {
    ComputeSpec compute;
    compute.peak_flops_per_s = params.peak_gflops_per_core * 1e9 * params.parallelism;
    const TrafficReport report = evaluate(problem, h, s);
    plan.predicted_seconds = roofline_time_s(problem, h, compute, report);
    plan.traffic.clear();
    plan.transfer_seconds = 0;
    for (size_t i = 0; i < report.levels.size(); i++) {
        const int64_t bytes = report.levels[i].traffic_bytes();
        plan.traffic.push_back({report.levels[i].level_name, double(bytes)});
        plan.transfer_seconds += transfer_time_s(h, int(i), bytes);
    }
    // Fewer tasks than threads leaves cores idle (the model is per layer, not per core).
    const double tasks = double(problem.extent[int(Loop::N)]) *
                         std::ceil(double(problem.extent[int(Loop::Y)]) / double(plan.tile_y)) *
                         std::ceil(double(problem.extent[int(Loop::K)]) / double(plan.tile_k));
    plan.predicted_seconds *= std::max(1.0, params.parallelism / tasks);
    return {plan, report.levels.size() > 1 && report.levels[1].fits(), held_by_a_cache(report)};
}

// Among tiles that fit, the split is ranked by the bytes from DRAM first:
// it exists to cut them (issue #5); the faster levels' traffic (which the
// time objective would weigh by bandwidth, favouring small register-level
// reloads over DRAM) only breaks ties.
bool less_dram_traffic(const TilePlan& a, const TilePlan& b) {
    const double da = a.traffic.back().bytes, db = b.traffic.back().bytes;
    if (da < db * 0.999) return true;
    if (da > db * 1.001) return false;
    return a.transfer_seconds < b.transfer_seconds * 0.999;
}

} // namespace

std::string TilePlan::describe() const {
    std::ostringstream s;
    s << "kernel " << kernel.describe() << ", tile y" << tile_y << " k" << tile_k;
    if (tile_c > 0) s << " c" << tile_c << " (reduction split, partial sums in the tile)";
    s << ", "
      << (k_outer ? "k-tiles outer" : "y-tiles outer") << ", predicted";
    for (const auto& t : traffic) s << " " << t.level << "=" << std::llround(t.bytes) << "B";
    s << " time=" << std::llround(predicted_seconds * 1e9) << "ns (" << source << ")";
    return s.str();
}

TilePlan plan_layer(const LayerShape& shape, const PluginParams& params, const MicroKernel& kernel,
                    bool staged_input) {
    const Problem problem = Problem::from_shape(shape);
    const MemoryHierarchy h = hierarchy_of(params);
    const int64_t kb = std::max<int64_t>(1, std::min<int64_t>(kernel.k_block, shape.out_channels));
    const int64_t height = problem.extent[int(Loop::Y)];
    TilePlan best;
    bool best_fits = false, best_held = false;
    std::string rejected;
    const int64_t rows = std::max<int64_t>(1, std::min<int64_t>(kernel.rows, height));
    for (int64_t ty : candidate_sizes(height, rows)) {
        for (int64_t tk : candidate_sizes(shape.out_channels, kb)) {
            if (staged_input && tk != shape.out_channels) continue;
            for (bool k_outer : {true, false}) {
                const Schedule s = template_schedule(problem, h, kernel, ty, tk, k_outer);
                if (EvalStatus st = validate(s, problem, h); !st) {
                    rejected = st.reason;
                    continue;
                }
                TilePlan candidate{kernel, ty, tk, k_outer};
                candidate.source = "memsched model, time objective";
                const Scored p = score(problem, h, params, s, candidate);
                if (best.traffic.empty() || better(p.plan, p.fits, best, best_fits))
                    best = p.plan, best_fits = p.fits, best_held = p.held;
            }
        }
    }
    best.tile_traffic = best.traffic;
    best.tile_held = best_held;
    if (!best.traffic.empty() && !best_fits) {
        // No cache tile fits the L2: report what the levels from the L2
        // outwards can keep of the register blocks (the plan itself is kept:
        // with no tile fitting, its choice is the least-traffic whole tile).
        const Schedule s = template_schedule(problem, h, kernel, best.tile_y, best.tile_k, best.k_outer);
        const std::vector<int64_t> held = lru_traffic(problem, h, params, s, 1, true);
        for (size_t i = 0; i < held.size() && i + 1 < best.traffic.size(); i++)
            best.traffic[i + 1].bytes = double(held[i]);
        best.source += "; tile exceeds " + h.levels[1].name + ": blocks as an LRU keeps them";
    }
    if (best.traffic.empty()) {
        // Cannot happen for a legal shape; keep the build working and say why.
        best = TilePlan{kernel, 1, kb, true, {}, 0, "no model prediction: " + rejected};
    }
    return best;
}

TilePlan plan_reduction_split(const ConvMatch& match, const Halide::Target& target,
                              const PluginParams& params, const TilePlan& whole, bool staged_input) {
    const LayerShape& matched = match.shape;
    // Only where no cache holds the whole-reduction tile: wherever one does
    // (every layer of the bench sets on this machine's 2 MiB L2 and LLC),
    // the plan and the emitted schedule stay as they were.
    if (whole.tile_held || whole.traffic.empty() || match.channel_rvar.empty() ||
        matched.kind != LayerKind::Conv || matched.groups != 1 || matched.in_channels < 2)
        return whole;
    // The split copies each chunk of a staged padded input from the data
    // itself (the border is zeros, never read from memory): its problem is
    // the conv on the unpadded input. (The whole-reduction figure it is
    // compared with stays the one printed for that plan, on the padded
    // copy: its unheld-block rule was fitted there, and recomputed on the
    // unpadded problem it came out 1.3-4.8x below cachegrind at 32 KiB.)
    LayerShape shape = matched;
    if (staged_input && match.input_pad > 0 && matched.in_width > 2 * match.input_pad &&
        matched.in_height > 2 * match.input_pad) {
        shape.pad = match.input_pad;
        shape.in_width -= 2 * match.input_pad;
        shape.in_height -= 2 * match.input_pad;
    }
    const Problem problem = Problem::from_shape(shape);
    const MemoryHierarchy h = hierarchy_of(params);
    // The split is scheduled with an x-vectorized block (the channel-vectorized
    // one and its k-innermost weights copy are not offered with it).
    const MicroKernel mk = whole.kernel.channel_vectors
                               ? choose_micro_kernel(target, params.vector_width_override,
                                                     shape.out_width(), shape.out_height(),
                                                     shape.out_channels, false, false)
                               : whole.kernel;
    const int64_t kb = std::max<int64_t>(1, std::min<int64_t>(mk.k_block, shape.out_channels));
    const int64_t height = problem.extent[int(Loop::Y)];
    const int64_t rows = std::max<int64_t>(1, std::min<int64_t>(mk.rows, height));
    TilePlan best;
    for (int64_t tc : candidate_sizes(shape.in_channels, 1))
        for (int64_t ty : candidate_sizes(height, rows))
            for (int64_t tk : candidate_sizes(shape.out_channels, kb))
                for (bool k_outer : {true, false}) {
                    const Schedule s = split_schedule(problem, h, mk, ty, tk, tc, k_outer);
                    if (!validate(s, problem, h)) continue;
                    TilePlan candidate{mk, ty, tk, k_outer};
                    candidate.tile_c = tc;
                    candidate.split_rvar = match.channel_rvar;
                    candidate.source = "memsched model, time objective; no cache holds a "
                                       "whole-reduction tile: reduction split";
                    const Scored p = score(problem, h, params, s, candidate);
                    if (p.fits && (best.traffic.empty() || less_dram_traffic(p.plan, best)))
                        best = p.plan;
                }
    if (best.traffic.empty()) return whole;
    // Printed and compared: what an LRU of each level keeps of the split
    // nest (the template's figure stays in tile_traffic).
    best.tile_traffic = best.traffic;
    const Schedule s = split_schedule(problem, h, mk, best.tile_y, best.tile_k, best.tile_c, best.k_outer);
    const std::vector<int64_t> kept = lru_traffic(problem, h, params, s, 1, false);
    for (size_t i = 0; i < kept.size() && i + 1 < best.traffic.size(); i++)
        best.traffic[i + 1].bytes = double(kept[i]);
    // The split pays off only when the model says it moves clearly less
    // from DRAM than what the caches keep of the whole-reduction blocks.
    if (best.traffic.back().bytes * kSplitMinGain > whole.traffic.back().bytes) return whole;
    best.tile_held = true;
    return best;
}

} // namespace memsched::autoschedule
