// Implementation of make_layer_buffers and run_variant (see layer_buffers.h).
#include "bench/demo/layer_buffers.h"

#include <stdexcept>
#include <vector>

namespace memsched::demo {

namespace {

Halide::Runtime::Buffer<float> random_buffer(const std::vector<int>& dims, std::mt19937& rng) {
    Halide::Runtime::Buffer<float> b(dims);
    std::uniform_real_distribution<float> dist(-1.f, 1.f);
    b.for_each_value([&](float& v) { v = dist(rng); });
    return b;
}

int out_extent(int in, int kernel, int stride, int pad_begin, int pad_end, int dilation) {
    return (in + pad_begin + pad_end - dilation * (kernel - 1) - 1) / stride + 1;
}

} // namespace

LayerBuffers make_layer_buffers(const VariantEntry& e, std::mt19937& rng) {
    auto p = [&](const char* key, int64_t fallback) {
        return int(variant_int_param(e, key, fallback));
    };
    const std::string gen = e.generator;
    const int n = p("est_batch", 1), c = p("c", 1);
    LayerBuffers b;
    if (gen == "fc_layer") {
        const int w = p("in_width", 1), h = p("in_height", 1), k = p("k", 1);
        b.args["input"] = random_buffer({w, h, c, n}, rng);
        b.args["weights"] = random_buffer({c * w * h, k}, rng);
        if (variant_bool_param(e, "bias", true))
            b.args["bias"] = random_buffer({k}, rng);
        b.args["output"] = Halide::Runtime::Buffer<float>(k, n);
        b.macs = int64_t(n) * k * c * w * h;
        return b;
    }
    const int w = p("est_width", 1), h = p("est_height", 1);
    b.args["input"] = random_buffer({w, h, c, n}, rng);
    if (gen == "conv2d_layer") {
        const int k = p("k", 1), s = p("kernel_w", 1), r = p("kernel_h", 1),
                  stride = p("stride", 1);
        const int pad = p("pad", 0), dil = p("dilation", 1), groups = p("groups", 1);
        const int ow = out_extent(w, s, stride, pad, pad, dil),
                  oh = out_extent(h, r, stride, pad, pad, dil);
        b.args["weights"] = random_buffer({s, r, c / groups, k}, rng);
        if (variant_bool_param(e, "bias", false))
            b.args["bias"] = random_buffer({k}, rng);
        if (variant_bool_param(e, "batchnorm", false)) {
            Halide::Runtime::Buffer<float> bn = random_buffer({k, 4}, rng);
            for (int i = 0; i < k; i++)
                bn(i, 3) = 1.0f; // positive variance
            b.args["bn"] = bn;
        }
        b.args["output"] = Halide::Runtime::Buffer<float>(ow, oh, k, n);
        b.macs = int64_t(n) * k * oh * ow * (c / groups) * r * s;
    } else if (gen == "pool_layer") {
        const int s = p("kernel_w", 1), r = p("kernel_h", 1), stride = p("stride", 2),
                  pad = p("pad", 0);
        const int pad_end = p("pad_end", -1) < 0 ? pad : p("pad_end", -1);
        const int ow = out_extent(w, s, stride, pad, pad_end, 1),
                  oh = out_extent(h, r, stride, pad, pad_end, 1);
        b.args["output"] = Halide::Runtime::Buffer<float>(ow, oh, c, n);
        b.macs = int64_t(n) * c * oh * ow * r * s;
    } else if (gen == "global_avg_pool_layer") {
        b.args["output"] = Halide::Runtime::Buffer<float>(1, 1, c, n);
        b.macs = int64_t(n) * c * h * w;
    } else {
        throw std::invalid_argument("generator=" + gen + " is not a layer-set generator");
    }
    return b;
}

int run_variant(const VariantEntry& entry, LayerBuffers& buffers) {
    const halide_filter_metadata_t* md = entry.metadata();
    std::vector<void*> args;
    for (int i = 0; i < md->num_arguments; i++) {
        auto it = buffers.args.find(md->arguments[i].name);
        if (it == buffers.args.end()) {
            throw std::invalid_argument(std::string("argument ") + md->arguments[i].name + " of " +
                                        entry.config + " has no buffer");
        }
        args.push_back(it->second.raw_buffer());
    }
    return entry.argv(args.data());
}

} // namespace memsched::demo
