// Plain-reference evaluation of Conv, MaxPool, AveragePool, Gemm and Relu.
#include "tests/onnx/reference_runner.h"

#include <stdexcept>

namespace memsched::onnx_cases {

namespace {

const OnnxTensor& input(const DataSet& data, size_t i, const char* what) {
    if (i >= data.inputs.size() || !data.inputs[i]) {
        throw std::invalid_argument(std::string("missing input ") + what);
    }
    return *data.inputs[i];
}

OnnxTensor from_nchw(const reference::Tensor& t) {
    return OnnxTensor{"", {t.n, t.c, t.h, t.w}, t.data};
}

OnnxTensor run(const ConvLayer& l, const DataSet& d) {
    const OnnxTensor& w = input(d, 1, "W");
    std::vector<float> bias;
    if (l.has_bias) bias = input(d, 2, "B").data;
    return from_nchw(reference::conv2d(as_nchw(input(d, 0, "X")), as_nchw(w), bias, l.params));
}

OnnxTensor run(const PoolLayer& l, const DataSet& d) {
    const reference::Tensor x = as_nchw(input(d, 0, "X"));
    return from_nchw(l.is_max ? reference::max_pool(x, l.params) : reference::avg_pool(x, l.params));
}

// Gemm as fully_connected (A' rows are batch items, B'^T is the PyTorch
// Linear weight), then alpha and beta * C around it.
OnnxTensor run(const GemmLayer& l, const DataSet& d) {
    const OnnxTensor& a = input(d, 0, "A");
    const OnnxTensor& b = input(d, 1, "B");
    if (a.dims.size() != 2 || b.dims.size() != 2) {
        throw std::invalid_argument("Gemm A " + a.dims_string() + " and B " + b.dims_string() +
                                    " must be 2-D");
    }
    const int64_t m = l.trans_a ? a.dims[1] : a.dims[0], k = l.trans_a ? a.dims[0] : a.dims[1];
    const int64_t kb = l.trans_b ? b.dims[1] : b.dims[0], n = l.trans_b ? b.dims[0] : b.dims[1];
    if (k != kb) {
        throw std::invalid_argument("Gemm inner dims differ: A " + a.dims_string() + ", B " +
                                    b.dims_string());
    }
    reference::Tensor in(m, k, 1, 1), weights(n, k, 1, 1);
    for (int64_t i = 0; i < m; ++i) {
        for (int64_t j = 0; j < k; ++j) in.at(i, j, 0, 0) = l.trans_a ? a.data[j * m + i] : a.data[i * k + j];
    }
    for (int64_t o = 0; o < n; ++o) {
        for (int64_t j = 0; j < k; ++j) {
            weights.at(o, j, 0, 0) = l.trans_b ? b.data[o * k + j] : b.data[j * n + o];
        }
    }
    const reference::Tensor fc = reference::fully_connected(in, weights, {});
    std::vector<float> c(static_cast<size_t>(m * n), 0.f);
    if (l.has_c) c = broadcast_gemm_c(input(d, 2, "C"), m, n);
    OnnxTensor y{"", {m, n}, std::vector<float>(static_cast<size_t>(m * n))};
    for (int64_t i = 0; i < m * n; ++i) y.data[i] = l.alpha * fc.data[i] + l.beta * c[i];
    return y;
}

OnnxTensor run(const ReluLayer&, const DataSet& d) {
    const OnnxTensor& x = input(d, 0, "X");
    reference::Tensor t = as_nchw(x);
    reference::relu(t);
    return OnnxTensor{"", x.dims, t.data};
}

}  // namespace

OnnxTensor run_reference(const Layer& layer, const DataSet& data) {
    return std::visit([&](const auto& l) { return run(l, data); }, layer);
}

}  // namespace memsched::onnx_cases
