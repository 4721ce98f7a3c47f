// Run-time compilation of one conv layer (see layer_compile.h).
#include "measure/layer_compile.h"

#include "generators/layers/conv.h"
#include "generators/layers/padding.h"
#include "generators/manual_schedules/conv_schedule.h"

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
    if (shape.kind != LayerKind::Conv)
        throw std::invalid_argument(std::string("layer kind ") + to_string(shape.kind) +
                                    " is not supported by measure yet (conv2d only)");
    const auto start = std::chrono::steady_clock::now();
    const int ow = int(shape.out_width()), oh = int(shape.out_height());
    const int c = int(shape.in_channels), k = int(shape.out_channels);

    Halide::ImageParam input(Halide::Float(32), 4, "input");
    Halide::ImageParam weights(Halide::Float(32), 4, "weights");
    layers::ConvParams p{c, k, int(shape.kernel_w), int(shape.kernel_h)};
    p.stride_x = p.stride_y = int(shape.stride);
    p.pad_left = p.pad_top = int(shape.pad);
    p.dilation_x = p.dilation_y = int(shape.dilation);
    p.groups = int(shape.groups);
    Halide::Func padded = layers::pad_zero(input, input.dim(0).extent(), input.dim(1).extent(), "input_padded");
    Halide::Func conv = layers::conv2d(padded, weights, p, "conv");
    Halide::Var x("x"), y("y"), kk("k"), n("n");
    Halide::Func output("output");
    output(x, y, kk, n) = conv(x, y, kk, n);

    input.dim(0).set_estimate(0, int(shape.in_width)).dim(1).set_estimate(0, int(shape.in_height));
    input.dim(2).set_estimate(0, c).dim(3).set_estimate(0, int(shape.batch));
    weights.dim(0).set_estimate(0, int(shape.kernel_w)).dim(1).set_estimate(0, int(shape.kernel_h));
    weights.dim(2).set_estimate(0, int(shape.in_channels_per_group())).dim(3).set_estimate(0, k);
    output.set_estimates({{0, ow}, {0, oh}, {0, k}, {0, int(shape.batch)}});

    const Halide::Target target("x86-64-linux-avx2");
    Halide::Pipeline pipeline(output);
    CompiledLayer out;
    if (scheduler == Scheduler::Manual) {
        manual_schedules::schedule_conv_stage({output, conv, k, {padded}, {}}, target);
    } else if (is_plugin(scheduler)) {
        load_plugin_once(scheduler);
        set_plugin_environment(scheduler, d1, ll);
        Halide::MachineParams machine(1, int(ll.size_bytes), 40);
        out.schedule_source = pipeline.auto_schedule(plugin_name(scheduler), target, machine).schedule_source;
        // Kept beside the library (MEMSCHED_MEASURE_KEEP=1 keeps the directory) to see what was measured.
        std::ofstream(dir + "/schedule.txt") << out.schedule_source;
    }
    pipeline.compile_to_static_library(dir + "/layer", {input, weights}, "layer", target);
    out.library_path = dir + "/layer.a";
    out.compile_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
}

} // namespace memsched::measure
