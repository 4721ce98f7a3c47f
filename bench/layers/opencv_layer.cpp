// Building the OpenCV DNN counterpart of a layer-set entry (see opencv_layer.h).
#include "bench/layers/opencv_layer.h"

#include "tests/reference/opencv_nets.h"

#include <algorithm>

namespace memsched::bench {

namespace {

namespace ref = memsched::reference;

// A Tensor (n, c, h, w) copied from a dense Halide buffer with dims (w, h, c, n)
// or fewer: the memory orders are the same.
ref::Tensor to_tensor(const Halide::Runtime::Buffer<float>& b, int64_t n, int64_t c, int64_t h,
                      int64_t w) {
    ref::Tensor t(n, c, h, w);
    std::copy_n(b.data(), t.size(), t.data.begin());
    return t;
}

std::vector<float> bias_of(const demo::LayerBuffers& buffers) {
    auto it = buffers.args.find("bias");
    if (it == buffers.args.end())
        return {};
    return std::vector<float>(it->second.data(),
                              it->second.data() + it->second.number_of_elements());
}

} // namespace

std::optional<OpenCvLayer> make_opencv_layer(const VariantEntry& e,
                                             const demo::LayerBuffers& buffers, std::string* why) {
    auto p = [&](const char* key, int64_t fallback) {
        return int(variant_int_param(e, key, fallback));
    };
    const std::string gen = e.generator;
    if (buffers.args.count("bn")) {
        *why = "batch norm is folded into the Halide layer, not into OpenCV's";
        return std::nullopt;
    }
    const Halide::Runtime::Buffer<float>& in = buffers.args.at("input");
    OpenCvLayer layer;
    layer.input = ref::opencv::to_mat(to_tensor(in, in.dim(3).extent(), in.dim(2).extent(),
                                                in.dim(1).extent(), in.dim(0).extent()));
    if (gen == "conv2d_layer") {
        const Halide::Runtime::Buffer<float>& w = buffers.args.at("weights");
        ref::Conv2dParams cp;
        cp.stride_y = cp.stride_x = p("stride", 1);
        cp.pad_top = cp.pad_left = cp.pad_bottom = cp.pad_right = p("pad", 0);
        cp.dilation_y = cp.dilation_x = p("dilation", 1);
        cp.groups = p("groups", 1);
        // Halide weights (s, r, c/groups, k) are OIHW in memory.
        layer.net = ref::opencv::conv2d_net(to_tensor(w, w.dim(3).extent(), w.dim(2).extent(),
                                                      w.dim(1).extent(), w.dim(0).extent()),
                                            bias_of(buffers), cp);
    } else if (gen == "pool_layer" || gen == "global_avg_pool_layer") {
        ref::PoolParams pp;
        bool is_max = false;
        if (gen == "pool_layer") {
            pp.kernel_h = p("kernel_h", 1), pp.kernel_w = p("kernel_w", 1);
            pp.stride_y = pp.stride_x = p("stride", 2);
            pp.pad_top = pp.pad_left = p("pad", 0);
            pp.pad_bottom = pp.pad_right = p("pad_end", -1) < 0 ? pp.pad_top : p("pad_end", -1);
            pp.count_include_pad = variant_bool_param(e, "count_include_pad", false);
            const auto kind = variant_param(e, "kind");
            is_max = !kind || *kind == "max";
        } else {
            // A global average pool is an average pool whose window is the whole image.
            pp.kernel_h = in.dim(1).extent(), pp.kernel_w = in.dim(0).extent();
        }
        layer.net = ref::opencv::pool_net(pp, is_max);
    } else if (gen == "fc_layer") {
        const Halide::Runtime::Buffer<float>& w = buffers.args.at("weights");
        // Halide weights (c*h*w, k) are (k, features) row-major, like PyTorch's Linear.
        layer.net = ref::opencv::fully_connected_net(
            to_tensor(w, w.dim(1).extent(), w.dim(0).extent(), 1, 1), bias_of(buffers));
    } else {
        *why = "OpenCV DNN has no counterpart for generator " + gen;
        return std::nullopt;
    }
    return layer;
}

cv::Mat run_opencv_layer(OpenCvLayer& layer) {
    layer.net.setInput(layer.input);
    return layer.net.forward();
}

} // namespace memsched::bench
