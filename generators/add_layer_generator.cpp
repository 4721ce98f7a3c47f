// add_layer: element-wise sum of two (x, y, c, n) tensors (residual
// connection), optionally followed by relu.
#include "generators/layers/layers.h"
#include "generators/manual_schedules/simple_schedules.h"

namespace memsched::generators {

class AddLayer : public Halide::Generator<AddLayer> {
public:
    GeneratorParam<int> c{"c", 8};
    GeneratorParam<bool> relu{"relu", false};
    GeneratorParam<int> est_width{"est_width", 32};
    GeneratorParam<int> est_height{"est_height", 32};
    GeneratorParam<int> est_batch{"est_batch", 1};
    GeneratorParam<bool> manual_schedule{"manual_schedule", false};

    Input<Buffer<float>> a{"a", 4};
    Input<Buffer<float>> b{"b", 4};
    Output<Buffer<float>> output{"output", 4};

    void generate() {
        Halide::Func sum = layers::add(a, b, "sum");
        if (relu)
            sum = layers::relu(sum, "sum_relu");
        Halide::Var x("x"), y("y"), ch("c"), n("n");
        output(x, y, ch, n) = sum(x, y, ch, n);

        const Halide::Region region = {{0, est_width}, {0, est_height}, {0, c}, {0, est_batch}};
        a.set_estimates(region);
        b.set_estimates(region);
        output.set_estimates(region);
        if (manual_schedule && !get_auto_schedule())
            manual_schedules::schedule_pointwise(output, get_target());
    }
};

} // namespace memsched::generators

HALIDE_REGISTER_GENERATOR(memsched::generators::AddLayer, add_layer)
