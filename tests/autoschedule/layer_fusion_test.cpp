// Cross-layer fusion in the MemSched plugin, in process: a conv->relu->conv
// chain and a tiny residual block are scheduled with load_plugin, the test
// checks that the fused schedule is chosen (conv1 computed per band of the
// output, sliding or, with fusion=recompute, recomputing its halo) or not
// (fusion=0), and compares
// the JIT results with plain C++ loops at, below and above the estimates.
// A "pooled" block starts from a materialised 3x3 max pool read by conv1's
// pad and by the residual add (ResNet's layer1.0 after pool1): the pad is
// then staged, not materialised, and must be computed per band.
#include "Halide.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <regex>
#include <string>
#include <vector>

namespace {

constexpr int kC = 6; // channels everywhere (input, hidden, output)
constexpr int kEstW = 20, kEstH = 18;

void load_plugin_once() {
    static bool loaded = [] {
        Halide::load_plugin(MEMSCHED_PLUGIN_PATH);
        return true;
    }();
    (void)loaded;
}

// The plugin reads MEMSCHED_PARAMS at every auto_schedule call.
struct ScopedParams {
    explicit ScopedParams(const std::string& v) { setenv("MEMSCHED_PARAMS", v.c_str(), 1); }
    ~ScopedParams() { unsetenv("MEMSCHED_PARAMS"); }
};

Halide::Buffer<float> random_buffer(const std::vector<int>& extents, uint32_t seed) {
    Halide::Buffer<float> b(extents);
    uint32_t s = 2463534242u ^ (seed * 2654435761u);
    b.for_each_value([&](float& v) {
        s ^= s << 13, s ^= s >> 17, s ^= s << 5;
        v = float(s % 2001) / 1000.0f - 1.0f;
    });
    return b;
}

// pad 1, 3x3, stride 1, zero init + one update (the generators' form);
// depthwise: weights (s, r, 0, k), output channel k reads input channel k.
Halide::Func conv3x3(Halide::Func in, Halide::Expr w, Halide::Expr h, Halide::ImageParam weights,
                     const std::string& name, bool depthwise = false) {
    Halide::Var x("x"), y("y"), c("c"), k("k"), n("n");
    Halide::Func padded(name + "_padded");
    padded(x, y, c, n) = Halide::select(x >= 1 && x <= w && y >= 1 && y <= h,
                                        in(Halide::clamp(x - 1, 0, w - 1),
                                           Halide::clamp(y - 1, 0, h - 1), c, n),
                                        0.0f);
    Halide::Func conv(name);
    conv(x, y, k, n) = 0.0f;
    if (depthwise) {
        Halide::RDom r(0, 3, 0, 3, name + "_r");
        conv(x, y, k, n) += padded(x + r.x, y + r.y, k, n) * weights(r.x, r.y, 0, k);
    } else {
        Halide::RDom r(0, 3, 0, 3, 0, kC, name + "_r");
        conv(x, y, k, n) += padded(x + r.x, y + r.y, r.z, n) * weights(r.x, r.y, r.z, k);
    }
    return conv;
}

struct Pipeline {
    Halide::ImageParam input{Halide::Float(32), 4, "input"};
    Halide::ImageParam w1{Halide::Float(32), 4, "w1"};
    Halide::ImageParam w2{Halide::Float(32), 4, "w2"};
    Halide::Func output{"output"};
};

// 3x3 max pool, stride 1, padded with -inf (the generators' form).
Halide::Func max_pool3x3(Halide::Func in, Halide::Expr w, Halide::Expr h) {
    Halide::Var x("x"), y("y"), c("c"), n("n");
    Halide::Func padded("pool_padded");
    padded(x, y, c, n) = Halide::select(x >= 1 && x <= w && y >= 1 && y <= h,
                                        in(Halide::clamp(x - 1, 0, w - 1),
                                           Halide::clamp(y - 1, 0, h - 1), c, n),
                                        Halide::Float(32).min());
    Halide::Func pool("pool");
    Halide::RDom r(0, 3, 0, 3, "pool_r");
    pool(x, y, c, n) = Halide::Float(32).min();
    pool(x, y, c, n) = Halide::max(pool(x, y, c, n), padded(x + r.x, y + r.y, c, n));
    return pool;
}

// [pool ->] conv1 -> relu -> conv2 (-> + block input -> relu when
// residual); conv2 is a depthwise conv when `depthwise`.
Pipeline build(bool residual, bool depthwise, bool pooled) {
    Pipeline p;
    Halide::Var x("x"), y("y"), k("k"), n("n");
    Halide::Func in("in");
    in(x, y, k, n) = p.input(x, y, k, n);
    Halide::Expr w = p.input.dim(0).extent(), h = p.input.dim(1).extent();
    if (pooled) in = max_pool3x3(in, w, h);
    Halide::Func c1 = conv3x3(in, w, h, p.w1, "conv1");
    Halide::Func relu1("relu1");
    relu1(x, y, k, n) = Halide::max(c1(x, y, k, n), 0.0f);
    Halide::Func c2 = conv3x3(relu1, w, h, p.w2, "conv2", depthwise);
    if (residual)
        p.output(x, y, k, n) = Halide::max(c2(x, y, k, n) + in(x, y, k, n), 0.0f);
    else
        p.output(x, y, k, n) = c2(x, y, k, n);
    p.output.set_estimates({{0, kEstW}, {0, kEstH}, {0, kC}, {0, 1}});
    p.input.set_estimates({{0, kEstW}, {0, kEstH}, {0, kC}, {0, 1}});
    p.w1.set_estimates({{0, 3}, {0, 3}, {0, kC}, {0, kC}});
    p.w2.set_estimates({{0, 3}, {0, 3}, {0, depthwise ? 1 : kC}, {0, kC}});
    return p;
}

// Plain C++: same-padded 3x3 conv of one image (x, y, c).
std::vector<float> conv_ref(const std::vector<float>& in, const Halide::Buffer<float>& wt, int W,
                            int H, bool depthwise = false) {
    std::vector<float> out(size_t(W) * H * kC, 0.0f);
    for (int k = 0; k < kC; k++)
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                float acc = 0;
                for (int c = 0; c < kC; c++) {
                    if (depthwise && c != k) continue;
                    for (int r = 0; r < 3; r++)
                        for (int s = 0; s < 3; s++) {
                            const int ix = x + s - 1, iy = y + r - 1;
                            if (ix < 0 || iy < 0 || ix >= W || iy >= H) continue;
                            acc += in[(size_t(c) * H + iy) * W + ix] *
                                   wt(s, r, depthwise ? 0 : c, k);
                        }
                }
                out[(size_t(k) * H + y) * W + x] = acc;
            }
    return out;
}

std::vector<float> reference(const Halide::Buffer<float>& input, const Halide::Buffer<float>& w1,
                             const Halide::Buffer<float>& w2, bool residual, bool depthwise,
                             bool pooled, int W, int H) {
    std::vector<float> in(size_t(W) * H * kC);
    for (int c = 0; c < kC; c++)
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                float v = input(x, y, c, 0);
                for (int dy = -1; pooled && dy <= 1; dy++) // max over the window inside the image
                    for (int dx = -1; dx <= 1; dx++)
                        if (x + dx >= 0 && x + dx < W && y + dy >= 0 && y + dy < H)
                            v = std::max(v, input(x + dx, y + dy, c, 0));
                in[(size_t(c) * H + y) * W + x] = v;
            }
    std::vector<float> a = conv_ref(in, w1, W, H);
    for (float& v : a) v = std::max(v, 0.0f);
    std::vector<float> out = conv_ref(a, w2, W, H, depthwise);
    if (residual)
        for (size_t i = 0; i < out.size(); i++) out[i] = std::max(out[i] + in[i], 0.0f);
    return out;
}

struct Case {
    std::string name;
    bool residual;
    bool depthwise; // conv2 depthwise
    bool pooled;    // the block input is a materialised max pool
    std::string params; // MEMSCHED_PARAMS
    int parallelism;
    bool expect_fused;
    const char* expect_text; // a regex the schedule must match ("" for none)
};

std::string case_name(const ::testing::TestParamInfo<Case>& i) { return i.param.name; }

class LayerFusion : public ::testing::TestWithParam<Case> {};

TEST_P(LayerFusion, ChosenAppliedAndCorrect) {
    load_plugin_once();
    const Case& tc = GetParam();
    Pipeline p = build(tc.residual, tc.depthwise, tc.pooled);
    Halide::Pipeline pipe(p.output);
    const Halide::Target target = Halide::get_jit_target_from_environment();
    Halide::AutoSchedulerResults results;
    {
        ScopedParams env(tc.params);
        results = pipe.auto_schedule("MemSched", target,
                                     Halide::MachineParams(tc.parallelism, 16 << 20, 40));
    }
    const std::string& src = results.schedule_source;
    // Halide renames Funcs rebuilt in one process (conv1$2 -> conv1_2 in the text).
    auto has = [&](const std::string& re) {
        return std::regex_search(src, std::regex(re));
    };
    if (tc.expect_fused) {
        EXPECT_TRUE(has("cross-layer group conv1[$0-9]* -> conv2")) << src;
        // At the row band loop, or at the column tile loop of 2-D tiles,
        // conv1's register blocks at the x blocks of the stage after it:
        // its epilogue relu1, the line buffer, where the halo slides; conv2's
        // pad where it is recomputed.
        const char* band = R"(\(output(_[0-9]+)?, (y_|x_o_t))";
        if (has("halo kept")) {
            EXPECT_TRUE(has(std::string(R"(relu1(_[0-9]+)?\.compute_at)") + band)) << src;
            EXPECT_TRUE(has(R"(conv1(_[0-9]+)?\.compute_at\(relu1(_[0-9]+)?, x_o\))")) << src;
            // The line buffer holds exactly the rows a band of conv2 reads
            // (its band plus the 3x3 halo), not a power of two above them:
            // rounded up, GoogLeNet's stem outgrew a 1 MiB LLC and moved
            // 1.8x the bytes.
            std::smatch band_rows, fold;
            ASSERT_TRUE(std::regex_search(src, band_rows, std::regex("group conv1[^\n]*bands of ([0-9]+) rows"))) << src;
            ASSERT_TRUE(std::regex_search(src, fold, std::regex(R"(relu1(?:_[0-9]+)?\.fold_storage\(y, ([0-9]+)\))"))) << src;
            EXPECT_EQ(std::stoi(fold[1]), std::stoi(band_rows[1]) + 2) << src;
        } else {
            EXPECT_TRUE(has(std::string(R"(conv2_padded(_[0-9]+)?\.compute_at)") + band)) << src;
            EXPECT_TRUE(has(R"(conv1(_[0-9]+)?\.compute_at\(conv2_padded(_[0-9]+)?, x_o\))")) << src;
        }
        EXPECT_TRUE(has(R"(conv1_padded(_[0-9]+)?\.compute_at\(output)")) << src;
        EXPECT_TRUE(has("predicted into L2 fused=[0-9]+B")) << src;
    } else {
        // Layer by layer, each activation written once: conv1 in the tiles
        // of its materialised output relu1, conv2's pad staged per tile.
        EXPECT_FALSE(has("cross-layer group")) << src;
        EXPECT_TRUE(has(R"(relu1(_[0-9]+)?\.compute_root\(\))")) << src;
        EXPECT_TRUE(has(R"(conv1(_[0-9]+)?\.compute_at\(relu1(_[0-9]+)?, )")) << src;
        EXPECT_TRUE(has(R"(conv2_padded(_[0-9]+)?\.compute_at\(output(_[0-9]+)?, )")) << src;
        EXPECT_FALSE(has(R"(conv1(_[0-9]+)?\.compute_root\(\))")) << src;
    }
    if (*tc.expect_text) EXPECT_TRUE(has(tc.expect_text)) << src;

    // Unfused schedules are checked at every size elsewhere (plugin_jit_test).
    std::vector<std::vector<int>> sizes = {{kEstW, kEstH}};
    if (tc.expect_fused) sizes.insert(sizes.end(), {{1, 1}, {5, 3}, {7, 13}, {2 * kEstW + 3, kEstH + 7}});
    for (const auto& size : sizes) {
        const int W = size[0], H = size[1];
        SCOPED_TRACE(std::to_string(W) + "x" + std::to_string(H));
        Halide::Buffer<float> input = random_buffer({W, H, kC, 1}, 1);
        Halide::Buffer<float> w1 = random_buffer({3, 3, kC, kC}, 2);
        Halide::Buffer<float> w2 = random_buffer({3, 3, tc.depthwise ? 1 : kC, kC}, 3);
        p.input.set(input);
        p.w1.set(w1);
        p.w2.set(w2);
        Halide::Buffer<float> got(W, H, kC, 1);
        pipe.realize(got, target);
        const std::vector<float> want =
            reference(input, w1, w2, tc.residual, tc.depthwise, tc.pooled, W, H);
        int bad = 0;
        for (int k = 0; k < kC; k++)
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++) {
                    const float a = want[(size_t(k) * H + y) * W + x], b = got(x, y, k, 0);
                    if (!(std::fabs(a - b) <= 1e-4f * (1.0f + std::fabs(a))) && bad++ < 3)
                        ADD_FAILURE() << "at " << x << "," << y << "," << k << ": " << a
                                      << " vs " << b;
                }
        EXPECT_EQ(bad, 0) << src;
    }
}

// A 24 KiB L2 (12 KiB planned) cannot hold the whole 20x18 image's
// tensors, so the group runs in bands.
const char* kSmallL2 = "l1=4KiB,l2=24KiB,llc=1MiB,verbose=0";
const char* kTinyL2 = "l1=2KiB,l2=8KiB,llc=1MiB,vector=4,verbose=0,fusion_tiles=2d";
const char* kTiles2d = "in bands of output[$_0-9]*: fused: tiles of [0-9]+ rows x [0-9]+ columns, halo recomputed";

INSTANTIATE_TEST_SUITE_P(
    Pipelines, LayerFusion,
    ::testing::Values(
        // Sliding (halo kept): conv1's epilogue relu1 stored per strip,
        // computed per band, its storage folded to the rows a band needs (a
        // line buffer).
        Case{"chain_bands_1thread", false, false, false, kSmallL2, 1, true,
             R"(relu1(_[0-9]+)?\.fold_storage\(y, [0-9]+\))"},
        Case{"chain_fusion_off", false, false, false, std::string(kSmallL2) + ",fusion=0", 2, false, ""},
        // Sliding bands run serially even with 2 threads (layer_fusion.cpp:
        // parallel strips made Halide read the input at n = -1).
        Case{"residual_bands_2threads", true, false, false, kSmallL2, 2, true,
             R"(relu1(_[0-9]+)?\.store_at\(output(_[0-9]+)?, n\))"},
        // Recomputed halos (forced: the model prefers keeping them here).
        Case{"residual_recompute_1thread", true, false, false, std::string(kSmallL2) + ",fusion=recompute",
             1, true, "halo recomputed"},
        // Depthwise groups only recompute halos unless forced (kept ones
        // measured slower, RESULTS.md session 6); here that is not faster.
        Case{"depthwise_recomputes_by_default", false, true, false, kSmallL2, 2, false,
             "conv2[$0-9]*: not fused: bands of [0-9]+ rows, halo recomputed"},
        // The same group chosen for the bytes it saves: fused, still with
        // recomputed halos, and correct at every size.
        Case{"depthwise_traffic_objective", false, true, false,
             std::string(kSmallL2) + ",fusion_objective=traffic", 2, true,
             "fused: bands of [0-9]+ rows, halo recomputed.*less traffic"},
        Case{"depthwise_forced_keep", true, true, false, std::string(kSmallL2) + ",fusion=keep", 2, true,
             "halo kept"},
        // The block input is a pool read by the add too: conv1's pad is
        // computed per band (it was inlined into conv1's inner loop,
        // ResNet-18 @112 ran 1.32x slower) and the add is in the group.
        Case{"pooled_residual_bands", true, false, true, kSmallL2, 1, true,
             "conv2[$_0-9]* -> output[$_0-9]* in bands of output"},
        Case{"pooled_residual_recompute_2threads", true, false, true,
             std::string(kSmallL2) + ",fusion=recompute", 2, true, "output[$_0-9]*: per band also conv1_padded"},
        // No full-width band fits an 8 KiB L2 (4 KiB planned) with 4-lane
        // vectors: 2-D tiles of whole x vectors, halos recomputed in both
        // directions (column tails at every odd width below). Forced: with
        // 6 channels the streamed weights' re-reads outweigh the savings.
        Case{"chain_2d_tiles_1thread", false, false, false,
             std::string(kTinyL2) + ",fusion=recompute", 1, true, kTiles2d},
        Case{"residual_2d_tiles_2threads", true, false, false,
             std::string(kTinyL2) + ",fusion=recompute", 2, true, kTiles2d},
        // A 16 MiB L2 holds the whole image: at most 5 bands, fewer than 8
        // threads, so the output's channel blocks run in parallel chunks
        // (tile_schedules.h), and so do those of conv2's pad, which computes
        // conv1's blocks.
        Case{"residual_one_band_channel_chunks", true, false, false,
             "l1=4KiB,l2=16MiB,llc=64MiB,verbose=0,vector=4,fusion=recompute", 8, true,
             R"(output[$_0-9]*\.parallel\(k_o_p\)(.|\n)*conv2_padded[$_0-9]*\.parallel\(c_o_p\))"},
        // A last cache smaller than one channel block's weights (6 channels
        // x 6 x 3x3 floats, 1296 B): forced or not, the group is refused,
        // since its register blocks would re-read them from DRAM.
        Case{"block_weights_over_the_last_cache_not_fused", false, false, false,
             "l1=512B,l2=1KiB,llc=1KiB,vector=4,verbose=0,fusion=recompute", 1, false,
             "not fused: .*one channel block's weights \\([0-9]+ B\\) exceed the LLC"},
        // fusion_tiles=bands: full-width bands only, so nothing fits.
        Case{"chain_bands_only_not_fused", false, false, false,
             std::string(kTinyL2) + ",fusion=recompute,fusion_tiles=bands", 1, false,
             "not fused: .*no band"}),
    case_name);

} // namespace
