// ConvMatch: recognises a modeled reduction as a CNN layer (conv, depthwise
// conv, max/avg pool, fully connected) and reads its LayerShape off the
// affine accesses: stride and dilation are coefficients, kernel and
// input-channel extents are RVar extents. Layout assumed by position, as
// the generators build it: activations (x, y, c, n), fc (k, n).
#pragma once

#include "autoschedule/pipeline_analysis.h"
#include "model/layer_shape.h"

#include <optional>
#include <string>

namespace memsched::autoschedule {

struct ConvMatch {
    LayerShape shape;      // pad = 0: padding is a producer of its own
    bool depthwise = false; // input channel follows the output channel
    // Dimension indices of the stage (into pure_vars); -1 when absent.
    int x_dim = -1, y_dim = -1, k_dim = -1, n_dim = -1;
    std::string input;   // callee read as activations
    std::string weights; // callee read as weights ("" for pools)
    std::string channel_rvar; // the RVar over input channels ("" when none: depthwise, pools)
    // The input is read at x*stride + r - input_pad (the same in y; 0 when
    // the offset is not a constant <= 0): with a padded copy of a pipeline
    // input (generators/layers/padding.h), the border that copy adds around
    // the data it reads. `shape` keeps describing the padded copy (pad 0).
    int64_t input_pad = 0;
};

// nullopt (with `why` set) when the reduction is not one of these layers or
// its extents are unknown.
std::optional<ConvMatch> match_layer(const StageInfo& stage, std::string* why);

} // namespace memsched::autoschedule
