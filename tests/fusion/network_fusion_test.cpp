// Network partition: super-nodes cut where one tensor is live, the groups
// cover every layer once in order, layer by layer equals the per-layer
// search totals of `explore --network`, and the DP never loses to it.
#include "model/fusion/network_fusion.h"
#include "model/memory_plan/network_shapes.h"
#include "model/search.h"

#include <gtest/gtest.h>

namespace memsched {
namespace {

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

} // namespace
} // namespace memsched
