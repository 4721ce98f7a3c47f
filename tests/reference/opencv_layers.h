// OpenCV DNN as a second, independent reference: each call builds a one-layer
// cv::dnn::Net from LayerParams and blobs and runs it on the CPU backend.
// Same signatures and conventions as reference_layers.h.
#pragma once

#include <vector>

#include "tests/reference/reference_layers.h"
#include "tests/reference/tensor.h"

namespace memsched::reference::opencv {

// Parameters are checked like the plain references (std::invalid_argument);
// an OpenCV failure, or an output shape that disagrees with the plain
// references' formula, throws std::runtime_error.
Tensor conv2d(const Tensor& in, const Tensor& weights, const std::vector<float>& bias,
              const Conv2dParams& p);
Tensor max_pool(const Tensor& in, const PoolParams& p);
Tensor avg_pool(const Tensor& in, const PoolParams& p);
Tensor fully_connected(const Tensor& in, const Tensor& weights, const std::vector<float>& bias);

}  // namespace memsched::reference::opencv
