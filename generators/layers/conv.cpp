// Implementation of conv2d, bias_add and fold_batch_norm (see conv.h).
#include "generators/layers/conv.h"

#include "generators/layers/func_vars.h"

namespace memsched::layers {

void validate(const ConvParams& p, const std::string& name) {
    const std::string b = "conv2d";
    require(p.in_channels >= 1, b, name, "in_channels", p.in_channels, "must be >= 1");
    require(p.out_channels >= 1, b, name, "out_channels", p.out_channels, "must be >= 1");
    require(p.kernel_w >= 1, b, name, "kernel_w", p.kernel_w, "must be >= 1");
    require(p.kernel_h >= 1, b, name, "kernel_h", p.kernel_h, "must be >= 1");
    require(p.stride_x >= 1, b, name, "stride_x", p.stride_x, "must be >= 1");
    require(p.stride_y >= 1, b, name, "stride_y", p.stride_y, "must be >= 1");
    require(p.pad_left >= 0, b, name, "pad_left", p.pad_left, "must be >= 0");
    require(p.pad_top >= 0, b, name, "pad_top", p.pad_top, "must be >= 0");
    require(p.dilation_x >= 1, b, name, "dilation_x", p.dilation_x, "must be >= 1");
    require(p.dilation_y >= 1, b, name, "dilation_y", p.dilation_y, "must be >= 1");
    require(p.groups >= 1, b, name, "groups", p.groups, "must be >= 1");
    require(p.in_channels % p.groups == 0, b, name, "in_channels", p.in_channels,
            "is not divisible by groups=" + std::to_string(p.groups));
    require(p.out_channels % p.groups == 0, b, name, "out_channels", p.out_channels,
            "is not divisible by groups=" + std::to_string(p.groups));
}

Halide::Func conv2d(Halide::Func padded_input, Halide::Func weights, const ConvParams& p,
                    const std::string& name) {
    validate(p, name);
    require_defined(padded_input, "conv2d", name, "input");
    require_defined(weights, "conv2d", name, "weights");
    require(padded_input.dimensions() == 4, "conv2d", name, "input dimensions",
            padded_input.dimensions(), "must be 4 (x, y, c, n)");
    require(weights.dimensions() == 4, "conv2d", name, "weights dimensions", weights.dimensions(),
            "must be 4 (s, r, c, k)");

    const int cpg = p.in_channels / p.groups;
    const int kpg = p.out_channels / p.groups;
    Halide::Var x("x"), y("y"), k("k"), n("n");
    Halide::RDom r(0, p.kernel_w, 0, p.kernel_h, 0, cpg, name + "_r");
    // For groups == 1 the channel index is just r.z: keep the access affine.
    Halide::Expr channel = p.groups == 1 ? Halide::Expr(r.z) : (k / kpg) * cpg + r.z;
    Halide::Func out(name);
    out(x, y, k, n) = 0.0f;
    out(x, y, k, n) += padded_input(x * p.stride_x + r.x * p.dilation_x - p.pad_left,
                                    y * p.stride_y + r.y * p.dilation_y - p.pad_top, channel, n) *
                       weights(r.x, r.y, r.z, k);
    return out;
}

Halide::Func bias_add(Halide::Func f, Halide::Func bias, const std::string& name) {
    require_defined(f, "bias_add", name, "input");
    require_defined(bias, "bias_add", name, "bias");
    const int dims = f.dimensions();
    require(dims >= 2, "bias_add", name, "input dimensions", dims,
            "must be >= 2 (channel, batch last)");
    std::vector<Halide::Var> v = make_vars(dims);
    Halide::Func out(name);
    out(v) = f(v) + bias(v[dims - 2]);
    return out;
}

FoldedConv fold_batch_norm(Halide::Func weights, Halide::Func bias, Halide::Func gamma,
                           Halide::Func beta, Halide::Func mean, Halide::Func var, float eps,
                           const std::string& name) {
    require_defined(weights, "fold_batch_norm", name, "weights");
    require_defined(gamma, "fold_batch_norm", name, "gamma");
    require_defined(beta, "fold_batch_norm", name, "beta");
    require_defined(mean, "fold_batch_norm", name, "mean");
    require_defined(var, "fold_batch_norm", name, "var");
    if (!(eps >= 0.0f)) {
        throw std::invalid_argument("fold_batch_norm '" + name + "': eps=" + std::to_string(eps) +
                                    " must be >= 0");
    }
    Halide::Var k("k"), s("s"), r("r"), c("c");
    Halide::Func scale(name + "_scale");
    scale(k) = gamma(k) / Halide::sqrt(var(k) + eps);

    FoldedConv folded{Halide::Func(name + "_weights"), Halide::Func(name + "_bias")};
    folded.weights(s, r, c, k) = weights(s, r, c, k) * scale(k);
    Halide::Expr b = bias.defined() ? Halide::Expr(bias(k)) : Halide::Expr(0.0f);
    folded.bias(k) = (b - mean(k)) * scale(k) + beta(k);
    return folded;
}

} // namespace memsched::layers
