// Plain C++ reference implementations of the CNN layers memsched schedules.
// Straight loops with double accumulation: slow and obviously correct, so the
// Halide layers and OpenCV DNN can be checked against them.
#pragma once

#include <cstdint>
#include <vector>

#include "tests/reference/tensor.h"

namespace memsched::reference {

// Conv weights are a Tensor with n = out channels k, c = in channels per
// group, h = kernel rows r, w = kernel cols s (OIHW, like PyTorch/ONNX).
struct Conv2dParams {
    int stride_y = 1, stride_x = 1, pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0,
        dilation_y = 1, dilation_x = 1, groups = 1;
};
Tensor conv2d(const Tensor& in, const Tensor& weights, const std::vector<float>& bias /* empty = no bias */,
              const Conv2dParams& p);

struct PoolParams {
    int kernel_h = 1, kernel_w = 1, stride_y = 1, stride_x = 1, pad_top = 0, pad_left = 0,
        pad_bottom = 0, pad_right = 0;
    bool count_include_pad = false;
    bool ceil_mode = false;
    // Appended after the fields above so positional initialisers still work;
    // ONNX MaxPool allows dilation (memsched's Halide pools do not).
    int dilation_y = 1, dilation_x = 1;
};
Tensor max_pool(const Tensor& in, const PoolParams& p);  // padding never wins the max
Tensor avg_pool(const Tensor& in, const PoolParams& p);
Tensor global_avg_pool(const Tensor& in);  // -> n × c × 1 × 1

// in is flattened per batch item (c*h*w features, NCHW order); weights: n =
// out features, c = in features, h = w = 1 (PyTorch Linear layout).
// Result: n × out features × 1 × 1.
Tensor fully_connected(const Tensor& in, const Tensor& weights, const std::vector<float>& bias);

struct BatchNorm {
    std::vector<float> gamma, beta, mean, var;
    float eps = 1e-5f;
};
Tensor batch_norm(const Tensor& in, const BatchNorm& bn);  // unfolded

void relu(Tensor& t);
void relu6(Tensor& t);
void leaky_relu(Tensor& t, float alpha);
Tensor add(const Tensor& a, const Tensor& b);  // shapes must match (throws std::invalid_argument otherwise)
Tensor concat_channels(const std::vector<Tensor>& parts);

// Output extent of a sliding window along one axis. Floor formula, or ceil
// with the PyTorch/ONNX rule that the last window must start inside the input
// or the leading padding. Throws std::invalid_argument naming `axis` when the
// dilated kernel does not fit the padded input or a parameter is out of range.
int64_t window_output_size(int64_t in, int kernel, int stride, int pad_begin, int pad_end,
                           int dilation, bool ceil_mode, const char* axis);

// Zero-filled outputs of the right shape, after the same validation the
// layers do (std::invalid_argument naming the field): lets other
// implementations of these layers size and check their results cheaply.
Tensor conv2d_output(const Tensor& in, const Tensor& weights, const std::vector<float>& bias,
                     const Conv2dParams& p);
Tensor pool_output(const Tensor& in, const PoolParams& p);

}  // namespace memsched::reference
