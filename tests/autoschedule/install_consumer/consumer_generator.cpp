// A tiny conv layer (3x3, 4 -> k channels, valid borders, bias, relu) for
// the install test; its schedule comes from the installed MemSched plugin.
#include "Halide.h"

namespace {

class ConsumerLayer : public Halide::Generator<ConsumerLayer> {
public:
    Input<Buffer<float>> input{"input", 3};   // x, y, c
    Input<Buffer<float>> weights{"weights", 4}; // s, r, c, k
    Input<Buffer<float>> bias{"bias", 1};
    Output<Buffer<float>> output{"output", 3}; // x, y, k

    void generate() {
        Var x("x"), y("y"), k("k");
        RDom r(0, 3, 0, 3, 0, 4, "r");
        Func conv("conv");
        conv(x, y, k) = 0.0f;
        conv(x, y, k) += input(x + r.x, y + r.y, r.z) * weights(r.x, r.y, r.z, k);
        output(x, y, k) = max(conv(x, y, k) + bias(k), 0.0f);
        input.set_estimates({{0, 34}, {0, 18}, {0, 4}});
        weights.set_estimates({{0, 3}, {0, 3}, {0, 4}, {0, 8}});
        bias.set_estimates({{0, 8}});
        output.set_estimates({{0, 32}, {0, 16}, {0, 8}});
    }
};

} // namespace

HALIDE_REGISTER_GENERATOR(ConsumerLayer, consumer_layer)
