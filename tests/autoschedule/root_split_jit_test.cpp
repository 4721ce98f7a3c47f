// Issue #6 (small caches): a residual downsample block whose output tiles
// no cache holds (its 3x3 conv's weights outgrow the caches, and the root
// also computes the 1x1 stride-2 shortcut conv) has its shortcut conv moved
// to a root of its own, the shortcut's bias, so that the 3x3 conv alone can
// take the reduction split (root_split.h). Randomized blocks (seeded, odd
// channel counts and maps, 1 and 2 threads); only blocks whose printed
// schedule says the shortcut was moved count, and each is run at its
// estimate and at smaller and larger odd sizes against the plain C++
// reference. Runs on the JIT target (host) and, as a second ctest entry,
// on AVX2.
#include "generators/layers/conv.h"
#include "generators/layers/padding.h"
#include "tests/autoschedule/jit_compare.h"
#include "tests/autoschedule/jit_sizes.h"
#include "tests/autoschedule/plugin_loader.h"
#include "tests/reference/reference_layers.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <random>
#include <regex>
#include <string>

namespace memsched::testing {
namespace {

using Halide::Func;
using Halide::ImageParam;
using Halide::Var;

struct BlockCase {
    int in_channels, out_channels, shortcut_channels;
    int est_w, est_h, est_batch;
};

std::string describe(const BlockCase& c) {
    return "c" + std::to_string(c.in_channels) + " k" + std::to_string(c.out_channels) + " sc" +
           std::to_string(c.shortcut_channels) + " est " + std::to_string(c.est_w) + "x" +
           std::to_string(c.est_h) + "x" + std::to_string(c.est_batch);
}

// 3x3 weights of 150-600 KiB (no 64 KiB cache holds them, nor a tile's
// input of every channel), odd maps.
std::vector<BlockCase> random_cases(int count, uint32_t seed) {
    std::vector<BlockCase> out{{67, 131, 41, 9, 11, 1}};
    std::mt19937 rng(seed);
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    while (int(out.size()) < count) {
        BlockCase c{pick(45, 97), pick(61, 167), pick(23, 71), pick(7, 17), pick(7, 17), pick(1, 2)};
        const int64_t weight_bytes = int64_t(c.in_channels) * c.out_channels * 9 * 4;
        if (weight_bytes < 150 * 1024 || weight_bytes > 600 * 1024) continue;
        out.push_back(c);
    }
    return out;
}

// As the network generator builds ResNet's downsample blocks:
// relu(bias(conv3x3(pad(input))) + bias(conv1x1 stride 2(shortcut))).
struct Block {
    BlockCase c;
    ImageParam input{Halide::Float(32), 4, "input"}, weights{Halide::Float(32), 4, "weights"},
        bias{Halide::Float(32), 1, "bias"}, shortcut{Halide::Float(32), 4, "shortcut"},
        shortcut_weights{Halide::Float(32), 4, "shortcut_weights"},
        shortcut_bias{Halide::Float(32), 1, "shortcut_bias"};
    Func output{"relu"};

    explicit Block(const BlockCase& bc) : c(bc) {
        layers::ConvParams p{c.in_channels, c.out_channels, 3, 3};
        p.pad_left = p.pad_top = 1;
        Func in = layers::pad_zero(input, input.dim(0).extent(), input.dim(1).extent(), "input_padded");
        Func main = layers::bias_add(layers::conv2d(in, weights, p, "conv"), bias, "conv_bias");
        layers::ConvParams sp{c.shortcut_channels, c.out_channels, 1, 1};
        sp.stride_x = sp.stride_y = 2;
        Func sc_in = layers::pad_zero(shortcut, shortcut.dim(0).extent(), shortcut.dim(1).extent(),
                                      "shortcut_padded");
        Func side = layers::bias_add(layers::conv2d(sc_in, shortcut_weights, sp, "shortcut_conv"),
                                     shortcut_bias, "shortcut_conv_bias");
        Var x("x"), y("y"), k("k"), n("n");
        Func sum("sum");
        sum(x, y, k, n) = main(x, y, k, n) + side(x, y, k, n);
        output(x, y, k, n) = Halide::max(sum(x, y, k, n), 0.0f);
        output.set_estimate(x, 0, c.est_w).set_estimate(y, 0, c.est_h)
            .set_estimate(k, 0, c.out_channels).set_estimate(n, 0, c.est_batch);
    }
};

int check_block(Block& b, Halide::Pipeline& p, const Halide::Target& target, int w, int h, int k,
                int n, std::mt19937& rng) {
    const BlockCase& c = b.c;
    using reference::Tensor;
    Tensor in = Tensor::random(n, c.in_channels, h, w, rng);
    Tensor wt = Tensor::random(k, c.in_channels, 3, 3, rng);
    Tensor bias = Tensor::random(1, 1, 1, k, rng);
    Tensor sc = Tensor::random(n, c.shortcut_channels, 2 * h - 1, 2 * w - 1, rng);
    Tensor swt = Tensor::random(k, c.shortcut_channels, 1, 1, rng);
    Tensor sbias = Tensor::random(1, 1, 1, k, rng);
    reference::Conv2dParams rp;
    rp.pad_top = rp.pad_left = rp.pad_bottom = rp.pad_right = 1;
    reference::Conv2dParams srp;
    srp.stride_x = srp.stride_y = 2;
    const Tensor main = reference::conv2d(in, wt, bias.data, rp);
    const Tensor side = reference::conv2d(sc, swt, sbias.data, srp);
    Halide::Buffer<float> bin(in.data.data(), w, h, c.in_channels, n);
    Halide::Buffer<float> bw(wt.data.data(), 3, 3, c.in_channels, k);
    Halide::Buffer<float> bb(bias.data.data(), k);
    Halide::Buffer<float> bsc(sc.data.data(), 2 * w - 1, 2 * h - 1, c.shortcut_channels, n);
    Halide::Buffer<float> bsw(swt.data.data(), 1, 1, c.shortcut_channels, k);
    Halide::Buffer<float> bsb(sbias.data.data(), k);
    b.input.set(bin), b.weights.set(bw), b.bias.set(bb);
    b.shortcut.set(bsc), b.shortcut_weights.set(bsw), b.shortcut_bias.set(bsb);
    return realize_and_count_mismatches(p, target, w, h, k, n, [&](int x, int y, int ch, int i) {
        return std::max(0.0f, main.at(i, ch, y, x) + side.at(i, ch, y, x));
    });
}

TEST(RootSplit, ShortcutConvMovedOutOfAnUnheldRootMatchesTheReference) {
    load_plugin_once();
    setenv("MEMSCHED_PARAMS", "l1=4KiB,l2=64KiB,llc=64KiB,verbose=0", 1);
    const Halide::Target target = Halide::get_jit_target_from_environment();
    std::mt19937 rng(20261206);
    constexpr int kWanted = 4;
    int checked = 0, split_main = 0;
    for (const BlockCase& c : random_cases(30, 12)) {
        if (checked == kWanted) break;
        SCOPED_TRACE(describe(c));
        Block b(c);
        Halide::Pipeline p(b.output);
        const int threads = 1 + (checked % 2);
        const std::string source =
            p.auto_schedule("MemSched", target, Halide::MachineParams(threads, 16384, 40)).schedule_source;
        // (Each block's Funcs get a numbered name: shortcut_conv_3, relu_3, in
        // comments shortcut_conv$3.)
        if (!std::regex_search(source, std::regex(R"(root split: relu(\$\d+)? .*: shortcut_conv(\$\d+)? in shortcut_conv_bias)")))
            continue;
        // The shortcut's bias is a root computing its conv, its padded input
        // staged in its tiles (or its conv's chunks), not in the block output's.
        EXPECT_TRUE(std::regex_search(source, std::regex(R"(shortcut_conv(_\d+)?\.compute_at\(shortcut_conv_bias(_\d+)?,)")))
            << source;
        EXPECT_TRUE(std::regex_search(source, std::regex(R"(shortcut_padded(_\d+)?\.compute_at\(shortcut_conv(_bias)?(_\d+)?,)")))
            << source;
        split_main += source.find("reduction split, partial sums") != std::string::npos;
        checked++;
        for (const auto& s : sizes_around_estimate(c.est_w, c.est_h, c.out_channels, c.est_batch, 5, 9)) {
            SCOPED_TRACE(::testing::PrintToString(s));
            EXPECT_EQ(check_block(b, p, target, s[0], s[1], s[2], s[3], rng), 0) << source;
        }
    }
    EXPECT_EQ(checked, kWanted) << "too few random blocks had their shortcut conv moved out";
    // Alone, the 3x3 conv takes the reduction split (what the move is for).
    EXPECT_GT(split_main, 0);
    unsetenv("MEMSCHED_PARAMS");
}

} // namespace
} // namespace memsched::testing
