// Run-time compilation of one layer (see layer_compile.h).
#include "measure/layer_compile.h"

#include "measure/layer_pipeline.h"
#include "model/problem.h"

#include <Halide.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <set>
#include <stdexcept>

namespace memsched::measure {
namespace {

void load_plugin_once(Scheduler s) {
    static std::mutex mu;
    static std::set<std::string> loaded;
    std::lock_guard<std::mutex> lock(mu);
    const std::string path = plugin_path(s);
    if (loaded.insert(path).second) Halide::load_plugin(path);
}

// The plugins read their options from the environment (Halide 14 has no
// per-scheduler keys), so this is where the simulated geometry reaches them.
void set_plugin_environment(Scheduler s, const CacheGeometry& d1, const CacheGeometry& ll) {
    if (s == Scheduler::MemSched) {
        const std::string params = "l1=" + std::to_string(d1.size_bytes) + ",l2=" + std::to_string(ll.size_bytes) +
                                   ",llc=" + std::to_string(ll.size_bytes) + ",line=" +
                                   std::to_string(ll.line_bytes) + ",verbose=0";
        setenv("MEMSCHED_PARAMS", params.c_str(), 1);
    }
    if (s == Scheduler::Adams2019) setenv("HL_BEAM_SIZE", "1", /*overwrite=*/0);
}

} // namespace

CompiledLayer compile_layer(const LayerShape& shape, Scheduler scheduler, const CacheGeometry& d1,
                            const CacheGeometry& ll, const std::string& dir) {
    const auto start = std::chrono::steady_clock::now();
    const LayerPipeline layer = build_layer_pipeline(shape);
    const Halide::Target target("x86-64-linux-avx2");
    Halide::Pipeline pipeline = layer.pipeline();
    CompiledLayer out;
    if (scheduler == Scheduler::Manual) {
        layer.apply_manual_schedule(target);
    } else if (is_plugin(scheduler)) {
        load_plugin_once(scheduler);
        set_plugin_environment(scheduler, d1, ll);
        Halide::MachineParams machine(1, int(ll.size_bytes), 40);
        out.schedule_source = pipeline.auto_schedule(plugin_name(scheduler), target, machine).schedule_source;
        // Kept beside the library (MEMSCHED_MEASURE_KEEP=1 keeps the directory) to see what was measured.
        std::ofstream(dir + "/schedule.txt") << out.schedule_source;
    }
    // The schedule as applied to the Funcs, before compiling locks it.
    try {
        out.applied = autoschedule::read_applied_schedule(Problem::from_shape(shape), layer.consumer_loops,
                                                          layer.reduction_loops, layer.padded);
        std::ofstream(dir + "/applied_schedule.txt") << autoschedule::describe(*out.applied) << "\n";
    } catch (const std::runtime_error& e) {
        out.applied_error = e.what();
    }
    pipeline.compile_to_static_library(dir + "/layer", {layer.input, layer.weights}, "layer", target);
    out.library_path = dir + "/layer.a";
    out.fc_layout = layer.fc_layout;
    out.compile_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
}

} // namespace memsched::measure
