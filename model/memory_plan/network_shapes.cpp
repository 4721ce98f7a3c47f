// Resizing network tables and mapping layers to hand-schedule orders (see network_shapes.h).
#include "model/memory_plan/network_shapes.h"

#include <map>
#include <stdexcept>
#include <string>

namespace memsched {

TensorDims dims_of(const TensorShape& s) { return {s.n, s.c, s.h, s.w}; }

TensorDims producer_dims(const Network& network, const std::string& name) {
    if (name == "input") return dims_of(network.input);
    const NetworkLayer* l = network.find_layer(name);
    if (!l) throw std::invalid_argument("layer input=" + name + " names no layer of " + network.name);
    return dims_of(l->output);
}

Network resize_network(const Network& network, int64_t height, int64_t width) {
    if (height < 1) throw std::invalid_argument("height=" + std::to_string(height) + " must be >= 1");
    if (width < 1) throw std::invalid_argument("width=" + std::to_string(width) + " must be >= 1");
    Network out = network;
    out.input.h = height;
    out.input.w = width;
    std::map<std::string, TensorShape> shapes{{"input", out.input}};
    for (NetworkLayer& l : out.layers) {
        const TensorShape in = shapes.at(l.inputs.front());
        TensorShape o = in;
        switch (l.op) {
        case OpKind::Conv:
        case OpKind::MaxPool:
        case OpKind::AvgPool:
            l.shape->in_height = in.h + l.pad_end;
            l.shape->in_width = in.w + l.pad_end;
            if (auto bad = l.shape->validate())
                throw std::invalid_argument("layer " + l.name + " at input " + std::to_string(height) + "x" +
                                            std::to_string(width) + ": " + *bad);
            o.c = l.shape->out_channels;
            o.h = l.shape->out_height();
            o.w = l.shape->out_width();
            break;
        case OpKind::GlobalAvgPool:
            l.shape->in_height = l.shape->kernel_h = in.h;
            l.shape->in_width = l.shape->kernel_w = in.w;
            o.h = o.w = 1;
            break;
        case OpKind::FullyConnected:
            if (in.c * in.h * in.w != l.shape->in_channels)
                throw std::invalid_argument("layer " + l.name + ": fc in_features=" +
                                            std::to_string(l.shape->in_channels) + " but the resized input has " +
                                            std::to_string(in.c * in.h * in.w));
            o.c = l.shape->out_channels;
            o.h = o.w = 1;
            break;
        case OpKind::Add: break;
        case OpKind::Concat:
            o.c = 0;
            for (const std::string& name : l.inputs) o.c += shapes.at(name).c;
            break;
        }
        if (o.h < 1 || o.w < 1)
            throw std::invalid_argument("layer " + l.name + ": output " + to_string(o) + " is empty at input " +
                                        std::to_string(height) + "x" + std::to_string(width));
        l.output = o;
        shapes[l.name] = o;
    }
    return out;
}

bool has_reverse_sweep(const Network& network, size_t index) {
    return network.layers.at(index).op == OpKind::Conv;
}

ExecutionOrder manual_layer_order(const Network& network, size_t index, RowSweep sweep) {
    const NetworkLayer& l = network.layers.at(index);
    if (sweep == RowSweep::Reverse && !has_reverse_sweep(network, index))
        throw std::invalid_argument("layer " + l.name + ": sweep=reverse exists only for conv layers");
    std::vector<TensorDims> ins;
    for (const std::string& name : l.inputs) ins.push_back(producer_dims(network, name));
    const TensorDims out = dims_of(l.output);
    switch (l.op) {
    case OpKind::Conv: {
        const LayerShape& s = *l.shape;
        return manual_conv_order(ins[0], out, {s.kernel_h, s.stride, s.pad, s.dilation}, kManualConvRowBlock,
                                 sweep);
    }
    case OpKind::MaxPool:
    case OpKind::AvgPool:
    case OpKind::GlobalAvgPool: {
        const LayerShape& s = *l.shape;
        return manual_pool_order(ins[0], out, {s.kernel_h, s.stride, s.pad, s.dilation},
                                 {s.kernel_w, s.stride, s.pad, s.dilation});
    }
    case OpKind::Add: return manual_pointwise_order(ins, out);
    case OpKind::FullyConnected:
    case OpKind::Concat: return opaque_order(ins, out);
    }
    return opaque_order(ins, out);
}

} // namespace memsched
