// pool_layer: max or average pooling (kernel, stride, pad; avg with or
// without count_include_pad). Channels are compile-time for estimates only;
// spatial sizes and batch come from the buffers, so the caller's output
// extent decides end padding / ceil mode. Input (x, y, c, n) -> output (x, y, c, n).
#include "generators/generator_common.h"
#include "generators/layers/layers.h"
#include "generators/manual_schedules/simple_schedules.h"

#include <limits>

namespace memsched::generators {

enum class PoolKind { Max, Avg };

class PoolLayer : public Halide::Generator<PoolLayer> {
public:
    GeneratorParam<PoolKind> kind{
        "kind", PoolKind::Max, {{"max", PoolKind::Max}, {"avg", PoolKind::Avg}}};
    GeneratorParam<int> c{"c", 8};
    GeneratorParam<int> kernel_w{"kernel_w", 2};
    GeneratorParam<int> kernel_h{"kernel_h", 2};
    GeneratorParam<int> stride{"stride", 2};
    GeneratorParam<int> pad{"pad", 0};
    // End padding for avg-pool divisors with count_include_pad and for the
    // output estimate (ceil mode is an extra end pad); -1: same as pad.
    GeneratorParam<int> pad_end{"pad_end", -1};
    GeneratorParam<bool> count_include_pad{"count_include_pad", false};
    GeneratorParam<int> est_width{"est_width", 32};
    GeneratorParam<int> est_height{"est_height", 32};
    GeneratorParam<int> est_batch{"est_batch", 1};
    GeneratorParam<bool> manual_schedule{"manual_schedule", false};

    Input<Buffer<float>> input{"input", 4};
    Output<Buffer<float>> output{"output", 4};

    void generate() {
        layers::PoolParams p{kernel_w, kernel_h};
        p.stride_x = p.stride_y = stride;
        p.pad_left = p.pad_top = pad;
        p.pad_right = p.pad_bottom = pad_end;
        Halide::Expr w = input.dim(0).extent(), h = input.dim(1).extent();
        Halide::Func padded, pool, reduction;
        if (kind == PoolKind::Max) {
            padded = layers::pad_value(input, w, h, -std::numeric_limits<float>::infinity(),
                                       "input_padded");
            pool = reduction = layers::max_pool(padded, p, "pool");
        } else {
            padded = layers::pad_zero(input, w, h, "input_padded");
            layers::AvgPoolStages stages =
                layers::avg_pool_stages(padded, p, w, h, count_include_pad, "pool");
            pool = stages.out;
            reduction = stages.sum;
        }
        Halide::Var x("x"), y("y"), ch("c"), n("n");
        output(x, y, ch, n) = pool(x, y, ch, n);

        const int end = pad_end < 0 ? int(pad) : int(pad_end);
        input.set_estimates({{0, est_width}, {0, est_height}, {0, c}, {0, est_batch}});
        output.set_estimates({{0, window_out_extent(est_width, kernel_w, stride, pad, end)},
                              {0, window_out_extent(est_height, kernel_h, stride, pad, end)},
                              {0, c},
                              {0, est_batch}});
        if (manual_schedule && !get_auto_schedule()) {
            manual_schedules::schedule_window_pool(output, reduction, padded, get_target());
        }
    }
};

} // namespace memsched::generators

HALIDE_REGISTER_GENERATOR(memsched::generators::PoolLayer, pool_layer)
