// Lane utilisation: the fraction of a micro-kernel's multiply-adds that
// compute real outputs of a layer. A register block covers whole vectors of
// columns (or channels), whole rows and whole channel blocks; at a layer's
// edges the rest of the block is computed and discarded (guarded lanes cost
// the same cycles). The fusion decision (fused_group_bridge.h) charges
// compute time by it, because a fused group's exit runs the x-vectorized
// band block where the layer alone may run a channel-vectorized one
// (ResNet-18 @112, layer1 at 28 columns: 28 of 32 lanes against 64 of 64).
#pragma once

#include "autoschedule/micro_kernel.h"
#include "model/layer_shape.h"

namespace memsched::autoschedule {

// In (0, 1]: useful / computed outputs of `shape` under block `mk`.
double lane_utilisation(const MicroKernel& mk, const LayerShape& shape);

} // namespace memsched::autoschedule
