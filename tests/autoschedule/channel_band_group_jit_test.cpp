// Issue #6: a cross-layer group on a narrow map (7 to 14 columns) whose
// band conv, and exit conv where its output channels allow, run the
// channel-vectorized register block, their weights copied per channel
// block, k-innermost (layer_fusion.cpp; tile_schedules.cpp
// schedule_channel_reduction_at and schedule_band_tiles), as Tiny-YOLOv2's
// conv7 -> conv8 -> conv9 does at 7x7. Randomized conv3x3 -> conv3x3 chains (seeded; band channels a
// multiple of 8 so the block applies, odd input and output channels, odd
// maps, 1 and 2 threads) at several L2 sizes; only those the printed
// schedule fuses with a channel-vectorized band conv count, and each is run
// at its estimate and at smaller and larger odd sizes (more channels than
// the estimate too, so a tail channel block) against the plain C++
// reference. Runs on the JIT target (host) and, as a second ctest entry,
// on AVX2.
#include "generators/layers/activation.h"
#include "generators/layers/conv.h"
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

struct ChainCase {
    int in_channels, mid_channels, out_channels;
    int est_w, est_h;
    int l2_kib;
};

std::string describe(const ChainCase& c) {
    return "c" + std::to_string(c.in_channels) + " m" + std::to_string(c.mid_channels) + " k" +
           std::to_string(c.out_channels) + " est " + std::to_string(c.est_w) + "x" +
           std::to_string(c.est_h) + " l2 " + std::to_string(c.l2_kib) + "KiB";
}

// conv3x3(pad(relu(conv3x3(pad(input)) + b1))) + b2, built as the network
// generator builds a chain of convs: the first conv's output is inlined
// into the second's pad, and the output (the second bias) computes the
// second conv in its tiles, so the output is the group's exit and the
// first conv its band conv.
struct Chain {
    ChainCase c;
    ImageParam input{Halide::Float(32), 4, "input"}, w1{Halide::Float(32), 4, "w1"},
        b1{Halide::Float(32), 1, "b1"}, w2{Halide::Float(32), 4, "w2"},
        b2{Halide::Float(32), 1, "b2"};
    Func output;

    explicit Chain(const ChainCase& cc) : c(cc) {
        const Halide::Expr w = input.dim(0).extent(), h = input.dim(1).extent();
        layers::ConvParams p1{c.in_channels, c.mid_channels, 3, 3};
        p1.pad_left = p1.pad_top = 1;
        layers::ConvParams p2{c.mid_channels, c.out_channels, 3, 3};
        p2.pad_left = p2.pad_top = 1;
        Func a = layers::relu(layers::bias_add(layers::conv2d(layers::pad_zero(input, w, h, "input_padded"),
                                                              w1, p1, "conv1"),
                                               b1, "conv1_bias"),
                              "conv1_relu");
        output = layers::bias_add(layers::conv2d(layers::pad_zero(a, w, h, "conv2_padded"), w2, p2, "conv2"),
                                  b2, "conv2_bias");
        output.set_estimate(output.args()[0], 0, c.est_w)
            .set_estimate(output.args()[1], 0, c.est_h)
            .set_estimate(output.args()[2], 0, c.out_channels)
            .set_estimate(output.args()[3], 0, 1);
    }
};

int check_chain(Chain& ch, Halide::Pipeline& p, const Halide::Target& target, int w, int h, int k,
                int n, std::mt19937& rng) {
    const ChainCase& c = ch.c;
    using reference::Tensor;
    Tensor in = Tensor::random(n, c.in_channels, h, w, rng);
    Tensor w1 = Tensor::random(c.mid_channels, c.in_channels, 3, 3, rng);
    Tensor b1 = Tensor::random(1, 1, 1, c.mid_channels, rng);
    Tensor w2 = Tensor::random(k, c.mid_channels, 3, 3, rng);
    Tensor b2 = Tensor::random(1, 1, 1, k, rng);
    reference::Conv2dParams rp;
    rp.pad_top = rp.pad_left = rp.pad_bottom = rp.pad_right = 1;
    Tensor a = reference::conv2d(in, w1, b1.data, rp);
    reference::relu(a);
    const Tensor want = reference::conv2d(a, w2, b2.data, rp);
    Halide::Buffer<float> bin(in.data.data(), w, h, c.in_channels, n);
    Halide::Buffer<float> bw1(w1.data.data(), 3, 3, c.in_channels, c.mid_channels);
    Halide::Buffer<float> bb1(b1.data.data(), c.mid_channels);
    Halide::Buffer<float> bw2(w2.data.data(), 3, 3, c.mid_channels, k);
    Halide::Buffer<float> bb2(b2.data.data(), k);
    ch.input.set(bin), ch.w1.set(bw1), ch.b1.set(bb1), ch.w2.set(bw2), ch.b2.set(bb2);
    return realize_and_count_mismatches(p, target, w, h, k, n, [&](int x, int y, int o, int i) {
        return want.at(i, o, y, x);
    });
}

TEST(ChannelBandGroup, NarrowBandConvRunsChannelVectorsAndMatchesTheReference) {
    load_plugin_once();
    const Halide::Target target = Halide::get_jit_target_from_environment();
    if (target.arch != Halide::Target::X86)
        GTEST_SKIP() << "the channel-vectorized block needs >= 8 float lanes (x86 targets here)";
    std::mt19937 rng(20261206);
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    constexpr int kWanted = 3;
    int checked = 0, exits = 0;
    for (int attempt = 0; attempt < 40 && checked < kWanted; attempt++) {
        // Tiny-YOLOv2's late layers at a sixteenth of their channels.
        const ChainCase c = attempt == 0 ? ChainCase{32, 64, 16, 7, 7, 256}
                                         : ChainCase{pick(3, 33), 8 * pick(2, 8), pick(5, 33),
                                                     pick(5, 14), pick(5, 15), 64 << pick(0, 3)};
        SCOPED_TRACE(describe(c));
        setenv("MEMSCHED_PARAMS",
               ("l1=4KiB,l2=" + std::to_string(c.l2_kib) + "KiB,llc=" + std::to_string(c.l2_kib) +
                "KiB,fusion_objective=traffic,verbose=0")
                   .c_str(),
               1);
        Chain chain(c);
        Halide::Pipeline p(chain.output);
        const int threads = 1 + (checked % 2);
        const std::string source =
            p.auto_schedule("MemSched", target, Halide::MachineParams(threads, 16384, 40)).schedule_source;
        const bool fused = std::regex_search(
            source, std::regex(R"(cross-layer group conv1\S* -> conv2\S* in bands of conv2_bias\S*: fused)"));
        const bool channel_block = std::regex_search(
            source, std::regex(R"(conv1\S*: computed per band of conv2_bias\S*, kernel \d+ channel vectors)"));
        const bool channel_exit = std::regex_search(
            source, std::regex(R"(conv2_bias\S*: register blocks \d+ channel vectors)"));
        if (attempt == 0) {
            EXPECT_TRUE(fused && channel_block && channel_exit) << source;
        }
        if (!fused || !channel_block) continue;
        checked++;
        exits += channel_exit;
        for (const auto& s : sizes_around_estimate(c.est_w, c.est_h, c.out_channels, 1, 5, 9)) {
            SCOPED_TRACE(::testing::PrintToString(s));
            EXPECT_EQ(check_chain(chain, p, target, s[0], s[1], s[2], s[3], rng), 0) << source;
        }
    }
    unsetenv("MEMSCHED_PARAMS");
    EXPECT_EQ(checked, kWanted) << "too few random chains were fused with a channel-vectorized band conv";
    EXPECT_GT(exits, 0) << "no group's exit conv ran the channel-vectorized block";
}

} // namespace
} // namespace memsched::testing
