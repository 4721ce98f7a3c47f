// The fused-group model must equal the fused oracle exactly: random chains of
// 2-4 small conv/pool layers (odd sizes, stride 2, dilation, padding,
// depthwise), random residual and concat blocks, random tiles, both halo
// policies, both weight policies and random per-node weight mixes, exit
// channel tiles (of layer and concat exits), streamed inputs, channel-split
// runs, concats in place and residual adds in place; groups of two or three
// consecutive blocks (basic, bottleneck, inverted residual, fire); several
// line and element sizes.
#include "model/fusion/fused_oracle.h"
#include "model/fusion/fused_search.h"
#include "model/fusion/fused_traffic.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>

namespace memsched {
namespace {

// The hand cases' layer: one channel, 8x8, 3x3 pad 1.
LayerShape one_channel_3x3() {
    LayerShape a;
    a.in_channels = 1; a.in_height = 8; a.in_width = 8; a.out_channels = 1;
    a.kernel_h = a.kernel_w = 3; a.pad = 1;
    return a;
}

// Random cases per test: `base`, times MEMSCHED_ORACLE_TRIALS_SCALE when set
// (for long local runs; ctest uses the default).
int trials(int base) {
    const char* scale = std::getenv("MEMSCHED_ORACLE_TRIALS_SCALE");
    return scale ? base * std::max(1, std::atoi(scale)) : base;
}

// The channel-split hand cases' layers on 2x4x4: a 1x1 expand 2->8 and a
// 3x3 pad-1 depthwise over its 8 channels.
LayerShape expand_2_to_8() {
    LayerShape e;
    e.in_channels = 2; e.in_height = 4; e.in_width = 4; e.out_channels = 8;
    return e;
}

LayerShape depthwise_8() {
    LayerShape d = expand_2_to_8();
    d.in_channels = d.out_channels = d.groups = 8;
    d.kernel_h = d.kernel_w = 3; d.pad = 1;
    return d;
}

int64_t pick(std::mt19937& rng, int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}

// A random conv or pool reading `c` x `h` x `w`.
LayerShape random_layer(std::mt19937& rng, int64_t c, int64_t h, int64_t w, int64_t eb) {
    LayerShape s;
    s.in_channels = c;
    s.in_height = h;
    s.in_width = w;
    s.element_bytes = eb;
    const int kind = static_cast<int>(pick(rng, 0, 5));
    s.kernel_h = pick(rng, 1, 3);
    s.kernel_w = pick(rng, 1, 3);
    s.stride = pick(rng, 1, 2);
    s.pad = pick(rng, 0, 1);
    if (kind <= 2) {
        s.out_channels = pick(rng, 1, 3);
        s.dilation = pick(rng, 0, 3) == 0 ? 2 : 1;
    } else if (kind == 3) { // depthwise
        s.groups = s.out_channels = c;
    } else {
        s.kind = kind == 4 ? LayerKind::MaxPool : LayerKind::AvgPool;
        s.out_channels = c;
        s.groups = c;
    }
    return s;
}

FusedGroup random_chain(std::mt19937& rng) {
    while (true) {
        const int64_t eb = pick(rng, 0, 2) == 0 ? 2 : 4;
        int64_t c = pick(rng, 1, 3), h = 2 * pick(rng, 2, 7) + 1, w = 2 * pick(rng, 2, 7) + 1;
        std::vector<LayerShape> layers;
        const int count = static_cast<int>(pick(rng, 2, 4));
        bool ok = true;
        for (int i = 0; i < count && ok; ++i) {
            LayerShape s = random_layer(rng, c, h, w, eb);
            ok = !s.validate() && s.out_height() >= 1 && s.out_width() >= 1;
            c = s.out_channels;
            h = s.out_height();
            w = s.out_width();
            layers.push_back(s);
        }
        if (!ok) continue;
        FusedGroup g = make_chain(layers);
        if (g.validate()) return g;
    }
}

// Residual block (two convs plus identity or strided 1x1 projection) or an
// inception-like concat of a 1x1 branch and a 3x3 branch.
FusedGroup random_block(std::mt19937& rng) {
    while (true) {
        FusedGroup g;
        const int64_t c = pick(rng, 1, 3), h = 2 * pick(rng, 2, 6) + 1, w = 2 * pick(rng, 2, 6) + 1;
        g.input = {c, h, w};
        g.element_bytes = 4;
        const int64_t stride = pick(rng, 1, 2), k = pick(rng, 1, 3);
        auto conv = [&](int64_t cin, int64_t hh, int64_t ww, int64_t kout, int64_t r, int64_t st) {
            LayerShape s;
            s.in_channels = cin; s.in_height = hh; s.in_width = ww;
            s.out_channels = kout; s.kernel_h = s.kernel_w = r; s.stride = st; s.pad = r / 2;
            return s;
        };
        const LayerShape a = conv(c, h, w, k, 3, stride);
        const LayerShape b = conv(k, a.out_height(), a.out_width(), k, 3, 1);
        g.nodes.push_back({"a", FusedOp::Layer, a, {-1}});
        g.nodes.push_back({"b", FusedOp::Layer, b, {0}});
        if (pick(rng, 0, 1) == 0) { // residual
            int skip = -1;
            if (stride != 1 || k != c) {
                g.nodes.push_back({"proj", FusedOp::Layer, conv(c, h, w, k, 1, stride), {-1}});
                skip = 2;
            }
            g.nodes.push_back({"add", FusedOp::Add, {}, {1, skip}});
        } else { // concat of the 3x3 path and a 1x1 path
            g.nodes.push_back({"p", FusedOp::Layer, conv(c, h, w, pick(rng, 1, 2), 1, stride), {-1}});
            g.nodes.push_back({"cat", FusedOp::Concat, {}, {1, 2}});
        }
        if (g.validate()) return g;
    }
}

// A conv on c x h x w: r x r kernel, pad r/2, stride st, `groups` groups.
LayerShape conv_on(int64_t c, int64_t h, int64_t w, int64_t k, int64_t r, int64_t st,
                   int64_t groups = 1) {
    LayerShape s;
    s.in_channels = c; s.in_height = h; s.in_width = w;
    s.out_channels = k; s.kernel_h = s.kernel_w = r; s.stride = st; s.pad = r / 2;
    s.groups = groups;
    return s;
}

// Appends one block reading tensor `in` (c x h x w) and returns its output
// tensor: a basic residual block, a bottleneck, an inverted residual (with
// the add's inputs in either order, a projection when the shape changes),
// or a fire-like module (squeeze, then two expands concatenated).
int append_block(std::mt19937& rng, FusedGroup* g, int in, int64_t* c, int64_t* h, int64_t* w) {
    auto add_node = [&](const std::string& name, FusedOp op, const LayerShape& s,
                        std::vector<int> inputs) {
        g->nodes.push_back({name, op, s, std::move(inputs)});
        return static_cast<int>(g->nodes.size()) - 1;
    };
    const std::string p = "b" + std::to_string(g->nodes.size()) + ".";
    const int kind = static_cast<int>(pick(rng, 0, 3));
    const int64_t st = kind == 2 ? 1 : (pick(rng, 0, 3) == 0 ? 2 : 1);
    if (kind == 3) { // fire: squeeze 1x1, expands 1x1 and 3x3, concat
        const LayerShape sq = conv_on(*c, *h, *w, pick(rng, 1, 2), 1, 1);
        const int a = add_node(p + "squeeze", FusedOp::Layer, sq, {in});
        const int64_t sc = sq.out_channels;
        const int e1 = add_node(p + "e1", FusedOp::Layer, conv_on(sc, *h, *w, pick(rng, 1, 2), 1, 1), {a});
        const int e3 = add_node(p + "e3", FusedOp::Layer, conv_on(sc, *h, *w, pick(rng, 1, 2), 3, 1), {a});
        *c = g->nodes[e1].shape.out_channels + g->nodes[e3].shape.out_channels;
        return add_node(p + "cat", FusedOp::Concat, {}, {e1, e3});
    }
    const int64_t k = kind == 2 ? *c : pick(rng, 1, 3);
    int last = in;
    LayerShape s;
    if (kind == 0) { // basic: 3x3 (stride), 3x3
        s = conv_on(*c, *h, *w, k, 3, st);
        last = add_node(p + "c1", FusedOp::Layer, s, {last});
        s = conv_on(k, s.out_height(), s.out_width(), k, 3, 1);
        last = add_node(p + "c2", FusedOp::Layer, s, {last});
    } else { // bottleneck 1x1, 3x3 (stride), 1x1; inverted: expand, depthwise, project
        const int64_t mid = pick(rng, 1, 3) + (kind == 2 ? *c : 0);
        s = conv_on(*c, *h, *w, mid, 1, 1);
        last = add_node(p + "c1", FusedOp::Layer, s, {last});
        s = kind == 2 ? conv_on(mid, *h, *w, mid, 3, 1, mid) : conv_on(mid, *h, *w, mid, 3, st);
        last = add_node(p + "c2", FusedOp::Layer, s, {last});
        s = conv_on(mid, s.out_height(), s.out_width(), k, 1, 1);
        last = add_node(p + "c3", FusedOp::Layer, s, {last});
    }
    int skip = in;
    if (st != 1 || k != *c)
        skip = add_node(p + "proj", FusedOp::Layer, conv_on(*c, *h, *w, k, 1, st), {in});
    *c = k;
    *h = s.out_height();
    *w = s.out_width();
    return add_node(p + "add", FusedOp::Add, {},
                    pick(rng, 0, 1) ? std::vector<int>{last, skip} : std::vector<int>{skip, last});
}

// Two or three consecutive blocks of append_block, as one group: block
// outputs kept on chip for the next block's layers and add.
FusedGroup random_multi_block(std::mt19937& rng) {
    while (true) {
        FusedGroup g;
        int64_t c = pick(rng, 1, 3), h = pick(rng, 3, 11), w = pick(rng, 3, 11);
        g.input = {c, h, w};
        g.element_bytes = pick(rng, 0, 2) == 0 ? 2 : 4;
        int out = -1;
        const int blocks = static_cast<int>(pick(rng, 2, 3));
        for (int b = 0; b < blocks; ++b) out = append_block(rng, &g, out, &c, &h, &w);
        for (FusedNode& n : g.nodes) n.shape.element_bytes = g.element_bytes;
        if (g.validate()) return g;
    }
}

FusedMapping random_mapping(std::mt19937& rng, const FusedGroup& g) {
    const FusedDims e = g.output_of(static_cast<int>(g.nodes.size()) - 1);
    FusedMapping m;
    m.tile_h = pick(rng, 1, e.height);
    m.tile_w = pick(rng, 1, e.width);
    m.halo = pick(rng, 0, 1) ? HaloPolicy::Keep : HaloPolicy::Refetch;
    m.weights = pick(rng, 0, 1) ? WeightPolicy::Streamed : WeightPolicy::Resident;
    if (pick(rng, 0, 2) == 0) // per-node weights, a random mix
        for (size_t i = 0; i < g.nodes.size(); ++i)
            m.layer_weights.push_back(pick(rng, 0, 1) ? WeightPolicy::Streamed
                                                      : WeightPolicy::Resident);
    if (g.nodes.back().op != FusedOp::Add && pick(rng, 0, 2) == 0) {
        m.exit_channel_tile = pick(rng, 1, e.channels); // a concat exit: its layers' slices
        if (!validate(g, m)) m.exit_channel_tile = 0;
    }
    m.concat_in_place = pick(rng, 0, 1) == 0;
    if (pick(rng, 0, 2) == 0) { // only where every reader of the group input is a layer
        m.stream_input = true;
        if (!validate(g, m)) m.stream_input = false;
    }
    if (m.halo == HaloPolicy::Refetch && pick(rng, 0, 1) == 0) {
        // Channel-split runs, then a random subset of them (unmarking a node
        // keeps the runs legal: the next one starts there).
        // (blocks of the exit channel tile when the exit is channel-wise)
        FusedMapping split = with_split_channels(g, m, pick(rng, 1, 3));
        for (size_t i = 0; i < split.split.size(); ++i)
            if (pick(rng, 0, 3) == 0) split.split[i] = false;
        if (validate(g, split)) m = split;
    }
    if (m.halo == HaloPolicy::Refetch && pick(rng, 0, 2) != 0) { // adds in place
        FusedMapping res = m;
        res.residual_channels = pick(rng, 1, 3);
        if (pick(rng, 0, 1) == 0) // split runs laid around the accumulating layers
            res = with_split_channels(g, res, pick(rng, 1, 3));
        if (validate(g, res)) m = res;
    }
    return m;
}

void expect_equal(const FusedReport& a, const FusedReport& b, const std::string& what) {
    EXPECT_EQ(a.input_read_bytes, b.input_read_bytes) << what;
    EXPECT_EQ(a.weight_read_bytes, b.weight_read_bytes) << what;
    EXPECT_EQ(a.output_write_bytes, b.output_write_bytes) << what;
    EXPECT_EQ(a.footprint_bytes, b.footprint_bytes) << what;
    EXPECT_EQ(a.macs, b.macs) << what;
    EXPECT_EQ(a.tiles, b.tiles) << what;
    EXPECT_EQ(a.status.ok, b.status.ok) << what;
}

std::string describe_group(const FusedGroup& g, const FusedMapping& m, int64_t line) {
    std::string d = "in " + std::to_string(g.input.channels) + "x" + std::to_string(g.input.height) +
                    "x" + std::to_string(g.input.width) + " eb" + std::to_string(g.element_bytes) +
                    " line" + std::to_string(line) + " " + describe(m);
    for (const FusedNode& n : g.nodes) {
        const LayerShape& s = n.shape;
        d += " | " + n.name + " " + (n.op == FusedOp::Layer ? to_string(s.kind) : "eltwise") +
             " k" + std::to_string(s.out_channels) + " r" + std::to_string(s.kernel_h) + "x" +
             std::to_string(s.kernel_w) + " st" + std::to_string(s.stride) + " p" +
             std::to_string(s.pad) + " d" + std::to_string(s.dilation) + " g" +
             std::to_string(s.groups);
    }
    return d;
}

// How often the random cases use each option, so a generator change cannot
// silently stop testing one.
struct Coverage {
    int split = 0, split_into_exit = 0, concat_in_place = 0, concat_exit_tiles = 0,
        streamed_readers = 0;
    // Residual adds in place: mappings with any, with two or more (a chain
    // across blocks), with one over the group input, with the exit in place,
    // and with split runs besides.
    int residual = 0, residual_chain = 0, residual_on_input = 0, residual_exit = 0,
        residual_split = 0;
    void count(const FusedGroup& g, const FusedMapping& m) {
        const int last = static_cast<int>(g.nodes.size()) - 1;
        const bool has_concat = std::any_of(g.nodes.begin(), g.nodes.end(), [](const FusedNode& n) {
            return n.op == FusedOp::Concat;
        });
        split += !m.split.empty();
        split_into_exit += !m.split.empty() && m.exit_channel_tile > 0;
        concat_in_place += m.concat_in_place && has_concat;
        concat_exit_tiles += m.exit_channel_tile > 0 && g.nodes[last].op == FusedOp::Concat;
        streamed_readers += m.stream_input && group_consumers(g, -1).size() > 1;
        const std::vector<int> adds = residual_adds_in_place(g, m);
        residual += !adds.empty();
        residual_chain += adds.size() >= 2;
        residual_on_input += std::any_of(adds.begin(), adds.end(),
                                         [&](int a) { return residual_target(g, m, a) == -1; });
        residual_exit += !adds.empty() && adds.back() == last;
        residual_split += !adds.empty() && !m.split.empty();
    }
};

// Runs `count` random groups from `make`, each with a random mapping, line
// (64 bytes or `short_line`) and buffer (unbounded, or up to `max_cap`
// bytes when max_cap > 0), through the model and the oracle, which must
// agree exactly; returns which options the cases used.
template <typename Make>
Coverage match_random_cases(uint32_t seed, int count, Make make, int64_t short_line,
                            int64_t max_cap) {
    std::mt19937 rng(seed);
    Coverage seen;
    for (int trial = 0; trial < count; ++trial) {
        const FusedGroup g = make(rng);
        const FusedMapping m = random_mapping(rng, g);
        seen.count(g, m);
        const int64_t line = pick(rng, 0, 1) ? 64 : short_line;
        const int64_t cap = max_cap == 0 || pick(rng, 0, 1) ? 0 : pick(rng, 64, max_cap);
        expect_equal(evaluate_fused(g, m, cap, line), simulate_fused(g, m, cap, line),
                     describe_group(g, m, line));
        if (::testing::Test::HasFailure()) break;
    }
    return seen;
}

TEST(FusedOracle, RandomChainsMatchExactly) {
    const Coverage seen = match_random_cases(20240611, trials(600), random_chain, 16, 4096);
    if (HasFailure()) return;
    EXPECT_GT(seen.split, 50);
    EXPECT_GT(seen.split_into_exit, 5);
    std::printf("chains: %d split (%d into a channel-tiled exit) of %d\n", seen.split,
                seen.split_into_exit, trials(600));
}

TEST(FusedOracle, RandomBlocksMatchExactly) {
    const Coverage seen = match_random_cases(7, trials(300), random_block, 32, 0);
    if (HasFailure()) return;
    EXPECT_GT(seen.split, 20);
    EXPECT_GT(seen.concat_in_place, 20);
    EXPECT_GT(seen.concat_exit_tiles, 5);
    EXPECT_GT(seen.streamed_readers, 5);
    EXPECT_GT(seen.residual, 20);
    std::printf("blocks: %d split, %d concat in place, %d concat exit tiles, %d streamed to "
                "several readers, %d adds in place of %d\n",
                seen.split, seen.concat_in_place, seen.concat_exit_tiles, seen.streamed_readers,
                seen.residual, trials(300));
}

TEST(FusedOracle, RandomMultiBlockGroupsMatchExactly) {
    const Coverage seen = match_random_cases(606, trials(300), random_multi_block, 16, 8192);
    if (HasFailure()) return;
    EXPECT_GT(seen.residual, 60);
    EXPECT_GT(seen.residual_chain, 20);
    EXPECT_GT(seen.residual_on_input, 20);
    EXPECT_GT(seen.residual_exit, 20);
    EXPECT_GT(seen.residual_split, 10);
    EXPECT_GT(seen.split, 20);
    std::printf("multi-block: %d with adds in place (%d with two or more, %d over the group "
                "input, %d at the exit, %d with split runs), %d split, %d concat in place of %d\n",
                seen.residual, seen.residual_chain, seen.residual_on_input, seen.residual_exit,
                seen.residual_split, seen.split, seen.concat_in_place, trials(300));
}

// Hand case: two 3x3 pad-1 convs on 1x8x8, 4x8 tiles (two tile rows), one
// element per line (line 4 bytes, so bytes = elements x 4).
TEST(FusedOracle, HandChainHaloRows) {
    const FusedGroup g = make_chain({one_channel_3x3(), one_channel_3x3()});
    FusedMapping m;
    m.tile_h = 4; m.tile_w = 8;
    const FusedReport r = evaluate_fused(g, m, 0, 4);
    // Exit rows 0-3 need rows 0-4 of conv a, which need input rows 0-5; the
    // second tile needs a rows 3-7, input rows 2-7: 6 + 6 input rows of 8.
    EXPECT_EQ(r.input_read_bytes, 12 * 8 * 4);
    EXPECT_EQ(r.output_write_bytes, 64 * 4);
    // conv a computes 5 + 5 rows (one halo row recomputed per tile) of 8, 9 MACs each.
    EXPECT_EQ(r.macs, (10 * 8 + 64) * 9);
    // Peak: input 6x8 + a 5x8 while a runs, resident 2 x 9 weights.
    EXPECT_EQ(r.footprint_bytes, (48 + 40 + 18) * 4);
    EXPECT_EQ(r.weight_read_bytes, 2 * 9 * 4);
}

// Same chain with kept halos: one tile spans the width, so the halo slides
// down (line buffer): every input row is fetched once and every conv a row
// computed once; all boxes stay held.
TEST(FusedOracle, HandChainSlidingRows) {
    const FusedGroup g = make_chain({one_channel_3x3(), one_channel_3x3()});
    FusedMapping m;
    m.tile_h = 4; m.tile_w = 8;
    m.halo = HaloPolicy::Keep;
    for (const FusedReport& r : {evaluate_fused(g, m, 0, 4), simulate_fused(g, m, 0, 4)}) {
        EXPECT_EQ(r.input_read_bytes, 64 * 4);
        EXPECT_EQ(r.macs, (64 + 64) * 9);
        EXPECT_EQ(r.footprint_bytes, (48 + 40 + 32 + 18) * 4);
    }
}

// Contiguous ranges: a whole-plane box is one range for all channels, a
// full-width band one range per channel. 1x1 conv 2->1 on 2x4x4, 64-byte
// lines (one 4x4 plane = 64 bytes).
TEST(FusedOracle, HandFullWidthRangesJoinRows) {
    LayerShape a;
    a.in_channels = 2; a.in_height = 4; a.in_width = 4; a.out_channels = 1;
    const FusedGroup g = make_chain({a});
    FusedMapping m;
    m.tile_h = 4; m.tile_w = 4;
    for (const FusedReport& r : {evaluate_fused(g, m, 0, 64), simulate_fused(g, m, 0, 64)}) {
        EXPECT_EQ(r.input_read_bytes, 128);
        EXPECT_EQ(r.output_write_bytes, 64);
    }
    m.tile_h = 2; // two bands of 32 bytes per channel, each within one line
    for (const FusedReport& r : {evaluate_fused(g, m, 0, 64), simulate_fused(g, m, 0, 64)})
        EXPECT_EQ(r.input_read_bytes, 4 * 64);
    m.tile_w = 2; // 8-byte row pieces, one line each: 2 channels x 4 rows x 2 columns
    for (const FusedReport& r : {evaluate_fused(g, m, 0, 64), simulate_fused(g, m, 0, 64)})
        EXPECT_EQ(r.input_read_bytes, 16 * 64);
}

// Per-node weights: a streamed layer's weights are read once per tile, a
// resident one's once; the peak holds the resident weights plus the running
// streamed layer's filter. Same chain as above (2 tiles, 9 weights per layer).
TEST(FusedOracle, HandChainMixedWeights) {
    const FusedGroup g = make_chain({one_channel_3x3(), one_channel_3x3()});
    FusedMapping m;
    m.tile_h = 4; m.tile_w = 8;
    m.layer_weights = {WeightPolicy::Streamed, WeightPolicy::Resident};
    for (const FusedReport& r : {evaluate_fused(g, m, 0, 4), simulate_fused(g, m, 0, 4)}) {
        EXPECT_EQ(r.weight_read_bytes, (2 * 9 + 9) * 4);
        // While l0 runs: input 6x8, l0 5x8, l1's resident 9 and l0's filter 9.
        EXPECT_EQ(r.footprint_bytes, (48 + 40 + 9 + 9) * 4);
    }
    EXPECT_EQ(describe(m), "tile 4x8 refetch mixed(SR)");
    m.layer_weights.pop_back();
    EXPECT_FALSE(evaluate_fused(g, m, 0, 4).status.ok);
}

// Exit channel tiles and a streamed input change only the footprint: a
// 2-channel input through a 1x1 conv to 4 channels then a 3x3 conv to 6, one
// whole-image tile of 4x4.
TEST(FusedOracle, HandExitChannelTileAndStreamedInput) {
    LayerShape a;
    a.in_channels = 2; a.in_height = 4; a.in_width = 4; a.out_channels = 4;
    LayerShape b = a;
    b.in_channels = 4; b.out_channels = 6; b.kernel_h = b.kernel_w = 3; b.pad = 1;
    const FusedGroup g = make_chain({a, b});
    FusedMapping m;
    m.tile_h = 4; m.tile_w = 4;
    m.weights = WeightPolicy::Streamed;
    const FusedReport whole = evaluate_fused(g, m, 0, 4);
    // Peak while b runs: l0 4x16 + b 6x16 + b's filter 36.
    EXPECT_EQ(whole.footprint_bytes, (64 + 96 + 36) * 4);
    m.exit_channel_tile = 2;
    m.stream_input = true;
    for (const FusedReport& r : {evaluate_fused(g, m, 0, 4), simulate_fused(g, m, 0, 4)}) {
        EXPECT_EQ(r.traffic_bytes(), whole.traffic_bytes());
        EXPECT_EQ(r.macs, whole.macs);
        // While l0 runs: one input channel 16 + l0 4x16 + filter 2; while b
        // runs: l0 64 + two of b's channels 32 + filter 36.
        EXPECT_EQ(r.footprint_bytes, (64 + 32 + 36) * 4);
    }
    EXPECT_EQ(describe(m), "tile 4x4 refetch streamed k2 stream-in");
    m.halo = HaloPolicy::Keep;
    EXPECT_FALSE(validate(g, m).ok);
    m.halo = HaloPolicy::Refetch;
    m.exit_channel_tile = 7;
    EXPECT_FALSE(validate(g, m).ok);
}

// Channel-split run: 1x1 expand 2->8, 3x3 depthwise, 1x1 project 8->2 on
// 2x4x4, one whole tile, streamed weights. Split in blocks of 2, expand and
// depthwise hold 2 channels each and run inside the project's step.
TEST(FusedOracle, HandChannelSplitRun) {
    const LayerShape expand = expand_2_to_8(), dw = depthwise_8();
    LayerShape project = expand;
    project.in_channels = 8; project.out_channels = 2;
    const FusedGroup g = make_chain({expand, dw, project});
    FusedMapping m;
    m.tile_h = 4; m.tile_w = 4;
    m.weights = WeightPolicy::Streamed;
    const FusedReport whole = evaluate_fused(g, m, 0, 4);
    // Peak while dw runs: expand 8x16 + dw 8x16 + its filter 9.
    EXPECT_EQ(whole.footprint_bytes, (128 + 128 + 9) * 4);
    const FusedMapping split = with_split_channels(g, m, 2);
    EXPECT_EQ(split.split, (std::vector<bool>{true, true, false}));
    EXPECT_EQ(describe(split), "tile 4x4 refetch streamed split2(2)");
    for (const FusedReport& r : {evaluate_fused(g, split, 0, 4), simulate_fused(g, split, 0, 4)}) {
        EXPECT_EQ(r.traffic_bytes(), whole.traffic_bytes());
        EXPECT_EQ(r.macs, whole.macs);
        // One step: input 32, expand 2x16, dw 2x16, project 2x16, filters
        // expand 2 + dw 9 + the project's 2-channel slice 2.
        EXPECT_EQ(r.footprint_bytes, (32 + 32 + 32 + 32 + 13) * 4);
    }
    FusedMapping bad = split;
    bad.halo = HaloPolicy::Keep;
    EXPECT_FALSE(validate(g, bad).ok);
    bad = split;
    bad.split[2] = true; // the exit has no consumer
    EXPECT_FALSE(validate(g, bad).ok);
    // A split 1x1 after a split layer must be channel-wise.
    const FusedGroup two = make_chain({expand, project, expand});
    FusedMapping chain = m;
    chain.split = {true, true, false};
    chain.split_channels = 2;
    EXPECT_FALSE(validate(two, chain).ok);
    chain.split = {false, true, false};
    EXPECT_TRUE(validate(two, chain).ok);
}

// A channel-wise exit with channel tiles reduces a run in its own blocks:
// 1x1 expand 2->8 then a 3x3 depthwise exit, exit tiles of 2.
TEST(FusedOracle, HandChannelWiseExitBlocks) {
    const LayerShape expand = expand_2_to_8(), dw = depthwise_8();
    const FusedGroup g = make_chain({expand, dw});
    FusedMapping m;
    m.tile_h = 4; m.tile_w = 4;
    m.weights = WeightPolicy::Streamed;
    m.exit_channel_tile = 2;
    // Unsplit, the peak is while dw runs: expand 8x16 + dw 2x16 + filter 9.
    EXPECT_EQ(evaluate_fused(g, m, 0, 4).footprint_bytes, (128 + 32 + 9) * 4);
    const FusedMapping split = with_split_channels(g, m, 5); // takes the exit's 2
    EXPECT_EQ(split.split_channels, 2);
    EXPECT_EQ(split.split, (std::vector<bool>{true, false}));
    for (const FusedReport& r : {evaluate_fused(g, split, 0, 4), simulate_fused(g, split, 0, 4)})
        // One step: input 32, expand 2x16, dw 2x16, filters 2 + 9.
        EXPECT_EQ(r.footprint_bytes, (32 + 32 + 32 + 11) * 4);
    FusedMapping other = split;
    other.split_channels = 1; // blocks differ from the exit's
    EXPECT_FALSE(validate(g, other).ok);
}

// Kept halos never compute or fetch more elements than refetched ones (in
// whole lines they can: a kept part inside a row splits its fetch into two
// ranges that may share a line, so lines are one element here).
// A streamed input read by two layers (a 1x1 conv and a 1x1 projection)
// runs both in node 0's step; an add reading it cannot stream. 2x4x4 input,
// 1x1 convs to 4 channels, one whole tile, resident weights (8 + 8).
TEST(FusedOracle, HandStreamedInputTwoReaders) {
    LayerShape a;
    a.in_channels = 2; a.in_height = 4; a.in_width = 4; a.out_channels = 4;
    LayerShape b = a;
    b.in_channels = 4; b.kernel_h = b.kernel_w = 3; b.pad = 1;
    FusedGroup g;
    g.input = {2, 4, 4};
    g.nodes = {{"a", FusedOp::Layer, a, {-1}}, {"b", FusedOp::Layer, b, {0}},
               {"proj", FusedOp::Layer, a, {-1}}, {"add", FusedOp::Add, {}, {1, 2}}};
    FusedMapping m;
    m.tile_h = 4; m.tile_w = 4;
    m.stream_input = true;
    for (const FusedReport& r : {evaluate_fused(g, m, 0, 4), simulate_fused(g, m, 0, 4)}) {
        // Step 0 (a and proj): one input channel 16 + a 64 + proj 64 + weights
        // 8 + 144 + 8 = 304; step 1 (b): a + b + proj = 192 + 160.
        EXPECT_EQ(r.footprint_bytes, (192 + 160) * 4);
        EXPECT_EQ(r.input_read_bytes, 32 * 4); // read once for both readers
    }
    // Identity instead of the projection: the add reads the input.
    FusedGroup identity;
    identity.input = {4, 4, 4};
    identity.nodes = {{"b", FusedOp::Layer, b, {-1}}, {"add", FusedOp::Add, {}, {0, -1}}};
    ASSERT_TRUE(identity.validate().ok);
    const EvalStatus st = validate(identity, m);
    EXPECT_FALSE(st.ok);
    EXPECT_NE(st.reason.find("stream_input"), std::string::npos) << st.reason;
}

// Two residual blocks as one group, each two 1x1 convs 2->2 added to the
// block input: on 2x4x4, one whole tile, resident weights (4 x 4), 4-byte
// lines. In place, each block's second conv computes one channel at a time
// and adds it into the block input's box, which then holds the block output
// for the next block.
TEST(FusedOracle, HandTwoResidualBlocksInPlace) {
    LayerShape a;
    a.in_channels = 2; a.in_height = 4; a.in_width = 4; a.out_channels = 2;
    FusedGroup g;
    g.input = {2, 4, 4};
    g.nodes = {{"c1", FusedOp::Layer, a, {-1}}, {"c2", FusedOp::Layer, a, {0}},
               {"add1", FusedOp::Add, {}, {1, -1}}, {"c3", FusedOp::Layer, a, {2}},
               {"c4", FusedOp::Layer, a, {3}}, {"add2", FusedOp::Add, {}, {2, 4}}};
    FusedMapping m;
    m.tile_h = 4; m.tile_w = 4;
    const FusedReport plain = evaluate_fused(g, m, 0, 4);
    // Peak in c2's step: input 32 + c1 32 + c2 32 + weights 16.
    EXPECT_EQ(plain.footprint_bytes, (96 + 16) * 4);
    m.residual_channels = 1;
    EXPECT_EQ(residual_adds_in_place(g, m), (std::vector<int>{2, 5}));
    EXPECT_EQ(residual_accumulator(g, m, 5), 4);
    EXPECT_EQ(residual_target(g, m, 2), -1);
    EXPECT_EQ(residual_target(g, m, 5), 2);
    EXPECT_EQ(tensor_storage(g, m, 5), -1);
    EXPECT_EQ(run_step(g, m, 5), 4);
    EXPECT_EQ(describe(m), "tile 4x4 refetch resident residual1");
    for (const FusedReport& r : {evaluate_fused(g, m, 0, 4), simulate_fused(g, m, 0, 4)}) {
        EXPECT_EQ(r.traffic_bytes(), plain.traffic_bytes());
        EXPECT_EQ(r.input_read_bytes, 32 * 4);
        EXPECT_EQ(r.output_write_bytes, 32 * 4);
        EXPECT_EQ(r.macs, 4 * 2 * 32);
        // In c2's (and c4's) step: the input's box 32 (holding add1, then
        // add2), the first conv 32, one channel of the second 16, weights 16.
        EXPECT_EQ(r.footprint_bytes, (32 + 32 + 16 + 16) * 4);
    }
    FusedMapping bad = m;
    bad.halo = HaloPolicy::Keep;
    EXPECT_FALSE(validate(g, bad).ok);
    bad = m;
    bad.residual_channels = -1;
    EXPECT_FALSE(validate(g, bad).ok);
    // A layer reading the add's other input cannot overwrite it channel by
    // channel (its next block would read overwritten channels): c1 + input.
    FusedGroup reads_target;
    reads_target.input = {2, 4, 4};
    reads_target.nodes = {{"c1", FusedOp::Layer, a, {-1}}, {"add", FusedOp::Add, {}, {0, -1}}};
    EXPECT_TRUE(residual_adds_in_place(reads_target, m).empty());
    const EvalStatus st = validate(reads_target, m);
    EXPECT_FALSE(st.ok);
    EXPECT_NE(st.reason.find("residual_channels=1"), std::string::npos) << st.reason;
}

TEST(FusedOracle, KeepNeverComputesMoreThanRefetch) {
    std::mt19937 rng(3);
    for (int trial = 0; trial < 200; ++trial) {
        const FusedGroup g = random_chain(rng);
        FusedMapping m = random_mapping(rng, g);
        m.stream_input = false; // these three need refetch
        m.split.clear();
        m.residual_channels = 0;
        m.halo = HaloPolicy::Refetch;
        const FusedReport re = evaluate_fused(g, m, 0, g.element_bytes);
        m.halo = HaloPolicy::Keep;
        const FusedReport ke = evaluate_fused(g, m, 0, g.element_bytes);
        ASSERT_TRUE(re.status.ok && ke.status.ok) << describe_group(g, m, g.element_bytes);
        EXPECT_LE(ke.macs, re.macs);
        EXPECT_LE(ke.input_read_bytes, re.input_read_bytes) << describe_group(g, m, g.element_bytes);
        EXPECT_GE(ke.footprint_bytes, re.footprint_bytes);
    }
}

} // namespace
} // namespace memsched
