// MicroKernel: the register block of a conv-like layer, fixed by the ISA
// (vector width, register count) and the output width, not by the model:
// `x_vectors` vectors of `vector_lanes` output columns by `k_block` output
// channels stay in accumulator registers for the whole reduction.
#pragma once

#include "Halide.h"

#include <string>

namespace memsched::autoschedule {

struct MicroKernel {
    int vector_lanes = 1; // float32 lanes per vector (1: scalar)
    int x_vectors = 1;    // vectors along x in the register block
    int k_block = 1;      // output channels in the register block

    int x_block() const { return vector_lanes * x_vectors; }
    std::string describe() const; // "2x16 lanes by 12 channels"
};

// Float32 vector registers of the target's widest enabled ISA.
int vector_register_count(const Halide::Target& target);

// vector_override > 0 replaces the target's natural float32 width.
// width: estimated output width (x extent, -1 unknown); channels: output
// channels (k extent, -1 unknown); input_per_channel: the input depends on
// the output channel (depthwise, pools), so channels share no input loads.
MicroKernel choose_micro_kernel(const Halide::Target& target, int vector_override, int64_t width,
                                int64_t channels, bool input_per_channel);

} // namespace memsched::autoschedule
