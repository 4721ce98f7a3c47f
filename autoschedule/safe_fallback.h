// The plugin's promise never to break a user's Halide build: run the real
// scheduler, and if it fails on a broken invariant of ours (a logic_error,
// or a Halide error raised by a directive we issued), undo every directive
// it had applied and schedule the pipeline the plain, always-legal way
// (every Func compute_root, pure definitions vectorized with guards and
// parallel over their outermost dimension), saying why on stderr and in the
// schedule source.
#pragma once

#include "autoschedule/autoscheduler.h"

#include "Halide.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace memsched::autoschedule {

// Every Func schedule and stage schedule of a pipeline as it was when taken;
// restore() puts them back (the directives the plugin issues touch only
// these: compute/store levels, bounds, storage dims, splits, dims).
class ScheduleSnapshot {
public:
    explicit ScheduleSnapshot(const Halide::Pipeline& pipeline);
    void restore();

private:
    struct FuncState {
        Halide::Internal::Function func;
        Halide::LoopLevel compute_level, store_level;
        std::vector<Halide::Internal::StorageDim> storage_dims;
        std::vector<Halide::Internal::Bound> bounds;
        std::vector<Halide::Internal::StageSchedule> stages; // definition, then updates
    };
    std::vector<FuncState> funcs_;
};

// The fallback schedule on its own (on a pipeline whose schedules are as the
// user left them); `why` is quoted in the source.
ScheduleReport schedule_plainly(const Halide::Pipeline& pipeline, const Halide::Target& target,
                                const std::string& why);

using Scheduler = std::function<ScheduleReport(const Halide::Pipeline&, const Halide::Target&,
                                               const PluginParams&)>;

// `scheduler`'s report, or, when it throws, the plain schedule with the
// pipeline's schedules restored first. The report's log says which.
ScheduleReport schedule_with_fallback(const Halide::Pipeline& pipeline,
                                      const Halide::Target& target, const PluginParams& params,
                                      const Scheduler& scheduler);

} // namespace memsched::autoschedule
