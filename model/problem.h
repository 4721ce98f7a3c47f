// Problem: a layer as the 7-deep loop nest (n, k, c, y, x, r, s) plus the
// affine projection of those loops onto the dimensions of each tensor
// (input NCHW, weights KCRS, output NKYX, all dense, innermost contiguous).
// Everything the traffic model, the oracles and the lower bound know about a
// layer comes from here; it is hardware- and schedule-unaware.
#pragma once

#include "model/layer_shape.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace memsched {

enum class Loop : int { N = 0, K, C, Y, X, R, S };
inline constexpr int kNumLoops = 7;
const char* to_string(Loop loop); // "n", "k", ...
bool loop_from_string(const std::string& name, Loop* out);

enum class Tensor : int { Input = 0, Weights, Output };
inline constexpr int kNumTensors = 3;
const char* to_string(Tensor tensor); // "input", "weights", "output"

// How a tensor axis coordinate follows from the loop indices.
enum class AxisKind {
    Direct, // coordinate = index of loop a
    Group,  // coordinate = k / k_per_group (the group an output channel reads)
    Window, // coordinate = a * stride + b * dilation - pad (a = y|x, b = r|s)
};

struct TensorAxis {
    AxisKind kind = AxisKind::Direct;
    Loop a = Loop::N;
    Loop b = Loop::N;           // second source loop, Window only
    int64_t extent = 1;         // coordinates 0 .. extent-1 exist in memory
    int64_t stride_elements = 1; // dense layout: product of inner extents
};

struct Problem {
    LayerShape shape;
    std::array<int64_t, kNumLoops> extent{}; // trip counts of the 7 loops
    int64_t groups = 1;
    int64_t k_per_group = 1;  // output channels per group
    int64_t stride = 1, dilation = 1, pad = 0;
    int64_t element_bytes = 4;
    std::array<bool, kNumTensors> present{}; // pools have no weights
    // Axes of each tensor, outermost first; the last one is contiguous.
    // The input's channel is split into (group, channel-in-group) so that a
    // k-tile reads exactly the union of the groups it spans.
    std::array<std::vector<TensorAxis>, kNumTensors> axes;
    // indexes[t][l]: whether loop l changes which elements of t are touched.
    std::array<std::array<bool, kNumLoops>, kNumTensors> indexes{};

    // Validates the shape first; throws std::invalid_argument with the
    // LayerShape::validate() message when it is illegal.
    static Problem from_shape(const LayerShape& shape);

    int64_t macs() const; // product of the 7 extents
    int64_t tensor_elements(Tensor t) const;
};

} // namespace memsched
