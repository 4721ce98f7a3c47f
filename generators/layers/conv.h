// Convolution, bias and folded batch norm as Halide algorithms (no schedules).
// Dims: activations (x, y, c, n); weights (x = s, y = r, c = in-channels per
// group, k), i.e. OIHW in memory; bias (k).
#pragma once

#include <Halide.h>

#include <string>

namespace memsched::layers {

struct ConvParams {
    int in_channels, out_channels, kernel_w, kernel_h, stride_x = 1, stride_y = 1, pad_left = 0,
                                                       pad_top = 0, dilation_x = 1, dilation_y = 1,
                                                       groups = 1;
};

// One-line error (std::invalid_argument) naming the bad field, or nothing.
void validate(const ConvParams& p, const std::string& name);

// out(x, y, k, n) = sum_{rx, ry, rc} in(x*sx + rx*dx - pad_left,
//                                       y*sy + ry*dy - pad_top, g*cpg + rc, n) * w(rx, ry, rc, k)
// with g = k / (out_channels / groups), cpg = in_channels / groups.
// A pure definition (zero) and ONE update over RDom (rx, ry, rc): the
// "conv-like reduction" shape the memsched plugin looks for. padded_input
// must be defined everywhere (see pad_zero); output extents are the caller's.
Halide::Func conv2d(Halide::Func padded_input, Halide::Func weights, const ConvParams& p,
                    const std::string& name);

// out(..., k, n) = f(..., k, n) + bias(k). Works on (x, y, k, n) and on (k, n).
Halide::Func bias_add(Halide::Func f, Halide::Func bias, const std::string& name);

// Batch norm folded into conv weights and bias:
//   w' = w * gamma / sqrt(var + eps), b' = (b - mean) * gamma / sqrt(var + eps) + beta.
struct FoldedConv {
    Halide::Func weights, bias;
};
// bias may be an undefined Func (conv without bias). The per-channel scale is
// a Func of its own, "<name>_scale"; the results are "<name>_weights", "<name>_bias".
FoldedConv fold_batch_norm(Halide::Func weights, Halide::Func bias, Halide::Func gamma,
                           Halide::Func beta, Halide::Func mean, Halide::Func var, float eps,
                           const std::string& name);

} // namespace memsched::layers
