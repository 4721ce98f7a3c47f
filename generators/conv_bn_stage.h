// One "conv -> folded batch norm -> activation" stage, the unit the block
// generators (resnet_basic_block, inverted_residual_block) are built from.
#pragma once

#include "generators/generator_common.h"
#include "generators/layers/conv.h"

#include <string>
#include <vector>

namespace memsched::generators {

struct ConvBnStage {
    Halide::Func conv;               // the reduction (folded weights)
    Halide::Func out;                // activation(conv + folded bias): pure
    std::vector<Halide::Func> roots; // folded weights and bias: small, computed once
};

// bn_packed is a (k, 4) Func: gamma, beta, mean, var.
ConvBnStage conv_bn_stage(Halide::Func padded, Halide::Func weights, Halide::Func bn_packed,
                          const layers::ConvParams& p, Activation act, float eps,
                          const std::string& name);

} // namespace memsched::generators
