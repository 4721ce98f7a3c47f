// Lane utilisation of a register block over a layer (see kernel_utilisation.h).
#include "autoschedule/kernel_utilisation.h"

#include <algorithm>

namespace memsched::autoschedule {
namespace {

// extent / (extent rounded up to whole blocks of `block`).
double whole_blocks(int64_t extent, int64_t block) {
    if (extent <= 0 || block <= 1) return 1.0;
    const int64_t blocks = (extent + block - 1) / block;
    return double(extent) / double(blocks * block);
}

} // namespace

double lane_utilisation(const MicroKernel& mk, const LayerShape& shape) {
    const int64_t cols = mk.channel_vectors ? mk.x_cols : mk.vector_lanes;
    return whole_blocks(shape.out_width(), cols) * whole_blocks(shape.out_height(), mk.rows) *
           whole_blocks(shape.out_channels, mk.k_block);
}

} // namespace memsched::autoschedule
