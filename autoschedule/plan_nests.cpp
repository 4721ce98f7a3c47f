// The plugin's loop nests as model Schedules, and their scoring (see
// plan_nests.h).
#include "autoschedule/plan_nests.h"

#include "model/kept_fit.h"
#include "model/objective.h"
#include "model/traffic.h"

#include <algorithm>
#include <cmath>

namespace memsched::autoschedule {
namespace {

int position(const LevelMapping& m, Loop l) { return m.position_of(l); }

// What of an LRU cache a block's boxes may fill and still be there for the
// next block (the output lines, the stack and set conflicts take the rest;
// measured at 32 KiB: 28 KiB of boxes stay (layer3.0.downsample's input),
// 39 KiB do not (layer1.0.conv1's block weights and input lines)).
constexpr double kLruUsableFraction = 0.9;

// Some level from the L2 outwards holds the tile.
bool held_by_a_cache(const TrafficReport& report) {
    for (size_t i = 1; i < report.levels.size(); i++)
        if (report.levels[i].fits()) return true;
    return false;
}

} // namespace

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

Schedule hosted_band_schedule(const Problem& p, const MemoryHierarchy& h, const MicroKernel& mk,
                              int64_t band_rows) {
    const int64_t k_block = std::min<int64_t>(mk.k_block, p.extent[int(Loop::K)]);
    Schedule s = template_schedule(p, h, mk, band_rows, k_block, false);
    // Bands outermost, then the channel blocks of the band (template order
    // for y-tiles outer): input kept per band, weights per channel block.
    for (size_t l = 2; l < s.levels.size(); l++) s.levels[l] = s.levels[1];
    return s;
}

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
                                 const Schedule& s, size_t first, const LruFit& how) {
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
        if (how.contiguous_full_rows && m.tile_of(Loop::X) == p.extent[int(Loop::X)]) {
            // One channel's rows of the box follow each other in memory.
            const int64_t run = ((m.tile_of(Loop::Y) - 1) * p.stride + p.extent[int(Loop::R)]) * row;
            return double(run + line - p.element_bytes) / double(run);
        }
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
        if (how.step_blocks)
            for (size_t i = 1; i <= l; i++) sl.levels[i] = s.levels[0];
        const auto usable = int64_t(kLruUsableFraction * double(params.levels[l].capacity_bytes));
        const KeptFitOptions fit{usable, input_lines(sl.levels[l]), padded_input_bytes};
        fit_kept_positions(p, hl, sl, l, fit);
        const LevelTraffic lt = evaluate(p, hl, sl).levels[l];
        bytes.push_back(lt.traffic_bytes());
        if (how.fitted) {
            // The footprint as the fit counts it (input boxes in lines).
            const int64_t in = lt.tensors[int(Tensor::Input)].footprint_bytes;
            const int64_t in_lines =
                std::max(in, std::min(int64_t(fit.input_line_factor * double(in)), padded_input_bytes));
            how.fitted->push_back(lt.footprint_bytes() - in + in_lines <= usable);
        }
    }
    return bytes;
}

std::vector<int64_t> candidate_sizes(int64_t extent, int64_t unit) {
    std::vector<int64_t> out;
    for (int64_t t = unit; t < extent; t *= 2) out.push_back(t);
    out.push_back(extent);
    return out;
}

void set_kept_traffic(TilePlan* plan, const std::vector<int64_t>& kept) {
    for (size_t i = 0; i < kept.size() && i + 1 < plan->traffic.size(); i++)
        plan->traffic[i + 1].bytes = double(kept[i]);
}

bool less_dram_traffic(const TilePlan& a, const TilePlan& b) {
    const double da = a.traffic.back().bytes, db = b.traffic.back().bytes;
    if (da < db * 0.999) return true;
    if (da > db * 1.001) return false;
    return a.transfer_seconds < b.transfer_seconds * 0.999;
}

Scored score(const Problem& problem, const MemoryHierarchy& h, const PluginParams& params,
             const Schedule& s, TilePlan plan, bool few_tiles_split_channels) {
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
    double tasks = double(problem.extent[int(Loop::N)]) *
                   std::ceil(double(problem.extent[int(Loop::Y)]) / double(plan.tile_y)) *
                   std::ceil(double(problem.extent[int(Loop::K)]) / double(plan.tile_k));
    if (few_tiles_split_channels && tasks < params.parallelism)
        tasks *= std::ceil(double(std::min<int64_t>(plan.tile_k, problem.extent[int(Loop::K)])) /
                           double(std::max(1, plan.kernel.k_block)));
    plan.predicted_seconds *= std::max(1.0, params.parallelism / tasks);
    return {plan, report.levels.size() > 1 && report.levels[1].fits(), held_by_a_cache(report)};
}

} // namespace memsched::autoschedule
