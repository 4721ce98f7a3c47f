// concat_layer: channel concatenation of 2..4 (x, y, c_i, n) inputs named
// input0..input3 with compile-time channel counts c0..c3.
#include "generators/layers/layers.h"
#include "generators/manual_schedules/simple_schedules.h"

#include <stdexcept>

namespace memsched::generators {

class ConcatLayer : public Halide::Generator<ConcatLayer> {
public:
    GeneratorParam<int> inputs{"inputs", 2};
    GeneratorParam<int> c0{"c0", 4};
    GeneratorParam<int> c1{"c1", 4};
    GeneratorParam<int> c2{"c2", 4};
    GeneratorParam<int> c3{"c3", 4};
    GeneratorParam<int> est_width{"est_width", 32};
    GeneratorParam<int> est_height{"est_height", 32};
    GeneratorParam<int> est_batch{"est_batch", 1};
    GeneratorParam<bool> manual_schedule{"manual_schedule", false};

    std::vector<Input<Buffer<float>>*> parts;
    Output<Buffer<float>> output{"output", 4};

    void configure() {
        if (inputs < 2 || inputs > 4) {
            throw std::invalid_argument("concat_layer: inputs=" + std::to_string(int(inputs)) +
                                        " must be 2..4");
        }
        for (int i = 0; i < inputs; i++)
            parts.push_back(add_input<Buffer<float>>("input" + std::to_string(i), 4));
    }

    void generate() {
        const int channels[4] = {c0, c1, c2, c3};
        std::vector<std::pair<Halide::Func, int>> funcs;
        int total = 0;
        for (int i = 0; i < inputs; i++) {
            funcs.emplace_back(*parts[i], channels[i]);
            parts[i]->set_estimates(
                {{0, est_width}, {0, est_height}, {0, channels[i]}, {0, est_batch}});
            total += channels[i];
        }
        Halide::Func cat = layers::concat_channels(funcs, "concat");
        Halide::Var x("x"), y("y"), ch("c"), n("n");
        output(x, y, ch, n) = cat(x, y, ch, n);
        output.set_estimates({{0, est_width}, {0, est_height}, {0, total}, {0, est_batch}});
        if (manual_schedule && !get_auto_schedule())
            manual_schedules::schedule_pointwise(output, get_target());
    }
};

} // namespace memsched::generators

HALIDE_REGISTER_GENERATOR(memsched::generators::ConcatLayer, concat_layer)
