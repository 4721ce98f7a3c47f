// The ONE place the plugin asks the traffic model for a decision: given a
// layer's shape, the memory hierarchy and the micro-kernel the ISA fixes,
// return the cache-tile sizes, the tile-loop order and the predicted
// traffic into every level. Nothing else in autoschedule/ knows how the
// model works.
#pragma once

#include "autoschedule/conv_match.h"
#include "autoschedule/micro_kernel.h"
#include "autoschedule/plugin_params.h"
#include "model/layer_shape.h"

#include <string>
#include <vector>

namespace memsched::autoschedule {

struct PredictedTraffic {
    std::string level; // "L1", "L2", "LLC": bytes moved INTO this level
    double bytes = 0;
};

struct TilePlan {
    MicroKernel kernel;
    int64_t tile_y = 1;  // output rows per cache tile
    int64_t tile_k = 1;  // output channels per cache tile, a multiple of kernel.k_block
    bool k_outer = true; // k tiles outside y tiles (weights stay, input streams)
    std::vector<PredictedTraffic> traffic;
    double predicted_seconds = 0;
    std::string source; // which model produced the plan
    // Sum over levels of traffic / bandwidth: ranks plans whose roofline
    // time is equal (compute-bound), so traffic still decides the tile.
    double transfer_seconds = 0;
    // The template's figure (each level holding the cache tile). Equal to
    // `traffic` unless the tile fits no L2 (issue #5: then `traffic` is what
    // the caches keep of the register blocks). Cross-layer fusion decisions
    // (fused_group_bridge) still compare this one, so that the emitted
    // schedules did not change with the fix; moving them to `traffic` needs
    // a benchmark run first.
    std::vector<PredictedTraffic> tile_traffic;
    // Issue #5: input channels per reduction chunk. 0: every register block
    // holds the whole reduction. > 0: the reduction is split into chunks of
    // tile_c channels, the outermost loop inside a cache tile, with the
    // partial sums kept in the tile's buffer (split_rvar names the channel
    // RVar the schedule splits).
    int64_t tile_c = 0;
    std::string split_rvar;
    // Some cache level holds the cache tile (its boxes fit the planned
    // capacity); false: the tile fits no cache.
    bool tile_held = true;

    std::string describe() const; // one line: tiles, order, traffic per level
};

// Always returns a legal plan (tiles within extents, tile_k a multiple of
// kernel.k_block or the full extent). `staged_input`: the activations are
// copied per cache tile (fusion_plan.h: every layer whose input is a
// materialised pad, as in all generator layers), so only tiles of all output
// channels are offered: a channel split would copy the same input once per
// k-tile, a cost the model does not charge.
// `one_reduction`: the layer's root computes no other conv; then, where no
// cache tile fits the L2, the plan is tiles of every row (the nest its LRU
// figure describes).
TilePlan plan_layer(const LayerShape& shape, const PluginParams& params, const MicroKernel& kernel,
                    bool staged_input = true, bool one_reduction = false);

// Issue #6 (small caches): a layer hosted by its consumer's pad
// (layer_fusion.h, schedule_hosted_layer) runs as bands of output rows with
// every channel, the register blocks stepped inside each band; its k tiles
// and tile order do not change that nest. When no cache level holds
// `whole`'s tile, the band rows are instead chosen by what LRU caches keep
// of that nest (plan_nests.h, hosted_band_schedule), least DRAM bytes
// first, and the returned plan (tile_y = band rows, tile_k = every channel)
// carries that figure; otherwise `whole` unchanged (with a cache holding
// the tile, as on this machine's default hierarchy).
TilePlan plan_hosted_bands(const LayerShape& shape, const PluginParams& params, const TilePlan& whole);

// True for the convs whose reduction the schedule can split into input-
// channel chunks (schedule_split_conv): plain convs (groups 1) with their
// channel RVar known.
bool reduction_can_split(const ConvMatch& match);

// Issue #5 (small caches): when no cache level holds `whole`'s tile (every
// register block carries the whole reduction, so at a 32 KiB LL nothing
// survives from block to block), tiles that split the conv's input channels
// into chunks are planned with the model: a cache tile's output stays in
// its buffer across the chunks while each chunk's input and weights stream.
// Returns the split plan (with whole's register block: x- or channel-
// vectorized) when one fits the planned L2
// and the model predicts fewer DRAM bytes for it; otherwise `whole`
// unchanged. Only plain convs (groups 1) whose channel RVar is known.
// `staged_input`: the input is a padded copy made per chunk (its border of
// match.input_pad is not read from memory). `even_if_held`: also where a
// cache holds `whole`'s tile (a hosted layer, whose bands each re-read all
// its weights). Implemented in reduction_split.cpp (the nests it compares:
// plan_nests.h).
TilePlan plan_reduction_split(const ConvMatch& match, const Halide::Target& target,
                              const PluginParams& params, const TilePlan& whole,
                              bool staged_input, bool even_if_held = false);

} // namespace memsched::autoschedule
