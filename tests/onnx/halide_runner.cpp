// Halide JIT evaluation of Conv, MaxPool, AveragePool, Gemm and Relu built
// from memsched_layers (see halide_runner.h).
#include "tests/onnx/halide_runner.h"

#include <limits>
#include <stdexcept>

#include <Halide.h>

#include "generators/layers/layers.h"

namespace memsched::onnx_cases {

namespace {

// ONNX dims are outermost first; Halide's first dim is the fastest, so the
// same memory is a buffer with the dims reversed.
std::vector<int> halide_sizes(const std::vector<int64_t>& dims) {
    return std::vector<int>(dims.rbegin(), dims.rend());
}

Halide::Buffer<float> to_buffer(const OnnxTensor& t) {
    Halide::Buffer<float> b(halide_sizes(t.dims));
    std::copy(t.data.begin(), t.data.end(), b.data());
    return b;
}

// A Func reading `b` at the same coordinates (valid only inside b).
Halide::Func wrap(Halide::Buffer<float> b, const std::string& name) {
    std::vector<Halide::Var> v(static_cast<size_t>(b.dimensions()));
    std::vector<Halide::Expr> args(v.begin(), v.end());
    Halide::Func f(name);
    f(v) = b(args);
    return f;
}

OnnxTensor realize(Halide::Func f, const std::vector<int64_t>& output_dims) {
    Halide::Buffer<float> out(halide_sizes(output_dims));
    f.realize(out);
    OnnxTensor t{"", output_dims, std::vector<float>(out.data(), out.data() + out.number_of_elements())};
    return t;
}

const OnnxTensor& input(const DataSet& data, size_t i, const char* what) {
    if (i >= data.inputs.size() || !data.inputs[i]) {
        throw std::invalid_argument(std::string("missing input ") + what);
    }
    return *data.inputs[i];
}

OnnxTensor run(const ConvLayer& l, const DataSet& d, const std::vector<int64_t>& out_dims) {
    const OnnxTensor& x = input(d, 0, "X");
    const OnnxTensor& w = input(d, 1, "W");
    const reference::Conv2dParams& p = l.params;
    layers::ConvParams cp{int(x.dims[1]), int(w.dims[0]), int(w.dims[3]), int(w.dims[2])};
    cp.stride_x = p.stride_x;
    cp.stride_y = p.stride_y;
    cp.pad_left = p.pad_left;
    cp.pad_top = p.pad_top;
    cp.dilation_x = p.dilation_x;
    cp.dilation_y = p.dilation_y;
    cp.groups = p.groups;
    Halide::Func padded = layers::pad_zero(wrap(to_buffer(x), "input"), int(x.dims[3]),
                                           int(x.dims[2]), "padded");
    Halide::Func out = layers::conv2d(padded, wrap(to_buffer(w), "weights"), cp, "conv");
    if (l.has_bias) out = layers::bias_add(out, wrap(to_buffer(input(d, 2, "B")), "bias"), "conv_bias");
    return realize(out, out_dims);
}

OnnxTensor run(const PoolLayer& l, const DataSet& d, const std::vector<int64_t>& out_dims) {
    const reference::PoolParams& p = l.params;
    if (p.dilation_x != 1 || p.dilation_y != 1) {
        throw Unsupported("memsched_layers pools have no dilation (dilations = " +
                          std::to_string(p.dilation_y) + "," + std::to_string(p.dilation_x) + ")");
    }
    const OnnxTensor& x = input(d, 0, "X");
    const int width = int(x.dims[3]), height = int(x.dims[2]);
    layers::PoolParams pp{p.kernel_w, p.kernel_h, p.stride_x, p.stride_y, p.pad_left, p.pad_top};
    pp.pad_right = p.pad_right;
    pp.pad_bottom = p.pad_bottom;
    Halide::Func in = wrap(to_buffer(x), "input");
    if (l.is_max) {
        Halide::Func padded = layers::pad_value(in, width, height,
                                                -std::numeric_limits<float>::infinity(), "padded");
        return realize(layers::max_pool(padded, pp, "max_pool"), out_dims);
    }
    Halide::Func padded = layers::pad_zero(in, width, height, "padded");
    return realize(layers::avg_pool(padded, pp, width, height, p.count_include_pad, "avg_pool"),
                   out_dims);
}

// Gemm around fully_connected: A' is the (c, n) input, B' the (c, k)
// weights, both read through transposing Funcs; alpha and beta * C are small
// expressions on the result.
OnnxTensor run(const GemmLayer& l, const DataSet& d, const std::vector<int64_t>& out_dims) {
    const OnnxTensor& a = input(d, 0, "A");
    const OnnxTensor& b = input(d, 1, "B");
    const int64_t k = l.trans_a ? a.dims[0] : a.dims[1];
    const int64_t m = out_dims.at(0), n = out_dims.at(1);
    Halide::Buffer<float> a_buf = to_buffer(a), b_buf = to_buffer(b);
    Halide::Var c("c"), i("i"), j("j");
    Halide::Func flat("flat"), weights("weights");
    // a_buf(col, row) holds A[row][col]; likewise b_buf.
    flat(c, i) = l.trans_a ? a_buf(i, c) : a_buf(c, i);
    weights(c, j) = l.trans_b ? b_buf(c, j) : b_buf(j, c);
    Halide::Func fc = layers::fully_connected(flat, weights, int(k), "fc");
    Halide::Func y("gemm");
    if (l.has_c) {
        OnnxTensor full{"C", {m, n}, broadcast_gemm_c(input(d, 2, "C"), m, n)};
        Halide::Buffer<float> c_buf = to_buffer(full);
        y(j, i) = l.alpha * fc(j, i) + l.beta * c_buf(j, i);
    } else {
        y(j, i) = l.alpha * fc(j, i);
    }
    return realize(y, out_dims);
}

OnnxTensor run(const ReluLayer&, const DataSet& d, const std::vector<int64_t>& out_dims) {
    return realize(layers::relu(wrap(to_buffer(input(d, 0, "X")), "input"), "relu"), out_dims);
}

}  // namespace

OnnxTensor run_halide(const Layer& layer, const DataSet& data, const std::vector<int64_t>& output_dims) {
    return std::visit([&](const auto& l) { return run(l, data, output_dims); }, layer);
}

}  // namespace memsched::onnx_cases
