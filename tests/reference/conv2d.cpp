// Reference 2-D convolution (grouped, strided, dilated, asymmetric padding).
#include <stdexcept>
#include <string>

#include "tests/reference/reference_layers.h"

namespace memsched::reference {

namespace {

void check_conv_shapes(const Tensor& in, const Tensor& weights, const std::vector<float>& bias,
                       const Conv2dParams& p) {
    in.check_consistent("conv2d input");
    weights.check_consistent("conv2d weights");
    auto fail = [](const std::string& msg) { throw std::invalid_argument("conv2d: " + msg); };
    if (p.groups < 1) fail("groups = " + std::to_string(p.groups) + " must be >= 1");
    if (in.c % p.groups != 0) {
        fail("groups = " + std::to_string(p.groups) + " does not divide input channels c = " +
             std::to_string(in.c));
    }
    if (weights.n % p.groups != 0) {
        fail("groups = " + std::to_string(p.groups) +
             " does not divide output channels (weights.n = " + std::to_string(weights.n) + ")");
    }
    if (weights.c != in.c / p.groups) {
        fail("weights.c = " + std::to_string(weights.c) + " must equal input channels per group " +
             std::to_string(in.c / p.groups));
    }
    if (!bias.empty() && static_cast<int64_t>(bias.size()) != weights.n) {
        fail("bias size = " + std::to_string(bias.size()) + " must be 0 or weights.n = " +
             std::to_string(weights.n));
    }
}

}  // namespace

Tensor conv2d_output(const Tensor& in, const Tensor& weights, const std::vector<float>& bias,
                     const Conv2dParams& p) {
    check_conv_shapes(in, weights, bias, p);
    try {
        return Tensor(in.n, weights.n,
                      window_output_size(in.h, int(weights.h), p.stride_y, p.pad_top,
                                         p.pad_bottom, p.dilation_y, false, "y"),
                      window_output_size(in.w, int(weights.w), p.stride_x, p.pad_left,
                                         p.pad_right, p.dilation_x, false, "x"));
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string("conv2d: ") + e.what());
    }
}

Tensor conv2d(const Tensor& in, const Tensor& weights, const std::vector<float>& bias,
              const Conv2dParams& p) {
    Tensor out = conv2d_output(in, weights, bias, p);
    const int64_t out_h = out.h, out_w = out.w;
    const int64_t k_per_group = weights.n / p.groups;
    const int64_t c_per_group = weights.c;
    for (int64_t n = 0; n < in.n; ++n) {
        for (int64_t k = 0; k < weights.n; ++k) {
            const int64_t c_base = (k / k_per_group) * c_per_group;
            for (int64_t oy = 0; oy < out_h; ++oy) {
                for (int64_t ox = 0; ox < out_w; ++ox) {
                    double acc = bias.empty() ? 0.0 : bias[k];
                    for (int64_t ci = 0; ci < c_per_group; ++ci) {
                        for (int64_t r = 0; r < weights.h; ++r) {
                            const int64_t iy = oy * p.stride_y - p.pad_top + r * p.dilation_y;
                            if (iy < 0 || iy >= in.h) continue;  // zero padding
                            for (int64_t s = 0; s < weights.w; ++s) {
                                const int64_t ix = ox * p.stride_x - p.pad_left + s * p.dilation_x;
                                if (ix < 0 || ix >= in.w) continue;
                                acc += double(in.data[in.index(n, c_base + ci, iy, ix)]) *
                                       double(weights.data[weights.index(k, ci, r, s)]);
                            }
                        }
                    }
                    out.data[out.index(n, k, oy, ox)] = float(acc);
                }
            }
        }
    }
    return out;
}

}  // namespace memsched::reference
