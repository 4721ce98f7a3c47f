// Layer-by-layer execution of a network in an arena or in separate buffers
// (see network_runner.h).
#include "runtime/network_runner/network_runner.h"

#include "runtime/heap/pipeline_heap.h"
#include "runtime/threads/halide_threads.h"

#include "model/memory_plan/network_shapes.h"
#include "planrun_dncnn_registry.h"
#include "planrun_resnet18_registry.h"
#include "planrun_tinyyolov2_registry.h"

#include <HalideBuffer.h>
#include <HalideRuntime.h>

#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <stdexcept>

namespace memsched {

namespace {

std::mutex error_mutex;
std::string last_halide_error;

extern "C" void record_error(void*, const char* msg) {
    std::lock_guard<std::mutex> lock(error_mutex);
    last_halide_error = msg;
}

// The registry entry for a layer: compute layers by name, adds by channels;
// the reverse sweep is the `manualrev` variant (row_order=reverse).
const VariantEntry* find_entry(const VariantSet& set, const NetworkLayer& l, RowSweep sweep) {
    const std::string variant = sweep == RowSweep::Reverse ? "manualrev" : "manual";
    for (const VariantEntry& e : set) {
        if (variant != e.variant) continue;
        if (l.op == OpKind::Add) {
            if (std::string(e.generator) == "add_layer" && variant_int_param(e, "c", 0) == l.output.c) return &e;
            continue;
        }
        for (const std::string& name : variant_layers(e))
            if (name == l.name) return &e;
    }
    return nullptr;
}

// A Halide (x, y, c, n) view of a tensor at `data` with the layout's strides;
// 2-D (c, n) for fc outputs.
Halide::Runtime::Buffer<float> view(float* data, const TensorLayout& l, int dims) {
    if (dims == 2) {
        halide_dimension_t d[2] = {{0, int(l.c), int(l.plane_stride_elements())},
                                   {0, int(l.n), int(l.c * l.plane_stride_elements())}};
        return Halide::Runtime::Buffer<float>(data, 2, d);
    }
    halide_dimension_t d[4] = {{0, int(l.w), 1},
                               {0, int(l.h), int(l.w)},
                               {0, int(l.c), int(l.plane_stride_elements())},
                               {0, int(l.n), int(l.c * l.plane_stride_elements())}};
    return Halide::Runtime::Buffer<float>(data, 4, d);
}

// Deterministic weights from the filter's estimates (exact for weights).
Halide::Runtime::Buffer<float> make_weights(const halide_filter_argument_t& arg, uint32_t seed) {
    std::vector<int> extents;
    int64_t fan_in = 1;
    for (int d = 0; d < arg.dimensions; ++d) {
        const int64_t* extent = arg.buffer_estimates ? arg.buffer_estimates[2 * d + 1] : nullptr;
        if (!extent) throw std::runtime_error(std::string("argument ") + arg.name + " has no size estimate");
        extents.push_back(int(*extent));
        if (d + 1 < arg.dimensions) fan_in *= *extent;
    }
    Halide::Runtime::Buffer<float> w(extents);
    std::mt19937 rng(seed);
    const float scale = 1.5f / std::sqrt(float(std::max<int64_t>(fan_in, 1)));
    std::uniform_real_distribution<float> dist(-scale, scale);
    w.for_each_value([&](float& v) { v = dist(rng); });
    return w;
}

} // namespace

const VariantSet& runner_variants(const std::string& network) {
    if (network == "dncnn") return planrun_dncnn_registry();
    if (network == "tinyyolov2") return planrun_tinyyolov2_registry();
    if (network == "resnet18") return planrun_resnet18_registry();
    throw std::invalid_argument("network=" + network + " has no runner variants (dncnn, tinyyolov2, resnet18)");
}

RunResult run_network(const Network& net, const VariantSet& variants, const NetworkPlan* plan, int threads) {
    RunResult res;
    halide_set_error_handler(record_error);
    // One thread must mean in order: the sequential plan relies on it.
    set_halide_threads(threads);
    keep_heap_for_pipelines(); // no page faults from a trimmed heap per call
    // Tensor storage: arena slices or separate dense buffers.
    const size_t count = net.layers.size() + 1;
    std::vector<TensorLayout> layouts(count);
    std::vector<float*> data(count);
    std::vector<float> arena;
    std::vector<std::vector<float>> separate(count);
    auto dense = [](const TensorShape& s) { return TensorLayout{s.n, s.c, s.h, s.w, 0}; };
    if (plan) {
        if (plan->tensors.size() != count || plan->layers.size() != net.layers.size()) throw std::invalid_argument("plan does not match network " + net.name);
        arena.assign(size_t(plan->arena_bytes / 4), std::nanf(""));
        for (size_t t = 0; t < count; ++t) {
            layouts[t] = plan->tensors[t].layout;
            data[t] = arena.data() + plan->tensors[t].offset_elements;
        }
    } else {
        layouts[0] = dense(net.input);
        for (size_t i = 0; i < net.layers.size(); ++i) layouts[i + 1] = dense(net.layers[i].output);
        for (size_t t = 0; t < count; ++t) {
            separate[t].assign(size_t(layouts[t].span_elements()), std::nanf(""));
            data[t] = separate[t].data();
        }
    }
    // The network input: deterministic values in [-1, 1).
    {
        std::mt19937 rng(12345);
        std::uniform_real_distribution<float> dist(-1.f, 1.f);
        Halide::Runtime::Buffer<float> in = view(data[0], layouts[0], 4);
        in.for_each_value([&](float& v) { v = dist(rng); });
    }
    std::map<std::string, int> index{{"input", 0}};
    for (size_t i = 0; i < net.layers.size(); ++i) index[net.layers[i].name] = int(i) + 1;

    for (size_t i = 0; i < net.layers.size(); ++i) {
        const NetworkLayer& l = net.layers[i];
        const RowSweep sweep = plan ? plan->layers.at(i).sweep : RowSweep::Forward;
        const VariantEntry* e = find_entry(variants, l, sweep);
        if (!e) {
            res.error = std::string("no ") + to_string(sweep) + " manual variant for layer " + l.name;
            return res;
        }
        const halide_filter_metadata_t* md = e->metadata();
        std::vector<Halide::Runtime::Buffer<float>> bufs;
        bufs.reserve(size_t(md->num_arguments));
        std::vector<void*> args;
        size_t next_input = 0;
        for (int a = 0; a < md->num_arguments; ++a) {
            const halide_filter_argument_t& arg = md->arguments[a];
            const std::string name = arg.name;
            if (arg.kind == halide_argument_kind_output_buffer) {
                bufs.push_back(view(data[i + 1], layouts[i + 1], arg.dimensions));
            } else if (name == "input" || name == "a" || name == "b") {
                const int t = index.at(l.inputs.at(next_input++));
                bufs.push_back(view(data[t], layouts[t], arg.dimensions));
            } else if (arg.kind == halide_argument_kind_input_buffer) {
                bufs.push_back(make_weights(arg, uint32_t(1000 + i * 31 + a)));
            } else {
                res.error = "layer " + l.name + ": scalar argument " + name + " is not supported";
                return res;
            }
            args.push_back(bufs.back().raw_buffer());
        }
        if (e->argv(args.data()) != 0) {
            std::lock_guard<std::mutex> lock(error_mutex);
            res.error = "layer " + l.name + ": " + last_halide_error;
            return res;
        }
    }
    const TensorLayout& last = layouts[count - 1];
    Halide::Runtime::Buffer<float> out = view(data[count - 1], last, 4);
    res.output.reserve(size_t(last.elements()));
    for (int n = 0; n < last.n; ++n)
        for (int c = 0; c < last.c; ++c)
            for (int y = 0; y < last.h; ++y)
                for (int x = 0; x < last.w; ++x) res.output.push_back(out(x, y, c, n));
    return res;
}

} // namespace memsched
