// One-layer OpenCV DNN networks standing in for conv, pooling and fc.
#include "tests/reference/opencv_layers.h"

#include <stdexcept>
#include <string>

#include <opencv2/dnn.hpp>

namespace memsched::reference::opencv {

namespace {

// A 4-D CV_32F Mat sharing nothing with the tensor (OpenCV keeps blobs).
cv::Mat to_mat(const Tensor& t) {
    const int sizes[] = {int(t.n), int(t.c), int(t.h), int(t.w)};
    cv::Mat m(4, sizes, CV_32F);
    std::copy(t.data.begin(), t.data.end(), m.ptr<float>());
    return m;
}

cv::Mat bias_mat(const std::vector<float>& bias) {
    cv::Mat m(1, int(bias.size()), CV_32F);
    std::copy(bias.begin(), bias.end(), m.ptr<float>());
    return m;
}

void set_pads(cv::dnn::LayerParams& lp, int top, int left, int bottom, int right) {
    lp.set("pad_t", top);
    lp.set("pad_l", left);
    lp.set("pad_b", bottom);
    lp.set("pad_r", right);
}

// Runs `layers` in a chain on `in` and checks the output shape against the
// plain references' (`result`, sized by the caller). `type` names the main
// layer in messages.
Tensor run_layers(const char* type, std::vector<cv::dnn::LayerParams>& layers, const Tensor& in,
                  Tensor result) {
    cv::Mat out;
    try {
        cv::dnn::Net net;
        for (size_t i = 0; i < layers.size(); ++i) {
            layers[i].name = layers[i].type + std::to_string(i);
            net.addLayerToPrev(layers[i].name, layers[i].type, layers[i]);
        }
        net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
        net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
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
    if (p.dilation_y != 1 || p.dilation_x != 1) {
        throw std::invalid_argument("OpenCV DNN pooling has no dilation: dilation_y = " +
                                    std::to_string(p.dilation_y) + ", dilation_x = " +
                                    std::to_string(p.dilation_x));
    }
    cv::dnn::LayerParams lp;
    lp.set("pool", is_max ? "max" : "ave");
    lp.set("kernel_h", p.kernel_h);
    lp.set("kernel_w", p.kernel_w);
    lp.set("stride_h", p.stride_y);
    lp.set("stride_w", p.stride_x);
    set_pads(lp, p.pad_top, p.pad_left, p.pad_bottom, p.pad_right);
    // OpenCV defaults ceil_mode to true (Caffe's convention): always set it.
    lp.set("ceil_mode", p.ceil_mode);
    lp.set("ave_pool_padded_area", p.count_include_pad);
    lp.type = "Pooling";
    std::vector<cv::dnn::LayerParams> layers{lp};
    return run_layers("Pooling", layers, in, shape);
}

}  // namespace

Tensor conv2d(const Tensor& in, const Tensor& weights, const std::vector<float>& bias,
              const Conv2dParams& p) {
    Tensor shape = reference::conv2d_output(in, weights, bias, p);  // validates too
    cv::dnn::LayerParams lp;
    lp.set("num_output", int(weights.n));
    lp.set("group", p.groups);
    lp.set("kernel_h", int(weights.h));
    lp.set("kernel_w", int(weights.w));
    lp.set("stride_h", p.stride_y);
    lp.set("stride_w", p.stride_x);
    lp.set("dilation_h", p.dilation_y);
    lp.set("dilation_w", p.dilation_x);
    lp.set("bias_term", !bias.empty());
    lp.blobs.push_back(to_mat(weights));
    if (!bias.empty()) lp.blobs.push_back(bias_mat(bias));
    lp.type = "Convolution";
    std::vector<cv::dnn::LayerParams> layers;
    if (p.pad_top == p.pad_bottom && p.pad_left == p.pad_right) {
        set_pads(lp, p.pad_top, p.pad_left, p.pad_bottom, p.pad_right);
    } else {
        // OpenCV 4.6's convolution rejects asymmetric padding ("Unsupported
        // asymmetric padding"): zero-pad with OpenCV's own Padding layer
        // first, so the padding is still not ours.
        cv::dnn::LayerParams pad;
        pad.type = "Padding";
        const int paddings[] = {0, 0, 0, 0, p.pad_top, p.pad_bottom, p.pad_left, p.pad_right};
        pad.set("paddings", cv::dnn::DictValue::arrayInt(paddings, 8));
        pad.set("type", "constant");
        pad.set("value", 0.0);
        layers.push_back(pad);
        set_pads(lp, 0, 0, 0, 0);
    }
    layers.push_back(lp);
    return run_layers("Convolution", layers, in, shape);
}

Tensor max_pool(const Tensor& in, const PoolParams& p) { return pool(in, p, true); }

Tensor avg_pool(const Tensor& in, const PoolParams& p) { return pool(in, p, false); }

Tensor fully_connected(const Tensor& in, const Tensor& weights, const std::vector<float>& bias) {
    // The plain fc validates the shapes and sizes the result (fc is cheap).
    const Tensor shape = reference::fully_connected(in, weights, bias);
    cv::dnn::LayerParams lp;
    lp.set("num_output", int(weights.n));
    lp.set("bias_term", !bias.empty());
    lp.set("axis", 1);  // flatten c, h, w per batch item
    cv::Mat w(int(weights.n), int(weights.c), CV_32F);
    std::copy(weights.data.begin(), weights.data.end(), w.ptr<float>());
    lp.blobs.push_back(w);
    if (!bias.empty()) lp.blobs.push_back(bias_mat(bias));
    lp.type = "InnerProduct";
    std::vector<cv::dnn::LayerParams> layers{lp};
    return run_layers("InnerProduct", layers, in, Tensor(shape.n, shape.c, 1, 1));
}

}  // namespace memsched::reference::opencv
