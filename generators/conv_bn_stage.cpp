// Implementation of conv_bn_stage (see conv_bn_stage.h).
#include "generators/conv_bn_stage.h"

#include "generators/layers/layers.h"

namespace memsched::generators {

ConvBnStage conv_bn_stage(Halide::Func padded, Halide::Func weights, Halide::Func bn_packed,
                          const layers::ConvParams& p, Activation act, float eps,
                          const std::string& name) {
    BatchNormFuncs bn = unpack_batch_norm(bn_packed, name + "_bn");
    layers::FoldedConv folded = layers::fold_batch_norm(weights, Halide::Func(), bn.gamma, bn.beta,
                                                        bn.mean, bn.var, eps, name + "_folded");
    ConvBnStage stage;
    stage.conv = layers::conv2d(padded, folded.weights, p, name);
    stage.out = apply_activation(layers::bias_add(stage.conv, folded.bias, name + "_bias"), act,
                                 0.0f, name + "_act");
    stage.roots = {folded.weights, folded.bias};
    return stage;
}

} // namespace memsched::generators
