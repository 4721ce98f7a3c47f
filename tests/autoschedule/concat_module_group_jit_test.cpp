// Issue #6: whole fire modules fused in row bands of the stage joining
// their branches (concat_module_group.h). Randomized modules (seeded; odd
// channel counts and sizes): input -> 1x1 squeeze -> { 1x1 expand, 3x3
// expand } -> concat, as the network generator builds them (each conv
// behind a zero pad, bias and relu), the concat copied to the output or
// read by a next 1x1 conv's pad; 1 and 2 threads; traffic and time
// objectives; L2 sizes where a module fits in bands. Only modules whose
// printed schedule fuses the module count, and each is run at its estimate
// and at smaller and larger odd sizes against the plain C++ reference.
// Runs on the JIT target (host) and, as a second ctest entry, on AVX2.
#include "generators/layers/activation.h"
#include "generators/layers/conv.h"
#include "generators/layers/elementwise.h"
#include "generators/layers/padding.h"
#include "tests/autoschedule/jit_compare.h"
#include "tests/autoschedule/jit_sizes.h"
#include "tests/autoschedule/plugin_loader.h"
#include "tests/reference/reference_layers.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <regex>
#include <string>

namespace memsched::testing {
namespace {

using Halide::Func;
using Halide::ImageParam;

struct ModuleCase {
    int in_channels, squeeze, expand1, expand3; // channels
    int next;                                   // a next 1x1 conv's channels (0: concat copied out)
    int est_w, est_h;
    int l2_kib;
    bool traffic_objective;
};

std::string describe(const ModuleCase& c) {
    return "c" + std::to_string(c.in_channels) + " s" + std::to_string(c.squeeze) + " e" +
           std::to_string(c.expand1) + "+" + std::to_string(c.expand3) + " next " +
           std::to_string(c.next) + " est " + std::to_string(c.est_w) + "x" +
           std::to_string(c.est_h) + " l2 " + std::to_string(c.l2_kib) + "KiB " +
           (c.traffic_objective ? "traffic" : "time");
}

Func conv_relu(Func in, ImageParam& w, ImageParam& b, int cin, int cout, int kernel,
               const std::string& name) {
    layers::ConvParams p{cin, cout, kernel, kernel};
    p.pad_left = p.pad_top = kernel / 2;
    return layers::relu(layers::bias_add(layers::conv2d(in, w, p, name + "_conv"), b, name + "_bias"),
                        name);
}

struct Module {
    ModuleCase c;
    ImageParam input{Halide::Float(32), 4, "input"};
    ImageParam ws{Halide::Float(32), 4, "ws"}, bs{Halide::Float(32), 1, "bs"};
    ImageParam w1{Halide::Float(32), 4, "w1"}, b1{Halide::Float(32), 1, "b1"};
    ImageParam w3{Halide::Float(32), 4, "w3"}, b3{Halide::Float(32), 1, "b3"};
    ImageParam wn{Halide::Float(32), 4, "wn"};
    Func output;

    explicit Module(const ModuleCase& cc) : c(cc) {
        const Halide::Expr w = input.dim(0).extent(), h = input.dim(1).extent();
        Func sq = conv_relu(layers::pad_zero(input, w, h, "squeeze_padded"), ws, bs, c.in_channels,
                            c.squeeze, 1, "squeeze");
        Func e1 = conv_relu(layers::pad_zero(sq, w, h, "expand1_padded"), w1, b1, c.squeeze,
                            c.expand1, 1, "expand1");
        Func e3 = conv_relu(layers::pad_zero(sq, w, h, "expand3_padded"), w3, b3, c.squeeze,
                            c.expand3, 3, "expand3");
        Func cat = layers::concat_channels({{e1, c.expand1}, {e3, c.expand3}}, "concat");
        if (c.next > 0) {
            layers::ConvParams pn{c.expand1 + c.expand3, c.next, 1, 1};
            output = layers::conv2d(layers::pad_zero(cat, w, h, "next_padded"), wn, pn, "next");
        } else {
            Halide::Var x("x"), y("y"), k("k"), n("n");
            output = Func("output");
            output(x, y, k, n) = cat(x, y, k, n);
        }
        output.set_estimate(output.args()[0], 0, c.est_w)
            .set_estimate(output.args()[1], 0, c.est_h)
            .set_estimate(output.args()[2], 0, c.next > 0 ? c.next : c.expand1 + c.expand3)
            .set_estimate(output.args()[3], 0, 1);
    }
};

int check_module(Module& m, Halide::Pipeline& p, const Halide::Target& target, int w, int h, int k,
                 int n, std::mt19937& rng) {
    const ModuleCase& c = m.c;
    using reference::Tensor;
    Tensor in = Tensor::random(n, c.in_channels, h, w, rng);
    Tensor ws = Tensor::random(c.squeeze, c.in_channels, 1, 1, rng);
    Tensor bs = Tensor::random(1, 1, 1, c.squeeze, rng);
    Tensor w1 = Tensor::random(c.expand1, c.squeeze, 1, 1, rng);
    Tensor b1 = Tensor::random(1, 1, 1, c.expand1, rng);
    Tensor w3 = Tensor::random(c.expand3, c.squeeze, 3, 3, rng);
    Tensor b3 = Tensor::random(1, 1, 1, c.expand3, rng);
    const int cat_channels = c.expand1 + c.expand3;
    Tensor wn = Tensor::random(std::max(1, c.next > 0 ? k : 1), cat_channels, 1, 1, rng);
    reference::Conv2dParams one, three;
    three.pad_top = three.pad_left = three.pad_bottom = three.pad_right = 1;
    Tensor sq = reference::conv2d(in, ws, bs.data, one);
    reference::relu(sq);
    Tensor e1 = reference::conv2d(sq, w1, b1.data, one);
    reference::relu(e1);
    Tensor e3 = reference::conv2d(sq, w3, b3.data, three);
    reference::relu(e3);
    const Tensor cat = reference::concat_channels({e1, e3});
    const Tensor want = c.next > 0 ? reference::conv2d(cat, wn, {}, one) : cat;
    Halide::Buffer<float> bin(in.data.data(), w, h, c.in_channels, n);
    Halide::Buffer<float> bws(ws.data.data(), 1, 1, c.in_channels, c.squeeze);
    Halide::Buffer<float> bbs(bs.data.data(), c.squeeze);
    Halide::Buffer<float> bw1(w1.data.data(), 1, 1, c.squeeze, c.expand1);
    Halide::Buffer<float> bb1(b1.data.data(), c.expand1);
    Halide::Buffer<float> bw3(w3.data.data(), 3, 3, c.squeeze, c.expand3);
    Halide::Buffer<float> bb3(b3.data.data(), c.expand3);
    Halide::Buffer<float> bwn(wn.data.data(), 1, 1, cat_channels, std::max(1, c.next > 0 ? k : 1));
    m.input.set(bin), m.ws.set(bws), m.bs.set(bbs), m.w1.set(bw1), m.b1.set(bb1);
    m.w3.set(bw3), m.b3.set(bb3), m.wn.set(bwn);
    return realize_and_count_mismatches(p, target, w, h, k, n,
                                        [&](int x, int y, int o, int i) { return want.at(i, o, y, x); });
}

TEST(ConcatModuleGroup, FusedFireModulesMatchTheReference) {
    load_plugin_once();
    const Halide::Target target = Halide::get_jit_target_from_environment();
    std::mt19937 rng(20261207);
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    constexpr int kWanted = 5;
    int checked = 0, with_squeeze = 0, to_next = 0, to_output = 0;
    for (int attempt = 0; attempt < 40 && checked < kWanted; attempt++) {
        // First a module whose squeeze joins it (a narrow input and a wide
        // squeeze at 1 MiB: the squeeze's output and its padded copy move
        // more than its recomputed halo rows); then random modules of odd
        // channel counts.
        const ModuleCase c =
            attempt == 0 ? ModuleCase{32, 24, 48, 48, 0, 41, 23, 1024, true}
                         : ModuleCase{pick(24, 97), pick(5, 23), pick(9, 40), pick(9, 40),
                                      attempt % 3 == 1 ? pick(5, 19) : 0, pick(9, 41),
                                      pick(7, 23), 64 << pick(0, 3), pick(0, 3) != 0};
        SCOPED_TRACE(describe(c));
        setenv("MEMSCHED_PARAMS",
               ("l1=8KiB,l2=" + std::to_string(c.l2_kib) + "KiB,llc=" + std::to_string(c.l2_kib) +
                "KiB,fusion_objective=" + (c.traffic_objective ? "traffic" : "time") + ",verbose=0")
                   .c_str(),
               1);
        Module module(c);
        Halide::Pipeline p(module.output);
        const int threads = 1 + (attempt % 2);
        const std::string source =
            p.auto_schedule("MemSched", target, Halide::MachineParams(threads, 16384, 40)).schedule_source;
        std::smatch group;
        if (!std::regex_search(source, group,
                               std::regex(R"(cross-layer group (\S+( -> \S+)*) in bands of \S+ \(module\): fused)")))
            continue;
        checked++;
        with_squeeze += group[1].str().find("squeeze_conv") != std::string::npos;
        to_next += c.next > 0;
        to_output += c.next == 0;
        const int channels = c.next > 0 ? c.next : c.expand1 + c.expand3;
        for (const auto& s : sizes_around_estimate(c.est_w, c.est_h, channels, 1, 3,
                                                   c.next > 0 ? 5 : 0)) {
            SCOPED_TRACE(::testing::PrintToString(s));
            EXPECT_EQ(check_module(module, p, target, s[0], s[1], s[2], s[3], rng), 0) << source;
        }
    }
    unsetenv("MEMSCHED_PARAMS");
    EXPECT_EQ(checked, kWanted) << "too few random modules were fused";
    EXPECT_GT(with_squeeze, 0) << "no fused module computed its squeeze per band";
    EXPECT_GT(to_output, 0) << "no fused module was copied to the output";
    EXPECT_GT(to_next, 0) << "no fused module fed a next conv";
}

} // namespace
} // namespace memsched::testing
