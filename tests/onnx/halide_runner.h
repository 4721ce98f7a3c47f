// Runs a translated ONNX node through memsched's Halide layer builders
// (generators/layers) with Halide's JIT.
#pragma once

#include <vector>

#include "tests/onnx/onnx_case.h"
#include "tests/onnx/onnx_layer.h"

namespace memsched::onnx_cases {

// Realizes the layer into a buffer of `output_dims` (ONNX order; the
// builders leave output extents to the caller: end padding and ceil mode
// live there). Throws Unsupported for what the builders cannot express.
OnnxTensor run_halide(const Layer& layer, const DataSet& data, const std::vector<int64_t>& output_dims);

}  // namespace memsched::onnx_cases
