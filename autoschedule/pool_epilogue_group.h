// A pool run as the epilogue of the conv before it, tile by tile. A conv
// C hosted by its output pad Q (C computed in Q's bands, writing the padded
// activation once), whose only reader is a pool P computed in the tiles of
// a root R (the next layer's pad, or the output):
//
//   C -> Q (root) -> P (in R's tiles) -> R (root)
//
// Alone, C writes all of Q and P reads it back (VGG-16 @224's conv2_2:
// 6.4 MB each way). A pool is channel-wise, so a tile of C's own plan
// (rows x output channels, in its order: model_bridge.h) yields a tile of
// P's rows and channels. Fused, R is tiled by C's plan, each tile computing
// the rows and channels of Q its pool window reads, with C inside:
//
//   R in tiles of C's plan (rows / stride, the same channel tiles, order):
//     C[tile] (its register blocks, its staged input), Q[tile]
//     P's register blocks -> R
//
// so Q never leaves the cache, while C keeps the row and channel tiles the
// model chose for it alone; the row bands of the band groups (all channels
// per band, layer_fusion.h) would read C's weights once per band instead.
// Overlapping pool windows (kernel > stride) recompute kernel - stride conv
// rows per tile. C's register blocks are whole in every tile, the last
// channel block shifted inwards: tiles of channels that do not divide C's
// (VGG's 128 in tiles of 24) would otherwise guard each unrolled channel
// of every block, which took the group to twice its layers' time.
// Predicted with the per-layer model: C's plan, less its output write,
// plus R's write, against C and P as the plugin applies them alone;
// chosen, as any candidate, by its gain (layer_fusion.h).
#pragma once

#include "autoschedule/layer_fusion.h"

#include <optional>
#include <string>
#include <vector>

namespace memsched::autoschedule {

// The group of root `root` when its tiles compute one pool whose input pad
// hosts one conv (fused or not: bands.fuse and bands.why say); nullopt with
// `why` when `root` is no such root.
std::optional<CrossLayerGroup> pool_epilogue_candidate(const PipelineInfo& info,
                                                       const FusionPlan& plan,
                                                       const std::string& root,
                                                       const Halide::Target& target,
                                                       const PluginParams& params,
                                                       std::string* why);

// Applies (and writes) the schedule of a chosen pool-epilogue group.
void schedule_pool_epilogue_group(ScheduleWriter& w, const PipelineInfo& info,
                                  const CrossLayerGroup& group, const PluginParams& params,
                                  std::vector<std::string>* log);

} // namespace memsched::autoschedule
