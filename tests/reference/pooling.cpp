// Reference max, average and global average pooling.
#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

#include "tests/reference/reference_layers.h"

namespace memsched::reference {

namespace {

// Window [begin, end) along one axis in input coordinates, before clipping.
struct Span {
    int64_t begin, end;
};

Span window(int64_t o, int stride, int pad_begin, int kernel) {
    const int64_t b = o * stride - pad_begin;
    return {b, b + kernel};
}

// A window with no input element has no defined max or mean: reject the
// parameters rather than invent a value (only reachable with pads >= kernel).
[[noreturn]] void empty_window(const char* op, const char* axis_pad, int pad, int64_t o) {
    throw std::invalid_argument(std::string(op) + ": " + axis_pad + " = " + std::to_string(pad) +
                                " leaves output window " + std::to_string(o) +
                                " with no input element");
}

Tensor checked_pool_output(const Tensor& in, const PoolParams& p, const char* op) {
    in.check_consistent(std::string(op) + " input");
    try {
        return Tensor(in.n, in.c,
                      window_output_size(in.h, p.kernel_h, p.stride_y, p.pad_top, p.pad_bottom, 1,
                                         p.ceil_mode, "y"),
                      window_output_size(in.w, p.kernel_w, p.stride_x, p.pad_left, p.pad_right, 1,
                                         p.ceil_mode, "x"));
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string(op) + ": " + e.what());
    }
}

}  // namespace

Tensor pool_output(const Tensor& in, const PoolParams& p) {
    return checked_pool_output(in, p, "pool");
}

Tensor max_pool(const Tensor& in, const PoolParams& p) {
    Tensor out = checked_pool_output(in, p, "max_pool");
    for (int64_t n = 0; n < in.n; ++n) {
        for (int64_t c = 0; c < in.c; ++c) {
            for (int64_t oy = 0; oy < out.h; ++oy) {
                const Span sy = window(oy, p.stride_y, p.pad_top, p.kernel_h);
                const int64_t y0 = std::max<int64_t>(sy.begin, 0), y1 = std::min(sy.end, in.h);
                if (y0 >= y1) empty_window("max_pool", "pad_top/pad_bottom", p.pad_top, oy);
                for (int64_t ox = 0; ox < out.w; ++ox) {
                    const Span sx = window(ox, p.stride_x, p.pad_left, p.kernel_w);
                    const int64_t x0 = std::max<int64_t>(sx.begin, 0), x1 = std::min(sx.end, in.w);
                    if (x0 >= x1) empty_window("max_pool", "pad_left/pad_right", p.pad_left, ox);
                    // Only real input elements compete: padding never wins.
                    float best = -std::numeric_limits<float>::infinity();
                    for (int64_t y = y0; y < y1; ++y) {
                        for (int64_t x = x0; x < x1; ++x) {
                            best = std::max(best, in.data[in.index(n, c, y, x)]);
                        }
                    }
                    out.data[out.index(n, c, oy, ox)] = best;
                }
            }
        }
    }
    return out;
}

Tensor avg_pool(const Tensor& in, const PoolParams& p) {
    Tensor out = checked_pool_output(in, p, "avg_pool");
    for (int64_t n = 0; n < in.n; ++n) {
        for (int64_t c = 0; c < in.c; ++c) {
            for (int64_t oy = 0; oy < out.h; ++oy) {
                const Span sy = window(oy, p.stride_y, p.pad_top, p.kernel_h);
                const int64_t y0 = std::max<int64_t>(sy.begin, 0), y1 = std::min(sy.end, in.h);
                if (y0 >= y1) empty_window("avg_pool", "pad_top/pad_bottom", p.pad_top, oy);
                // With count_include_pad the divisor counts padding but not the
                // overhang past the trailing padding that ceil mode can add
                // (PyTorch's and ONNX's rule).
                const int64_t py = std::min<int64_t>(sy.end, in.h + p.pad_bottom) - sy.begin;
                for (int64_t ox = 0; ox < out.w; ++ox) {
                    const Span sx = window(ox, p.stride_x, p.pad_left, p.kernel_w);
                    const int64_t x0 = std::max<int64_t>(sx.begin, 0), x1 = std::min(sx.end, in.w);
                    if (x0 >= x1) empty_window("avg_pool", "pad_left/pad_right", p.pad_left, ox);
                    const int64_t px = std::min<int64_t>(sx.end, in.w + p.pad_right) - sx.begin;
                    double sum = 0.0;
                    for (int64_t y = y0; y < y1; ++y) {
                        for (int64_t x = x0; x < x1; ++x) sum += in.data[in.index(n, c, y, x)];
                    }
                    const int64_t count = p.count_include_pad ? py * px : (y1 - y0) * (x1 - x0);
                    out.data[out.index(n, c, oy, ox)] = float(sum / double(count));
                }
            }
        }
    }
    return out;
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
