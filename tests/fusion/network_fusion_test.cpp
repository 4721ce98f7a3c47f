// Network partition: super-nodes cut where one tensor is live, the groups
// cover every layer once in order, layer by layer equals the per-layer
// search totals of `explore --network`, and the DP never loses to it; the
// layer-level groups, add epilogues, pool epilogues and groups across
// residual blocks with their adds in place.
#include "model/fusion/fused_oracle.h"
#include "model/fusion/network_fusion.h"
#include "model/memory_plan/network_shapes.h"
#include "model/search.h"

#include <gtest/gtest.h>

namespace memsched {
namespace {

// The plan with default options and with `without` (some options off):
// both succeed and share the layer-by-layer baseline.
std::pair<NetworkFusionResult, NetworkFusionResult> plan_both(
    const Network& net, int64_t buffer, const NetworkFusionOptions& without) {
    std::pair<NetworkFusionResult, NetworkFusionResult> out{
        plan_network_fusion(net, buffer, without),
        plan_network_fusion(net, buffer, NetworkFusionOptions{})};
    EXPECT_TRUE(out.first.status.ok) << out.first.status.reason;
    EXPECT_TRUE(out.second.status.ok) << out.second.status.reason;
    EXPECT_EQ(out.second.layer_by_layer_bytes, out.first.layer_by_layer_bytes);
    return out;
}

TEST(NetworkFusion, Resnet18SuperNodesAreBlocks) {
    const Network net = load_builtin_network("resnet18");
    const std::vector<SuperNode> nodes = fusion_super_nodes(net);
    // conv1, pool1, 8 basic blocks, avgpool, fc.
    ASSERT_EQ(nodes.size(), 12u);
    EXPECT_EQ(net.layers[nodes[2].first].name, "layer1.0.conv1");
    EXPECT_EQ(net.layers[nodes[2].last].name, "layer1.0.add");
    EXPECT_EQ(net.layers[nodes[4].last].name, "layer2.0.add"); // with its downsample
    FusedGroup g;
    EXPECT_TRUE(build_fused_group(net, nodes[4].first, nodes[4].last, &g).ok);
    EXPECT_EQ(g.nodes.size(), 4u);
    // avgpool then fc: a 1x1 chain, fusable.
    EXPECT_TRUE(build_fused_group(net, nodes[10].first, nodes[11].last, &g).ok);
}

TEST(NetworkFusion, LayerByLayerEqualsPerLayerSearchAndFusedIsNoWorse) {
    // SqueezeNet at 64x64 keeps the per-layer searches short.
    const Network net = resize_network(load_builtin_network("squeezenet"), 64, 64);
    const int64_t buffer = 64 * 1024;
    int64_t expected = 0;
    for (const LayerSetEntry& e : distinct_layer_shapes(net)) {
        const Problem p = Problem::from_shape(e.shape);
        const SearchResult r = search(p, MemoryHierarchy::scratchpad(buffer, 64), SearchOptions{});
        ASSERT_TRUE(r.status.ok);
        expected += r.ranked.front().traffic_bytes * int64_t(e.layer_names.size());
    }
    const NetworkFusionResult r = plan_network_fusion(net, buffer, NetworkFusionOptions{});
    ASSERT_TRUE(r.status.ok) << r.status.reason;
    EXPECT_EQ(r.layer_by_layer_compute_bytes, expected);
    EXPECT_LE(r.fused_bytes, r.layer_by_layer_bytes);
    size_t next = 0;
    for (const GroupPlan& g : r.groups)
        for (const std::string& name : g.layers) {
            ASSERT_LT(next, net.layers.size());
            EXPECT_EQ(name, net.layers[next++].name);
        }
    EXPECT_EQ(next, net.layers.size());
    for (const GroupPlan& g : r.groups)
        if (g.fused) EXPECT_LE(g.footprint_bytes, buffer);
}

// The layer-level DP on ResNet-18 at 64x64: never worse than the former
// whole-super-node choices, every chosen group beats (or ties) its layers run
// alone, an add epilogue after a lone conv costs the conv plus one read of
// the identity, and no plan goes below weights-once + input + output.
TEST(NetworkFusion, LayerLevelGroupsAndAddEpilogues) {
    const Network net = resize_network(load_builtin_network("resnet18"), 64, 64);
    const int64_t buffer = 64 * 1024;
    NetworkFusionOptions whole_only;
    whole_only.add_epilogues = false;
    whole_only.partial_blocks = false;
    const auto [before, r] = plan_both(net, buffer, whole_only);
    ASSERT_TRUE(before.status.ok && r.status.ok);
    EXPECT_LE(r.fused_bytes, before.fused_bytes);
    EXPECT_GE(r.fused_bytes, r.weights_once_bound_bytes);
    int epilogues = 0, lone_conv_epilogues = 0;
    for (const GroupPlan& g : r.groups) {
        EXPECT_LE(g.traffic_bytes, g.layer_by_layer_bytes) << g.layers.front();
        if (!g.add_epilogue) continue;
        ++epilogues;
        const NetworkLayer* add = net.find_layer(g.layers.back());
        ASSERT_NE(add, nullptr);
        EXPECT_EQ(add->op, OpKind::Add);
        if (g.fused || g.layers.size() != 2) continue;
        // conv alone + the identity read once (dense, 64-byte lines).
        const NetworkLayer* conv = net.find_layer(g.layers.front());
        const SearchResult alone =
            search(Problem::from_shape(*conv->shape), MemoryHierarchy::scratchpad(buffer, 64),
                   SearchOptions{});
        const int64_t identity = (add->output.elements() * 4 + 63) / 64 * 64;
        EXPECT_EQ(g.epilogue_read_bytes, identity);
        EXPECT_EQ(g.traffic_bytes, alone.ranked.front().traffic_bytes + identity);
        ++lone_conv_epilogues;
    }
    EXPECT_GT(epilogues, 0);
    EXPECT_GT(lone_conv_epilogues, 0);
}

// Pool epilogue on SqueezeNet at 64x64: the run ending at conv10 feeds the
// global average pool; as the pool's epilogue the run is fused and searched
// at the budget less the pool's 1000 sums, and its exit store is replaced by
// the pool's 1000-float write. Never worse than without pool epilogues.
TEST(NetworkFusion, PoolEpilogue) {
    const Network net = resize_network(load_builtin_network("squeezenet"), 64, 64);
    const int64_t buffer = 64 * 1024;
    NetworkFusionOptions without;
    without.pool_epilogues = false;
    const auto [before, r] = plan_both(net, buffer, without);
    ASSERT_TRUE(before.status.ok && r.status.ok);
    EXPECT_LT(r.fused_bytes, before.fused_bytes);
    const GroupPlan& last = r.groups.back();
    ASSERT_TRUE(last.pool_epilogue);
    ASSERT_TRUE(last.fused && !last.add_epilogue) << "expected a fused run ending at conv10";
    EXPECT_EQ(last.layers.back(), "avgpool");
    EXPECT_EQ(last.layers[last.layers.size() - 2], "conv10");
    EXPECT_LE(last.footprint_bytes, buffer);
    int first = 0;
    while (net.layers[first].name != last.layers.front()) ++first;
    const int pool = first + static_cast<int>(last.layers.size()) - 1;
    FusedGroup g;
    ASSERT_TRUE(build_fused_group(net, first, pool - 1, &g).ok);
    const int64_t sums = net.layers[pool].output.elements() * 4;
    const FusedChoice run = search_fused_group(g, buffer - sums, FusedSearchOptions{});
    ASSERT_TRUE(run.status.ok);
    EXPECT_EQ(last.traffic_bytes, run.report.traffic_bytes() - run.report.output_write_bytes +
                                      (sums + 63) / 64 * 64);
    EXPECT_EQ(last.footprint_bytes, run.report.footprint_bytes + sums);
}

// Residual adds in place on ResNet-18 at 96x96: less traffic than without
// them, and some chosen group spans two or more basic blocks with their adds
// in place (block outputs kept on chip). That group's plan equals the fused
// oracle's walk of the same mapping exactly.
TEST(NetworkFusion, GroupsAcrossBlocksWithAddsInPlace) {
    // At 64x64 the weights dominate and nothing changes; at 96x96 and 64 KiB
    // the block outputs matter.
    const Network net = resize_network(load_builtin_network("resnet18"), 96, 96);
    const int64_t buffer = 64 * 1024;
    NetworkFusionOptions without;
    without.search.residual_in_place = false;
    const auto [before, r] = plan_both(net, buffer, without);
    ASSERT_TRUE(before.status.ok && r.status.ok);
    EXPECT_LT(r.fused_bytes, before.fused_bytes);
    int across = 0;
    for (const GroupPlan& plan : r.groups) {
        if (!plan.fused) continue;
        int first = 0;
        while (net.layers[first].name != plan.layers.front()) ++first;
        const int last = first + static_cast<int>(plan.layers.size()) - 1 -
                         (plan.add_epilogue ? 1 : 0) - (plan.pool_epilogue ? 1 : 0);
        FusedGroup g;
        ASSERT_TRUE(build_fused_group(net, first, last, &g).ok);
        const FusedMapping& m = plan.choice.mapping;
        if (residual_adds_in_place(g, m).size() < 2) continue;
        ++across;
        const FusedReport oracle = simulate_fused(g, m, buffer, 64);
        const FusedReport& model = plan.choice.report;
        EXPECT_TRUE(oracle.status.ok) << oracle.status.reason;
        EXPECT_EQ(model.traffic_bytes(), oracle.traffic_bytes()) << plan.layers.front();
        EXPECT_EQ(model.footprint_bytes, oracle.footprint_bytes) << plan.layers.front();
        EXPECT_EQ(model.macs, oracle.macs) << plan.layers.front();
        EXPECT_LE(model.footprint_bytes, buffer);
    }
    EXPECT_GT(across, 0);
}

} // namespace
} // namespace memsched
