// FusionPlan: where each Func is computed. Reductions (convs, pools, fc)
// are computed inside the tiles of the first materialised consumer reached
// through pointwise, single-consumer stages (bias, batch norm, activations,
// adds), which are inlined there. Pure stages read many times by a
// reduction (pads, folded weights) are materialised. In whole networks
// each activation is written once: a layer whose only reader is the next
// layer's pad (unshifted, clamped) is computed in the pad's tiles, writing
// straight into the padded buffer; a layer output read by several stages (a
// block's residual add) or shifted by its pad is materialised itself, and
// its pad staged per cache tile of the next conv. A reduction is never
// inlined. Convs upstream of a root's convs (a conv read through a pad by
// another conv, "tiled in place" here) may further be computed in that
// root's row bands: cross-layer fusion, layer_fusion.h.
#pragma once

#include "autoschedule/conv_match.h"
#include "autoschedule/pipeline_analysis.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace memsched::autoschedule {

enum class Placement {
    Inline,       // Halide's default; input wrappers and pointwise stages
    Root,         // compute_root (outputs, materialised stages, unmodeled)
    InRootTile,   // a reduction computed at the register tile of `root`
    PerCacheTile, // a reduction's input, copied per cache tile of `root`
};

struct StagePlacement {
    Placement placement = Placement::Inline;
    std::string root; // InRootTile: the root whose tile computes it
    std::string why;  // for the log line
};

struct FusedReduction {
    std::string name;
    ConvMatch match;
};

struct FusionPlan {
    std::map<std::string, StagePlacement> placement;
    // Root name -> reductions computed in its tiles (in topological order).
    std::map<std::string, std::vector<FusedReduction>> fused;
    // Root name -> its reductions' inputs staged per cache tile.
    std::map<std::string, std::vector<std::string>> staged;
    // Materialised conv-like reductions (outputs, or read by another
    // reduction) whose own update is tiled in place.
    std::map<std::string, ConvMatch> tiled_in_place;
    // Pads that host the layer they pad (root -> that layer, fused above).
    std::map<std::string, std::string> hosting_pads;
};

FusionPlan plan_fusion(const PipelineInfo& info);

// The fused reduction that dominates a root's tile (most multiply-accumulates).
const FusedReduction& dominant(const std::vector<FusedReduction>& fused);

} // namespace memsched::autoschedule
