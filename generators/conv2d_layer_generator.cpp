// conv2d_layer: one convolution (stride, pad, dilation, groups) with optional
// bias, optional folded batch norm and an activation. Input channels bound
// the reduction, so they (and k) are compile-time; spatial sizes and batch
// come from the buffers. Inputs: input (x, y, c, n), weights (s, r, c/groups, k),
// [bias (k)], [bn (k, 4): gamma, beta, mean, var]; output (x, y, k, n).
#include "generators/generator_common.h"
#include "generators/layers/layers.h"
#include "generators/manual_schedules/conv_schedule.h"
#include "generators/manual_schedules/reverse_rows.h"

namespace memsched::generators {

class Conv2dLayer : public Halide::Generator<Conv2dLayer> {
public:
    GeneratorParam<int> c{"c", 3}; // input channels
    GeneratorParam<int> k{"k", 8}; // output channels
    GeneratorParam<int> kernel_w{"kernel_w", 3};
    GeneratorParam<int> kernel_h{"kernel_h", 3};
    GeneratorParam<int> stride{"stride", 1};
    GeneratorParam<int> pad{"pad", 0}; // left/top; end padding is the output extent's business
    GeneratorParam<int> dilation{"dilation", 1};
    GeneratorParam<int> groups{"groups", 1};
    GeneratorParam<bool> bias{"bias", false};
    GeneratorParam<bool> batchnorm{"batchnorm", false};
    GeneratorParam<float> bn_eps{"bn_eps", 1e-5f};
    GeneratorParam<Activation> activation{"activation", Activation::None, activation_names()};
    GeneratorParam<float> alpha{"alpha", 0.1f}; // leaky relu slope
    GeneratorParam<int> est_width{"est_width", 32};
    GeneratorParam<int> est_height{"est_height", 32};
    GeneratorParam<int> est_batch{"est_batch", 1};
    GeneratorParam<bool> manual_schedule{"manual_schedule", false};
    // reverse: rows computed bottom-up (generators/manual_schedules/reverse_rows.h).
    GeneratorParam<manual_schedules::RowOrder> row_order{
        "row_order", manual_schedules::RowOrder::Forward, manual_schedules::row_order_names()};

    Input<Buffer<float>> input{"input", 4};
    Input<Buffer<float>> weights{"weights", 4};
    Input<Buffer<float>>* bias_input = nullptr;
    Input<Buffer<float>>* bn_input = nullptr;
    Output<Buffer<float>> output{"output", 4};

    void configure() {
        if (bias)
            bias_input = add_input<Buffer<float>>("bias", 1);
        if (batchnorm)
            bn_input = add_input<Buffer<float>>("bn", 2);
    }

    void generate() {
        layers::ConvParams p{c, k, kernel_w, kernel_h};
        p.stride_x = p.stride_y = stride;
        p.pad_left = p.pad_top = pad;
        p.dilation_x = p.dilation_y = dilation;
        p.groups = groups;

        Halide::Func padded =
            layers::pad_zero(input, input.dim(0).extent(), input.dim(1).extent(), "input_padded");
        Halide::Func w = weights, b;
        if (bias)
            b = *bias_input;
        std::vector<Halide::Func> folded_parts;
        if (batchnorm) {
            BatchNormFuncs bn = unpack_batch_norm(*bn_input, "bn");
            layers::FoldedConv folded =
                layers::fold_batch_norm(w, b, bn.gamma, bn.beta, bn.mean, bn.var, bn_eps, "folded");
            w = folded.weights;
            b = folded.bias;
            folded_parts = {folded.weights, folded.bias};
        }
        Halide::Func conv = layers::conv2d(padded, w, p, "conv");
        Halide::Func last = b.defined() ? layers::bias_add(conv, b, "conv_bias") : conv;
        last = apply_activation(last, activation, alpha, "activation");
        const bool reverse = row_order == manual_schedules::RowOrder::Reverse;
        if (reverse)
            manual_schedules::define_rows_reversed(output, last, k, get_target());
        else
            output(x, y, kk, n) = last(x, y, kk, n);

        set_estimates();
        if (manual_schedule && !get_auto_schedule()) {
            manual_schedules::compute_root(folded_parts);
            if (reverse)
                manual_schedules::schedule_conv_stage_reversed({output, conv, k, {padded}, {}},
                                                               get_target());
            else
                manual_schedules::schedule_conv_stage({output, conv, k, {padded}, {}},
                                                      get_target());
        }
    }

private:
    Halide::Var x{"x"}, y{"y"}, kk{"k"}, n{"n"};

    void set_estimates() {
        const int ow = window_out_extent(est_width, kernel_w, stride, pad, pad, dilation);
        const int oh = window_out_extent(est_height, kernel_h, stride, pad, pad, dilation);
        input.set_estimates({{0, est_width}, {0, est_height}, {0, c}, {0, est_batch}});
        weights.set_estimates({{0, kernel_w}, {0, kernel_h}, {0, int(c) / int(groups)}, {0, k}});
        if (bias_input)
            bias_input->set_estimates({{0, k}});
        if (bn_input)
            bn_input->set_estimates({{0, k}, {0, 4}});
        output.set_estimates({{0, ow}, {0, oh}, {0, k}, {0, est_batch}});
    }
};

} // namespace memsched::generators

HALIDE_REGISTER_GENERATOR(memsched::generators::Conv2dLayer, conv2d_layer)
