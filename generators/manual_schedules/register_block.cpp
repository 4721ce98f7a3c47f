// Implementation of register_block (see register_block.h).
#include "generators/manual_schedules/register_block.h"

#include <algorithm>

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

} // namespace memsched::manual_schedules
