// fc_layer: fully connected layer on a flattened (x, y, c, n) input with
// optional bias and activation. The flattened feature count c*h*w bounds the
// reduction, so c, in_width, in_height are compile-time (1x1 after a global
// pool). Inputs: input (w, h, c, n), weights (c*h*w, k), [bias (k)]; output (k, n).
#include "generators/generator_common.h"
#include "generators/layers/layers.h"
#include "generators/manual_schedules/simple_schedules.h"

namespace memsched::generators {

class FcLayer : public Halide::Generator<FcLayer> {
public:
    GeneratorParam<int> c{"c", 8};
    GeneratorParam<int> in_width{"in_width", 1};
    GeneratorParam<int> in_height{"in_height", 1};
    GeneratorParam<int> k{"k", 10};
    GeneratorParam<bool> bias{"bias", true};
    GeneratorParam<Activation> activation{"activation", Activation::None, activation_names()};
    GeneratorParam<float> alpha{"alpha", 0.1f};
    GeneratorParam<int> est_batch{"est_batch", 1};
    GeneratorParam<bool> manual_schedule{"manual_schedule", false};

    Input<Buffer<float>> input{"input", 4};
    Input<Buffer<float>> weights{"weights", 2};
    Input<Buffer<float>>* bias_input = nullptr;
    Output<Buffer<float>> output{"output", 2};

    void configure() {
        if (bias)
            bias_input = add_input<Buffer<float>>("bias", 1);
    }

    void generate() {
        const int features = int(c) * int(in_width) * int(in_height);
        Halide::Func flat = layers::flatten(input, in_width, in_height, "flat");
        Halide::Func fc = layers::fully_connected(flat, weights, features, "fc");
        Halide::Func last = bias ? layers::bias_add(fc, *bias_input, "fc_bias") : fc;
        last = apply_activation(last, activation, alpha, "activation");
        Halide::Var kk("k"), n("n");
        output(kk, n) = last(kk, n);

        input.set_estimates({{0, in_width}, {0, in_height}, {0, c}, {0, est_batch}});
        weights.set_estimates({{0, features}, {0, k}});
        if (bias_input)
            bias_input->set_estimates({{0, k}});
        output.set_estimates({{0, k}, {0, est_batch}});
        if (manual_schedule && !get_auto_schedule()) {
            manual_schedules::schedule_fully_connected(output, fc, k, get_target());
        }
    }
};

} // namespace memsched::generators

HALIDE_REGISTER_GENERATOR(memsched::generators::FcLayer, fc_layer)
