// The ONE place the plugin asks the fusion model (model/fusion) whether to
// fuse a group of convs and with which bands: given the group as the
// model's FusedGroup, the per-layer plans it would replace and the cache
// level that holds the group's intermediates, return the band rows, the
// halo choice (recompute per band, or keep rows from the band above: a
// sliding window) and the predicted traffic of both ways. Knows nothing of
// Halide.
//
// The Halide schedule (layer_fusion.h) tiles the exit in row bands of the
// full width or, with fusion_tiles=2d (col_block > 0), also in 2-D tiles
// of whole x vectors (they fit where a full-width band of every channel
// does not; opt-in because measured they did not pay, see
// plugin_params.h). With
// full-width bands the model's kept halo slides down the rows, as Halide's
// sliding window does (restarted at each parallel strip, which the model
// does not see); 2-D tiles recompute their halos in both directions (a
// sliding window along x would need the producers' storage for the whole
// tile row, which is what does not fit).
#pragma once

#include "autoschedule/model_bridge.h"
#include "autoschedule/plugin_params.h"
#include "model/fusion/fused_group.h"

#include <string>
#include <vector>

namespace memsched::autoschedule {

struct FusedBandPlan {
    bool fuse = false;
    std::string why;           // one line: the decision and its reason
    int64_t band_rows = 0;     // exit rows per band
    int64_t band_cols = 0;     // exit columns per tile; the exit width for full-width bands
    bool full_width = true;    // one tile spans the width (band_cols = exit width)
    bool keep_halo = false;    // sliding window (else halos recomputed)
    FusedMapping mapping;      // as evaluated: tile_h = band_rows, tile_w = band_cols
    FusedReport report;        // the fused prediction for the applied bands
    int64_t fused_bytes = 0;   // into the buffer level, fused
    int64_t layered_bytes = 0; // into the same level, layer by layer
    // Into the last cache level (DRAM traffic), when it is not the buffer
    // level: the applied bands at its capacity vs the per-layer plans.
    int64_t fused_outer_bytes = 0, layered_outer_bytes = 0;
    double fused_seconds = 0, layered_seconds = 0;
    int64_t fused_macs = 0, layered_macs = 0;
    std::string level;         // the cache level holding the intermediates
    std::string search_best;   // the unconstrained fused search's choice, for the log

    std::string describe() const; // one line for the schedule comment and the log
};

// Buffers of its own a group's schedule copies boxes into, beside the one
// box per tensor the model holds.
struct BandCopies {
    // Copies of the group input's box per band: a pad staged per band for
    // each branch whose first conv reads the input through it. Where every
    // band streams the weights through the cache, such a band fits only
    // with its copies beside the footprint.
    int input = 0;
    // Sliding bands: per tensor (0: the group input, i + 1: node i's
    // output), the pads staged per band or per strip that copy its box
    // (the conv's epilogue holds the line buffer and its next pad a second
    // one). Charged beside the footprint of every sliding band, against
    // half the slack the fill fraction leaves (0.75 of the level).
    std::vector<int> sliding;
};

// The bytes of cache level `level` that a group's copies (a band pad's
// second line buffer, the buffers a pool epilogue allocates per tile) may
// fill with the model's footprint: half the room the fill fraction leaves,
// 0.75 of the level at the default 0.5 (fused_group_bridge.cpp says what
// measured it).
int64_t copies_capacity_bytes(const PluginParams& params, size_t level);

// The fraction of the layers' predicted time a fused group saves (< 0:
// slower). Within kSameTimeGain either way it counts as the same time.
double predicted_time_gain(double fused_seconds, double layered_seconds);
constexpr double kSameTimeGain = 0.001;

// Under fusion_objective=time: whether a group predicted at `fused_seconds`
// against its layers' `layered_seconds` saves what fusion_min_time_gain asks
// for. The same time (kSameTimeGain) needs `fewer_bytes` as well.
bool time_gain_accepts(double fused_seconds, double layered_seconds, bool fewer_bytes,
                       const PluginParams& params);

// `layered`: the per-layer plans the plugin applies without fusion, one per
// Layer node; `shortcut_bytes`: other bytes layer-by-layer execution moves
// that fusion keeps on chip (a residual add's re-read of the block input).
// `row_block`: the exit's register-block rows (bands are whole blocks);
// `col_block`: its register-block columns (x vector lanes), 0 to offer
// full-width bands only; narrower tiles are col_block times a power of two.
// `fused_kernels`: the register block each Layer node runs inside the group
// (empty: the same as in `layered`); `x_vector_kernels`: the same for the
// tilings that run every block x-vectorized (bands with a kept halo, 2-D
// tiles), where they differ (empty: fused_kernels); compute time
// on both sides is charged
// by the blocks' lane utilisation (kernel_utilisation.h).
// `copies`: the buffers the schedule stages beside the boxes the model
// holds (BandCopies).
// `module_group` (concat_module_group.h): offer recomputed halos only, and
// charge every input copy beside the footprint whatever the weights and
// however many bands (each branch's pad holds its own copy in the band).
// Fuses only when the predicted time is lower without more traffic, or
// equal with less traffic, and the bands move no more bytes into the last
// cache level than the layers alone (or always, with only that halo policy,
// when params.forced_halo says so).
FusedBandPlan plan_fused_bands(const FusedGroup& g, const std::vector<TilePlan>& layered,
                               int64_t shortcut_bytes, int64_t row_block,
                               const PluginParams& params,
                               const std::vector<MicroKernel>& fused_kernels = {},
                               int64_t col_block = 0,
                               const std::vector<MicroKernel>& x_vector_kernels = {},
                               const BandCopies& copies = {}, bool module_group = false);

} // namespace memsched::autoschedule
