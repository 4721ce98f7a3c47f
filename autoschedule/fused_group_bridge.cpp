// Fuse-or-not and band choice through the fusion model (see fused_group_bridge.h).
//
// Both ways are compared at ONE boundary: the bytes moved into the level
// that holds the fused intermediates (L2 when there is one; its capacity
// times cache_fill_fraction, as the per-layer plans use). Layer by layer,
// that is the sum of the applied per-layer plans' traffic into that level
// (their own nest, model_bridge.h) plus what the residual add re-reads;
// fused, it is the fusion model's traffic for the applied bands. Time is
// the roofline of each: max(compute, traffic over the serving level's
// bandwidth), summed over layers for the layer-by-layer way, with recomputed
// halos counted in the fused MACs and idle cores charged as in model_bridge,
// and compute charged by each register block's lane utilisation (the group's
// exit runs the band block where the layer alone may run a channel-
// vectorized one; kernel_utilisation.h).
#include "autoschedule/fused_group_bridge.h"

#include "autoschedule/kernel_utilisation.h"
#include "model/fusion/fused_search.h"
#include "model/fusion/fused_traffic.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace memsched::autoschedule {
namespace {

struct Boundary {
    int level = 1;              // index into params.levels
    int64_t capacity_bytes = 0; // planned capacity of that level
    double bytes_per_s = 0;     // bandwidth of the level serving it
    int64_t line_bytes = 64;
};

Boundary buffer_boundary(const PluginParams& p) {
    Boundary b;
    b.level = p.levels.size() > 1 ? 1 : 0;
    const CacheLevelParams& l = p.levels[b.level];
    // Private levels hold one strip per core: each core's share is the level.
    b.capacity_bytes =
        std::max<int64_t>(1, int64_t(double(l.capacity_bytes) * p.cache_fill_fraction));
    const bool last = b.level + 1 >= int(p.levels.size());
    const double gbps = last ? p.dram_bandwidth_gbps : p.levels[b.level + 1].bandwidth_gbps;
    b.bytes_per_s = gbps * 1e9;
    b.line_bytes = l.line_bytes;
    return b;
}

struct Candidate {
    FusedMapping mapping;
    FusedReport report;
    bool keep = false;
    int64_t band_rows = 0, band_cols = 0;
    double seconds = 0;
};

// Compute at `peak_flops` times the blocks' lane utilisation.
double roofline(int64_t macs, int64_t bytes, double peak_flops, double bytes_per_s,
                double utilisation = 1.0) {
    return std::max(2.0 * double(macs) / (peak_flops * utilisation), double(bytes) / bytes_per_s);
}

std::string mib(int64_t bytes) {
    std::ostringstream s;
    s.precision(3);
    s << double(bytes) / (1 << 20) << "MiB";
    return s.str();
}

bool has_depthwise(const FusedGroup& g) {
    for (const auto& n : g.nodes)
        if (n.op == FusedOp::Layer && n.shape.groups > 1 && n.shape.kind == LayerKind::Conv)
            return true;
    return false;
}

// The exit's register blocks run channel block by channel block inside a
// tile (tile_schedules.cpp: the channel-block loop is the band's
// outermost), each writing its channels and then leaving them: the model's
// exit channel tiles (a layer exit) or, for a residual add exit, its
// accumulating conv computing one block at a time into the add (halo
// refetch only). `channels` is how many channels are in flight at once.
void with_exit_blocks(const FusedGroup& g, int64_t channels, FusedMapping* m) {
    const int last = int(g.nodes.size()) - 1;
    const FusedDims exit = g.output_of(last);
    if (channels <= 0 || channels >= exit.channels) return;
    FusedMapping tiled = *m;
    if (g.nodes[last].op == FusedOp::Layer)
        tiled.exit_channel_tile = channels;
    else if (g.nodes[last].op == FusedOp::Add && m->halo == HaloPolicy::Refetch)
        tiled.residual_channels = channels;
    else
        return;
    if (validate(g, tiled)) *m = tiled;
}

// The bytes of `copies` copies of the group input's largest box over the
// bands, charged beside the footprint of full-width bands that recompute
// their halos and stream every layer's weights, several bands to a map:
// the streamed weights evict the copy, dead but dirty, so each band writes
// it back.
// ResNet-50 @224's layer1_1 bottleneck in 4-row bands held 0.9 MB as
// modelled plus a 344 KB copy of its input box, over a 1 MiB LL: it moved
// 1.2x its prediction, 2.7 MB of it extra writes (cachegrind, session 13).
// `always`: whatever the weights (a module's branches each copy the input
// box through a pad of their own, all of them live in the band at once).
int64_t evicted_copy_bytes(const FusedGroup& g, const FusedMapping& m, int copies, bool always) {
    if (copies <= 0 || m.halo != HaloPolicy::Refetch)
        return 0;
    if (!always && (!m.layer_weights.empty() || m.weights != WeightPolicy::Streamed)) return 0;
    const auto rows = fused_axis_intervals(g, true, m.tile_h);
    const auto cols = fused_axis_intervals(g, false, m.tile_w);
    // Full-width bands only, where it was measured; the opt-in 2-D tiles
    // (fusion_tiles=2d) are for caches no band fits at all.
    if ((rows.size() < 2 && !always) || cols.size() > 1) return 0;
    return int64_t(copies) * largest_extent(rows, 0) * largest_extent(cols, 0) * g.input.channels *
           g.element_bytes;
}

// The bytes of the boxes a sliding band's pads copy (BandCopies::sliding):
// each tensor's largest box over the bands, at its full width. GoogLeNet
// @224's stem conv1 -> pool1 -> conv2 in 4-row bands held 0.44 MB as
// modelled, and 0.33 MB more in its two pads (pool1's 9-row window of
// conv1, conv2's of pool1): over a 1 MiB LL it moved 3x its prediction.
int64_t sliding_copy_bytes(const FusedGroup& g, const FusedMapping& m, const std::vector<int>& copies) {
    if (m.halo != HaloPolicy::Keep || copies.empty()) return 0;
    const auto rows = fused_axis_intervals(g, true, m.tile_h);
    int64_t total = 0;
    for (size_t t = 0; t < copies.size() && t <= g.nodes.size(); t++) {
        if (copies[t] <= 0) continue;
        const FusedDims d = g.dims_of(int(t) - 1);
        total += int64_t(copies[t]) * largest_extent(rows, t) * d.width * d.channels * g.element_bytes;
    }
    return total;
}

} // namespace

std::string FusedBandPlan::describe() const {
    std::ostringstream s;
    s << (fuse ? "fused" : "not fused") << ": ";
    if (band_rows > 0 && full_width)
        s << "bands of " << band_rows << " rows, ";
    else if (band_rows > 0)
        s << "tiles of " << band_rows << " rows x " << band_cols << " columns, ";
    if (band_rows > 0)
        s << (keep_halo ? "halo kept (sliding)" : "halo recomputed")
          << ", weights " << to_string(mapping.weights) << ", ";
    s << "predicted into " << level << " fused=" << fused_bytes << "B (" << mib(fused_bytes)
      << ") vs layer-by-layer=" << layered_bytes << "B (" << mib(layered_bytes) << "), time "
      << std::llround(fused_seconds * 1e9) << "ns vs " << std::llround(layered_seconds * 1e9)
      << "ns, MACs " << fused_macs << " vs " << layered_macs;
    if (!search_best.empty()) s << "; fused search's best: " << search_best;
    if (!why.empty()) s << " (" << why << ")";
    return s.str();
}

FusedBandPlan plan_fused_bands(const FusedGroup& g, const std::vector<TilePlan>& layered,
                               int64_t shortcut_bytes, int64_t row_block,
                               const PluginParams& params,
                               const std::vector<MicroKernel>& fused_kernels,
                               int64_t col_block,
                               const std::vector<MicroKernel>& x_vector_kernels,
                               const BandCopies& copies, bool module_group) {
    FusedBandPlan out;
    const Boundary b = buffer_boundary(params);
    out.level = params.levels[b.level].name;
    const double peak = params.peak_gflops_per_core * 1e9 * params.parallelism;

    // Layer by layer: the applied per-layer plans. The fused side's lane
    // utilisation is the MAC-weighted harmonic mean over its layers (the
    // time each layer's MACs take at its own block's utilisation).
    double fused_macs_layers = 0, fused_macs_at_peak = 0, x_vector_macs_at_peak = 0;
    size_t li = 0;
    for (size_t i = 0; i < g.nodes.size(); i++) {
        if (g.nodes[i].op != FusedOp::Layer) continue;
        if (li >= layered.size()) {
            out.why = "internal: fewer per-layer plans than layers";
            return out;
        }
        const TilePlan& p = layered[li++];
        // The tile figure, as before issue #5's fix (model_bridge.h).
        const auto& traffic = p.tile_traffic.empty() ? p.traffic : p.tile_traffic;
        const int64_t bytes = traffic.size() > size_t(b.level)
                                  ? int64_t(std::llround(traffic[b.level].bytes))
                                  : 0;
        const int64_t macs = g.nodes[i].shape.macs();
        const MicroKernel& fused_mk =
            li - 1 < fused_kernels.size() ? fused_kernels[li - 1] : p.kernel;
        fused_macs_layers += double(macs);
        fused_macs_at_peak += double(macs) / lane_utilisation(fused_mk, g.nodes[i].shape);
        const MicroKernel& x_vector_mk =
            li - 1 < x_vector_kernels.size() ? x_vector_kernels[li - 1] : fused_mk;
        x_vector_macs_at_peak += double(macs) / lane_utilisation(x_vector_mk, g.nodes[i].shape);
        out.layered_bytes += bytes;
        out.layered_macs += macs;
        out.layered_seconds +=
            roofline(macs, bytes, peak, b.bytes_per_s, lane_utilisation(p.kernel, g.nodes[i].shape));
    }
    const double fused_utilisation =
        fused_macs_at_peak > 0 ? fused_macs_layers / fused_macs_at_peak : 1.0;
    const double x_vector_utilisation =
        x_vector_macs_at_peak > 0 ? fused_macs_layers / x_vector_macs_at_peak : 1.0;
    out.layered_bytes += shortcut_bytes;
    out.layered_seconds += double(shortcut_bytes) / b.bytes_per_s;

    if (EvalStatus st = g.validate(); !st) {
        out.why = "group not modeled: " + st.reason;
        return out;
    }
    FusedSearchOptions so;
    so.objective = params.fusion_objective;
    so.compute.peak_flops_per_s = peak;
    so.dram_bytes_per_s = b.bytes_per_s;
    so.line_bytes = b.line_bytes;
    const FusedChoice searched = search_fused_group(g, b.capacity_bytes, so);
    out.search_best = searched.status ? describe(searched.mapping) + " " +
                                            std::to_string(searched.report.traffic_bytes()) + "B"
                                      : searched.status.reason;

    // The tiles Halide applies: whole register blocks of rows; the full
    // width, or col_block times a power of two columns.
    const int last = int(g.nodes.size()) - 1;
    const FusedDims exit = g.output_of(last);
    std::vector<int64_t> rows;
    for (int64_t c : fused_tile_candidates(exit.height))
        rows.push_back(std::min(exit.height, (c + row_block - 1) / row_block * row_block));
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    std::vector<int64_t> cols{exit.width};
    if (col_block > 0)
        for (int64_t c = col_block; c < exit.width; c *= 2) cols.push_back(c);

    // The exit's channel block: the unit of its parallel channel chunks.
    const int exit_k_block = std::max(1, !fused_kernels.empty() ? fused_kernels.back().k_block
                                         : !layered.empty()     ? layered.back().kernel.k_block
                                                                : 1);

    // Measured (bench/RESULTS.md, session 6): MobileNetV2 @112 with its
    // inverted-residual blocks fused ran 0.87x / 0.81x the layer-by-layer
    // time with recomputed halos (1 / 2 threads) but 0.88x / 1.02x with kept
    // ones (sliding bands run serially), so groups with a depthwise conv
    // recompute their halos unless fusion=keep forces them.
    const bool recompute_only = module_group ||
                                params.forced_halo == PluginParams::ForcedHalo::Recompute ||
                                (params.forced_halo == PluginParams::ForcedHalo::None && has_depthwise(g));
    // Bands ranked by the objective first, the other figure breaking ties.
    const bool by_traffic = params.fusion_objective == Objective::Traffic;
    auto key = [by_traffic](const Candidate& x) {
        const double bytes = double(x.report.traffic_bytes());
        return std::make_tuple(by_traffic ? bytes : x.seconds, by_traffic ? x.seconds : bytes,
                               x.report.macs, -x.band_rows, -x.band_cols);
    };
    // Sliding copies are charged against half the room the fill fraction
    // leaves to what the model does not hold (0.75 of the level at the
    // default 0.5). Against the fraction itself, ResNet-18 @224's layer1
    // blocks (2-row bands, weights resident, 0.6 MB with their copies)
    // were refused, and its time-objective variant moved 67.07 MiB instead
    // of 62.49 (cachegrind, 1 MiB LL). GoogLeNet's stem runs 2-row bands
    // either way; two of its inception branch chains fit again, and the
    // network moves 66.25 MiB against 65.21.
    const int64_t copies_capacity = copies_capacity_bytes(params, b.level);
    Candidate best;
    bool found = false;
    for (int64_t r : rows) {
        const int64_t bands = (exit.height + r - 1) / r;
        for (int64_t cw : cols) {
            const int64_t col_tiles = (exit.width + cw - 1) / cw;
            for (bool keep : {false, true}) {
                if (keep && (bands == 1 || col_tiles > 1)) continue; // nothing kept / 2-D
                if (recompute_only && keep) continue;
                // fusion=keep: sliding full-width bands (or a single band) only.
                if (params.forced_halo == PluginParams::ForcedHalo::Keep && !keep &&
                    (bands > 1 || col_tiles > 1))
                    continue;
                // Fewer recomputed tiles than threads: the schedule runs the
                // exit's channel blocks in parallel chunks (tile_schedules.h),
                // so that many blocks are in flight at once.
                const bool channel_chunks = !keep && bands * col_tiles < params.parallelism;
                for (WeightPolicy w : {WeightPolicy::Resident, WeightPolicy::Streamed}) {
                    Candidate c;
                    c.keep = keep;
                    c.band_rows = r;
                    c.band_cols = cw;
                    // Full-width bands: a kept halo slides down the rows.
                    c.mapping = {r, cw, keep ? HaloPolicy::Keep : HaloPolicy::Refetch, w};
                    with_exit_blocks(g, exit_k_block * (channel_chunks ? params.parallelism : 1),
                                     &c.mapping);
                    c.report = evaluate_fused(g, c.mapping, b.capacity_bytes, b.line_bytes);
                    if (!c.report.status ||
                        c.report.footprint_bytes +
                                evicted_copy_bytes(g, c.mapping, copies.input, module_group) >
                            b.capacity_bytes ||
                        c.report.footprint_bytes + sliding_copy_bytes(g, c.mapping, copies.sliding) >
                            copies_capacity)
                        continue;
                    // Parallel tasks: tiles, or one strip of serial bands per
                    // core. The schedule runs sliding bands in ONE strip
                    // (layer_fusion.cpp), so at 2 threads this under-charges
                    // them; measured, they ran no slower than layer by layer
                    // (VGG-16 front @112 planned for 1 MiB: 64.1 vs 64.8 ms;
                    // RESULTS "2-D tiles and line buffers"), and charging one
                    // core refused every sliding group at 2 threads.
                    double tasks =
                        double(keep ? std::min<int64_t>(params.parallelism, bands) : bands * col_tiles);
                    if (channel_chunks)
                        tasks *= double((exit.channels + exit_k_block - 1) / exit_k_block);
                    c.seconds = roofline(c.report.macs, c.report.traffic_bytes(), peak,
                                         b.bytes_per_s,
                                         keep || col_tiles > 1 ? x_vector_utilisation
                                                               : fused_utilisation) *
                                std::max(1.0, params.parallelism / tasks);
                    if (!found || key(c) < key(best)) best = c, found = true;
                }
            }
        }
    }
    if (!found) {
        out.why = "no band of the group fits " + mib(b.capacity_bytes) + " of " + out.level;
        return out;
    }
    out.band_rows = best.band_rows;
    out.band_cols = best.band_cols;
    out.full_width = best.band_cols >= exit.width;
    out.keep_halo = best.keep;
    out.mapping = best.mapping;
    out.report = best.report;
    out.fused_bytes = best.report.traffic_bytes();
    out.fused_macs = best.report.macs;
    out.fused_seconds = best.seconds;
    // The last cache level's misses are the DRAM traffic; the bands are
    // chosen for the level above it, so check that fusing moves no more
    // bytes into the last level as well (a 1 MiB LL with 2-row bands that
    // re-read streamed weights: VGG-16 front @112 measured 88 MiB fused vs
    // 56 MiB layer by layer with only the L2 compared).
    const size_t last_level = params.levels.size() - 1;
    if (int(last_level) > b.level) {
        const CacheLevelParams& l = params.levels[last_level];
        const int64_t cap = std::max<int64_t>(1, int64_t(double(l.capacity_bytes) * params.cache_fill_fraction));
        out.fused_outer_bytes = evaluate_fused(g, best.mapping, cap, l.line_bytes).traffic_bytes();
        out.layered_outer_bytes = shortcut_bytes;
        for (const TilePlan& p : layered)
            if (p.traffic.size() > last_level)
                out.layered_outer_bytes += int64_t(std::llround(p.traffic[last_level].bytes));
    }
    const double gain = predicted_time_gain(out.fused_seconds, out.layered_seconds);
    const bool faster = gain > kSameTimeGain;
    const bool same_time = !faster && gain >= -kSameTimeGain;
    if (params.forced_halo != PluginParams::ForcedHalo::None) {
        out.fuse = true;
        out.why = "forced by fusion=" +
                  std::string(params.forced_halo == PluginParams::ForcedHalo::Keep ? "keep"
                                                                                  : "recompute");
    } else if (out.fused_outer_bytes > out.layered_outer_bytes) {
        out.why = "moves more bytes into " + params.levels[last_level].name + " (" +
                  mib(out.fused_outer_bytes) + " vs " + mib(out.layered_outer_bytes) +
                  " layer by layer)";
    } else if (params.fusion_objective == Objective::Traffic) {
        out.fuse = out.fused_bytes < out.layered_bytes;
        out.why = out.fuse ? (faster ? "less traffic, faster" : "less traffic (fusion_objective=traffic)")
                           : "moves no fewer bytes than layer by layer";
    } else if (faster && out.fused_bytes > out.layered_bytes) {
        // Bands that re-read streamed weights can win a few percent of
        // predicted time while moving more bytes; the time model is not
        // that precise (whole-network VGG pool->conv groups: 1.4% faster,
        // 18% more traffic), so traffic decides against them.
        out.why = "predicted faster but moves more bytes than layer by layer";
    } else if (time_gain_accepts(out.fused_seconds, out.layered_seconds,
                                 out.fused_bytes < out.layered_bytes, params)) {
        out.fuse = true;
        out.why = faster ? "faster" : "same time, less traffic";
    } else {
        out.why = gain < params.fusion_min_time_gain && (faster || same_time)
                      ? "saves less predicted time than fusion_min_time_gain=" +
                            std::to_string(params.fusion_min_time_gain)
                      : "fusing does not lower the predicted time or traffic";
    }
    return out;
}

double predicted_time_gain(double fused_seconds, double layered_seconds) {
    return 1.0 - fused_seconds / std::max(layered_seconds, 1e-30);
}

bool time_gain_accepts(double fused_seconds, double layered_seconds, bool fewer_bytes,
                       const PluginParams& params) {
    const double gain = predicted_time_gain(fused_seconds, layered_seconds);
    if (gain < params.fusion_min_time_gain) return false;
    return gain > kSameTimeGain || fewer_bytes;
}

int64_t copies_capacity_bytes(const PluginParams& params, size_t level) {
    const double level_bytes = double(params.levels[level].capacity_bytes);
    return std::max<int64_t>(1, int64_t(level_bytes * (1.0 + params.cache_fill_fraction) / 2));
}

} // namespace memsched::autoschedule
