// Derived sizes and validation of LayerShape.
#include "model/layer_shape.h"

#include <tuple>

namespace memsched {

const char* to_string(LayerKind kind) {
    switch (kind) {
    case LayerKind::Conv: return "conv2d";
    case LayerKind::MaxPool: return "maxpool";
    case LayerKind::AvgPool: return "avgpool";
    case LayerKind::GlobalAvgPool: return "globalavgpool";
    case LayerKind::FullyConnected: return "fc";
    }
    return "unknown";
}

std::optional<LayerKind> layer_kind_from_string(const std::string& name) {
    for (LayerKind k : {LayerKind::Conv, LayerKind::MaxPool, LayerKind::AvgPool,
                        LayerKind::GlobalAvgPool, LayerKind::FullyConnected}) {
        if (name == to_string(k)) return k;
    }
    return std::nullopt;
}

int64_t LayerShape::out_height() const {
    return (in_height + 2 * pad - dilation * (kernel_h - 1) - 1) / stride + 1;
}

int64_t LayerShape::out_width() const {
    return (in_width + 2 * pad - dilation * (kernel_w - 1) - 1) / stride + 1;
}

int64_t LayerShape::input_rows(int64_t output_rows) const {
    return (output_rows - 1) * stride + (kernel_h - 1) * dilation + 1;
}

int64_t LayerShape::in_channels_per_group() const {
    return groups > 0 ? in_channels / groups : 0;
}

bool LayerShape::has_weights() const {
    return kind == LayerKind::Conv || kind == LayerKind::FullyConnected;
}

int64_t LayerShape::input_elements() const {
    return batch * in_channels * in_height * in_width;
}

int64_t LayerShape::weight_elements() const {
    if (!has_weights()) return 0;
    return out_channels * in_channels_per_group() * kernel_h * kernel_w;
}

int64_t LayerShape::output_elements() const {
    return batch * out_channels * out_height() * out_width();
}

int64_t LayerShape::macs() const {
    return output_elements() * in_channels_per_group() * kernel_h * kernel_w;
}

int64_t LayerShape::compulsory_bytes() const {
    return (input_elements() + weight_elements() + output_elements()) * element_bytes;
}

std::optional<std::string> LayerShape::validate() const {
    auto positive = [](const char* name, int64_t v) -> std::optional<std::string> {
        if (v <= 0) return std::string(name) + "=" + std::to_string(v) + " must be positive";
        return std::nullopt;
    };
    for (auto [name, v] : {std::pair<const char*, int64_t>{"n", batch}, {"c", in_channels},
                           {"h", in_height}, {"w", in_width}, {"k", out_channels},
                           {"r", kernel_h}, {"s", kernel_w}, {"stride", stride},
                           {"dilation", dilation}, {"groups", groups},
                           {"element_bytes", element_bytes}}) {
        if (auto err = positive(name, v)) return err;
    }
    if (pad < 0) return "pad=" + std::to_string(pad) + " must not be negative";
    if (in_channels % groups != 0)
        return "groups=" + std::to_string(groups) + " does not divide c=" +
               std::to_string(in_channels);
    if (kind == LayerKind::Conv && out_channels % groups != 0)
        return "groups=" + std::to_string(groups) + " does not divide k=" +
               std::to_string(out_channels);
    if (kind != LayerKind::Conv && kind != LayerKind::FullyConnected &&
        out_channels != in_channels)
        return "k=" + std::to_string(out_channels) + " must equal c=" +
               std::to_string(in_channels) + " for " + to_string(kind);
    const int64_t span_h = dilation * (kernel_h - 1) + 1;
    const int64_t span_w = dilation * (kernel_w - 1) + 1;
    if (span_h > in_height + 2 * pad)
        return "r=" + std::to_string(kernel_h) + " exceeds padded input height " +
               std::to_string(in_height + 2 * pad);
    if (span_w > in_width + 2 * pad)
        return "s=" + std::to_string(kernel_w) + " exceeds padded input width " +
               std::to_string(in_width + 2 * pad);
    return std::nullopt;
}

bool LayerShape::operator==(const LayerShape& o) const {
    auto tie = [](const LayerShape& l) {
        return std::tie(l.kind, l.batch, l.in_channels, l.in_height, l.in_width, l.out_channels,
                        l.kernel_h, l.kernel_w, l.stride, l.pad, l.dilation, l.groups,
                        l.element_bytes);
    };
    return tie(*this) == tie(o);
}

} // namespace memsched
