// Implementation of schedule_conv_stage (see conv_schedule.h).
#include "generators/manual_schedules/conv_schedule.h"

#include "generators/manual_schedules/register_block.h"

namespace memsched::manual_schedules {

using Halide::TailStrategy;

void schedule_conv_stage(const ConvStage& stage, const Halide::Target& target) {
    const RegisterBlock b = register_block(target, stage.out_channels);
    Halide::Func out = stage.out;
    std::vector<Halide::Var> v = out.args();
    const Halide::Var &x = v[0], &y = v[1], &k = v[2], &n = v[3];
    Halide::Var xo("xo"), xi("xi"), yo("yo"), yi("yi"), ko("ko"), ki("ki"), rows("rows");
    // Spatial extents are run-time: guard their tails. The channel count is
    // known and >= channel_block, so k shifts inwards and blocks stay full.
    out.split(x, xo, xi, b.vector_lanes, TailStrategy::GuardWithIf)
        .split(y, yo, yi, b.row_block, TailStrategy::GuardWithIf)
        .split(k, ko, ki, b.channel_block, TailStrategy::ShiftInwards)
        .reorder(xi, ki, yi, xo, ko, yo, n)
        .vectorize(xi)
        .unroll(ki)
        .unroll(yi)
        .fuse(yo, n, rows)
        .parallel(rows);

    schedule_reduction_at(stage.conv, Halide::LoopLevel(out, xo), b);
    for (const Halide::Func& extra : stage.extra_convs)
        schedule_reduction_at(extra, Halide::LoopLevel(out, xo), b);
    for (Halide::Func padded : stage.padded) {
        std::vector<Halide::Var> pv = padded.args();
        padded.compute_at(out, rows).vectorize(pv[0], b.vector_lanes);
    }
}

void compute_root(const std::vector<Halide::Func>& funcs) {
    for (Halide::Func f : funcs)
        f.compute_root();
}

} // namespace memsched::manual_schedules
