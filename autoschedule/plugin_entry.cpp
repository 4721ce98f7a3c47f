// Registers the "MemSched" autoscheduler with Halide 14 when
// libautoschedule_memsched.so is loaded (`-p libautoschedule_memsched.so
// -s MemSched`, add_halide_library(... AUTOSCHEDULER memsched::MemSched), or
// Halide::load_plugin). Only this file talks to Halide's plugin interface.
#include "autoschedule/autoscheduler.h"
#include "autoschedule/plugin_params.h"
#include "autoschedule/safe_fallback.h"

#include "Halide.h"

#include <iostream>
#include <stdexcept>

namespace memsched::autoschedule {
namespace {

void run_memsched(const Halide::Pipeline& pipeline, const Halide::Target& target,
                  const Halide::MachineParams& machine, Halide::AutoSchedulerResults* results) {
    PluginParams params;
    try {
        params = resolve_plugin_params(
            read_param_sources(machine.parallelism, machine.last_level_cache_size));
    } catch (const std::invalid_argument& e) {
        // A bad parameter is the user's error: say which, stop the build.
        throw Halide::CompileError(std::string("MemSched: ") + e.what() + "\n");
    }
    // A failure of ours undoes its directives and falls back to a plain
    // schedule rather than stopping the user's build (safe_fallback.h).
    const ScheduleReport report = schedule_with_fallback(pipeline, target, params, schedule_pipeline);
    if (params.verbose) {
        std::cerr << "[memsched] parameters:" << params.provenance << "\n";
        for (const auto& line : report.log_lines) std::cerr << line << "\n";
    }
    results->scheduler_name = "MemSched";
    results->schedule_source = report.source;
}

struct Registration {
    Registration() { Halide::Pipeline::add_autoscheduler("MemSched", run_memsched); }
};
Registration registration;

} // namespace
} // namespace memsched::autoschedule
