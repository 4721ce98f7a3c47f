// Translation of one ONNX node (Conv, MaxPool, AveragePool, Gemm, Relu) into
// memsched's layer parameters: attributes with their ONNX defaults, auto_pad
// turned into explicit pads. Shared by the plain-reference and Halide runs.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include <onnx/onnx_pb.h>

#include "tests/onnx/onnx_tensor.h"
#include "tests/reference/reference_layers.h"

namespace memsched::onnx_cases {

struct ConvLayer {
    reference::Conv2dParams params;
    bool has_bias = false;
};

struct PoolLayer {
    bool is_max = true;
    reference::PoolParams params;
};

// Y = alpha * A' * B' + beta * C, A' = transA ? A^T : A, B' likewise.
struct GemmLayer {
    float alpha = 1.f, beta = 1.f;
    bool trans_a = false, trans_b = false;
    bool has_c = false;
};

struct ReluLayer {};

using Layer = std::variant<ConvLayer, PoolLayer, GemmLayer, ReluLayer>;

// `input_dims` are the dims of the node's first input (spatial sizes are
// needed to resolve auto_pad). Throws Unsupported for what memsched does not
// express (other ops, non-2-D, unknown attributes) and std::invalid_argument
// for malformed attributes, naming the attribute and value.
Layer translate(const ::onnx::NodeProto& node, const std::vector<int64_t>& input_dims,
                const std::vector<int64_t>& weight_dims);

// Gemm's C broadcast (unidirectionally) to the full m x n result, row-major.
// Throws std::invalid_argument naming C's dims when they do not broadcast.
std::vector<float> broadcast_gemm_c(const OnnxTensor& c, int64_t m, int64_t n);

}  // namespace memsched::onnx_cases
