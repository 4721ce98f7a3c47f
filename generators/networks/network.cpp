// Names of ops and activations, the derived figures of a Network (MACs,
// parameters, compute layers) and its layer set.
#include "generators/networks/network.h"

#include <algorithm>
#include <iterator>

namespace memsched {

const char* to_string(OpKind op) {
    switch (op) {
    case OpKind::Conv: return "conv2d";
    case OpKind::MaxPool: return "maxpool";
    case OpKind::AvgPool: return "avgpool";
    case OpKind::GlobalAvgPool: return "globalavgpool";
    case OpKind::FullyConnected: return "fc";
    case OpKind::Add: return "add";
    case OpKind::Concat: return "concat";
    }
    return "unknown";
}

const char* to_string(Activation activation) {
    switch (activation) {
    case Activation::None: return "none";
    case Activation::Relu: return "relu";
    case Activation::Relu6: return "relu6";
    case Activation::LeakyRelu: return "leakyrelu";
    }
    return "unknown";
}

std::optional<OpKind> op_kind_from_string(const std::string& name) {
    for (OpKind op : {OpKind::Conv, OpKind::MaxPool, OpKind::AvgPool, OpKind::GlobalAvgPool,
                      OpKind::FullyConnected, OpKind::Add, OpKind::Concat}) {
        if (name == to_string(op)) return op;
    }
    return std::nullopt;
}

std::optional<Activation> activation_from_string(const std::string& name) {
    for (Activation a : {Activation::None, Activation::Relu, Activation::Relu6,
                         Activation::LeakyRelu}) {
        if (name == to_string(a)) return a;
    }
    return std::nullopt;
}

std::string to_string(const TensorShape& s) {
    return std::to_string(s.n) + "x" + std::to_string(s.c) + "x" + std::to_string(s.h) + "x" +
           std::to_string(s.w);
}

int64_t NetworkLayer::macs() const {
    return shape && shape->has_weights() ? shape->macs() : 0;
}

int64_t NetworkLayer::pool_ops() const {
    return shape && !shape->has_weights() ? shape->macs() : 0;
}

int64_t NetworkLayer::parameter_count() const {
    if (!shape || !shape->has_weights()) return 0;
    const int64_t bias_terms = (bias || batchnorm) ? shape->out_channels : 0;
    return shape->weight_elements() + bias_terms;
}

int64_t Network::total_macs() const {
    int64_t total = 0;
    for (const NetworkLayer& l : layers) total += l.macs();
    return total;
}

int64_t Network::total_pool_ops() const {
    int64_t total = 0;
    for (const NetworkLayer& l : layers) total += l.pool_ops();
    return total;
}

int64_t Network::parameter_count() const {
    int64_t total = 0;
    for (const NetworkLayer& l : layers) total += l.parameter_count();
    return total;
}

std::vector<const NetworkLayer*> Network::compute_layers() const {
    std::vector<const NetworkLayer*> out;
    for (const NetworkLayer& l : layers) {
        if (l.is_compute()) out.push_back(&l);
    }
    return out;
}

const NetworkLayer* Network::find_layer(const std::string& layer_name) const {
    for (const NetworkLayer& l : layers) {
        if (l.name == layer_name) return &l;
    }
    return nullptr;
}

std::vector<LayerSetEntry> distinct_layer_shapes(const Network& network) {
    // Linear search keeps first-appearance order; networks have < 1000 layers.
    std::vector<LayerSetEntry> entries;
    for (const NetworkLayer* layer : network.compute_layers()) {
        auto same = [&](const LayerSetEntry& e) { return e.shape == *layer->shape; };
        auto it = std::find_if(entries.begin(), entries.end(), same);
        if (it == entries.end()) {
            entries.push_back(LayerSetEntry{*layer->shape, {}});
            it = std::prev(entries.end());
        }
        it->layer_names.push_back(layer->name);
    }
    return entries;
}

} // namespace memsched
