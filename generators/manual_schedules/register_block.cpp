// Implementation of register_block (see register_block.h).
#include "generators/manual_schedules/register_block.h"

#include <algorithm>
#include <vector>

namespace memsched::manual_schedules {

RegisterBlock register_block(const Halide::Target& target, int out_channels) {
    const bool many_registers =
        target.has_feature(Halide::Target::AVX512) || target.arch == Halide::Target::ARM;
    RegisterBlock b;
    b.vector_lanes = target.natural_vector_size(Halide::Float(32));
    b.channel_block = std::max(1, std::min(many_registers ? 8 : 4, out_channels));
    b.row_block = 2;
    return b;
}

void schedule_reduction_at(Halide::Func conv, const Halide::LoopLevel& level,
                           const RegisterBlock& b) {
    std::vector<Halide::Var> v = conv.args(); // x, y, k, n
    const Halide::Var &x = v[0], &y = v[1], &k = v[2], &n = v[3];
    // The block is at most vector_lanes x row_block (less at guarded tails):
    // fixing the realized extents keeps the accumulators a constant-size
    // register tile; the spare lanes read the padded input, defined everywhere.
    conv.compute_at(level)
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
    // k's extent is exactly channel_block (the callers split k into full
    // blocks), so it unrolls without a tail.
    conv.update().reorder(order).vectorize(x).unroll(k).unroll(y);
}

} // namespace memsched::manual_schedules
