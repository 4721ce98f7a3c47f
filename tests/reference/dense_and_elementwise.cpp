// Reference fully connected layer, batch norm, activations, add and concat.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "tests/reference/reference_layers.h"

namespace memsched::reference {

Tensor fully_connected(const Tensor& in, const Tensor& weights, const std::vector<float>& bias) {
    in.check_consistent("fully_connected input");
    weights.check_consistent("fully_connected weights");
    const int64_t features = in.c * in.h * in.w;
    auto fail = [](const std::string& msg) {
        throw std::invalid_argument("fully_connected: " + msg);
    };
    if (weights.h != 1 || weights.w != 1) {
        fail("weights.h x weights.w = " + std::to_string(weights.h) + "x" +
             std::to_string(weights.w) + " must be 1x1");
    }
    if (weights.c != features) {
        fail("weights.c = " + std::to_string(weights.c) + " must equal input features c*h*w = " +
             std::to_string(features));
    }
    if (!bias.empty() && static_cast<int64_t>(bias.size()) != weights.n) {
        fail("bias size = " + std::to_string(bias.size()) + " must be 0 or weights.n = " +
             std::to_string(weights.n));
    }
    Tensor out(in.n, weights.n, 1, 1);
    for (int64_t n = 0; n < in.n; ++n) {
        const float* x = in.data.data() + n * features;  // NCHW flattening
        for (int64_t k = 0; k < weights.n; ++k) {
            const float* wk = weights.data.data() + k * features;
            double acc = bias.empty() ? 0.0 : bias[k];
            for (int64_t i = 0; i < features; ++i) acc += double(x[i]) * double(wk[i]);
            out.data[out.index(n, k, 0, 0)] = float(acc);
        }
    }
    return out;
}

Tensor batch_norm(const Tensor& in, const BatchNorm& bn) {
    in.check_consistent("batch_norm input");
    auto check = [&](const char* field, const std::vector<float>& v) {
        if (static_cast<int64_t>(v.size()) != in.c) {
            throw std::invalid_argument(std::string("batch_norm: ") + field + " size = " +
                                        std::to_string(v.size()) + " must equal channels c = " +
                                        std::to_string(in.c));
        }
    };
    check("gamma", bn.gamma);
    check("beta", bn.beta);
    check("mean", bn.mean);
    check("var", bn.var);
    if (!(bn.eps >= 0.f)) {
        throw std::invalid_argument("batch_norm: eps = " + std::to_string(bn.eps) + " must be >= 0");
    }
    Tensor out(in.n, in.c, in.h, in.w);
    for (int64_t n = 0; n < in.n; ++n) {
        for (int64_t c = 0; c < in.c; ++c) {
            for (int64_t y = 0; y < in.h; ++y) {
                for (int64_t x = 0; x < in.w; ++x) {
                    const int64_t i = in.index(n, c, y, x);
                    const double v = (double(in.data[i]) - bn.mean[c]) /
                                     std::sqrt(double(bn.var[c]) + bn.eps);
                    out.data[i] = float(v * bn.gamma[c] + bn.beta[c]);
                }
            }
        }
    }
    return out;
}

void relu(Tensor& t) {
    for (float& v : t.data) v = std::max(v, 0.f);
}

void relu6(Tensor& t) {
    for (float& v : t.data) v = std::min(std::max(v, 0.f), 6.f);
}

void leaky_relu(Tensor& t, float alpha) {
    for (float& v : t.data) v = v < 0.f ? alpha * v : v;
}

Tensor add(const Tensor& a, const Tensor& b) {
    a.check_consistent("add lhs");
    b.check_consistent("add rhs");
    if (a.n != b.n || a.c != b.c || a.h != b.h || a.w != b.w) {
        throw std::invalid_argument("add: rhs shape " + b.shape_string() +
                                    " does not match lhs shape " + a.shape_string());
    }
    Tensor out = a;
    for (size_t i = 0; i < out.data.size(); ++i) out.data[i] += b.data[i];
    return out;
}

Tensor concat_channels(const std::vector<Tensor>& parts) {
    if (parts.empty()) throw std::invalid_argument("concat_channels: parts is empty");
    int64_t channels = 0;
    for (size_t i = 0; i < parts.size(); ++i) {
        parts[i].check_consistent("concat_channels part " + std::to_string(i));
        const Tensor& p = parts[i];
        if (p.n != parts[0].n || p.h != parts[0].h || p.w != parts[0].w) {
            throw std::invalid_argument("concat_channels: part " + std::to_string(i) + " shape " +
                                        p.shape_string() + " differs from part 0 shape " +
                                        parts[0].shape_string() + " outside the channel dim");
        }
        channels += p.c;
    }
    Tensor out(parts[0].n, channels, parts[0].h, parts[0].w);
    const int64_t plane = out.h * out.w;
    for (int64_t n = 0; n < out.n; ++n) {
        int64_t c0 = 0;
        for (const Tensor& p : parts) {
            std::copy_n(p.data.begin() + n * p.c * plane, p.c * plane,
                        out.data.begin() + out.index(n, c0, 0, 0));
            c0 += p.c;
        }
    }
    return out;
}

}  // namespace memsched::reference
