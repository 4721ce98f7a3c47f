// Float tensors read from ONNX TensorProto messages (initializers and the
// test_data_set_*/input_*.pb, output_*.pb files), and their NCHW view.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/reference/tensor.h"

namespace onnx {
class TensorProto;
}

namespace memsched::onnx_cases {

// A case the references cannot express (1-D/3-D, integer data, extra
// outputs...): the test is skipped with this reason, never dropped silently.
struct Unsupported : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct OnnxTensor {
    std::string name;
    std::vector<int64_t> dims;  // ONNX order, outermost first
    std::vector<float> data;    // row-major: last dim fastest
    std::string dims_string() const;
};

// Throws Unsupported for non-float element types, std::runtime_error when the
// message is inconsistent (data size vs dims, external data).
OnnxTensor from_proto(const ::onnx::TensorProto& proto);
OnnxTensor load_tensor_file(const std::string& path);

// Rank <= 4 tensor as a reference::Tensor, leading dims filled with 1:
// [N,C,H,W] -> n,c,h,w; [M,N] -> 1,1,M,N. Same memory order either way.
reference::Tensor as_nchw(const OnnxTensor& t);

}  // namespace memsched::onnx_cases
