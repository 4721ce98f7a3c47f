// One-layer OpenCV DNN networks standing in for conv, pooling and fc: built
// by opencv_nets.cpp, run here once and checked against the expected shape.
#include "tests/reference/opencv_layers.h"
#include "tests/reference/opencv_nets.h"

#include <stdexcept>
#include <string>

#include <opencv2/dnn.hpp>

namespace memsched::reference::opencv {

namespace {

// Runs `net` on `in` and checks the output shape against the plain
// references' (`result`, sized by the caller). `type` names the main layer in
// messages.
Tensor run_net(const char* type, cv::dnn::Net net, const Tensor& in, Tensor result) {
    cv::Mat out;
    try {
        net.setInput(to_mat(in));
        out = net.forward();
    } catch (const cv::Exception& e) {
        throw std::runtime_error(std::string("OpenCV DNN ") + type + " failed: " + e.msg);
    }
    const int64_t got[] = {out.size[0], out.dims > 1 ? out.size[1] : 1,
                           out.dims > 2 ? out.size[2] : 1, out.dims > 3 ? out.size[3] : 1};
    if (out.type() != CV_32F || got[0] != result.n || got[1] != result.c || got[2] != result.h ||
        got[3] != result.w || int64_t(out.total()) != result.size()) {
        throw std::runtime_error(std::string("OpenCV DNN ") + type + " output shape " +
                                 std::to_string(got[0]) + "x" + std::to_string(got[1]) + "x" +
                                 std::to_string(got[2]) + "x" + std::to_string(got[3]) +
                                 " differs from expected " + result.shape_string());
    }
    const cv::Mat contiguous = out.isContinuous() ? out : out.clone();
    std::copy_n(contiguous.ptr<float>(), result.size(), result.data.begin());
    return result;
}

Tensor pool(const Tensor& in, const PoolParams& p, bool is_max) {
    Tensor shape = reference::pool_output(in, p);  // validates parameters too
    return run_net("Pooling", pool_net(p, is_max), in, shape);
}

}  // namespace

Tensor conv2d(const Tensor& in, const Tensor& weights, const std::vector<float>& bias,
              const Conv2dParams& p) {
    Tensor shape = reference::conv2d_output(in, weights, bias, p);  // validates too
    return run_net("Convolution", conv2d_net(weights, bias, p), in, shape);
}

Tensor max_pool(const Tensor& in, const PoolParams& p) { return pool(in, p, true); }

Tensor avg_pool(const Tensor& in, const PoolParams& p) { return pool(in, p, false); }

Tensor fully_connected(const Tensor& in, const Tensor& weights, const std::vector<float>& bias) {
    // The plain fc validates the shapes and sizes the result (fc is cheap).
    const Tensor shape = reference::fully_connected(in, weights, bias);
    return run_net("InnerProduct", fully_connected_net(weights, bias), in,
                   Tensor(shape.n, shape.c, 1, 1));
}

}  // namespace memsched::reference::opencv
