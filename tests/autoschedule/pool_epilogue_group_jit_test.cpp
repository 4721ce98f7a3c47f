// Issue #6: a max pool run as the epilogue of the conv before it, in the
// conv's own row and channel tiles (pool_epilogue_group.h). Randomized
// conv -> relu -> pool chains (seeded; odd channel counts and sizes; 2x2
// stride-2 windows and overlapping 3x3 stride-2 ones with padding; the pool
// read by the next conv's pad, or copied to the output; 1 and 2 threads;
// traffic and time objectives) at small L2 sizes, where the conv's weights
// outgrow the cache. Only the chains whose printed schedule fuses the pool
// as an epilogue count, and each is run at its estimate and at smaller and
// larger odd sizes against the plain C++ reference. Runs on the JIT target
// (host) and, as a second ctest entry, on AVX2.
#include "generators/layers/activation.h"
#include "generators/layers/conv.h"
#include "generators/layers/padding.h"
#include "generators/layers/pool.h"
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

struct EpilogueCase {
    int in_channels, mid_channels, out_channels; // out: the next conv's (0: pool is the output)
    bool overlapping;                             // 3x3 stride 2 pad 1, else 2x2 stride 2
    int est_w, est_h;                             // pooled output
    int l2_kib;
    bool traffic_objective;
};

std::string describe(const EpilogueCase& c) {
    return "c" + std::to_string(c.in_channels) + " m" + std::to_string(c.mid_channels) + " k" +
           std::to_string(c.out_channels) + (c.overlapping ? " pool3x3s2p1" : " pool2x2s2") +
           " est " + std::to_string(c.est_w) + "x" + std::to_string(c.est_h) + " l2 " +
           std::to_string(c.l2_kib) + "KiB " + (c.traffic_objective ? "traffic" : "time");
}

// The input size a pooled size comes from: odd maps, so the 2x2 pool drops
// its last row and column and the 3x3 one reads its end padding.
int input_extent(const EpilogueCase& c, int pooled) {
    return c.overlapping ? 2 * pooled - 1 : 2 * pooled + 1;
}

reference::PoolParams reference_pool(const EpilogueCase& c) {
    if (c.overlapping) return reference::PoolParams{3, 3, 2, 2, 1, 1, 1, 1};
    return reference::PoolParams{2, 2, 2, 2};
}

// relu(conv3x3(input) + bias) -> max pool (as the network generator builds
// pools: a -inf pad hosting the conv) -> conv3x3 through a zero pad, or a
// copy of the pool as the output.
struct Chain {
    EpilogueCase c;
    ImageParam input{Halide::Float(32), 4, "input"}, w1{Halide::Float(32), 4, "w1"},
        b1{Halide::Float(32), 1, "b1"}, w2{Halide::Float(32), 4, "w2"};
    Func output;

    explicit Chain(const EpilogueCase& cc) : c(cc) {
        const Halide::Expr w = input.dim(0).extent(), h = input.dim(1).extent();
        layers::ConvParams p1{c.in_channels, c.mid_channels, 3, 3};
        p1.pad_left = p1.pad_top = 1;
        Func in = layers::pad_zero(input, w, h, "input_padded");
        Func a = layers::relu(layers::bias_add(layers::conv2d(in, w1, p1, "conv1"), b1, "conv1_bias"),
                              "conv1_relu");
        Func ap = layers::pad_value(a, w, h, Halide::Float(32).min(), "pool_padded");
        layers::PoolParams pp = c.overlapping ? layers::PoolParams{3, 3, 2, 2, 1, 1}
                                              : layers::PoolParams{2, 2, 2, 2};
        Func pool = layers::max_pool(ap, pp, "pool");
        const Halide::Expr pw = c.overlapping ? (w - 1) / 2 + 1 : w / 2;
        const Halide::Expr ph = c.overlapping ? (h - 1) / 2 + 1 : h / 2;
        if (c.out_channels > 0) {
            layers::ConvParams p2{c.mid_channels, c.out_channels, 3, 3};
            p2.pad_left = p2.pad_top = 1;
            output = layers::conv2d(layers::pad_zero(pool, pw, ph, "conv2_padded"), w2, p2, "conv2");
        } else {
            Halide::Var x("x"), y("y"), k("k"), n("n");
            output = Func("output");
            output(x, y, k, n) = pool(x, y, k, n);
        }
        output.set_estimate(output.args()[0], 0, c.est_w)
            .set_estimate(output.args()[1], 0, c.est_h)
            .set_estimate(output.args()[2], 0, c.out_channels > 0 ? c.out_channels : c.mid_channels)
            .set_estimate(output.args()[3], 0, 1);
    }
};

int check_chain(Chain& ch, Halide::Pipeline& p, const Halide::Target& target, int w, int h, int k,
                int n, std::mt19937& rng) {
    const EpilogueCase& c = ch.c;
    using reference::Tensor;
    const int iw = input_extent(c, w), ih = input_extent(c, h);
    const int mid = c.mid_channels;
    Tensor in = Tensor::random(n, c.in_channels, ih, iw, rng);
    Tensor w1 = Tensor::random(mid, c.in_channels, 3, 3, rng);
    Tensor b1 = Tensor::random(1, 1, 1, mid, rng);
    const int out_channels = c.out_channels > 0 ? k : mid;
    Tensor w2 = Tensor::random(std::max(1, c.out_channels > 0 ? k : 1), mid, 3, 3, rng);
    reference::Conv2dParams rp;
    rp.pad_top = rp.pad_left = rp.pad_bottom = rp.pad_right = 1;
    Tensor a = reference::conv2d(in, w1, b1.data, rp);
    reference::relu(a);
    Tensor pooled = reference::max_pool(a, reference_pool(c));
    const Tensor want = c.out_channels > 0 ? reference::conv2d(pooled, w2, {}, rp) : pooled;
    Halide::Buffer<float> bin(in.data.data(), iw, ih, c.in_channels, n);
    Halide::Buffer<float> bw1(w1.data.data(), 3, 3, c.in_channels, mid);
    Halide::Buffer<float> bb1(b1.data.data(), mid);
    Halide::Buffer<float> bw2(w2.data.data(), 3, 3, mid, std::max(1, c.out_channels > 0 ? k : 1));
    ch.input.set(bin), ch.w1.set(bw1), ch.b1.set(bb1), ch.w2.set(bw2);
    return realize_and_count_mismatches(p, target, w, h, out_channels, n,
                                        [&](int x, int y, int o, int i) { return want.at(i, o, y, x); });
}

TEST(PoolEpilogueGroup, ConvTilesWithThePoolAsEpilogueMatchTheReference) {
    load_plugin_once();
    const Halide::Target target = Halide::get_jit_target_from_environment();
    std::mt19937 rng(20261207);
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    constexpr int kWanted = 6;
    int checked = 0, overlapping = 0, to_output = 0, split = 0, at_blocks = 0, whole_blocks = 0;
    for (int attempt = 0; attempt < 40 && checked < kWanted; attempt++) {
        // First VGG-16 @224's conv2_2 -> pool2 at a quarter of its width
        // and channels; second its conv3_3 -> pool3 at a quarter of its
        // channels: the conv alone splits its reduction, and so does its
        // tile. Third and fourth: tiles of 24 of 62 channels and of 8 of 60,
        // which do not divide them: the conv still runs in whole blocks of
        // 6, the last of each tile shifted inwards, in a last tile of 4
        // channels back over the tile before it. Then random chains:
        // weights of tens of KiB against an L2 of 32-128 KiB, the last one
        // copying the pool to the output, every second one with overlapping
        // windows.
        const EpilogueCase c =
            attempt == 0   ? EpilogueCase{32, 32, 16, false, 28, 28, 64, true}
            : attempt == 1 ? EpilogueCase{64, 64, 0, false, 14, 14, 64, true}
            : attempt == 2 ? EpilogueCase{32, 62, 0, true, 15, 13, 128, true}
            : attempt == 3 ? EpilogueCase{32, 60, 16, true, 15, 13, 128, true}
                           : EpilogueCase{pick(24, 40), pick(24, 48), checked + 1 >= kWanted ? 0 : pick(5, 17),
                                        checked % 2 == 1, pick(9, 29), pick(7, 19), 64 << pick(0, 2),
                                        pick(0, 3) != 0};
        SCOPED_TRACE(describe(c));
        setenv("MEMSCHED_PARAMS",
               ("l1=4KiB,l2=" + std::to_string(c.l2_kib) + "KiB,llc=" + std::to_string(c.l2_kib) +
                "KiB,fusion_objective=" + (c.traffic_objective ? "traffic" : "time") + ",verbose=0")
                   .c_str(),
               1);
        Chain chain(c);
        Halide::Pipeline p(chain.output);
        const int threads = 1 + (attempt % 2);
        const std::string source =
            p.auto_schedule("MemSched", target, Halide::MachineParams(threads, 16384, 40)).schedule_source;
        if (!std::regex_search(source, std::regex(R"(cross-layer group conv1\S* -> pool\S* in tiles of \S+ \(pool epilogue\): fused)")))
            continue;
        checked++;
        split += source.find("reduction split in chunks of") != std::string::npos;
        at_blocks += std::regex_search(source, std::regex(R"(conv1\S*: computed per tile of \S+ at the blocks of)"));
        // Tiles whose channels are whole register blocks: the conv's
        // channels bounded to one block, its epilogue's last block shifted.
        const bool whole = std::regex_search(source, std::regex(R"(conv1\S*\.bound_extent\(k, \d+\))")) &&
                           std::regex_search(source, std::regex(R"(\.split\(c, c_o, c_i, \d+, TailStrategy::ShiftInwards\))"));
        whole_blocks += whole;
        std::smatch tiles;
        if ((attempt == 2 || attempt == 3) &&
            std::regex_search(source, tiles, std::regex(R"(tiles of \d+ rows x (\d+) channels)"))) {
            EXPECT_NE(c.mid_channels % std::stoi(tiles[1]), 0) << "the case meant tiles that do not divide the channels";
            EXPECT_TRUE(whole) << source;
        }
        overlapping += c.overlapping;
        to_output += c.out_channels == 0;
        const int channels = c.out_channels > 0 ? c.out_channels : c.mid_channels;
        for (const auto& s : sizes_around_estimate(c.est_w, c.est_h, c.out_channels > 0 ? channels : c.mid_channels,
                                                   1, c.out_channels > 0 ? 3 : 0, c.out_channels > 0 ? 5 : 0)) {
            SCOPED_TRACE(::testing::PrintToString(s));
            EXPECT_EQ(check_chain(chain, p, target, s[0], s[1], s[2], s[3], rng), 0) << source;
        }
    }
    unsetenv("MEMSCHED_PARAMS");
    EXPECT_EQ(checked, kWanted) << "too few random chains ran their pool as the conv's epilogue";
    EXPECT_GT(overlapping, 0) << "no fused chain had overlapping pool windows";
    EXPECT_GT(to_output, 0) << "no fused chain had the pool copied to the output";
    EXPECT_GT(split, 0) << "no fused chain split its conv's reduction";
    EXPECT_GT(at_blocks, 0) << "no fused chain ran its conv at the blocks of its epilogue";
    EXPECT_GT(whole_blocks, 0) << "no fused chain ran its conv in whole channel blocks";
}

// A conv of few input channels and many output ones (GoogLeNet's stem:
// 3 -> 64) whose tiles of all its channels cycle more than 0.75 of the L2
// through it: the pad's rows, the conv's box and the pooled rows,
// allocated again per tile. GoogLeNet @224's stem at 256 KiB (1 row x 64
// channels, 0.25 MB) measured 2.9x its prediction. The tiles take half the
// rows, then half the channels, until they fit, and still match the
// reference; at the smallest L2 no tile of whole register blocks fits and
// the group is refused.
TEST(PoolEpilogueGroup, TilesThatOutgrowTheCacheAreCutOrRefused) {
    load_plugin_once();
    const Halide::Target target = Halide::get_jit_target_from_environment();
    std::mt19937 rng(20261208);
    int cut = 0, refused = 0;
    for (int l2_kib : {4, 32, 64, 96, 128}) {
        const EpilogueCase c{3, 64, 0, true, 28, 28, l2_kib, true};
        SCOPED_TRACE(describe(c));
        setenv("MEMSCHED_PARAMS",
               ("l1=2KiB,l2=" + std::to_string(l2_kib) + "KiB,llc=" + std::to_string(l2_kib) +
                "KiB,fusion_objective=traffic,verbose=0")
                   .c_str(),
               1);
        Chain chain(c);
        Halide::Pipeline p(chain.output);
        const std::string source =
            p.auto_schedule("MemSched", target, Halide::MachineParams(1, 16384, 40)).schedule_source;
        refused += std::regex_search(source, std::regex(R"(\(pool epilogue\): not fused:[^\n]*a tile cycles \d+B)"));
        std::smatch m;
        if (!std::regex_search(source, m, std::regex(R"(\(pool epilogue\): fused:[^\n]*tiles of (\d+) rows x (\d+) channels[^\n]*\(cut from (\d+) rows x (\d+) channels)")))
            continue;
        cut++;
        EXPECT_LT(std::stoi(m[1]) * std::stoi(m[2]), std::stoi(m[3]) * std::stoi(m[4])) << source;
        for (const auto& s : sizes_around_estimate(c.est_w, c.est_h, c.mid_channels, 1, 0, 0)) {
            SCOPED_TRACE(::testing::PrintToString(s));
            EXPECT_EQ(check_chain(chain, p, target, s[0], s[1], s[2], s[3], rng), 0) << source;
        }
    }
    unsetenv("MEMSCHED_PARAMS");
    EXPECT_GT(cut, 0) << "no L2 size cut the epilogue's tiles";
    EXPECT_GT(refused, 0) << "no L2 size refused the epilogue for its tile";
}

} // namespace
} // namespace memsched::testing
