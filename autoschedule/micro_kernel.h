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

// Narrow maps (7 or 14 columns) waste or guard most lanes of an x vector.
// There the block is vectorized along OUTPUT CHANNELS instead (Halide's
// apps/conv_layer kernel): `k_block` channels (a multiple of vector_lanes)
// by `x_cols` columns by `rows` rows of accumulators; each step loads
// k_block / vector_lanes weight vectors from a k-innermost copy of the
// weights and broadcasts one input value per column.
struct MicroKernel {
    int vector_lanes = 1; // float32 lanes per vector (1: scalar)
    int rows = 1;         // output rows in the register block
    int k_block = 1;      // output channels in the register block
    bool channel_vectors = false; // vectors along k (else along x)
    int x_cols = 1;               // channel_vectors: output columns in the block

    int x_block() const { return channel_vectors ? x_cols : vector_lanes; }
    int k_vectors() const { return channel_vectors ? k_block / vector_lanes : 1; }
    std::string describe() const; // "16 lanes x 4 rows x 6 channels"
};

// Float32 vector registers of the target's widest enabled ISA.
int vector_register_count(const Halide::Target& target);

// vector_override > 0 replaces the target's natural float32 width.
// width/height: estimated output extents (-1 unknown); channels: output
// channels (-1 unknown); input_per_channel: the input depends on the output
// channel (depthwise, pools), so channels share no input loads.
// allow_channel_vectors: the caller can schedule a channel-vectorized block
// (a conv with weights fused into a root; see tile_schedules.h). It is
// chosen when the width is under two vectors and the channels are a
// multiple of the vector width.
MicroKernel choose_micro_kernel(const Halide::Target& target, int vector_override, int64_t width,
                                int64_t height, int64_t channels, bool input_per_channel,
                                bool allow_channel_vectors = false);

} // namespace memsched::autoschedule
