// Runs a translated ONNX node through the plain C++ references.
#pragma once

#include "tests/onnx/onnx_case.h"
#include "tests/onnx/onnx_layer.h"

namespace memsched::onnx_cases {

// The node's single output, with ONNX dims.
OnnxTensor run_reference(const Layer& layer, const DataSet& data);

}  // namespace memsched::onnx_cases
