// Implementation of schedule_conv_stage (see conv_schedule.h).
#include "generators/manual_schedules/conv_schedule.h"

#include "generators/manual_schedules/register_block.h"

namespace memsched::manual_schedules {

using Halide::TailStrategy;

namespace {

// Computes `conv` per register block of `out` (at loop `block`): pure vars
// x (vector), k and y (unrolled) inside, the reduction outside them.
void schedule_reduction_at_block(Halide::Func conv, const Halide::Func& out,
                                 const Halide::Var& block, const RegisterBlock& b) {
    std::vector<Halide::Var> v = conv.args(); // x, y, k, n
    const Halide::Var &x = v[0], &y = v[1], &k = v[2], &n = v[3];
    // The block is at most vector_lanes x row_block (less at guarded tails):
    // fixing the realized extents keeps the accumulators a constant-size
    // register tile; the spare lanes read the padded input, defined everywhere.
    conv.compute_at(out, block)
        .bound_extent(x, b.vector_lanes)
        .bound_extent(y, b.row_block)
        .reorder(x, k, y, n)
        .vectorize(x)
        .unroll(k)
        .unroll(y);

    std::vector<Halide::VarOrRVar> order = {x, k, y};
    for (const Halide::RVar& r : conv.rvars(0))
        order.emplace_back(r);
    order.emplace_back(n);
    // k's extent is exactly channel_block (out splits k with ShiftInwards),
    // so it unrolls without a tail.
    conv.update().reorder(order).vectorize(x).unroll(k).unroll(y);
}

} // namespace

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

    schedule_reduction_at_block(stage.conv, out, xo, b);
    for (const Halide::Func& extra : stage.extra_convs)
        schedule_reduction_at_block(extra, out, xo, b);
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
