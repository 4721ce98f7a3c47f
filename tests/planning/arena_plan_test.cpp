// Network arena plans: valid by construction (check_plan) and by element
// replay of every layer in its planned sweep (plan_replay), between the lower
// bound and the lifetime-only planner, the targets against ping-pong
// and the lower bound on the full-size tables, and tampered plans (one
// element more overlap, a layer run in the other direction) are rejected.
#include "model/memory_plan/arena_plan.h"
#include "model/memory_plan/network_shapes.h"
#include "model/memory_plan/plan_replay.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace memsched {
namespace {

double reduction(const NetworkPlan& p) { return double(p.pingpong_bytes - p.arena_bytes) / double(p.pingpong_bytes); }

TEST(ArenaPlan, SmallNetworksAreValidAndBounded) {
    struct Size { const char* name; int64_t h, w; };
    for (const Size& s : {Size{"dncnn", 48, 64}, Size{"tinyyolov2", 64, 64}, Size{"resnet18", 64, 64},
                          Size{"vdsr", 24, 32}}) {
        const Network net = resize_network(load_builtin_network(s.name), s.h, s.w);
        for (ParallelModel m : {ParallelModel::Sequential, ParallelModel::Unordered}) {
            PlanOptions o;
            o.model = m;
            const NetworkPlan p = plan_network(net, o);
            EXPECT_EQ(check_plan(net, p), "") << s.name;
            const PlanReplayResult r = replay_plan(net, p);
            EXPECT_TRUE(r.ok()) << s.name << " " << to_string(m) << ": " << r.first;
            EXPECT_GE(p.arena_bytes, p.lower_bound_bytes) << s.name;
            EXPECT_LE(p.arena_bytes, p.lifetime_bytes) << s.name;
            EXPECT_LE(p.lifetime_bytes, p.sum_bytes) << s.name;
        }
    }
}

// conv3 (tensor 3, layer 2) overlaps conv2 at its largest safe offset, one
// row below (top-down) or above (bottom-up); one element more is unsafe.
TEST(ArenaPlan, TamperedPlanIsRejected) {
    const Network net = resize_network(load_builtin_network("dncnn"), 16, 16);
    NetworkPlan p = plan_network(net, {});
    ASSERT_EQ(check_plan(net, p), "");
    ASSERT_TRUE(replay_plan(net, p).ok());
    const int conv3 = 3, conv2 = 2;
    const int64_t o = p.tensors[conv3].offset_elements - p.tensors[conv2].offset_elements;
    ASSERT_EQ(std::llabs(o), 16);
    NetworkPlan closer = p;
    closer.tensors[conv3].offset_elements -= o > 0 ? 1 : -1;
    EXPECT_NE(check_plan(net, closer), "");
    EXPECT_FALSE(replay_plan(net, closer).ok());
    NetworkPlan flipped = p;
    RowSweep& s = flipped.layers[2].sweep;
    s = s == RowSweep::Reverse ? RowSweep::Forward : RowSweep::Reverse;
    EXPECT_NE(check_plan(net, flipped), "");
    EXPECT_FALSE(replay_plan(net, flipped).ok());
    // Only convs have a bottom-up schedule.
    NetworkPlan add_reversed = p;
    add_reversed.layers.back().sweep = RowSweep::Reverse;
    EXPECT_NE(check_plan(net, add_reversed), "");
}

// Chains zig-zag: consecutive convs alternate their sweep.
TEST(ArenaPlan, ChainAlternatesSweeps) {
    const Network net = resize_network(load_builtin_network("dncnn"), 24, 20);
    const NetworkPlan p = plan_network(net, {});
    int reverse = 0;
    for (size_t i = 2; i + 2 < p.layers.size(); ++i) {
        EXPECT_NE(p.layers[i].sweep, p.layers[i - 1].sweep) << p.layers[i].name;
        reverse += p.layers[i].sweep == RowSweep::Reverse;
    }
    EXPECT_GT(reverse, 5);
    PlanOptions forward;
    forward.reverse_sweeps = false;
    const NetworkPlan f = plan_network(net, forward);
    for (const LayerMemory& m : f.layers) EXPECT_EQ(m.sweep, RowSweep::Forward);
    EXPECT_TRUE(replay_plan(net, f).ok());
    EXPECT_GT(f.arena_bytes, p.arena_bytes);
}

TEST(ArenaPlan, FullSizeTargets) {
    const NetworkPlan dn = plan_network(load_builtin_network("dncnn"), {});
    EXPECT_GE(reduction(dn), 0.488);
    // Alternating sweeps keep the chain from drifting: the arena is the
    // largest layer's input + output - overlap.
    EXPECT_EQ(dn.arena_bytes, dn.lower_bound_bytes);
    const NetworkPlan vd = plan_network(load_builtin_network("vdsr"), {});
    EXPECT_EQ(vd.arena_bytes, vd.lower_bound_bytes);
    const NetworkPlan ty = plan_network(load_builtin_network("tinyyolov2"), {});
    EXPECT_GE(reduction(ty), 0.329);
    EXPECT_EQ(ty.arena_bytes, ty.lower_bound_bytes);
}

TEST(ArenaPlan, ResizeRejectsBadSizes) {
    const Network net = load_builtin_network("tinyyolov2");
    EXPECT_THROW(resize_network(net, 0, 64), std::invalid_argument);
    EXPECT_THROW(plan_network(net, PlanOptions{ParallelModel::Sequential, {-1}, 4, true}), std::invalid_argument);
}

} // namespace
} // namespace memsched
