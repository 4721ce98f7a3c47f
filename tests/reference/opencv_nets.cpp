// Building the one-layer OpenCV DNN networks (see opencv_nets.h).
#include "tests/reference/opencv_nets.h"

#include <stdexcept>
#include <string>

namespace memsched::reference::opencv {

namespace {

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

// Chains `layers` into a net on the OpenCV CPU backend.
cv::dnn::Net chain(std::vector<cv::dnn::LayerParams>& layers) {
    cv::dnn::Net net;
    for (size_t i = 0; i < layers.size(); ++i) {
        layers[i].name = layers[i].type + std::to_string(i);
        net.addLayerToPrev(layers[i].name, layers[i].type, layers[i]);
    }
    net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    return net;
}

}  // namespace

cv::Mat to_mat(const Tensor& t) {
    const int sizes[] = {int(t.n), int(t.c), int(t.h), int(t.w)};
    cv::Mat m(4, sizes, CV_32F);
    std::copy(t.data.begin(), t.data.end(), m.ptr<float>());
    return m;
}

cv::dnn::Net conv2d_net(const Tensor& weights, const std::vector<float>& bias,
                        const Conv2dParams& p) {
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
    return chain(layers);
}

cv::dnn::Net pool_net(const PoolParams& p, bool is_max) {
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
    return chain(layers);
}

cv::dnn::Net fully_connected_net(const Tensor& weights, const std::vector<float>& bias) {
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
    return chain(layers);
}

}  // namespace memsched::reference::opencv
