// The ONE place the plugin asks the traffic model for a decision: given a
// layer's shape, the memory hierarchy and the micro-kernel the ISA fixes,
// return the cache-tile sizes, the tile-loop order and the predicted
// traffic into every level. Nothing else in autoschedule/ knows how the
// model works.
#pragma once

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

    std::string describe() const; // one line: tiles, order, traffic per level
};

// Always returns a legal plan (tiles within extents, tile_k a multiple of
// kernel.k_block or the full extent). `staged_input`: the activations are
// copied per cache tile (fusion_plan.h: every layer whose input is a
// materialised pad, as in all generator layers), so only tiles of all output
// channels are offered: a channel split would copy the same input once per
// k-tile, a cost the model does not charge.
TilePlan plan_layer(const LayerShape& shape, const PluginParams& params, const MicroKernel& kernel,
                    bool staged_input = true);

} // namespace memsched::autoschedule
