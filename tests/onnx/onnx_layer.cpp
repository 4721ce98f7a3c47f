// Node attributes -> layer parameters (see onnx_layer.h).
#include "tests/onnx/onnx_layer.h"

#include <map>
#include <set>
#include <stdexcept>

namespace memsched::onnx_cases {

namespace {

// A node's attributes by name, with typed getters that apply ONNX defaults
// and reject attributes the op's translation does not know.
class Attributes {
public:
    Attributes(const ::onnx::NodeProto& node, const std::set<std::string>& known) : op_(node.op_type()) {
        for (const auto& a : node.attribute()) {
            if (!known.count(a.name())) {
                throw Unsupported(op_ + " attribute '" + a.name() + "' is not translated");
            }
            by_name_[a.name()] = &a;
        }
    }

    bool has(const std::string& name) const { return by_name_.count(name) != 0; }

    int64_t get_int(const std::string& name, int64_t fallback) const {
        auto it = by_name_.find(name);
        return it == by_name_.end() ? fallback : it->second->i();
    }
    float get_float(const std::string& name, float fallback) const {
        auto it = by_name_.find(name);
        return it == by_name_.end() ? fallback : it->second->f();
    }
    std::string get_string(const std::string& name, const std::string& fallback) const {
        auto it = by_name_.find(name);
        return it == by_name_.end() ? fallback : it->second->s();
    }
    // Exactly `count` ints, or `fallback` when absent.
    std::vector<int64_t> get_ints(const std::string& name, size_t count,
                                  const std::vector<int64_t>& fallback) const {
        auto it = by_name_.find(name);
        if (it == by_name_.end()) return fallback;
        std::vector<int64_t> v(it->second->ints().begin(), it->second->ints().end());
        if (v.size() != count) {
            throw std::invalid_argument(op_ + " attribute " + name + " has " +
                                        std::to_string(v.size()) + " values; expected " +
                                        std::to_string(count));
        }
        return v;
    }

private:
    std::string op_;
    std::map<std::string, const ::onnx::AttributeProto*> by_name_;
};

int to_int(int64_t v, const std::string& what) {
    if (v < 0 || v > 1'000'000) {
        throw std::invalid_argument(what + " = " + std::to_string(v) + " is out of range");
    }
    return int(v);
}

void require_2d(const ::onnx::NodeProto& node, const std::vector<int64_t>& dims) {
    if (dims.size() != 4) {
        throw Unsupported(node.op_type() + " on a rank-" + std::to_string(dims.size()) +
                          " input (" + std::to_string(int(dims.size()) - 2) +
                          "-D); memsched layers are 2-D");
    }
}

// Window geometry common to Conv and the pools, pads resolved.
struct Window {
    int kernel[2], stride[2], dilation[2], pad_begin[2], pad_end[2];
};

// Conv2dParams and PoolParams name the window fields alike.
template <typename Params>
void copy_window(const Window& w, Params& p) {
    p.stride_y = w.stride[0];
    p.stride_x = w.stride[1];
    p.dilation_y = w.dilation[0];
    p.dilation_x = w.dilation[1];
    p.pad_top = w.pad_begin[0];
    p.pad_left = w.pad_begin[1];
    p.pad_bottom = w.pad_end[0];
    p.pad_right = w.pad_end[1];
}

Window window(const Attributes& a, const std::string& op, const std::vector<int64_t>& in_dims,
              const std::vector<int64_t>& kernel) {
    Window w{};
    const auto strides = a.get_ints("strides", 2, {1, 1});
    const auto dilations = a.get_ints("dilations", 2, {1, 1});
    auto pads = a.get_ints("pads", 4, {0, 0, 0, 0});
    const std::string auto_pad = a.get_string("auto_pad", "NOTSET");
    if (auto_pad != "NOTSET" && a.has("pads")) {
        throw std::invalid_argument(op + " sets both auto_pad = " + auto_pad + " and pads");
    }
    for (int i = 0; i < 2; ++i) {
        w.kernel[i] = to_int(kernel[i], op + " kernel_shape[" + std::to_string(i) + "]");
        w.stride[i] = to_int(strides[i], op + " strides[" + std::to_string(i) + "]");
        w.dilation[i] = to_int(dilations[i], op + " dilations[" + std::to_string(i) + "]");
        if (w.kernel[i] < 1 || w.stride[i] < 1 || w.dilation[i] < 1) {
            throw std::invalid_argument(op + " kernel_shape/strides/dilations must be >= 1 (axis " +
                                        std::to_string(i) + ")");
        }
        const int64_t in = in_dims[2 + i];
        if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
            // Output ceil(in / stride); the extra padding goes to the end
            // (UPPER) or the beginning (LOWER) when the total is odd.
            const int64_t out = (in + w.stride[i] - 1) / w.stride[i];
            const int64_t span = int64_t(w.dilation[i]) * (w.kernel[i] - 1) + 1;
            const int64_t total = std::max<int64_t>(0, (out - 1) * w.stride[i] + span - in);
            const int64_t small = total / 2, large = total - small;
            pads[i] = auto_pad == "SAME_UPPER" ? small : large;
            pads[2 + i] = auto_pad == "SAME_UPPER" ? large : small;
        } else if (auto_pad == "VALID") {
            pads[i] = pads[2 + i] = 0;
        } else if (auto_pad != "NOTSET") {
            throw std::invalid_argument(op + " auto_pad = '" + auto_pad + "' is not a valid value");
        }
        // ONNX pads: [x1_begin, x2_begin, x1_end, x2_end] with x1 = H, x2 = W.
        w.pad_begin[i] = to_int(pads[i], op + " pads[" + std::to_string(i) + "]");
        w.pad_end[i] = to_int(pads[2 + i], op + " pads[" + std::to_string(2 + i) + "]");
    }
    return w;
}

bool get_flag(const Attributes& a, const std::string& op, const std::string& name) {
    const int64_t v = a.get_int(name, 0);
    if (v != 0 && v != 1) {
        throw std::invalid_argument(op + " " + name + " = " + std::to_string(v) + " must be 0 or 1");
    }
    return v == 1;
}

ConvLayer translate_conv(const ::onnx::NodeProto& node, const std::vector<int64_t>& in_dims,
                         const std::vector<int64_t>& w_dims) {
    require_2d(node, in_dims);
    if (w_dims.size() != 4) {
        throw std::invalid_argument("Conv weight W has rank " + std::to_string(w_dims.size()) +
                                    "; expected 4");
    }
    const Attributes a(node, {"kernel_shape", "strides", "pads", "dilations", "group", "auto_pad"});
    const auto kernel = a.get_ints("kernel_shape", 2, {w_dims[2], w_dims[3]});
    if (kernel[0] != w_dims[2] || kernel[1] != w_dims[3]) {
        throw std::invalid_argument("Conv kernel_shape disagrees with weight W dims");
    }
    const Window w = window(a, "Conv", in_dims, kernel);
    ConvLayer l;
    reference::Conv2dParams& p = l.params;
    copy_window(w, p);
    p.groups = to_int(a.get_int("group", 1), "Conv group");
    l.has_bias = node.input_size() > 2 && !node.input(2).empty();
    return l;
}

PoolLayer translate_pool(const ::onnx::NodeProto& node, const std::vector<int64_t>& in_dims) {
    require_2d(node, in_dims);
    PoolLayer l;
    l.is_max = node.op_type() == "MaxPool";
    const std::string& op = node.op_type();
    // storage_order only affects the Indices output, which is never run.
    const Attributes a = l.is_max ? Attributes(node, {"kernel_shape", "strides", "pads", "dilations",
                                                      "auto_pad", "ceil_mode", "storage_order"})
                                  : Attributes(node, {"kernel_shape", "strides", "pads", "auto_pad",
                                                      "ceil_mode", "count_include_pad"});
    if (!a.has("kernel_shape")) throw std::invalid_argument(op + " has no kernel_shape");
    const Window w = window(a, op, in_dims, a.get_ints("kernel_shape", 2, {}));
    reference::PoolParams& p = l.params;
    p.kernel_h = w.kernel[0];
    p.kernel_w = w.kernel[1];
    copy_window(w, p);
    p.ceil_mode = get_flag(a, op, "ceil_mode");
    p.count_include_pad = get_flag(a, op, "count_include_pad");
    return l;
}

GemmLayer translate_gemm(const ::onnx::NodeProto& node, const std::vector<int64_t>& a_dims) {
    if (a_dims.size() != 2) {
        throw Unsupported("Gemm input A has rank " + std::to_string(a_dims.size()) + "; expected 2");
    }
    const Attributes a(node, {"alpha", "beta", "transA", "transB"});
    GemmLayer l;
    l.alpha = a.get_float("alpha", 1.f);
    l.beta = a.get_float("beta", 1.f);
    l.trans_a = get_flag(a, "Gemm", "transA");
    l.trans_b = get_flag(a, "Gemm", "transB");
    l.has_c = node.input_size() > 2 && !node.input(2).empty();
    return l;
}

}  // namespace

Layer translate(const ::onnx::NodeProto& node, const std::vector<int64_t>& input_dims,
                const std::vector<int64_t>& weight_dims) {
    const std::string& op = node.op_type();
    if (op == "Conv") return translate_conv(node, input_dims, weight_dims);
    if (op == "MaxPool" || op == "AveragePool") return translate_pool(node, input_dims);
    if (op == "Gemm") return translate_gemm(node, input_dims);
    if (op == "Relu") {
        Attributes(node, {});
        return ReluLayer{};
    }
    throw Unsupported("op " + op + " is not one of memsched's layers (Conv, MaxPool, AveragePool, Gemm, Relu)");
}

std::vector<float> broadcast_gemm_c(const OnnxTensor& c, int64_t m, int64_t n) {
    if (c.dims.size() > 2) {
        throw std::invalid_argument("Gemm C dims " + c.dims_string() + " have rank > 2");
    }
    // Right-align C's dims with (m, n); each must be 1 or match.
    int64_t cm = 1, cn = 1;
    if (c.dims.size() == 2) cm = c.dims[0];
    if (!c.dims.empty()) cn = c.dims.back();
    if ((cm != 1 && cm != m) || (cn != 1 && cn != n)) {
        throw std::invalid_argument("Gemm C dims " + c.dims_string() + " do not broadcast to [" +
                                    std::to_string(m) + "," + std::to_string(n) + "]");
    }
    std::vector<float> full(static_cast<size_t>(m * n));
    for (int64_t i = 0; i < m; ++i) {
        for (int64_t j = 0; j < n; ++j) {
            full[i * n + j] = c.data[(cm == 1 ? 0 : i) * cn + (cn == 1 ? 0 : j)];
        }
    }
    return full;
}

}  // namespace memsched::onnx_cases
