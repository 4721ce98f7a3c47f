// The layer behind the golden-schedule test: pad -> 3x3 conv (16 -> k
// channels) -> bias -> relu, with estimates 56x56x32. With
// use_golden_schedule=true it applies the checked-in MemSched schedule
// (golden/memsched_golden_layer.schedule.h), which proves the emitted text
// compiles and, run by golden_apply_test, computes the right thing.
#include "Halide.h"

#if defined(MEMSCHED_WITH_GOLDEN_SCHEDULE)
#include "tests/autoschedule/golden/memsched_golden_layer.schedule.h"
#endif

namespace {

class GoldenLayer : public Halide::Generator<GoldenLayer> {
public:
    GeneratorParam<bool> use_golden_schedule{"use_golden_schedule", false};
    Input<Buffer<float>> input{"input", 4};
    Input<Buffer<float>> weights{"weights", 4};
    Input<Buffer<float>> bias{"bias", 1};
    Output<Buffer<float>> output{"output", 4};

    static constexpr int kChannels = 16;

    void generate() {
        Var x("x"), y("y"), c("c"), k("k"), n("n");
        Expr w = input.dim(0).extent(), h = input.dim(1).extent();
        Func padded("padded");
        padded(x, y, c, n) = select(x >= 1 && x <= w && y >= 1 && y <= h,
                                    input(clamp(x - 1, 0, w - 1), clamp(y - 1, 0, h - 1), c, n), 0.0f);
        RDom r(0, 3, 0, 3, 0, kChannels, "r");
        Func conv("conv");
        conv(x, y, k, n) = 0.0f;
        conv(x, y, k, n) += padded(x + r.x, y + r.y, r.z, n) * weights(r.x, r.y, r.z, k);
        output(x, y, k, n) = max(conv(x, y, k, n) + bias(k), 0.0f);

        input.set_estimates({{0, 56}, {0, 56}, {0, kChannels}, {0, 1}});
        weights.set_estimates({{0, 3}, {0, 3}, {0, kChannels}, {0, 32}});
        bias.set_estimates({{0, 32}});
        output.set_estimates({{0, 56}, {0, 56}, {0, 32}, {0, 1}});
    }

    void schedule() {
        if (use_golden_schedule) {
#if defined(MEMSCHED_WITH_GOLDEN_SCHEDULE)
            apply_schedule_memsched_golden_layer(get_pipeline(), get_target());
#else
            throw std::runtime_error("built without MEMSCHED_WITH_GOLDEN_SCHEDULE");
#endif
        }
    }
};

} // namespace

HALIDE_REGISTER_GENERATOR(GoldenLayer, memsched_golden_layer)
