// Layer-by-layer reference execution of a network table (see reference_network.h).
#include "tests/network_pipelines/reference_network.h"

#include "tests/reference/reference_layers.h"

#include <map>
#include <stdexcept>

namespace memsched {
namespace {

using reference::Tensor;

Tensor from_buffer(const Halide::Runtime::Buffer<float>& b, int64_t n, int64_t c, int64_t h, int64_t w) {
    Tensor t(n, c, h, w);
    if (int64_t(b.number_of_elements()) != t.size())
        throw std::runtime_error("buffer of " + std::to_string(b.number_of_elements()) +
                                 " elements for a tensor of " + std::to_string(t.size()));
    std::copy(b.data(), b.data() + t.size(), t.data.begin());
    return t;
}

std::vector<float> bias_of(const NetworkLayer& layer, const PipelineArgs& args) {
    if (!layer.bias && !layer.batchnorm) return {};
    const auto& b = args.get("b_" + layer_identifier(layer.name));
    return std::vector<float>(b.data(), b.data() + b.number_of_elements());
}

void activate(Tensor& t, Activation a, float alpha) {
    switch (a) {
    case Activation::Relu: reference::relu(t); break;
    case Activation::Relu6: reference::relu6(t); break;
    case Activation::LeakyRelu: reference::leaky_relu(t, alpha); break;
    case Activation::None: break;
    }
}

Tensor run_layer(const NetworkLayer& layer, const std::vector<const Tensor*>& in,
                 const PipelineArgs& args, float alpha) {
    const std::string id = layer_identifier(layer.name);
    const int pad = layer.shape ? int(layer.shape->pad) : 0, pe = int(layer.pad_end);
    Tensor out;
    switch (layer.op) {
    case OpKind::Conv: {
        const LayerShape& s = *layer.shape;
        const Tensor w = from_buffer(args.get("w_" + id), s.out_channels, s.in_channels_per_group(),
                                     s.kernel_h, s.kernel_w);
        reference::Conv2dParams p;
        p.stride_y = p.stride_x = int(s.stride);
        p.pad_top = p.pad_left = pad;
        p.pad_bottom = p.pad_right = pad + pe;
        p.dilation_y = p.dilation_x = int(s.dilation);
        p.groups = int(s.groups);
        out = reference::conv2d(*in[0], w, bias_of(layer, args), p);
        break;
    }
    case OpKind::MaxPool:
    case OpKind::AvgPool: {
        const LayerShape& s = *layer.shape;
        reference::PoolParams p;
        p.kernel_h = int(s.kernel_h);
        p.kernel_w = int(s.kernel_w);
        p.stride_y = p.stride_x = int(s.stride);
        p.pad_top = p.pad_left = pad;
        p.pad_bottom = p.pad_right = pad + pe;
        p.count_include_pad = true;
        out = layer.op == OpKind::MaxPool ? reference::max_pool(*in[0], p) : reference::avg_pool(*in[0], p);
        break;
    }
    case OpKind::GlobalAvgPool: out = reference::global_avg_pool(*in[0]); break;
    case OpKind::FullyConnected: {
        const LayerShape& s = *layer.shape;
        const Tensor w = from_buffer(args.get("w_" + id), s.out_channels, s.in_channels, 1, 1);
        out = reference::fully_connected(*in[0], w, bias_of(layer, args));
        break;
    }
    case OpKind::Add:
        out = *in[0];
        for (size_t i = 1; i < in.size(); i++) out = reference::add(out, *in[i]);
        break;
    case OpKind::Concat: {
        std::vector<Tensor> parts;
        for (const Tensor* t : in) parts.push_back(*t);
        out = reference::concat_channels(parts);
        break;
    }
    }
    if (layer.op == OpKind::Conv || layer.op == OpKind::FullyConnected || layer.op == OpKind::Add)
        activate(out, layer.activation, alpha);
    return out;
}

} // namespace

reference::Tensor run_reference_network(const Network& net, const PipelineArgs& args, float alpha) {
    std::map<std::string, Tensor> tensors;
    const TensorShape& i = net.input;
    tensors["input"] = from_buffer(args.get("input"), i.n, i.c, i.h, i.w);
    for (const NetworkLayer& layer : net.layers) {
        std::vector<const Tensor*> in;
        for (const std::string& name : layer.inputs) in.push_back(&tensors.at(name));
        tensors[layer.name] = run_layer(layer, in, args, alpha);
    }
    return tensors.at(net.layers.back().name);
}

} // namespace memsched
