// Implementation of the per-generator test cases (see layer_cases.h). Each
// generator's arguments and semantics are documented in its generator file.
#include "tests/generators/layer_cases.h"

#include "tests/reference/reference_layers.h"

#include <algorithm>
#include <stdexcept>

namespace memsched::testing {

using reference::Tensor;

namespace {

int64_t param(const VariantEntry& e, const std::string& key) {
    return variant_int_param(e, key);
}
int64_t param_or(const VariantEntry& e, const std::string& key, int64_t fallback) {
    return variant_int_param(e, key, fallback);
}

HostArray activation_array(const Tensor& t) {
    return {t.data, {int(t.w), int(t.h), int(t.c), int(t.n)}};
}
HostArray vector_array(const std::vector<float>& v) {
    return {v, {int(v.size())}};
}

std::vector<float> random_vector(size_t count, std::mt19937& rng, float lo, float hi) {
    std::uniform_real_distribution<float> dist(lo, hi);
    std::vector<float> v(count);
    for (float& x : v)
        x = dist(rng);
    return v;
}

reference::BatchNorm random_bn(int channels, std::mt19937& rng) {
    reference::BatchNorm bn;
    bn.gamma = random_vector(channels, rng, 0.5f, 1.5f);
    bn.beta = random_vector(channels, rng, -0.5f, 0.5f);
    bn.mean = random_vector(channels, rng, -0.5f, 0.5f);
    bn.var = random_vector(channels, rng, 0.2f, 1.5f);
    return bn;
}

// The generators take batch norm packed as a (k, 4) buffer: gamma, beta, mean, var rows.
HostArray bn_array(const reference::BatchNorm& bn) {
    std::vector<float> packed;
    for (const auto* row : {&bn.gamma, &bn.beta, &bn.mean, &bn.var})
        packed.insert(packed.end(), row->begin(), row->end());
    return {packed, {int(bn.gamma.size()), 4}};
}

void apply_activation(Tensor& t, const std::string& activation, float alpha) {
    if (activation == "relu")
        reference::relu(t);
    else if (activation == "relu6")
        reference::relu6(t);
    else if (activation == "leakyrelu")
        reference::leaky_relu(t, alpha);
    else if (activation != "none")
        throw std::invalid_argument("activation=" + activation + " is unknown");
}

reference::Conv2dParams conv_params(int stride, int pad, int dilation = 1, int groups = 1) {
    reference::Conv2dParams p;
    p.stride_x = p.stride_y = stride;
    p.pad_left = p.pad_right = p.pad_top = p.pad_bottom = pad;
    p.dilation_x = p.dilation_y = dilation;
    p.groups = groups;
    return p;
}

// conv -> batch norm (unfolded) -> activation, recording weights and bn arrays.
Tensor conv_bn(LayerCase& c, const Tensor& in, int k, int kernel, int stride, int groups,
               const std::string& wname, const std::string& bnname, const std::string& activation,
               std::mt19937& rng) {
    Tensor w = Tensor::random(k, in.c / groups, kernel, kernel, rng);
    reference::BatchNorm bn = random_bn(k, rng);
    c.arrays[wname] = activation_array(w);
    c.arrays[bnname] = bn_array(bn);
    Tensor out = reference::batch_norm(
        reference::conv2d(in, w, {}, conv_params(stride, kernel / 2, 1, groups)), bn);
    apply_activation(out, activation, 0.f);
    return out;
}

void conv2d_layer_case(const VariantEntry& e, LayerCase& c, Tensor& in, std::mt19937& rng) {
    const int k = param(e, "k"), groups = param_or(e, "groups", 1);
    Tensor w = Tensor::random(k, in.c / groups, param(e, "kernel_h"), param(e, "kernel_w"), rng);
    c.arrays["weights"] = activation_array(w);
    std::vector<float> bias;
    if (variant_bool_param(e, "bias", false)) {
        bias = random_vector(k, rng, -1.f, 1.f);
        c.arrays["bias"] = vector_array(bias);
    }
    c.expected = reference::conv2d(in, w, bias,
                                   conv_params(param_or(e, "stride", 1), param_or(e, "pad", 0),
                                               param_or(e, "dilation", 1), groups));
    if (variant_bool_param(e, "batchnorm", false)) {
        reference::BatchNorm bn = random_bn(k, rng);
        c.arrays["bn"] = bn_array(bn);
        c.expected = reference::batch_norm(c.expected, bn);
    }
    apply_activation(c.expected, variant_param(e, "activation").value_or("none"), 0.1f);
}

reference::PoolParams pool_params(const VariantEntry& e) {
    reference::PoolParams p;
    p.kernel_w = param(e, "kernel_w");
    p.kernel_h = param(e, "kernel_h");
    p.stride_x = p.stride_y = param_or(e, "stride", 2);
    p.pad_left = p.pad_top = param_or(e, "pad", 0);
    const int pad_end = param_or(e, "pad_end", -1);
    p.pad_right = p.pad_bottom = pad_end < 0 ? p.pad_left : pad_end;
    p.count_include_pad = variant_bool_param(e, "count_include_pad", false);
    return p;
}

} // namespace

int min_spatial_size(const VariantEntry& e) {
    const std::string gen = e.generator;
    if (gen == "conv2d_layer") {
        const int extent = param_or(e, "dilation", 1) *
                               (std::max(param(e, "kernel_w"), param(e, "kernel_h")) - 1) +
                           1;
        return std::max<int>(1, extent - 2 * param_or(e, "pad", 0));
    }
    if (gen == "conv_bias_relu")
        return std::max<int>(1, param(e, "kernel") - 2 * param_or(e, "pad", 1));
    if (gen == "pool_layer") {
        const reference::PoolParams p = pool_params(e);
        return std::max(1, std::max(p.kernel_w, p.kernel_h) - p.pad_left - p.pad_right);
    }
    return 1;
}

CaseSize estimate_size(const VariantEntry& e) {
    if (std::string(e.generator) == "fc_layer") {
        return {int(param_or(e, "in_width", 1)), int(param_or(e, "in_height", 1)),
                int(param_or(e, "est_batch", 1))};
    }
    return {int(param(e, "est_width")), int(param(e, "est_height")),
            int(param_or(e, "est_batch", 1))};
}

LayerCase make_case(const VariantEntry& e, const CaseSize& size, std::mt19937& rng) {
    LayerCase c;
    const std::string gen = e.generator;
    const int n = size.batch;
    if (gen == "concat_layer") {
        std::vector<Tensor> parts;
        for (int i = 0; i < param(e, "inputs"); i++) {
            parts.push_back(
                Tensor::random(n, param(e, "c" + std::to_string(i)), size.height, size.width, rng));
            c.arrays["input" + std::to_string(i)] = activation_array(parts.back());
        }
        c.expected = reference::concat_channels(parts);
    } else if (gen == "add_layer") {
        Tensor a = Tensor::random(n, param(e, "c"), size.height, size.width, rng);
        Tensor b = Tensor::random(n, param(e, "c"), size.height, size.width, rng);
        c.arrays["a"] = activation_array(a);
        c.arrays["b"] = activation_array(b);
        c.expected = reference::add(a, b);
        if (variant_bool_param(e, "relu", false))
            reference::relu(c.expected);
    } else if (gen == "fc_layer") {
        const int features =
            param(e, "c") * param_or(e, "in_width", 1) * param_or(e, "in_height", 1);
        Tensor in = Tensor::random(n, param(e, "c"), param_or(e, "in_height", 1),
                                   param_or(e, "in_width", 1), rng);
        Tensor w = Tensor::random(param(e, "k"), features, 1, 1, rng);
        c.arrays["input"] = activation_array(in);
        c.arrays["weights"] = {w.data, {features, int(param(e, "k"))}};
        std::vector<float> bias;
        if (variant_bool_param(e, "bias", true)) {
            bias = random_vector(param(e, "k"), rng, -1.f, 1.f);
            c.arrays["bias"] = vector_array(bias);
        }
        c.expected = reference::fully_connected(in, w, bias);
        apply_activation(c.expected, variant_param(e, "activation").value_or("none"), 0.1f);
        c.arrays["output"] = {std::vector<float>(c.expected.size()),
                              {int(c.expected.c), int(c.expected.n)}};
        return c;
    } else {
        const int channels = gen == "resnet_basic_block" || gen == "inverted_residual_block"
                                 ? param(e, "c_in")
                                 : param(e, "c");
        Tensor in = Tensor::random(n, channels, size.height, size.width, rng);
        c.arrays["input"] = activation_array(in);
        if (gen == "conv2d_layer") {
            conv2d_layer_case(e, c, in, rng);
        } else if (gen == "conv_bias_relu") {
            const int k = param(e, "k"), kernel = param(e, "kernel");
            Tensor w = Tensor::random(k, in.c, kernel, kernel, rng);
            std::vector<float> bias = random_vector(k, rng, -1.f, 1.f);
            c.arrays["weights"] = activation_array(w);
            c.arrays["bias"] = vector_array(bias);
            c.expected = reference::conv2d(
                in, w, bias, conv_params(param_or(e, "stride", 1), param_or(e, "pad", 1)));
            reference::relu(c.expected);
        } else if (gen == "pool_layer") {
            const bool max = variant_param(e, "kind").value_or("max") == "max";
            c.expected = max ? reference::max_pool(in, pool_params(e))
                             : reference::avg_pool(in, pool_params(e));
        } else if (gen == "global_avg_pool_layer") {
            c.expected = reference::global_avg_pool(in);
        } else if (gen == "resnet_basic_block") {
            const int c_out = param(e, "c_out"), stride = param_or(e, "stride", 1);
            Tensor s1 = conv_bn(c, in, c_out, 3, stride, 1, "w1", "bn1", "relu", rng);
            Tensor s2 = conv_bn(c, s1, c_out, 3, 1, 1, "w2", "bn2", "none", rng);
            const bool projection = stride != 1 || in.c != c_out;
            Tensor shortcut =
                projection ? conv_bn(c, in, c_out, 1, stride, 1, "wp", "bnp", "none", rng) : in;
            c.expected = reference::add(s2, shortcut);
            reference::relu(c.expected);
            c.atol = c.rtol = 1e-3f;
        } else if (gen == "inverted_residual_block") {
            const int expand = param_or(e, "expand", 6), stride = param_or(e, "stride", 1);
            const int hidden = in.c * expand, c_out = param(e, "c_out");
            Tensor expanded =
                expand == 1 ? in : conv_bn(c, in, hidden, 1, 1, 1, "we", "bne", "relu6", rng);
            Tensor dw = conv_bn(c, expanded, hidden, 3, stride, hidden, "wd", "bnd", "relu6", rng);
            c.expected = conv_bn(c, dw, c_out, 1, 1, 1, "wp", "bnp", "none", rng);
            if (stride == 1 && in.c == c_out)
                c.expected = reference::add(c.expected, in);
            c.atol = c.rtol = 1e-3f;
        } else {
            throw std::invalid_argument("generator=" + gen + " has no test case builder");
        }
    }
    c.arrays["output"] = {
        std::vector<float>(c.expected.size()),
        {int(c.expected.w), int(c.expected.h), int(c.expected.c), int(c.expected.n)}};
    return c;
}

Tensor output_tensor(const LayerCase& c) {
    Tensor t = c.expected;
    t.data = c.arrays.at("output").data;
    return t;
}

} // namespace memsched::testing
