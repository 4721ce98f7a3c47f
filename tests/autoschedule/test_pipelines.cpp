// The test pipelines (see test_pipelines.h).
#include "tests/autoschedule/test_pipelines.h"

#include <cmath>
#include <stdexcept>

namespace memsched::testing {
namespace {

using Halide::Expr;
using Halide::Func;
using Halide::ImageParam;
using Halide::RDom;
using Halide::Var;

Var x("x"), y("y"), c("c"), k("k"), n("n");

// Zero padding of `pad` pixels around an input of the given extents.
Func pad_zero(Func in, Expr width, Expr height, int pad, const std::string& name) {
    Func p(name);
    Expr inside = x >= pad && x < width + pad && y >= pad && y < height + pad;
    p(x, y, c, n) = Halide::select(inside, in(Halide::clamp(x - pad, 0, width - 1),
                                              Halide::clamp(y - pad, 0, height - 1), c, n), 0.0f);
    return p;
}

Func conv(Func in, Func w, int channels, int kernel, int stride, const std::string& name) {
    RDom r(0, kernel, 0, kernel, 0, channels, name + "_r");
    Func f(name);
    f(x, y, k, n) = 0.0f;
    f(x, y, k, n) += in(x * stride + r.x, y * stride + r.y, r.z, n) * w(r.x, r.y, r.z, k);
    return f;
}

Func depthwise(Func in, Func w, int kernel, int stride, const std::string& name) {
    RDom r(0, kernel, 0, kernel, name + "_r");
    Func f(name);
    f(x, y, k, n) = 0.0f;
    f(x, y, k, n) += in(x * stride + r.x, y * stride + r.y, k, n) * w(r.x, r.y, 0, k);
    return f;
}

Func bias_relu(Func f, Func b, const std::string& name) {
    Func out(name);
    out(x, y, k, n) = Halide::max(f(x, y, k, n) + b(k), 0.0f);
    return out;
}

void estimate4(TestPipeline& t, int w, int h, int ch, int batch) {
    t.estimate = {w, h, ch, batch};
    t.output.set_estimate(x, 0, w).set_estimate(y, 0, h).set_estimate(k, 0, ch).set_estimate(n, 0, batch);
}

// pad(in) -> 3x3 conv (the output is the reduction itself).
TestPipeline conv_only() {
    const int C = 8, K = 12;
    ImageParam in(Halide::Float(32), 4, "input"), w(Halide::Float(32), 4, "weights");
    Func padded = pad_zero(in, in.dim(0).extent(), in.dim(1).extent(), 1, "padded");
    TestPipeline t{conv(padded, w, C, 3, 1, "conv"), {in, w}, nullptr, {}};
    t.input_extents = [=](const std::vector<int>& o) {
        return std::vector<std::vector<int>>{{o[0], o[1], C, o[3]}, {3, 3, C, o[2]}};
    };
    estimate4(t, 24, 16, K, 1);
    return t;
}

// pad -> conv -> bias -> relu, the basic layer.
TestPipeline conv_bias_relu() {
    const int C = 16, K = 32;
    ImageParam in(Halide::Float(32), 4, "input"), w(Halide::Float(32), 4, "weights"),
        b(Halide::Float(32), 1, "bias");
    Func padded = pad_zero(in, in.dim(0).extent(), in.dim(1).extent(), 1, "padded");
    Func cv = conv(padded, w, C, 3, 1, "conv");
    TestPipeline t{bias_relu(cv, b, "relu"), {in, w, b}, nullptr, {}};
    t.input_extents = [=](const std::vector<int>& o) {
        return std::vector<std::vector<int>>{{o[0], o[1], C, o[3]}, {3, 3, C, o[2]}, {o[2]}};
    };
    estimate4(t, 28, 20, K, 1);
    return t;
}

// A "valid" conv reading its input buffer directly: any over-computation
// at the edges would read outside the input.
TestPipeline conv_valid() {
    const int C = 4, K = 8;
    ImageParam in(Halide::Float(32), 4, "input"), w(Halide::Float(32), 4, "weights");
    Func cv = conv(in, w, C, 3, 1, "conv");
    Func out("scaled");
    out(x, y, k, n) = cv(x, y, k, n) * 0.5f;
    TestPipeline t{out, {in, w}, nullptr, {}};
    t.input_extents = [=](const std::vector<int>& o) {
        return std::vector<std::vector<int>>{{o[0] + 2, o[1] + 2, C, o[3]}, {3, 3, C, o[2]}};
    };
    estimate4(t, 40, 24, K, 2);
    return t;
}

// A 1x1 conv on a narrow 7x7 map (MobileNetV2's late expand/project):
// the channel-vectorized register block, weights stored k-innermost.
TestPipeline narrow_pointwise() {
    const int C = 24, K = 48;
    ImageParam in(Halide::Float(32), 4, "input"), w(Halide::Float(32), 4, "weights"),
        b(Halide::Float(32), 1, "bias");
    Func padded = pad_zero(in, in.dim(0).extent(), in.dim(1).extent(), 0, "padded");
    Func cv = conv(padded, w, C, 1, 1, "conv");
    TestPipeline t{bias_relu(cv, b, "relu"), {in, w, b}, nullptr, {}};
    t.input_extents = [=](const std::vector<int>& o) {
        return std::vector<std::vector<int>>{{o[0], o[1], C, o[3]}, {1, 1, C, o[2]}, {o[2]}};
    };
    estimate4(t, 7, 7, K, 1);
    return t;
}

// A "valid" 3x3 stride-2 conv on a 14-wide map, read unpadded: the
// channel-vectorized block with guarded (not over-computed) columns.
TestPipeline narrow_conv_valid() {
    const int C = 8, K = 32;
    ImageParam in(Halide::Float(32), 4, "input"), w(Halide::Float(32), 4, "weights");
    Func cv = conv(in, w, C, 3, 2, "conv");
    Func out("scaled");
    out(x, y, k, n) = cv(x, y, k, n) * 0.5f;
    TestPipeline t{out, {in, w}, nullptr, {}};
    t.input_extents = [=](const std::vector<int>& o) {
        return std::vector<std::vector<int>>{{2 * o[0] + 1, 2 * o[1] + 1, C, o[3]}, {3, 3, C, o[2]}};
    };
    estimate4(t, 14, 10, K, 1);
    return t;
}

// Depthwise 3x3, stride 2, then bias + relu (MobileNetV2 style).
TestPipeline depthwise_s2() {
    const int C = 16;
    ImageParam in(Halide::Float(32), 4, "input"), w(Halide::Float(32), 4, "weights"),
        b(Halide::Float(32), 1, "bias");
    Func padded = pad_zero(in, in.dim(0).extent(), in.dim(1).extent(), 1, "padded");
    TestPipeline t{bias_relu(depthwise(padded, w, 3, 2, "dw"), b, "relu"), {in, w, b}, nullptr, {}};
    t.input_extents = [=](const std::vector<int>& o) {
        return std::vector<std::vector<int>>{{2 * o[0], 2 * o[1], o[2], o[3]}, {3, 3, 1, o[2]}, {o[2]}};
    };
    estimate4(t, 28, 28, C, 1);
    return t;
}

// 3x3 stride-2 max pool, then a 2x2 average pool (sum then divide).
TestPipeline pools() {
    ImageParam in(Halide::Float(32), 4, "input");
    Func padded = pad_zero(in, in.dim(0).extent(), in.dim(1).extent(), 1, "padded");
    RDom r(0, 3, 0, 3, "mp_r");
    Func mp("maxpool");
    mp(x, y, c, n) = -1e30f;
    mp(x, y, c, n) = Halide::max(mp(x, y, c, n), padded(2 * x + r.x, 2 * y + r.y, c, n));
    RDom q(0, 2, 0, 2, "ap_r");
    Func sum("avg_sum"), avg("avgpool");
    sum(x, y, c, n) = 0.0f;
    sum(x, y, c, n) += mp(2 * x + q.x, 2 * y + q.y, c, n);
    avg(x, y, c, n) = sum(x, y, c, n) * 0.25f;
    TestPipeline t{avg, {in}, nullptr, {}};
    t.input_extents = [=](const std::vector<int>& o) {
        return std::vector<std::vector<int>>{{4 * o[0], 4 * o[1], o[2], o[3]}};
    };
    t.estimate = {14, 14, 16, 1};
    t.output.set_estimate(x, 0, 14).set_estimate(y, 0, 14).set_estimate(c, 0, 16).set_estimate(n, 0, 1);
    return t;
}

// Fully connected (k, n) = sum_r in(r, n) * w(r, k) + b(k).
TestPipeline fully_connected() {
    const int R = 96;
    ImageParam in(Halide::Float(32), 2, "input"), w(Halide::Float(32), 2, "weights"),
        b(Halide::Float(32), 1, "bias");
    RDom r(0, R, "fc_r");
    Func fc("fc"), out("fc_bias");
    fc(k, n) = 0.0f;
    fc(k, n) += in(r, n) * w(r, k);
    out(k, n) = fc(k, n) + b(k);
    TestPipeline t{out, {in, w, b}, nullptr, {}};
    t.input_extents = [=](const std::vector<int>& o) {
        return std::vector<std::vector<int>>{{R, o[1]}, {R, o[0]}, {o[0]}};
    };
    t.estimate = {40, 2};
    t.output.set_estimate(k, 0, 40).set_estimate(n, 0, 2);
    return t;
}

// Residual block: relu(conv2(relu(conv1(x))) + x), both 3x3, same width.
TestPipeline residual_block() {
    const int C = 8;
    ImageParam in(Halide::Float(32), 4, "input"), w1(Halide::Float(32), 4, "w1"),
        w2(Halide::Float(32), 4, "w2"), b1(Halide::Float(32), 1, "b1"), b2(Halide::Float(32), 1, "b2");
    Expr W = in.dim(0).extent(), H = in.dim(1).extent();
    Func c1 = conv(pad_zero(in, W, H, 1, "pad1"), w1, C, 3, 1, "conv1");
    Func r1 = bias_relu(c1, b1, "relu1");
    Func c2 = conv(pad_zero(r1, W, H, 1, "pad2"), w2, C, 3, 1, "conv2");
    Func out("residual");
    out(x, y, k, n) = Halide::max(c2(x, y, k, n) + b2(k) + in(x, y, k, n), 0.0f);
    TestPipeline t{out, {in, w1, w2, b1, b2}, nullptr, {}};
    t.input_extents = [=](const std::vector<int>& o) {
        return std::vector<std::vector<int>>{
            {o[0], o[1], C, o[3]}, {3, 3, C, C}, {3, 3, C, C}, {C}, {C}};
    };
    estimate4(t, 20, 20, C, 1);
    return t;
}

// 1x1 conv -> relu -> 3x3 conv (stride 2) -> relu: a chain of two layers.
TestPipeline conv_chain() {
    const int C = 8, M = 16;
    ImageParam in(Halide::Float(32), 4, "input"), w1(Halide::Float(32), 4, "w1"),
        w2(Halide::Float(32), 4, "w2"), b1(Halide::Float(32), 1, "b1"), b2(Halide::Float(32), 1, "b2");
    Expr W = in.dim(0).extent(), H = in.dim(1).extent();
    Func r1 = bias_relu(conv(in, w1, C, 1, 1, "pw"), b1, "pw_relu");
    Func c2 = conv(pad_zero(r1, W, H, 1, "pad"), w2, M, 3, 2, "conv3x3");
    TestPipeline t{bias_relu(c2, b2, "out_relu"), {in, w1, w2, b1, b2}, nullptr, {}};
    t.input_extents = [=](const std::vector<int>& o) {
        return std::vector<std::vector<int>>{
            {2 * o[0], 2 * o[1], C, o[3]}, {1, 1, C, M}, {3, 3, M, o[2]}, {M}, {o[2]}};
    };
    estimate4(t, 16, 16, 24, 1);
    return t;
}

// Stages the plugin cannot model: a histogram (scatter update) and a
// data-dependent gather, feeding a pointwise output.
TestPipeline unmodeled() {
    ImageParam in(Halide::Float(32), 4, "input");
    Var i("i");
    RDom r(0, in.dim(0).extent(), 0, in.dim(1).extent(), "hist_r");
    Func hist("hist");
    hist(i) = 0.0f;
    Expr bin = Halide::clamp(Halide::cast<int>(in(r.x, r.y, 0, 0) * 8.0f), 0, 15);
    hist(bin) += 1.0f;
    Func gather("gather");
    Expr idx = Halide::clamp(Halide::cast<int>(Halide::abs(in(x, y, c, n)) * 4.0f), 0, in.dim(0).extent() - 1);
    gather(x, y, c, n) = in(idx, y, c, n);
    Func out("mixed");
    out(x, y, c, n) = gather(x, y, c, n) + hist(c % 16);
    TestPipeline t{out, {in}, nullptr, {}};
    t.input_extents = [=](const std::vector<int>& o) {
        return std::vector<std::vector<int>>{{o[0], o[1], o[2], o[3]}};
    };
    t.estimate = {32, 16, 8, 1};
    t.output.set_estimate(x, 0, 32).set_estimate(y, 0, 16).set_estimate(c, 0, 8).set_estimate(n, 0, 1);
    return t;
}

} // namespace

std::vector<NamedBuilder> all_test_pipelines() {
    return {{"conv_only", conv_only},       {"conv_bias_relu", conv_bias_relu},
            {"conv_valid", conv_valid},     {"depthwise_s2", depthwise_s2},
            {"pools", pools},               {"fully_connected", fully_connected},
            {"residual_block", residual_block}, {"conv_chain", conv_chain},
            {"unmodeled", unmodeled},       {"narrow_pointwise", narrow_pointwise},
            {"narrow_conv_valid", narrow_conv_valid}};
}

PipelineBuilder test_pipeline(const std::string& name) {
    for (const auto& b : all_test_pipelines())
        if (b.name == name) return b.build;
    throw std::invalid_argument("unknown test pipeline " + name);
}

Halide::Buffer<float> run_test_pipeline(TestPipeline& t, Halide::Pipeline& p,
                                        const std::vector<int>& out, const Halide::Target& target) {
    auto extents = t.input_extents(out);
    for (size_t i = 0; i < t.inputs.size(); i++) {
        Halide::Buffer<float> b(extents[i]);
        uint32_t state = 2463534242u + uint32_t(i) * 7919u; // xorshift32, seeded per input
        b.for_each_value([&](float& v) {
            state ^= state << 13, state ^= state >> 17, state ^= state << 5;
            v = float(state % 2001) / 1000.0f - 1.0f;
        });
        t.inputs[i].set(b);
    }
    Halide::Buffer<float> result(out);
    p.realize(result, target);
    return result;
}

int count_mismatches(const Halide::Buffer<float>& want, const Halide::Buffer<float>& got,
                     std::string* first) {
    int bad = 0;
    want.for_each_element([&](const int* pos) {
        const float a = want(pos), b = got(pos);
        if (std::fabs(a - b) <= 1e-4f * (1.0f + std::fabs(a))) return;
        if (bad++ < 3)
            *first += "mismatch at " + std::to_string(pos[0]) + "," + std::to_string(pos[1]) + ": " +
                      std::to_string(a) + " vs " + std::to_string(b) + "\n";
    });
    return bad;
}

} // namespace memsched::testing
