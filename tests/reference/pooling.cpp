// Reference max, average and global average pooling.
#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

#include "tests/reference/reference_layers.h"

namespace memsched::reference {

namespace {

Tensor checked_pool_output(const Tensor& in, const PoolParams& p, const char* op) {
    in.check_consistent(std::string(op) + " input");
    try {
        return Tensor(in.n, in.c,
                      window_output_size(in.h, p.kernel_h, p.stride_y, p.pad_top, p.pad_bottom,
                                         p.dilation_y, p.ceil_mode, "y"),
                      window_output_size(in.w, p.kernel_w, p.stride_x, p.pad_left, p.pad_right,
                                         p.dilation_x, p.ceil_mode, "x"));
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string(op) + ": " + e.what());
    }
}

// The taps of one output position along one axis.
struct AxisTaps {
    std::vector<int64_t> inside;  // input coordinates of taps inside the input
    int64_t padded = 0;           // taps inside input or padding (not ceil overhang)
};

struct AxisWindow {
    int kernel, stride, dilation, pad_begin, pad_end;
};

// Taps for every output position of one axis; rejects a window with no
// input element, which has no defined max or mean (only reachable when the
// padding is as large as the kernel span).
std::vector<AxisTaps> axis_taps(int64_t out, int64_t in, const AxisWindow& a, const char* op,
                                const char* pad_fields) {
    std::vector<AxisTaps> taps(static_cast<size_t>(out));
    for (int64_t o = 0; o < out; ++o) {
        for (int i = 0; i < a.kernel; ++i) {
            const int64_t x = o * a.stride - a.pad_begin + int64_t(i) * a.dilation;
            if (x >= 0 && x < in) taps[o].inside.push_back(x);
            // With count_include_pad the divisor counts padding but not the
            // overhang past the trailing padding that ceil mode can add
            // (PyTorch's and ONNX's rule).
            if (x >= -a.pad_begin && x < in + a.pad_end) ++taps[o].padded;
        }
        if (taps[o].inside.empty()) {
            throw std::invalid_argument(std::string(op) + ": " + pad_fields + " = " +
                                        std::to_string(a.pad_begin) + "/" +
                                        std::to_string(a.pad_end) + " leaves output window " +
                                        std::to_string(o) + " with no input element");
        }
    }
    return taps;
}

// Calls reduce(n, c, y_taps, x_taps) -> float for every output element.
template <typename Reduce>
Tensor pool(const Tensor& in, const PoolParams& p, const char* op, Reduce reduce) {
    Tensor out = checked_pool_output(in, p, op);
    const auto ys = axis_taps(out.h, in.h, {p.kernel_h, p.stride_y, p.dilation_y, p.pad_top, p.pad_bottom},
                              op, "pad_top/pad_bottom");
    const auto xs = axis_taps(out.w, in.w, {p.kernel_w, p.stride_x, p.dilation_x, p.pad_left, p.pad_right},
                              op, "pad_left/pad_right");
    for (int64_t n = 0; n < in.n; ++n) {
        for (int64_t c = 0; c < in.c; ++c) {
            for (int64_t oy = 0; oy < out.h; ++oy) {
                for (int64_t ox = 0; ox < out.w; ++ox) {
                    out.data[out.index(n, c, oy, ox)] = reduce(n, c, ys[oy], xs[ox]);
                }
            }
        }
    }
    return out;
}

}  // namespace

Tensor pool_output(const Tensor& in, const PoolParams& p) {
    return checked_pool_output(in, p, "pool");
}

Tensor max_pool(const Tensor& in, const PoolParams& p) {
    return pool(in, p, "max_pool", [&](int64_t n, int64_t c, const AxisTaps& ys, const AxisTaps& xs) {
        // Only real input elements compete: padding never wins.
        float best = -std::numeric_limits<float>::infinity();
        for (int64_t y : ys.inside) {
            for (int64_t x : xs.inside) best = std::max(best, in.data[in.index(n, c, y, x)]);
        }
        return best;
    });
}

Tensor avg_pool(const Tensor& in, const PoolParams& p) {
    return pool(in, p, "avg_pool", [&](int64_t n, int64_t c, const AxisTaps& ys, const AxisTaps& xs) {
        double sum = 0.0;
        for (int64_t y : ys.inside) {
            for (int64_t x : xs.inside) sum += in.data[in.index(n, c, y, x)];
        }
        const int64_t count = p.count_include_pad ? ys.padded * xs.padded
                                                  : int64_t(ys.inside.size() * xs.inside.size());
        return float(sum / double(count));
    });
}

Tensor global_avg_pool(const Tensor& in) {
    in.check_consistent("global_avg_pool input");
    Tensor out(in.n, in.c, 1, 1);
    for (int64_t n = 0; n < in.n; ++n) {
        for (int64_t c = 0; c < in.c; ++c) {
            double sum = 0.0;
            for (int64_t y = 0; y < in.h; ++y) {
                for (int64_t x = 0; x < in.w; ++x) sum += in.data[in.index(n, c, y, x)];
            }
            out.data[out.index(n, c, 0, 0)] = float(sum / double(in.h * in.w));
        }
    }
    return out;
}

}  // namespace memsched::reference
