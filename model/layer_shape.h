// LayerShape: the shape of one CNN layer as a conv-like loop nest
// (n, k, c, y, x, r, s). Shared by the model, the network tables, the CLI
// and the benchmarks; knows nothing of Halide.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace memsched {

// Conv covers pointwise (1x1) and depthwise/grouped conv (groups > 1).
// Pools are convs with groups == channels and no weights. A fully connected
// layer is a 1x1 conv over a 1x1 image whose channels are the flattened input.
enum class LayerKind { Conv, MaxPool, AvgPool, GlobalAvgPool, FullyConnected };

const char* to_string(LayerKind kind);
std::optional<LayerKind> layer_kind_from_string(const std::string& name);

struct LayerShape {
    LayerKind kind = LayerKind::Conv;
    int64_t batch = 1;        // n
    int64_t in_channels = 1;  // c
    int64_t in_height = 1;    // h: input rows, before padding
    int64_t in_width = 1;     // w: input columns, before padding
    int64_t out_channels = 1; // k; equals in_channels for pools
    int64_t kernel_h = 1;     // r
    int64_t kernel_w = 1;     // s
    int64_t stride = 1;
    int64_t pad = 0;          // zero padding on every side, in input pixels
    int64_t dilation = 1;
    int64_t groups = 1;
    int64_t element_bytes = 4;

    int64_t out_height() const;
    int64_t out_width() const;
    // Rows of the padded input that `output_rows` consecutive output rows
    // read (their windows' span).
    int64_t input_rows(int64_t output_rows) const;
    // Input channels read by one output channel (c / groups; 1 for pools).
    int64_t in_channels_per_group() const;
    bool has_weights() const;

    int64_t input_elements() const;
    int64_t weight_elements() const; // 0 for pools
    int64_t output_elements() const;
    // Multiply-accumulates (for pools: one per window element read).
    int64_t macs() const;

    // Bytes moved if every input, weight and output element crosses once.
    int64_t compulsory_bytes() const;

    // Empty when the shape is legal, else a one-line message naming the
    // offending field and value, e.g. "kernel_h=9 exceeds padded input height 7".
    std::optional<std::string> validate() const;

    bool operator==(const LayerShape& other) const;
    bool operator!=(const LayerShape& other) const { return !(*this == other); }
};

} // namespace memsched
