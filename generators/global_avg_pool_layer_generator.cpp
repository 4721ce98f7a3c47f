// global_avg_pool_layer: mean over each channel plane, (x, y, c, n) ->
// (1, 1, c, n). Spatial sizes and batch from the buffers.
#include "generators/layers/layers.h"
#include "generators/manual_schedules/simple_schedules.h"

namespace memsched::generators {

class GlobalAvgPoolLayer : public Halide::Generator<GlobalAvgPoolLayer> {
public:
    GeneratorParam<int> c{"c", 8};
    GeneratorParam<int> est_width{"est_width", 7};
    GeneratorParam<int> est_height{"est_height", 7};
    GeneratorParam<int> est_batch{"est_batch", 1};
    GeneratorParam<bool> manual_schedule{"manual_schedule", false};

    Input<Buffer<float>> input{"input", 4};
    Output<Buffer<float>> output{"output", 4};

    void generate() {
        layers::AvgPoolStages gap = layers::global_avg_pool_stages(input, input.dim(0).extent(),
                                                                   input.dim(1).extent(), "gap");
        Halide::Var x("x"), y("y"), ch("c"), n("n");
        output(x, y, ch, n) = gap.out(x, y, ch, n);

        input.set_estimates({{0, est_width}, {0, est_height}, {0, c}, {0, est_batch}});
        output.set_estimates({{0, 1}, {0, 1}, {0, c}, {0, est_batch}});
        if (manual_schedule && !get_auto_schedule()) {
            manual_schedules::schedule_global_pool(output, gap.sum, get_target());
        }
    }
};

} // namespace memsched::generators

HALIDE_REGISTER_GENERATOR(memsched::generators::GlobalAvgPoolLayer, global_avg_pool_layer)
