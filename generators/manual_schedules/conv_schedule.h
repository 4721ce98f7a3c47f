// Hand schedule of one conv stage: a pure (x, y, k, n) consumer `out` of a
// conv-like reduction. `out` is tiled into register blocks (x vector,
// channel block, row block), parallel over row blocks and batch; the
// reduction is computed per block with its update reordered so the block's
// accumulators stay in registers while the whole reduction runs; the padded
// input is staged per row block. Correct at any spatial size: x and y tails
// are guarded in `out`, and the reduction's x/y extents are bounded to the block inside its
// own small allocation (it reads the padded input, defined everywhere).
#pragma once

#include <Halide.h>

#include <vector>

namespace memsched::manual_schedules {

struct ConvStage {
    Halide::Func
        out; // pure consumer (the generator output, or a stage the caller computes at root)
    Halide::Func conv; // the reduction read by `out` (pure init + one update)
    int out_channels = 1;
    // Optional padded inputs, staged per row block of `out`.
    std::vector<Halide::Func> padded;
    // Further reductions read by `out` at the same points with the same
    // channel count (e.g. a projection shortcut), scheduled like `conv`.
    std::vector<Halide::Func> extra_convs;
};

void schedule_conv_stage(const ConvStage& stage, const Halide::Target& target);

// compute_root for small producers computed once (folded weights and bias).
void compute_root(const std::vector<Halide::Func>& funcs);

} // namespace memsched::manual_schedules
