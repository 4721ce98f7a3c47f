// Built-in CNN network tables: the in-memory form of the JSON files in
// generators/networks/ (format in generators/networks/README.md), their
// loader, and the derived figures (MACs, parameter bytes, the layer set).
// Plain C++17; knows nothing of Halide.
#pragma once

#include "model/layer_shape.h"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace memsched {

// The network used when a command is given none.
inline constexpr char default_network_name[] = "resnet18";

enum class OpKind { Conv, MaxPool, AvgPool, GlobalAvgPool, FullyConnected, Add, Concat };
enum class Activation { None, Relu, Relu6, LeakyRelu };

// JSON spellings: "conv2d", "maxpool", "avgpool", "globalavgpool", "fc", "add",
// "concat" and "none", "relu", "relu6", "leakyrelu".
const char* to_string(OpKind op);
const char* to_string(Activation activation);
std::optional<OpKind> op_kind_from_string(const std::string& name);
std::optional<Activation> activation_from_string(const std::string& name);

// An activation tensor, NCHW element counts.
struct TensorShape {
    int64_t n = 1;
    int64_t c = 1;
    int64_t h = 1;
    int64_t w = 1;

    int64_t elements() const { return n * c * h * w; }
    bool operator==(const TensorShape& o) const {
        return n == o.n && c == o.c && h == o.h && w == o.w;
    }
    bool operator!=(const TensorShape& o) const { return !(*this == o); }
};

// "1x64x56x56" (n x c x h x w).
std::string to_string(const TensorShape& shape);

struct NetworkLayer {
    std::string name;
    OpKind op = OpKind::Conv;
    // Producer names: earlier layers or "input". Always in topological order.
    std::vector<std::string> inputs;
    // The work of a conv/pool/gap/fc layer as a model LayerShape; empty for
    // add and concat. fc: c = in_features, h = w = 1, k = out_features.
    // gap: r = h, s = w, stride 1, k = c. A layer with pad_end > 0 maps to
    // in_height = h + pad_end and in_width = w + pad_end (see pad_end).
    std::optional<LayerShape> shape;
    // Extra padding after the last row and column, on top of the symmetric
    // pad. It expresses torchvision's ceil_mode pools and darknet's stride-1
    // "same" maxpool exactly; LayerShape has one symmetric pad, so the mapped
    // shape counts these padding rows/columns as input (output size and MACs
    // stay exact, input elements are overstated by pad_end rows/columns).
    int64_t pad_end = 0;
    bool bias = false;       // the trained layer has a bias term
    bool batchnorm = false;  // followed by inference-mode batch norm
    Activation activation = Activation::None;
    TensorShape output;      // derived from the inputs, checked against the file
    std::string note;        // free text from the file, e.g. the reference definition

    bool is_compute() const { return shape.has_value(); }
    // Multiply-accumulates of a conv/fc layer; 0 for everything else.
    int64_t macs() const;
    // Window elements read by a pool/gap layer; 0 for everything else.
    int64_t pool_ops() const;
    // Deployed float32 parameters: weights plus one bias per output channel
    // when the layer has a bias or a batch norm (BN folds into the bias).
    int64_t parameter_count() const;
};

struct Network {
    std::string name;
    std::string description;
    TensorShape input;
    std::vector<NetworkLayer> layers; // topological order

    // Conv and fc multiply-accumulates; pools are not counted (see pool_ops).
    int64_t total_macs() const;
    // Window elements read by all pool and gap layers.
    int64_t total_pool_ops() const;
    // Deployed float32 parameters, BN folded into the conv bias (so a BN adds
    // k parameters where torchvision counts 2k: gamma and beta).
    int64_t parameter_count() const;
    int64_t parameter_bytes() const { return parameter_count() * 4; }
    // The conv/pool/gap/fc layers, in order.
    std::vector<const NetworkLayer*> compute_layers() const;
    // nullptr when no layer has that name.
    const NetworkLayer* find_layer(const std::string& layer_name) const;
};

// Every loader failure: one line naming the file, layer, field and value.
struct NetworkError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The built-in networks, in the order `memsched networks` lists them.
std::vector<std::string> builtin_network_names();
// The directory that holds the built-in JSON files (the source tree's
// generators/networks/).
std::string builtin_network_dir();
// Throws NetworkError naming the unknown name and listing the valid ones.
Network load_builtin_network(const std::string& name);
// Loads and checks a network file; throws NetworkError on anything malformed.
Network load_network_file(const std::string& path);
// Parses JSON text; `origin` names it in error messages (a file path).
Network parse_network_json(const std::string& text, const std::string& origin);

// One distinct compute-layer shape and the layers that have it.
struct LayerSetEntry {
    LayerShape shape;
    std::vector<std::string> layer_names;
};

// The network's "layer set" (used by the benchmarks and `explore --network`):
// distinct LayerShapes of its compute layers, in first-appearance order.
std::vector<LayerSetEntry> distinct_layer_shapes(const Network& network);

} // namespace memsched
