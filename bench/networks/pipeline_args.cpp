// Building and running the arguments of a whole-network pipeline (see pipeline_args.h).
#include "bench/networks/pipeline_args.h"

#include <cmath>
#include <functional>
#include <map>
#include <random>
#include <stdexcept>

namespace memsched {
namespace {

// Argument name -> (extents in Halide dim order, fan-in for weights; 0 else).
struct ArgShape {
    std::vector<int> extents;
    int64_t fan_in = 0;
};

std::map<std::string, ArgShape> expected_arguments(const Network& net) {
    std::map<std::string, ArgShape> args;
    const TensorShape& in = net.input;
    args["input"] = {{int(in.w), int(in.h), int(in.c), int(in.n)}, 0};
    for (const NetworkLayer& layer : net.layers) {
        if (layer.op != OpKind::Conv && layer.op != OpKind::FullyConnected) continue;
        const LayerShape& s = *layer.shape;
        const std::string id = layer_identifier(layer.name);
        const int k = int(s.out_channels);
        if (layer.op == OpKind::Conv) {
            const int cpg = int(s.in_channels_per_group());
            args["w_" + id] = {{int(s.kernel_w), int(s.kernel_h), cpg, k}, s.kernel_w * s.kernel_h * cpg};
        } else {
            args["w_" + id] = {{int(s.in_channels), k}, s.in_channels};
        }
        if (layer.bias || layer.batchnorm) args["b_" + id] = {{k}, 0};
    }
    const TensorShape& out = net.layers.back().output;
    args["output"] = {{int(out.w), int(out.h), int(out.c), int(out.n)}, 0};
    return args;
}

void fill(Halide::Runtime::Buffer<float>& buf, const std::string& name, const ArgShape& shape,
          uint32_t seed) {
    std::mt19937 rng(seed ^ static_cast<uint32_t>(std::hash<std::string>{}(name)));
    float bound = 1.f;
    if (name.rfind("w_", 0) == 0) bound = std::sqrt(6.f / float(shape.fan_in));
    if (name.rfind("b_", 0) == 0) bound = 0.1f;
    std::uniform_real_distribution<float> dist(-bound, bound);
    buf.for_each_value([&](float& v) { v = dist(rng); });
}

} // namespace

NetworkSubsetSpec pipeline_spec(const VariantEntry& entry) {
    NetworkSubsetSpec spec;
    const auto network = variant_param(entry, "network");
    if (!network)
        throw std::invalid_argument(std::string("variant ") + entry.config + "/" + entry.variant +
                                    ": no network= param (not a `network` generator entry)");
    spec.network = *network;
    spec.last_layer = variant_param(entry, "last_layer").value_or("");
    spec.input_width = variant_int_param(entry, "input_width", 0);
    spec.input_height = variant_int_param(entry, "input_height", 0);
    return spec;
}

const Halide::Runtime::Buffer<float>& PipelineArgs::get(const std::string& name) const {
    for (size_t i = 0; i < names.size(); i++)
        if (names[i] == name) return buffers[i];
    throw std::out_of_range("pipeline has no argument named " + name);
}

int64_t PipelineArgs::parameter_bytes() const {
    int64_t bytes = 0;
    for (size_t i = 0; i + 1 < names.size(); i++)
        if (names[i] != "input") bytes += int64_t(buffers[i].number_of_elements()) * 4;
    return bytes;
}

PipelineArgs make_pipeline_args(const VariantEntry& entry, const Network& net, uint32_t seed) {
    const std::map<std::string, ArgShape> expected = expected_arguments(net);
    const halide_filter_metadata_t* md = entry.metadata();
    PipelineArgs args;
    for (int i = 0; i < md->num_arguments; i++) {
        const halide_filter_argument_t& a = md->arguments[i];
        const auto it = expected.find(a.name);
        if (it == expected.end() || a.kind == halide_argument_kind_input_scalar ||
            int(it->second.extents.size()) != a.dimensions)
            throw std::runtime_error(std::string(entry.config) + "/" + entry.variant + ": argument " +
                                     a.name + " does not match network " + net.name);
        args.buffers.emplace_back(it->second.extents);
        args.names.push_back(a.name);
        if (a.kind == halide_argument_kind_input_buffer) fill(args.buffers.back(), a.name, it->second, seed);
    }
    if (args.names.empty() || args.names.back() != "output")
        throw std::runtime_error(std::string(entry.config) + ": the last argument is not `output`");
    return args;
}

int run_pipeline(const VariantEntry& entry, PipelineArgs& args) {
    std::vector<void*> argv;
    for (auto& b : args.buffers) argv.push_back(b.raw_buffer());
    return entry.argv(argv.data());
}

} // namespace memsched
