// One-layer OpenCV DNN networks, built but not run: opencv_layers.cpp runs
// them once as a reference, and the layer benchmarks (bench/layers) build one
// per layer and time repeated forward() calls without rebuilding it.
#pragma once

#include <vector>

#include <opencv2/dnn.hpp>

#include "tests/reference/reference_layers.h"
#include "tests/reference/tensor.h"

namespace memsched::reference::opencv {

// A 4-D CV_32F Mat (n, c, h, w) holding a copy of the tensor (OpenCV keeps blobs).
cv::Mat to_mat(const Tensor& t);

// Nets on the plain CPU backend. The parameters are not validated here (the
// callers validate them like the plain references); OpenCV errors surface as
// cv::Exception when the net is first run.
cv::dnn::Net conv2d_net(const Tensor& weights, const std::vector<float>& bias,
                        const Conv2dParams& p);
// Throws std::invalid_argument for dilated pooling, which OpenCV DNN lacks.
cv::dnn::Net pool_net(const PoolParams& p, bool is_max);
cv::dnn::Net fully_connected_net(const Tensor& weights, const std::vector<float>& bias);

}  // namespace memsched::reference::opencv
