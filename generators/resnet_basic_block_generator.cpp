// resnet_basic_block: conv3x3(stride)-bn-relu -> conv3x3-bn -> + shortcut ->
// relu. The shortcut is the identity when stride == 1 and c_in == c_out,
// else a 1x1 conv with the block's stride and its own bn (projection).
// Inputs: input (x, y, c_in, n); w1 (3, 3, c_in, c_out), bn1 (c_out, 4);
// w2 (3, 3, c_out, c_out), bn2; [wp (1, 1, c_in, c_out), bnp]. bn = gamma, beta, mean, var rows.
#include "generators/conv_bn_stage.h"
#include "generators/layers/layers.h"
#include "generators/manual_schedules/conv_schedule.h"

namespace memsched::generators {

class ResnetBasicBlock : public Halide::Generator<ResnetBasicBlock> {
public:
    GeneratorParam<int> c_in{"c_in", 8};
    GeneratorParam<int> c_out{"c_out", 8};
    GeneratorParam<int> stride{"stride", 1};
    GeneratorParam<float> bn_eps{"bn_eps", 1e-5f};
    GeneratorParam<int> est_width{"est_width", 16};
    GeneratorParam<int> est_height{"est_height", 16};
    GeneratorParam<int> est_batch{"est_batch", 1};
    GeneratorParam<bool> manual_schedule{"manual_schedule", false};

    Input<Buffer<float>> input{"input", 4};
    Input<Buffer<float>> w1{"w1", 4};
    Input<Buffer<float>> bn1{"bn1", 2};
    Input<Buffer<float>> w2{"w2", 4};
    Input<Buffer<float>> bn2{"bn2", 2};
    Input<Buffer<float>>* wp = nullptr;
    Input<Buffer<float>>* bnp = nullptr;
    Output<Buffer<float>> output{"output", 4};

    bool has_projection() const { return stride != 1 || int(c_in) != int(c_out); }

    void configure() {
        if (has_projection()) {
            wp = add_input<Buffer<float>>("wp", 4);
            bnp = add_input<Buffer<float>>("bnp", 2);
        }
    }

    void generate() {
        Halide::Expr w = input.dim(0).extent(), h = input.dim(1).extent();
        // 3x3, pad 1: the first conv's output is ceil(w / stride) wide.
        Halide::Expr w1_out = (w - 1) / stride + 1, h1_out = (h - 1) / stride + 1;

        Halide::Func padded = layers::pad_zero(input, w, h, "input_padded");
        ConvBnStage s1 = conv_bn_stage(padded, w1, bn1, conv_params(c_in, 3, stride, 1),
                                       Activation::Relu, bn_eps, "conv1");
        Halide::Func stage1("stage1");
        Halide::Var x("x"), y("y"), k("k"), n("n");
        stage1(x, y, k, n) = s1.out(x, y, k, n);

        Halide::Func padded1 = layers::pad_zero(stage1, w1_out, h1_out, "stage1_padded");
        ConvBnStage s2 = conv_bn_stage(padded1, w2, bn2, conv_params(c_out, 3, 1, 1),
                                       Activation::None, bn_eps, "conv2");

        std::vector<Halide::Func> roots = s1.roots, extra_convs;
        Halide::Func shortcut = input;
        if (has_projection()) {
            // Its own padded view, inlined: conv1 stages `padded` elsewhere.
            Halide::Func padded_p = layers::pad_zero(input, w, h, "input_padded_proj");
            ConvBnStage sp = conv_bn_stage(padded_p, *wp, *bnp, conv_params(c_in, 1, stride, 0),
                                           Activation::None, bn_eps, "proj");
            shortcut = sp.out;
            extra_convs.push_back(sp.conv);
            roots.insert(roots.end(), sp.roots.begin(), sp.roots.end());
        }
        roots.insert(roots.end(), s2.roots.begin(), s2.roots.end());
        Halide::Func sum = layers::relu(layers::add(s2.out, shortcut, "residual"), "residual_relu");
        output(x, y, k, n) = sum(x, y, k, n);

        set_estimates();
        if (manual_schedule && !get_auto_schedule()) {
            manual_schedules::compute_root(roots);
            stage1.compute_root();
            manual_schedules::schedule_conv_stage({stage1, s1.conv, c_out, {padded}, {}},
                                                  get_target());
            manual_schedules::schedule_conv_stage({output, s2.conv, c_out, {padded1}, extra_convs},
                                                  get_target());
        }
    }

private:
    layers::ConvParams conv_params(int in_channels, int kernel, int s, int pad) const {
        layers::ConvParams p{in_channels, c_out, kernel, kernel};
        p.stride_x = p.stride_y = s;
        p.pad_left = p.pad_top = pad;
        return p;
    }

    void set_estimates() {
        const int ow = (est_width - 1) / stride + 1, oh = (est_height - 1) / stride + 1;
        input.set_estimates({{0, est_width}, {0, est_height}, {0, c_in}, {0, est_batch}});
        w1.set_estimates({{0, 3}, {0, 3}, {0, c_in}, {0, c_out}});
        w2.set_estimates({{0, 3}, {0, 3}, {0, c_out}, {0, c_out}});
        bn1.set_estimates({{0, c_out}, {0, 4}});
        bn2.set_estimates({{0, c_out}, {0, 4}});
        if (wp) {
            wp->set_estimates({{0, 1}, {0, 1}, {0, c_in}, {0, c_out}});
            bnp->set_estimates({{0, c_out}, {0, 4}});
        }
        output.set_estimates({{0, ow}, {0, oh}, {0, c_out}, {0, est_batch}});
    }
};

} // namespace memsched::generators

HALIDE_REGISTER_GENERATOR(memsched::generators::ResnetBasicBlock, resnet_basic_block)
