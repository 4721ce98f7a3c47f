// Schedules for stages that are not fused conv tiles: materialised pure
// stages, reductions computed at root, and unmodeled stages. All splits
// guard their tails (GuardWithIf), so they are valid at any size.
#pragma once

#include "autoschedule/directive.h"
#include "autoschedule/pipeline_analysis.h"

namespace memsched::autoschedule {

struct BasicContext {
    int vector_lanes = 8;
    int parallelism = 1;
};

// compute_root; vectorize the innermost dimension; parallel over the
// outermost one or two dimensions (fused).
void schedule_pure_root(ScheduleWriter& w, const StageInfo& s, const BasicContext& ctx);

// As above for the pure definition; the update keeps its RVars inside a
// vector of the innermost pure dimension and runs the outer pure
// dimensions in parallel (race-free: the update writes its own pure point).
void schedule_reduction_root(ScheduleWriter& w, const StageInfo& s, const BasicContext& ctx);

// compute_root and nothing else: always valid, whatever the definitions do.
void schedule_unmodeled(ScheduleWriter& w, const StageInfo& s);

} // namespace memsched::autoschedule
