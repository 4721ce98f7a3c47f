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

#include "autoschedule/plan_nests.h"
#include "model/objective.h"
#include "model/traffic.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace memsched::autoschedule {
namespace {

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

// Band heights for a hosted layer: every multiple of the block rows up to
// kFineBands blocks (the short bands small caches need), then doubling,
// then the full height.
constexpr int64_t kFineBands = 8;

std::vector<int64_t> band_candidates(int64_t height, int64_t rows) {
    std::vector<int64_t> out;
    for (int64_t b = rows; b < height; b = b < kFineBands * rows ? b + rows : 2 * b) out.push_back(b);
    out.push_back(height);
    return out;
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
                    bool staged_input, bool one_reduction) {
    const Problem problem = Problem::from_shape(shape);
    const MemoryHierarchy h = hierarchy_of(params);
    const int64_t kb = std::max<int64_t>(1, std::min<int64_t>(kernel.k_block, shape.out_channels));
    const int64_t height = problem.extent[int(Loop::Y)];
    std::string rejected;
    const int64_t rows = std::max<int64_t>(1, std::min<int64_t>(kernel.rows, height));
    auto search = [&](bool all_channels) {
        Scored best;
        for (int64_t ty : candidate_sizes(height, rows)) {
            for (int64_t tk : candidate_sizes(shape.out_channels, kb)) {
                if (all_channels && tk != shape.out_channels) continue;
                for (bool k_outer : {true, false}) {
                    const Schedule s = template_schedule(problem, h, kernel, ty, tk, k_outer);
                    if (EvalStatus st = validate(s, problem, h); !st) {
                        rejected = st.reason;
                        continue;
                    }
                    TilePlan candidate{kernel, ty, tk, k_outer};
                    candidate.source = "memsched model, time objective";
                    const Scored p = score(problem, h, params, s, candidate);
                    if (best.plan.traffic.empty() || better(p.plan, p.fits, best.plan, best.fits))
                        best = p;
                }
            }
        }
        if (one_reduction && !best.plan.traffic.empty() && !best.fits) {
            // No cache tile fits the L2: the figure below is what the levels
            // from the L2 outwards keep of the register blocks stepped channel
            // block by channel block through every row, so that is the nest
            // applied: tiles of all rows, one per thread's share of the
            // channels. Partial row tiles re-read every weight per tile, which
            // that figure does not see (ResNet-50 @224's layer4_0 add in 2
            // tiles of 4 of its 7 rows read its weights twice: 24.9 MiB at a
            // 1 MiB LL for 9.5 MB predicted). Only for a root of one conv: the
            // figure does not see a second conv's input, which with every row
            // per channel block no longer stays (ResNet-18 @224's layer2_0 add
            // rose from 2.5 to 20.1 MiB so, at 1 MiB).
            const int64_t k = shape.out_channels;
            const int64_t share = (k + params.parallelism - 1) / std::max(1, params.parallelism);
            TilePlan rows{kernel, height, std::min(k, (share + kb - 1) / kb * kb), true};
            rows.source = best.plan.source;
            best = score(problem, h, params,
                         template_schedule(problem, h, kernel, rows.tile_y, rows.tile_k, true), rows);
        }
        best.plan.tile_traffic = best.plan.traffic;
        best.plan.tile_held = best.held;
        if (!best.plan.traffic.empty() && !best.fits) {
            // No cache tile fits the L2: report what the levels from the L2
            // outwards can keep of the register blocks (the plan itself is
            // kept: with no tile fitting, its choice is the least-traffic
            // whole tile).
            const TilePlan& b = best.plan;
            const Schedule s = template_schedule(problem, h, kernel, b.tile_y, b.tile_k, b.k_outer);
            const std::vector<int64_t> kept = lru_traffic(problem, h, params, s, 1, LruFit{true});
            set_kept_traffic(&best.plan, kept);
            best.plan.source += "; tile exceeds " + h.levels[1].name + ": blocks as an LRU keeps them";
        }
        return best;
    };
    Scored best = search(staged_input);
    // A staged input is copied once per channel tile, a cost the model does
    // not charge, so staged layers tile all channels. Where no level holds
    // such a tile, channel tiles are still offered if one fits and moves
    // less from DRAM: a wide layer's weights otherwise stream once per row
    // tile (ResNet-50 @224's layer2_0 add root, two 1x1 convs with 768 KiB
    // of weights: 224 MB predicted and 189 MiB measured at a 1 MiB LL).
    if (staged_input && !best.held && !best.plan.traffic.empty()) {
        Scored tiled = search(false);
        if (tiled.fits && less_dram_traffic(tiled.plan, best.plan)) {
            tiled.plan.source += "; no cache holds a tile of every channel: channel tiles, "
                                 "the staged input copied per row band (per tile if k-tiles outer)";
            best = tiled;
        }
    }
    if (best.plan.traffic.empty()) {
        // Cannot happen for a legal shape; keep the build working and say why.
        best.plan = TilePlan{kernel, 1, kb, true, {}, 0, "no model prediction: " + rejected};
    }
    return best.plan;
}

TilePlan plan_hosted_bands(const LayerShape& shape, const PluginParams& params, const TilePlan& whole) {
    if (whole.tile_held || whole.traffic.empty() || shape.kind == LayerKind::FullyConnected)
        return whole;
    const Problem problem = Problem::from_shape(shape);
    const MemoryHierarchy h = hierarchy_of(params);
    const MicroKernel& mk = whole.kernel;
    const int64_t height = problem.extent[int(Loop::Y)];
    const int64_t rows = std::max<int64_t>(1, std::min<int64_t>(mk.rows, height));
    TilePlan best;
    for (int64_t band : band_candidates(height, rows)) {
        const Schedule s = hosted_band_schedule(problem, h, mk, band);
        if (!validate(s, problem, h)) continue;
        TilePlan candidate{mk, band, shape.out_channels, false};
        candidate.source = "memsched model; no cache holds a whole-reduction tile: hosted bands "
                           "as LRU caches keep them";
        TilePlan p = score(problem, h, params, s, candidate, /*few_tiles_split_channels=*/true).plan;
        // Printed and ranked: what an LRU of each level keeps of the nest
        // (the template's figure, every level holding its box, stays in
        // tile_traffic).
        p.tile_traffic = p.traffic;
        // Only nests whose band of one channel block fits every cache from
        // the L2 outwards: taller bands re-read the band's input per channel
        // block, which that figure would not see (and never move less).
        std::vector<bool> fitted;
        const std::vector<int64_t> kept = lru_traffic(problem, h, params, s, 1, LruFit{false, true, &fitted});
        if (std::find(fitted.begin(), fitted.end(), false) != fitted.end()) continue;
        set_kept_traffic(&p, kept);
        p.transfer_seconds = 0;
        for (size_t i = 0; i < p.traffic.size(); i++)
            p.transfer_seconds += transfer_time_s(h, int(i), int64_t(p.traffic[i].bytes));
        if (best.traffic.empty() || less_dram_traffic(p, best)) best = p;
    }
    if (best.traffic.empty()) return whole;
    best.tile_held = false;
    return best;
}

} // namespace memsched::autoschedule
