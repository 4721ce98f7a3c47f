// A fusion group whose exit is a materialised reduction itself: a layer R
// (a pool) that several stages read, so it is written at root and "tiled
// in place" (fusion_plan.h), whose input is a pad H hosting the conv C
// before it (C computed per band of H, writing the padded activation once).
// ResNet's stem is one: conv1 -> pool1_padded -> pool1, and pool1 feeds
// layer1's first pad and its residual add. Alone, C writes all of H
// (3.3 MB at 224x224) and R reads it back. Fused, R's update runs in row
// bands and each band computes the rows of H it reads (with C inside), so
// H never leaves the cache:
//
//   R: init at root; update in bands of B rows:
//     H[rows of the band] (C computed for them, all channels)
//     R[band rows] = max over the window of H
//
// Halos as the model chooses: recomputed (bands in parallel), or kept
// (sliding: bands serial inside parallel strips, H stored per strip and
// folded to the rows a band reads, so each band computes only its new
// rows of H and C: no recomputed conv rows, and whole register blocks of
// rows where the recomputed band's odd 2B+1 rows left a partial one).
// The group is the fusion model's FusedGroup {C, R} and is chosen, as any
// other candidate, by its predicted gain (layer_fusion.h). Knows the
// Halide side through layer_fusion.h and tile_schedules.h only.
#pragma once

#include "autoschedule/layer_fusion.h"

#include <optional>
#include <string>
#include <vector>

namespace memsched::autoschedule {

// The group of reduction `exit` (a key of plan.tiled_in_place without
// weights: a pool) and the conv its input pad hosts, with the model's band plan (fused or not:
// bands.fuse and bands.why say); nullopt with `why` when `exit` is not such
// a reduction.
std::optional<CrossLayerGroup> reduction_exit_candidate(const PipelineInfo& info,
                                                        const FusionPlan& plan,
                                                        const std::string& exit,
                                                        const Halide::Target& target,
                                                        const PluginParams& params,
                                                        std::string* why);

// Applies (and writes) the schedule of a chosen reduction-exit group.
void schedule_reduction_exit_group(ScheduleWriter& w, const PipelineInfo& info,
                                   const FusionPlan& plan, const CrossLayerGroup& group,
                                   const Halide::Target& target, const PluginParams& params,
                                   std::vector<std::string>* log);

} // namespace memsched::autoschedule
