// network: a whole built-in network (generators/networks/<name>.json) as one
// Halide pipeline, algorithm and estimates only, so an autoscheduler sees
// every layer at once and may fuse across them. Optionally ended at a layer
// (last_layer, e.g. vgg16 up to pool3) and built for a smaller input
// (input_width/input_height, for tests); see generators/network_subset.h.
//
// Inputs: input (x, y, c, n); per conv layer L, in table order,
// w_L (s, r, c/groups, k) and, when L has a bias or a batch norm, b_L (k):
// the deployed parameters, batch norm already folded into weights and bias
// (what the network runner and a deployment would hold); per fc layer
// w_L (c_in, k) and [b_L (k)]. L is the layer name with every character
// other than [A-Za-z0-9] replaced by '_'. Output (x, y, c, n): the last
// layer's output (an fc's (k, n) becomes (1, 1, k, n)).
#include "generators/generator_common.h"
#include "generators/layers/layers.h"
#include "generators/network_subset.h"

#include <limits>
#include <map>
#include <stdexcept>

namespace memsched::generators {
namespace {

// A layer's output as the following layers see it.
struct Tensor {
    Halide::Func f;
    Halide::Expr width, height; // valid region [0, width) x [0, height)
    int channels = 0;
};

Activation activation_of(memsched::Activation a) {
    switch (a) {
    case memsched::Activation::Relu: return Activation::Relu;
    case memsched::Activation::Relu6: return Activation::Relu6;
    case memsched::Activation::LeakyRelu: return Activation::LeakyRelu;
    case memsched::Activation::None: break;
    }
    return Activation::None;
}

// floor((in + 2 pad + pad_end - dilation (kernel - 1) - 1) / stride) + 1, as
// the table defines it; the subset loader has checked it is >= 1 at the
// estimate size.
Halide::Expr window_out(Halide::Expr in, int kernel, int stride, int pad, int pad_end,
                        int dilation) {
    return (in + 2 * pad + pad_end - dilation * (kernel - 1) - 1) / stride + 1;
}

} // namespace

class NetworkPipeline : public Halide::Generator<NetworkPipeline> {
public:
    GeneratorParam<std::string> network{"network", "resnet18"};
    GeneratorParam<std::string> last_layer{"last_layer", ""}; // empty: the whole network
    GeneratorParam<int> input_width{"input_width", 0};        // 0: the table's
    GeneratorParam<int> input_height{"input_height", 0};
    GeneratorParam<float> alpha{"alpha", 0.1f}; // leaky relu slope (darknet's)

    Input<Buffer<float>> input{"input", 4};
    Output<Buffer<float>> output{"output", 4};

    void configure() {
        net_ = load_network_subset(spec());
        for (const NetworkLayer& layer : net_.layers) {
            if (layer.op != OpKind::Conv && layer.op != OpKind::FullyConnected) continue;
            const std::string id = layer_identifier(layer.name);
            Params& p = params_[layer.name];
            p.weights = add_input<Buffer<float>>("w_" + id, layer.op == OpKind::Conv ? 4 : 2);
            if (layer.bias || layer.batchnorm) p.bias = add_input<Buffer<float>>("b_" + id, 1);
        }
    }

    void generate() {
        std::map<std::string, Tensor> tensors;
        tensors["input"] = {input, input.dim(0).extent(), input.dim(1).extent(),
                            static_cast<int>(net_.input.c)};
        for (const NetworkLayer& layer : net_.layers) {
            std::vector<Tensor> in;
            for (const std::string& name : layer.inputs) in.push_back(tensors.at(name));
            tensors[layer.name] = build(layer, in);
        }
        const Tensor& last = tensors.at(net_.layers.back().name);
        Halide::Var x("x"), y("y"), c("c"), n("n");
        output(x, y, c, n) = last.f(x, y, c, n);
        set_estimates();
    }

private:
    struct Params {
        Input<Buffer<float>>* weights = nullptr;
        Input<Buffer<float>>* bias = nullptr;
    };
    Network net_;
    std::map<std::string, Params> params_;

    NetworkSubsetSpec spec() const {
        return {network, last_layer, int(input_width), int(input_height)};
    }

    Tensor build(const NetworkLayer& layer, const std::vector<Tensor>& in) {
        const std::string id = layer_identifier(layer.name);
        switch (layer.op) {
        case OpKind::Conv: return conv(layer, in[0], id);
        case OpKind::MaxPool:
        case OpKind::AvgPool: return pool(layer, in[0], id);
        case OpKind::GlobalAvgPool:
            return {layers::global_avg_pool(in[0].f, in[0].width, in[0].height, id), 1, 1,
                    in[0].channels};
        case OpKind::FullyConnected: return fully_connected(layer, in[0], id);
        case OpKind::Add: {
            Halide::Func sum = in[0].f;
            for (size_t i = 1; i < in.size(); i++)
                sum = layers::add(sum, in[i].f, id + "_add" + std::to_string(i));
            return {apply_activation(sum, activation_of(layer.activation), alpha, id), in[0].width,
                    in[0].height, in[0].channels};
        }
        case OpKind::Concat: {
            std::vector<std::pair<Halide::Func, int>> parts;
            int channels = 0;
            for (const Tensor& t : in) {
                parts.emplace_back(t.f, t.channels);
                channels += t.channels;
            }
            return {layers::concat_channels(parts, id), in[0].width, in[0].height, channels};
        }
        }
        throw std::logic_error("network generator: layer " + layer.name + " has an unknown op");
    }

    Tensor conv(const NetworkLayer& layer, const Tensor& in, const std::string& id) {
        const LayerShape& s = *layer.shape;
        layers::ConvParams p{int(s.in_channels), int(s.out_channels), int(s.kernel_w),
                             int(s.kernel_h)};
        p.stride_x = p.stride_y = int(s.stride);
        p.pad_left = p.pad_top = int(s.pad);
        p.dilation_x = p.dilation_y = int(s.dilation);
        p.groups = int(s.groups);
        const Params& params = params_.at(layer.name);
        Halide::Func padded = layers::pad_zero(in.f, in.width, in.height, id + "_padded");
        Halide::Func out = layers::conv2d(padded, *params.weights, p, id + "_conv");
        if (params.bias) out = layers::bias_add(out, *params.bias, id + "_bias");
        out = apply_activation(out, activation_of(layer.activation), alpha, id);
        const int pe = int(layer.pad_end);
        return {out, window_out(in.width, p.kernel_w, p.stride_x, p.pad_left, pe, p.dilation_x),
                window_out(in.height, p.kernel_h, p.stride_y, p.pad_top, pe, p.dilation_y),
                p.out_channels};
    }

    Tensor pool(const NetworkLayer& layer, const Tensor& in, const std::string& id) {
        const LayerShape& s = *layer.shape;
        layers::PoolParams p{int(s.kernel_w), int(s.kernel_h)};
        p.stride_x = p.stride_y = int(s.stride);
        p.pad_left = p.pad_top = int(s.pad);
        // The divisor of a count_include_pad average excludes end padding
        // (PyTorch's ceil mode clips the last window to input + pad).
        p.pad_right = p.pad_bottom = int(s.pad);
        Halide::Func out;
        if (layer.op == OpKind::MaxPool) {
            Halide::Func padded = layers::pad_value(in.f, in.width, in.height,
                                                    -std::numeric_limits<float>::infinity(),
                                                    id + "_padded");
            out = layers::max_pool(padded, p, id);
        } else {
            Halide::Func padded = layers::pad_zero(in.f, in.width, in.height, id + "_padded");
            out = layers::avg_pool(padded, p, in.width, in.height, true, id);
        }
        const int pe = int(layer.pad_end);
        return {out, window_out(in.width, p.kernel_w, p.stride_x, p.pad_left, pe, 1),
                window_out(in.height, p.kernel_h, p.stride_y, p.pad_top, pe, 1), in.channels};
    }

    Tensor fully_connected(const NetworkLayer& layer, const Tensor& in, const std::string& id) {
        const LayerShape& s = *layer.shape;
        const Params& params = params_.at(layer.name);
        // Flatten in NCHW order; a 1x1 input is just its channels.
        const TensorShape& from = net_.find_layer(layer.inputs[0]) ?
                                      net_.find_layer(layer.inputs[0])->output : net_.input;
        Halide::Func flat(id + "_flat");
        if (from.h == 1 && from.w == 1) {
            Halide::Var i("i"), n("n");
            flat(i, n) = in.f(0, 0, i, n);
        } else {
            flat = layers::flatten(in.f, int(from.w), int(from.h), id + "_flat");
        }
        Halide::Func fc = layers::fully_connected(flat, *params.weights, int(s.in_channels), id + "_fc");
        if (params.bias) fc = layers::bias_add(fc, *params.bias, id + "_bias");
        fc = apply_activation(fc, activation_of(layer.activation), alpha, id + "_act");
        Halide::Func out(id);
        Halide::Var x("x"), y("y"), c("c"), n("n");
        out(x, y, c, n) = fc(c, n);
        return {out, 1, 1, int(s.out_channels)};
    }

    void set_estimates() {
        const TensorShape& i = net_.input;
        input.set_estimates({{0, int(i.w)}, {0, int(i.h)}, {0, int(i.c)}, {0, int(i.n)}});
        for (const NetworkLayer& layer : net_.layers) {
            auto it = params_.find(layer.name);
            if (it == params_.end()) continue;
            const LayerShape& s = *layer.shape;
            const int k = int(s.out_channels);
            if (layer.op == OpKind::Conv)
                it->second.weights->set_estimates({{0, int(s.kernel_w)}, {0, int(s.kernel_h)},
                                                   {0, int(s.in_channels_per_group())}, {0, k}});
            else
                it->second.weights->set_estimates({{0, int(s.in_channels)}, {0, k}});
            if (it->second.bias) it->second.bias->set_estimates({{0, k}});
        }
        const TensorShape& o = net_.layers.back().output;
        output.set_estimates({{0, int(o.w)}, {0, int(o.h)}, {0, int(o.c)}, {0, int(o.n)}});
    }
};

} // namespace memsched::generators

HALIDE_REGISTER_GENERATOR(memsched::generators::NetworkPipeline, network)
