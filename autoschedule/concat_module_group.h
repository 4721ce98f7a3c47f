// A whole module fused in row bands of the stage that joins its branches:
// SqueezeNet's fire modules and GoogLeNet's inception modules, whose
// branches meet in a concat. Layer by layer each branch writes its output,
// the concat (inlined into the next layer's pad, or materialised) reads
// them back, and the module's inner tensors (a squeeze output and its
// padded copies) go out and back once more:
//
//   entry -> squeeze -> { pad -> expand1x1, pad -> expand3x3 } -> concat -> E
//
// Fused, E (the root reading the concat) is tiled in full-width row bands
// of all its channels, and every stage of the module is computed per band
// (halos recomputed: a 1x1 squeeze recomputes two rows per band): each conv
// runs its register blocks at the blocks of its pointwise epilogue, stored
// per band, and E's bands read the branches from those. Only the entry is
// read from memory and E written.
//
// Candidates are found by walking up from E in reverse topological order,
// one stage at a time; wherever a single tensor is left to read, that is a
// group input and the stages walked so far a candidate (the module without
// its squeeze, with it, two modules, ...). Each is translated into the
// fusion model's FusedGroup (a DAG with Concat nodes) and fused where
// fused_group_bridge.h predicts it pays; the partition (group_partition.h)
// chooses among them and the chain groups.
#pragma once

#include "autoschedule/layer_fusion.h"

#include <string>
#include <vector>

namespace memsched::autoschedule {

// The candidate groups of root `exit` (fused or not: bands.fuse and
// bands.why say); empty when `exit` joins no branches. Refusals of the walk
// go to `log`.
std::vector<CrossLayerGroup> concat_module_candidates(const PipelineInfo& info,
                                                      const FusionPlan& plan,
                                                      const std::string& exit,
                                                      const Halide::Target& target,
                                                      const PluginParams& params,
                                                      std::vector<std::string>* log);

// Applies (and writes) the schedule of a chosen module group.
void schedule_concat_module_group(ScheduleWriter& w, const PipelineInfo& info,
                                  const FusionPlan& plan, const CrossLayerGroup& group,
                                  const Halide::Target& target, const PluginParams& params,
                                  std::vector<std::string>* log);

} // namespace memsched::autoschedule
