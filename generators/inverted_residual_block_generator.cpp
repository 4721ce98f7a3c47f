// inverted_residual_block (MobileNetV2): 1x1 expand-bn-relu6 (skipped when
// expand == 1) -> 3x3 depthwise (stride 1 or 2)-bn-relu6 -> 1x1 project-bn,
// plus the input when stride == 1 and c_in == c_out.
// Inputs: input (x, y, c_in, n); [we (1, 1, c_in, hidden), bne (hidden, 4)];
// wd (3, 3, 1, hidden), bnd; wp (1, 1, hidden, c_out), bnp. hidden = c_in * expand.
#include "generators/conv_bn_stage.h"
#include "generators/layers/layers.h"
#include "generators/manual_schedules/conv_schedule.h"

namespace memsched::generators {

class InvertedResidualBlock : public Halide::Generator<InvertedResidualBlock> {
public:
    GeneratorParam<int> c_in{"c_in", 8};
    GeneratorParam<int> c_out{"c_out", 8};
    GeneratorParam<int> expand{"expand", 6};
    GeneratorParam<int> stride{"stride", 1};
    GeneratorParam<float> bn_eps{"bn_eps", 1e-5f};
    GeneratorParam<int> est_width{"est_width", 16};
    GeneratorParam<int> est_height{"est_height", 16};
    GeneratorParam<int> est_batch{"est_batch", 1};
    GeneratorParam<bool> manual_schedule{"manual_schedule", false};

    Input<Buffer<float>> input{"input", 4};
    Input<Buffer<float>>* we = nullptr;
    Input<Buffer<float>>* bne = nullptr;
    Input<Buffer<float>>* wd = nullptr;
    Input<Buffer<float>>* bnd = nullptr;
    Input<Buffer<float>>* wp = nullptr;
    Input<Buffer<float>>* bnp = nullptr;
    Output<Buffer<float>> output{"output", 4};

    int hidden() const { return int(c_in) * int(expand); }
    bool has_residual() const { return stride == 1 && int(c_in) == int(c_out); }

    void configure() {
        if (expand != 1) {
            we = add_input<Buffer<float>>("we", 4);
            bne = add_input<Buffer<float>>("bne", 2);
        }
        wd = add_input<Buffer<float>>("wd", 4);
        bnd = add_input<Buffer<float>>("bnd", 2);
        wp = add_input<Buffer<float>>("wp", 4);
        bnp = add_input<Buffer<float>>("bnp", 2);
    }

    void generate() {
        Halide::Var x("x"), y("y"), k("k"), n("n");
        Halide::Expr w = input.dim(0).extent(), h = input.dim(1).extent();
        const auto target = get_target();
        const bool manual = manual_schedule && !get_auto_schedule();
        std::vector<Halide::Func> roots;

        // Every conv reads a padded (clamped) view, so the hand schedule's
        // rounded-up register blocks never read past an input buffer.
        Halide::Func expanded = input;
        if (expand != 1) {
            Halide::Func padded = layers::pad_zero(input, w, h, "input_padded");
            ConvBnStage se = conv_bn_stage(padded, *we, *bne, params(c_in, hidden(), 1, 1, 1, 0),
                                           Activation::Relu6, bn_eps, "expand");
            expanded = Halide::Func("expanded");
            expanded(x, y, k, n) = se.out(x, y, k, n);
            roots.insert(roots.end(), se.roots.begin(), se.roots.end());
            if (manual) {
                expanded.compute_root();
                manual_schedules::schedule_conv_stage({expanded, se.conv, hidden(), {padded}, {}},
                                                      target);
            }
        }
        Halide::Func expanded_padded = layers::pad_zero(expanded, w, h, "expanded_padded");
        ConvBnStage sd = conv_bn_stage(expanded_padded, *wd, *bnd,
                                       params(hidden(), hidden(), 3, stride, hidden(), 1),
                                       Activation::Relu6, bn_eps, "depthwise");
        Halide::Func depthwise("depthwise_out");
        depthwise(x, y, k, n) = sd.out(x, y, k, n);
        roots.insert(roots.end(), sd.roots.begin(), sd.roots.end());

        Halide::Expr wd_out = (w - 1) / stride + 1, hd_out = (h - 1) / stride + 1;
        Halide::Func depthwise_padded =
            layers::pad_zero(depthwise, wd_out, hd_out, "depthwise_padded");
        ConvBnStage sp =
            conv_bn_stage(depthwise_padded, *wp, *bnp, params(hidden(), c_out, 1, 1, 1, 0),
                          Activation::None, bn_eps, "project");
        roots.insert(roots.end(), sp.roots.begin(), sp.roots.end());
        Halide::Func result = has_residual() ? layers::add(sp.out, input, "residual") : sp.out;
        output(x, y, k, n) = result(x, y, k, n);

        set_estimates();
        if (manual) {
            manual_schedules::compute_root(roots);
            depthwise.compute_root();
            manual_schedules::schedule_conv_stage(
                {depthwise, sd.conv, hidden(), {expanded_padded}, {}}, target);
            manual_schedules::schedule_conv_stage({output, sp.conv, c_out, {depthwise_padded}, {}},
                                                  target);
        }
    }

private:
    layers::ConvParams params(int in_channels, int out_channels, int kernel, int s, int groups,
                              int pad) const {
        layers::ConvParams p{in_channels, out_channels, kernel, kernel};
        p.stride_x = p.stride_y = s;
        p.pad_left = p.pad_top = pad;
        p.groups = groups;
        return p;
    }

    void set_estimates() {
        const int ow = (est_width - 1) / stride + 1, oh = (est_height - 1) / stride + 1;
        input.set_estimates({{0, est_width}, {0, est_height}, {0, c_in}, {0, est_batch}});
        if (we) {
            we->set_estimates({{0, 1}, {0, 1}, {0, c_in}, {0, hidden()}});
            bne->set_estimates({{0, hidden()}, {0, 4}});
        }
        wd->set_estimates({{0, 3}, {0, 3}, {0, 1}, {0, hidden()}});
        bnd->set_estimates({{0, hidden()}, {0, 4}});
        wp->set_estimates({{0, 1}, {0, 1}, {0, hidden()}, {0, c_out}});
        bnp->set_estimates({{0, c_out}, {0, 4}});
        output.set_estimates({{0, ow}, {0, oh}, {0, c_out}, {0, est_batch}});
    }
};

} // namespace memsched::generators

HALIDE_REGISTER_GENERATOR(memsched::generators::InvertedResidualBlock, inverted_residual_block)
