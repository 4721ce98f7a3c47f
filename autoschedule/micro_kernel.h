// MicroKernel: the register block of a conv-like layer, fixed by the ISA
// (vector width, register count) and the layer's width, not by the model:
// one vector of `vector_lanes` output columns by `rows` output rows by
// `k_block` output channels stays in accumulator registers for the whole
// reduction. Each input vector load feeds k_block FMAs, each weight
// broadcast feeds `rows` FMAs. (Measured on AVX-512: 1x4x6 and 1x2x8 blocks
// run ~2x faster than 2 vectors x 12 channels, whose guarded second vector
// defeats loop partitioning.)
#pragma once

#include "Halide.h"

#include <string>

namespace memsched::autoschedule {

struct MicroKernel {
    int vector_lanes = 1; // float32 lanes per vector (1: scalar)
    int rows = 1;         // output rows in the register block
    int k_block = 1;      // output channels in the register block

    int x_block() const { return vector_lanes; }
    std::string describe() const; // "16 lanes x 4 rows x 6 channels"
};

// Float32 vector registers of the target's widest enabled ISA.
int vector_register_count(const Halide::Target& target);

// vector_override > 0 replaces the target's natural float32 width.
// width/height: estimated output extents (-1 unknown); channels: output
// channels (-1 unknown); input_per_channel: the input depends on the output
// channel (depthwise, pools), so channels share no input loads.
MicroKernel choose_micro_kernel(const Halide::Target& target, int vector_override, int64_t width,
                                int64_t height, int64_t channels, bool input_per_channel);

} // namespace memsched::autoschedule
