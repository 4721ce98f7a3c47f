// conv_bias_relu: the smallest multi-stage block, conv -> bias -> relu, kept
// as its own generator so the plugin is tested on a fused epilogue.
// Inputs: input (x, y, c, n), weights (s, r, c, k), bias (k); output (x, y, k, n).
#include "generators/generator_common.h"
#include "generators/layers/layers.h"
#include "generators/manual_schedules/conv_schedule.h"

namespace memsched::generators {

class ConvBiasRelu : public Halide::Generator<ConvBiasRelu> {
public:
    GeneratorParam<int> c{"c", 3};
    GeneratorParam<int> k{"k", 8};
    GeneratorParam<int> kernel{"kernel", 3};
    GeneratorParam<int> stride{"stride", 1};
    GeneratorParam<int> pad{"pad", 1};
    GeneratorParam<int> est_width{"est_width", 32};
    GeneratorParam<int> est_height{"est_height", 32};
    GeneratorParam<int> est_batch{"est_batch", 1};
    GeneratorParam<bool> manual_schedule{"manual_schedule", false};

    Input<Buffer<float>> input{"input", 4};
    Input<Buffer<float>> weights{"weights", 4};
    Input<Buffer<float>> bias{"bias", 1};
    Output<Buffer<float>> output{"output", 4};

    void generate() {
        layers::ConvParams p{c, k, kernel, kernel};
        p.stride_x = p.stride_y = stride;
        p.pad_left = p.pad_top = pad;
        Halide::Func padded =
            layers::pad_zero(input, input.dim(0).extent(), input.dim(1).extent(), "input_padded");
        Halide::Func conv = layers::conv2d(padded, weights, p, "conv");
        Halide::Func act = layers::relu(layers::bias_add(conv, bias, "conv_bias"), "relu");
        Halide::Var x("x"), y("y"), kk("k"), n("n");
        output(x, y, kk, n) = act(x, y, kk, n);

        const int ow = window_out_extent(est_width, kernel, stride, pad, pad);
        const int oh = window_out_extent(est_height, kernel, stride, pad, pad);
        input.set_estimates({{0, est_width}, {0, est_height}, {0, c}, {0, est_batch}});
        weights.set_estimates({{0, kernel}, {0, kernel}, {0, c}, {0, k}});
        bias.set_estimates({{0, k}});
        output.set_estimates({{0, ow}, {0, oh}, {0, k}, {0, est_batch}});
        if (manual_schedule && !get_auto_schedule()) {
            manual_schedules::schedule_conv_stage({output, conv, k, {padded}, {}}, get_target());
        }
    }
};

} // namespace memsched::generators

HALIDE_REGISTER_GENERATOR(memsched::generators::ConvBiasRelu, conv_bias_relu)
