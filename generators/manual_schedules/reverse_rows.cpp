// Implementation of the reverse-row conv definition and schedule (see reverse_rows.h).
#include "generators/manual_schedules/reverse_rows.h"

#include "generators/manual_schedules/register_block.h"

namespace memsched::manual_schedules {

using Halide::TailStrategy;

const std::map<std::string, RowOrder>& row_order_names() {
    static const std::map<std::string, RowOrder> names{{"forward", RowOrder::Forward},
                                                       {"reverse", RowOrder::Reverse}};
    return names;
}

void define_rows_reversed(Halide::Func out, Halide::Func value, int out_channels,
                          const Halide::Target& target) {
    Halide::Var x("x"), yv("y"), k("k"), n("n");
    // Nothing is computed for the pure stage: every row is written by the
    // update, bottom row first.
    out(x, yv, k, n) = Halide::undef<float>();
    // The output buffer exists once the Func is defined.
    const Halide::Expr y_min = out.output_buffer().dim(1).min(),
                       y_extent = out.output_buffer().dim(1).extent();
    // Channels are reduction variables too: the forward schedule's ShiftInwards
    // split of k (full register blocks, the last one shifted down) is illegal
    // on an update's pure var, so the blocks are written out here: block kb
    // covers channels [min(kb*cb, K-cb), +cb), the last one overlapping its
    // neighbour (those channels get the same value twice).
    const int cb = register_block(target, out_channels).channel_block;
    const int blocks = (out_channels + cb - 1) / cb;
    Halide::RDom r(0, cb, 0, blocks, y_min, y_extent, "rows_up");
    const Halide::Expr kk = Halide::min(r.y * cb, out_channels - cb) + r.x;
    const Halide::Expr y = 2 * y_min + y_extent - 1 - r.z;
    out(x, y, kk, n) = value(x, y, kk, n);
}

void schedule_conv_stage_reversed(const ConvStage& stage, const Halide::Target& target) {
    const RegisterBlock b = register_block(target, stage.out_channels);
    Halide::Func out = stage.out;
    std::vector<Halide::Var> v = out.args();
    const Halide::Var &x = v[0], &n = v[3];
    const std::vector<Halide::RVar> r = out.rvars(0); // channel in block, channel block, row
    const Halide::RVar &ki = r.at(0), &kb = r.at(1), &rows = r.at(2);
    Halide::Var xo("xo"), xi("xi");
    Halide::RVar ro("rows_up_o"), ri("rows_up_i");
    // As in the forward schedule: x and row tails guarded. A tail row block
    // (the top one) still computes a full block of the reduction, on rows
    // above the image (the padded input is defined there).
    out.update(0)
        // Each output element is written by one iteration of ro (the store
        // index y_min + y_max - r is injective in r, which Halide cannot
        // prove), and the only elements written twice (shifted channel
        // blocks) are written twice with the same value by the same iteration.
        .allow_race_conditions()
        .split(x, xo, xi, b.vector_lanes, TailStrategy::GuardWithIf)
        .split(rows, ro, ri, b.row_block, TailStrategy::GuardWithIf)
        .reorder(xi, ki, ri, xo, kb, ro, n)
        .vectorize(xi)
        .unroll(ki)
        .unroll(ri)
        .parallel(ro);

    const Halide::LoopLevel block(out, xo);
    schedule_reduction_at(stage.conv, block, b);
    for (const Halide::Func& extra : stage.extra_convs)
        schedule_reduction_at(extra, block, b);
    for (Halide::Func padded : stage.padded) {
        std::vector<Halide::Var> pv = padded.args();
        padded.compute_at(out, ro).vectorize(pv[0], b.vector_lanes);
    }
}

} // namespace memsched::manual_schedules
