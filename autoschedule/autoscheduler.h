// The MemSched autoscheduler, start to end:
//   1. analyze_pipeline   (pipeline_analysis.h): kinds, extents, consumers
//   2. plan_fusion        (fusion_plan.h): inline / root / in-tile placement
//   3. per fused root: choose_micro_kernel (micro_kernel.h) and
//      plan_layer (model_bridge.h, the only call into the traffic model)
//   4. apply + emit through ScheduleWriter (directive.h) with
//      tile_schedules.h / basic_schedules.h
// Parameters come from plugin_params.h, the only reader of the environment
// (MEMSCHED_PARAMS, MEMSCHED_CONFIG) and sysfs.
#pragma once

#include "autoschedule/plugin_params.h"

#include "Halide.h"

#include <string>
#include <vector>

namespace memsched::autoschedule {

struct ScheduleReport {
    std::string source;                 // for AutoSchedulerResults::schedule_source
    std::vector<std::string> log_lines; // one per scheduled stage
};

// Applies the schedule to `pipeline` and returns its source text.
ScheduleReport schedule_pipeline(const Halide::Pipeline& pipeline, const Halide::Target& target,
                                 const PluginParams& params);

} // namespace memsched::autoschedule
