// The micro-kernel shape of the hand schedules, derived from the target:
// vectors along x (NCHW), a block of output channels and rows held as
// accumulators in registers (the micro-kernel of Halide's apps/conv_layer CPU schedule).
#pragma once

#include <Halide.h>

namespace memsched::manual_schedules {

struct RegisterBlock {
    int vector_lanes;  // floats per vector along x
    int channel_block; // output channels per block (never more than exist)
    int row_block;     // output rows per block
};

// 32-register ISAs (AVX-512, AArch64) hold 8 x 2 vector accumulators,
// 16-register ones (AVX2, SSE) 4 x 2: a third of the file stays free for
// the input vectors and broadcast weights.
RegisterBlock register_block(const Halide::Target& target, int out_channels);

// Computes the conv reduction `conv` per register block at `level`: pure
// vars x (vector), k and y (unrolled) inside, the reduction outside them, so
// one block's accumulators stay in registers for the whole reduction.
void schedule_reduction_at(Halide::Func conv, const Halide::LoopLevel& level,
                           const RegisterBlock& b);

} // namespace memsched::manual_schedules
