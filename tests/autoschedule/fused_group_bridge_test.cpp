// White-box tests of the fuse-or-not decision (fused_group_bridge.h), of
// the choice among overlapping candidate groups (group_partition.h) and of
// the fusion=0|1 parameter: no Halide pipeline, LayerShapes only.
#include "autoschedule/fused_group_bridge.h"
#include "autoschedule/group_partition.h"
#include "autoschedule/kernel_utilisation.h"
#include "autoschedule/micro_kernel.h"
#include "autoschedule/plugin_params.h"
#include "model/fusion/fused_traffic.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace memsched::autoschedule {
namespace {

PluginParams params_with(const std::string& env, int parallelism = 1) {
    ParamSources s;
    s.sysfs_cache_bytes = {{1, 48 << 10}, {2, 2 << 20}};
    s.sysfs_line_bytes = 64;
    s.machine_parallelism = parallelism;
    s.machine_llc_bytes = 32 << 20;
    s.memsched_params = env;
    return resolve_plugin_params(s);
}

LayerShape conv3x3(int64_t channels, int64_t size) {
    LayerShape s;
    s.in_channels = s.out_channels = channels;
    s.in_height = s.in_width = size;
    s.kernel_h = s.kernel_w = 3;
    s.pad = 1;
    return s;
}

// The per-layer plans the plugin would apply (16 lanes x 4 rows x 6 channels).
std::vector<TilePlan> layered(const FusedGroup& g, const PluginParams& p) {
    std::vector<TilePlan> out;
    for (const auto& n : g.nodes)
        if (n.op == FusedOp::Layer) out.push_back(plan_layer(n.shape, p, MicroKernel{16, 4, 6}));
    return out;
}

TEST(FusionParam, DefaultOnZeroOffOtherValuesRejected) {
    EXPECT_TRUE(params_with("").cross_layer_fusion);
    EXPECT_FALSE(params_with("fusion=0").cross_layer_fusion);
    EXPECT_TRUE(params_with("fusion=1").cross_layer_fusion);
    EXPECT_THROW(params_with("fusion=yes"), std::invalid_argument);
    EXPECT_TRUE(params_with("fusion=keep").forced_halo == PluginParams::ForcedHalo::Keep);
    EXPECT_TRUE(params_with("fusion=recompute").cross_layer_fusion);
}

// fusion=recompute fuses with recomputed halos even where the model would
// keep them (and whatever the predicted gain).
TEST(PlanFusedBands, ForcedRecomputeIsObeyed) {
    const PluginParams p = params_with("fusion=recompute");
    const FusedGroup g = make_chain({conv3x3(64, 56), conv3x3(64, 56)});
    const FusedBandPlan plan = plan_fused_bands(g, layered(g, p), 0, 4, p);
    EXPECT_TRUE(plan.fuse) << plan.describe();
    EXPECT_FALSE(plan.keep_halo);
    EXPECT_GT(plan.fused_macs, plan.layered_macs); // halo rows computed twice
}

// ResNet-18's layer1 block body: two 3x3 64->64 convs on 56x56. With a
// 2 MiB L2 the intermediate (784 KiB) does not fit half of it, bands do,
// and keeping their halos costs no extra MACs.
TEST(PlanFusedBands, ConvChainFusesWithSlidingBandsAndLessTraffic) {
    const PluginParams p = params_with("");
    const FusedGroup g = make_chain({conv3x3(64, 56), conv3x3(64, 56)});
    const FusedBandPlan plan = plan_fused_bands(g, layered(g, p), 0, 4, p);
    EXPECT_TRUE(plan.fuse) << plan.describe();
    EXPECT_TRUE(plan.keep_halo) << plan.describe();
    EXPECT_EQ(plan.band_rows % 4, 0);
    EXPECT_LT(plan.band_rows, 56);
    EXPECT_EQ(plan.fused_macs, plan.layered_macs);
    EXPECT_LT(plan.fused_bytes, plan.layered_bytes);
    EXPECT_LE(plan.report.footprint_bytes, (2 << 20) / 2);
    EXPECT_EQ(plan.level, "L2");
    EXPECT_NE(plan.describe().find("halo kept"), std::string::npos);
}

// The applied figure is the model's own evaluation of the applied bands.
TEST(PlanFusedBands, ReportIsTheModelOfTheChosenMapping) {
    const PluginParams p = params_with("");
    const FusedGroup g = make_chain({conv3x3(32, 28), conv3x3(32, 28)});
    const FusedBandPlan plan = plan_fused_bands(g, layered(g, p), 0, 4, p);
    ASSERT_GT(plan.band_rows, 0);
    EXPECT_EQ(plan.mapping.tile_h, plan.band_rows);
    EXPECT_EQ(plan.mapping.tile_w, 28); // full-width bands
    const FusedReport again = evaluate_fused(g, plan.mapping, (2 << 20) / 2, 64);
    EXPECT_EQ(again.traffic_bytes(), plan.fused_bytes);
    EXPECT_EQ(again.macs, plan.fused_macs);
}

// VGG-16's conv1_2 pair at 224 columns with a 256 KiB L2: no full-width
// band of 64 channels fits, 2-D tiles of whole x vectors do; the applied
// figure is the model's evaluation of those tiles.
TEST(PlanFusedBands, TwoDimensionalTilesWhereNoFullWidthBandFits) {
    const PluginParams p = params_with("l2=256KiB,llc=256KiB");
    const FusedGroup g = make_chain({conv3x3(64, 224), conv3x3(64, 224)});
    const FusedBandPlan bands_only = plan_fused_bands(g, layered(g, p), 0, 4, p, {}, 0);
    EXPECT_EQ(bands_only.band_rows, 0) << bands_only.describe();
    EXPECT_NE(bands_only.why.find("no band"), std::string::npos) << bands_only.describe();

    const FusedBandPlan tiles = plan_fused_bands(g, layered(g, p), 0, 4, p, {}, 16);
    ASSERT_GT(tiles.band_rows, 0) << tiles.describe();
    EXPECT_FALSE(tiles.full_width);
    EXPECT_FALSE(tiles.keep_halo); // 2-D tiles recompute their halos
    EXPECT_EQ(tiles.band_cols % 16, 0);
    EXPECT_LT(tiles.band_cols, 224);
    EXPECT_EQ(tiles.band_rows % 4, 0);
    EXPECT_EQ(tiles.mapping.tile_w, tiles.band_cols);
    EXPECT_EQ(tiles.mapping.tile_h, tiles.band_rows);
    EXPECT_NE(tiles.describe().find(" columns, halo recomputed"), std::string::npos);
    const FusedReport again = evaluate_fused(g, tiles.mapping, (256 << 10) / 2, 64);
    EXPECT_TRUE(again.status) << again.status.reason;
    EXPECT_EQ(again.traffic_bytes(), tiles.fused_bytes);
    EXPECT_GT(tiles.fused_macs, tiles.layered_macs); // halos in both directions
}

// The exit's register blocks write one channel block at a time inside a
// band (the band's outermost loop), so only that block of the exit's box
// is held: a 1x1 conv widening to 512 channels, whose band of every
// channel (4 rows x 56 x 512 floats, 448 KiB) exceeds half a 256 KiB L2,
// fuses in bands whose exit holds its 6-channel block.
TEST(PlanFusedBands, ExitHoldsOneChannelBlockOfItsBand) {
    const PluginParams p = params_with("l2=256KiB,llc=256KiB,fusion_objective=traffic");
    LayerShape widen;
    widen.in_channels = 32;
    widen.out_channels = 512;
    widen.in_height = widen.in_width = 56;
    const FusedGroup g = make_chain({conv3x3(32, 56), widen});
    const FusedBandPlan plan = plan_fused_bands(g, layered(g, p), 0, 4, p);
    ASSERT_GT(plan.band_rows, 0) << plan.describe();
    EXPECT_EQ(plan.mapping.exit_channel_tile, 6) << plan.describe();
    FusedMapping every_channel = plan.mapping;
    every_channel.exit_channel_tile = 0;
    EXPECT_FALSE(evaluate_fused(g, every_channel, (256 << 10) / 2, 64).status);
    EXPECT_EQ(evaluate_fused(g, every_channel, 1 << 30, 64).traffic_bytes(), plan.fused_bytes);
}

// A residual block's exit is its add: its register blocks compute the last
// conv's channel block and add it to the block input's, so the model's
// adds in place (one 6-channel block at a time) describe recomputed bands;
// sliding bands keep their exit box whole (the model's adds in place need
// recomputed halos).
TEST(PlanFusedBands, ResidualExitAddsOneChannelBlockAtATime) {
    const PluginParams p = params_with("l2=512KiB,llc=512KiB,fusion_objective=traffic,fusion=recompute");
    FusedGroup g = make_chain({conv3x3(64, 56), conv3x3(64, 56)});
    FusedNode add;
    add.name = "add";
    add.op = FusedOp::Add;
    add.inputs = {1, -1};
    g.nodes.push_back(add);
    const FusedBandPlan plan = plan_fused_bands(g, layered(g, p), 0, 4, p);
    ASSERT_GT(plan.band_rows, 0) << plan.describe();
    EXPECT_FALSE(plan.keep_halo);
    EXPECT_EQ(plan.mapping.residual_channels, 6) << plan.describe();
    EXPECT_EQ(plan.mapping.exit_channel_tile, 0);
}

// A ResNet-50 bottleneck (1x1 256 -> 64, 3x3, 1x1 64 -> 256, add) at
// 56x56 and 1 MiB, as the plugin sees layer1_1: without the copy of its
// input box it takes bands that stream every weight; with one copy per
// band (the first conv's pad) charged beside the footprint, no such band
// of that size fits, so the plan changes or the group is refused, and any
// streamed multi-band plan it keeps leaves room for the copy. Sliding
// bands are not charged.
TEST(PlanFusedBands, StreamedBandsFitOnlyBesideTheirCopyOfTheInput) {
    const PluginParams p = params_with("l2=1m,llc=1m,fusion_objective=traffic");
    auto conv1x1 = [](int64_t in, int64_t out, int64_t size) {
        LayerShape s;
        s.in_channels = in, s.out_channels = out;
        s.in_height = s.in_width = size;
        return s;
    };
    FusedGroup g = make_chain({conv1x1(256, 64, 56), conv3x3(64, 56), conv1x1(64, 256, 56)});
    FusedNode add;
    add.name = "add";
    add.op = FusedOp::Add;
    add.inputs = {2, -1};
    g.nodes.push_back(add);
    const int64_t shortcut = g.input.elements() * g.element_bytes;
    const FusedBandPlan free_copy = plan_fused_bands(g, layered(g, p), shortcut, 2, p);
    ASSERT_TRUE(free_copy.fuse) << free_copy.describe();
    ASSERT_EQ(free_copy.mapping.weights, WeightPolicy::Streamed) << free_copy.describe();
    ASSERT_FALSE(free_copy.keep_halo) << free_copy.describe();
    ASSERT_LT(free_copy.band_rows, 56) << free_copy.describe();
    const FusedBandPlan charged =
        plan_fused_bands(g, layered(g, p), shortcut, 2, p, {}, 0, {}, BandCopies{1, {}});
    EXPECT_TRUE(!charged.fuse || charged.band_rows != free_copy.band_rows ||
                charged.mapping.weights != free_copy.mapping.weights)
        << charged.describe();
    if (charged.band_rows > 0 && charged.band_rows < 56 && !charged.keep_halo &&
        charged.mapping.weights == WeightPolicy::Streamed) {
        const int64_t box = (charged.band_rows + 2) * 56 * 256 * 4;
        EXPECT_LE(charged.report.footprint_bytes + box, (1 << 20) / 2) << charged.describe();
    }

    const FusedGroup chain = make_chain({conv3x3(64, 56), conv3x3(64, 56)});
    const PluginParams d = params_with("");
    const FusedBandPlan sliding = plan_fused_bands(chain, layered(chain, d), 0, 4, d);
    const FusedBandPlan sliding_charged =
        plan_fused_bands(chain, layered(chain, d), 0, 4, d, {}, 0, {}, BandCopies{1, {}});
    ASSERT_TRUE(sliding.keep_halo) << sliding.describe();
    EXPECT_EQ(sliding_charged.band_rows, sliding.band_rows);
    EXPECT_EQ(sliding_charged.fused_bytes, sliding.fused_bytes);
}

// Sliding bands whose second conv reads the first's output through a pad
// of its own hold two line buffers of it (the conv's epilogue and the
// pad): the copy is charged against half the slack the fill fraction
// leaves (0.75 of the L2), so bands never grow, the chosen ones fit with
// their copy, and at some L2 sizes they are shorter than uncharged.
TEST(PlanFusedBands, SlidingBandsFitBesideTheirPadCopies) {
    // A wide intermediate between narrow ends, as conv1 -> pool1 in a stem:
    // its copy is two thirds of what the model holds.
    LayerShape widen = conv3x3(16, 56), narrow = conv3x3(64, 56);
    widen.out_channels = 64;
    narrow.out_channels = 16;
    const FusedGroup chain = make_chain({widen, narrow});
    int shorter = 0, sliding = 0;
    for (int64_t l2_kib : {256, 384, 512, 768, 1024, 1536, 2048}) {
        const PluginParams p = params_with("l2=" + std::to_string(l2_kib) + "k,llc=4m");
        SCOPED_TRACE(std::to_string(l2_kib) + " KiB");
        const FusedBandPlan free_copy = plan_fused_bands(chain, layered(chain, p), 0, 4, p);
        for (const std::vector<int>& copied : {std::vector<int>{0, 1, 0}, std::vector<int>{1, 0, 0}}) {
            const FusedBandPlan charged =
                plan_fused_bands(chain, layered(chain, p), 0, 4, p, {}, 0, {}, BandCopies{0, copied});
            if (!charged.keep_halo || charged.band_rows == 0) continue;
            sliding++;
            if (free_copy.keep_halo) {
                EXPECT_LE(charged.band_rows, free_copy.band_rows) << charged.describe();
                if (charged.band_rows < free_copy.band_rows) shorter++;
            }
            // conv2's window of conv1, or the input window conv1 reads.
            const int64_t copy = copied[1] ? (charged.band_rows + 2) * 56 * 64 * 4
                                           : (charged.band_rows + 4) * 56 * 16 * 4;
            EXPECT_LE(charged.report.footprint_bytes, l2_kib * 1024 / 2) << charged.describe();
            EXPECT_LE(charged.report.footprint_bytes + copy, l2_kib * 1024 * 3 / 4)
                << charged.describe();
        }
    }
    EXPECT_GT(sliding, 0);
    EXPECT_GT(shorter, 0);
}

TEST(PlanFusedBands, NothingFitsATinyBufferSoNotFused) {
    const PluginParams p = params_with("l1=1KiB,l2=2KiB");
    const FusedGroup g = make_chain({conv3x3(64, 56), conv3x3(64, 56)});
    const FusedBandPlan plan = plan_fused_bands(g, layered(g, p), 0, 4, p);
    EXPECT_FALSE(plan.fuse);
    EXPECT_NE(plan.why.find("no band"), std::string::npos) << plan.why;
}

TEST(PlanFusedBands, InvalidGroupIsNotFusedWithItsReason) {
    const PluginParams p = params_with("");
    FusedGroup g = make_chain({conv3x3(8, 16), conv3x3(8, 16)});
    g.nodes[1].shape.in_channels = 5; // does not match the first conv's output
    g.nodes[1].shape.out_channels = 5;
    const FusedBandPlan plan = plan_fused_bands(g, layered(g, p), 0, 4, p);
    EXPECT_FALSE(plan.fuse);
    EXPECT_NE(plan.why.find("in_channels=5"), std::string::npos) << plan.why;
}

// A fused group is never chosen for moving more bytes than the layers
// alone, whatever its predicted time (unless forced).
TEST(PlanFusedBands, FusedNeverMovesMoreBytesUnlessForced) {
    for (const char* env : {"", "l2=256KiB", "l2=1MiB"}) {
        const PluginParams p = params_with(env);
        for (int64_t c : {16, 64, 128}) {
            const FusedGroup g = make_chain({conv3x3(c, 28), conv3x3(c, 28)});
            const FusedBandPlan plan = plan_fused_bands(g, layered(g, p), 0, 4, p);
            if (plan.fuse) EXPECT_LE(plan.fused_bytes, plan.layered_bytes) << env << " " << plan.describe();
        }
    }
}

// A chain of layers 0..5 (positions): the DP takes the best set of
// non-overlapping groups, not the single best group.
TEST(ChooseDisjointGroups, ChainPicksTheBestNonOverlappingSet) {
    const std::vector<GroupInterval> c = {
        {0, 1, 3.0}, // layers 0-1
        {0, 3, 5.0}, // layers 0-3: best alone, but overlaps both others
        {2, 3, 3.0}, // layers 2-3
        {4, 5, 1.0}, // layers 4-5
        {3, 5, 2.5}, // overlaps {2,3} and {4,5}
    };
    EXPECT_EQ(choose_disjoint_groups(c), (std::vector<size_t>{0, 2, 3})); // 3 + 3 + 1
}

TEST(ChooseDisjointGroups, SharedEndpointsOverlapAndNoGainIsNeverChosen) {
    // {0,2} and {2,4} share position 2: only one of them.
    EXPECT_EQ(choose_disjoint_groups({{0, 2, 1.0}, {2, 4, 1.5}}), (std::vector<size_t>{1}));
    EXPECT_TRUE(choose_disjoint_groups({{0, 1, 0.0}, {2, 3, -1.0}}).empty());
    EXPECT_TRUE(choose_disjoint_groups({}).empty());
    // Nested: the outer one only when it is worth more than the inner.
    EXPECT_EQ(choose_disjoint_groups({{1, 2, 2.0}, {0, 3, 1.0}}), (std::vector<size_t>{0}));
    EXPECT_EQ(choose_disjoint_groups({{1, 2, 1.0}, {0, 3, 2.0}}), (std::vector<size_t>{1}));
}


// Lane utilisation: whole blocks of columns, rows and channels.
TEST(LaneUtilisation, WholeBlocksOfColumnsRowsAndChannels) {
    EXPECT_DOUBLE_EQ(lane_utilisation(MicroKernel{16, 4, 6}, conv3x3(64, 28)),
                     (28.0 / 32) * (28.0 / 28) * (64.0 / 66));
    MicroKernel channels{16, 1, 32, true, 7}; // 2 channel vectors x 7 columns
    EXPECT_DOUBLE_EQ(lane_utilisation(channels, conv3x3(64, 28)), 1.0);
    EXPECT_DOUBLE_EQ(lane_utilisation(MicroKernel{16, 4, 8}, conv3x3(64, 32)), 1.0);
    EXPECT_DOUBLE_EQ(lane_utilisation(MicroKernel{16, 4, 6}, conv3x3(5, 3)),
                     (3.0 / 16) * (3.0 / 4) * (5.0 / 6));
}

// ResNet-18 @112's layer1 block (28 columns): alone, the second conv runs
// the channel-vectorized block (every lane used); fused, the band's 16-lane
// block uses 28 of 32 columns. Measured: the fused blocks ran 1.09x slower
// (whole network 1.32x, with the group input's pad inlined). The charge
// turns the same-time, less-traffic fusion into "not fused".
TEST(PlanFusedBands, NarrowExitRefusedWhenAloneItUsesEveryLane) {
    const PluginParams p = params_with("");
    const FusedGroup g = make_chain({conv3x3(64, 28), conv3x3(64, 28)});
    const FusedBandPlan same = plan_fused_bands(g, layered(g, p), 0, 4, p);
    ASSERT_GT(same.band_rows, 0) << same.describe();
    std::vector<TilePlan> alone = layered(g, p);
    alone[1].kernel = MicroKernel{16, 1, 32, true, 7};
    const std::vector<MicroKernel> in_group{MicroKernel{16, 4, 6}, MicroKernel{16, 4, 6}};
    const FusedBandPlan charged = plan_fused_bands(g, alone, 0, 4, p, in_group);
    EXPECT_FALSE(charged.fuse) << charged.describe();
    EXPECT_LT(charged.layered_seconds, same.layered_seconds); // the faster block alone
    EXPECT_GT(charged.fused_seconds, charged.layered_seconds);
}

// fusion_objective=traffic: the same slower group is fused for the bytes it
// saves, and its bands are the least-traffic ones of those it searched.
TEST(PlanFusedBands, TrafficObjectiveFusesASlowerGroupThatSavesBytes) {
    const PluginParams p = params_with("fusion_objective=traffic");
    ASSERT_TRUE(p.fusion_objective == Objective::Traffic);
    const FusedGroup g = make_chain({conv3x3(64, 28), conv3x3(64, 28)});
    std::vector<TilePlan> alone = layered(g, p);
    alone[1].kernel = MicroKernel{16, 1, 32, true, 7};
    const std::vector<MicroKernel> in_group{MicroKernel{16, 4, 6}, MicroKernel{16, 4, 6}};
    const FusedBandPlan by_traffic = plan_fused_bands(g, alone, 0, 4, p, in_group);
    EXPECT_TRUE(by_traffic.fuse) << by_traffic.describe();
    EXPECT_LT(by_traffic.fused_bytes, by_traffic.layered_bytes);
    const PluginParams pt = params_with("fusion_objective=time");
    const FusedBandPlan by_time = plan_fused_bands(g, alone, 0, 4, pt, in_group);
    EXPECT_FALSE(by_time.fuse) << by_time.describe();
    EXPECT_LE(by_traffic.fused_bytes, by_time.fused_bytes);
    EXPECT_THROW(params_with("fusion_objective=energy"), std::invalid_argument);
}

TEST(TimeGainAccepts, SameTimeNeedsFewerBytesAndTheMinimumGainIsObeyed) {
    const PluginParams by_default = params_with("");
    EXPECT_TRUE(time_gain_accepts(0.90, 1.0, false, by_default));   // 10% faster
    EXPECT_TRUE(time_gain_accepts(1.0005, 1.0, true, by_default));  // same time, fewer bytes
    EXPECT_FALSE(time_gain_accepts(1.0005, 1.0, false, by_default)); // same time, no fewer
    EXPECT_FALSE(time_gain_accepts(1.01, 1.0, true, by_default));   // slower
    const PluginParams strict = params_with("fusion_min_time_gain=0.03");
    EXPECT_FALSE(time_gain_accepts(1.0, 1.0, true, strict));
    EXPECT_FALSE(time_gain_accepts(0.98, 1.0, true, strict));
    EXPECT_TRUE(time_gain_accepts(0.96, 1.0, false, strict));
    // A negative minimum lets a slower group that saves bytes through.
    const PluginParams lax = params_with("fusion_min_time_gain=-0.05");
    EXPECT_TRUE(time_gain_accepts(1.04, 1.0, true, lax));
    EXPECT_FALSE(time_gain_accepts(1.04, 1.0, false, lax));
    EXPECT_FALSE(time_gain_accepts(1.06, 1.0, true, lax));
}

} // namespace
} // namespace memsched::autoschedule
