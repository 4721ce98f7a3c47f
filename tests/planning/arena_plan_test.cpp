// Network arena plans: valid by construction (check_plan), between the lower
// bound and the lifetime-only planner, the targets against ping-pong
// on the full-size tables, and a tampered plan is rejected.
#include "model/memory_plan/arena_plan.h"
#include "model/memory_plan/network_shapes.h"

#include <gtest/gtest.h>

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
            EXPECT_GE(p.arena_bytes, p.lower_bound_bytes) << s.name;
            EXPECT_LE(p.arena_bytes, p.lifetime_bytes) << s.name;
            EXPECT_LE(p.lifetime_bytes, p.sum_bytes) << s.name;
        }
    }
}

TEST(ArenaPlan, TamperedPlanIsRejected) {
    const Network net = resize_network(load_builtin_network("dncnn"), 16, 16);
    NetworkPlan p = plan_network(net, {});
    ASSERT_EQ(check_plan(net, p), "");
    // conv3 overlaps conv2 at the largest safe offset: one element more overlap is unsafe.
    const int conv3 = 3, conv2 = 2;
    const int64_t o = p.tensors[conv3].offset_elements - p.tensors[conv2].offset_elements;
    ASSERT_LT(o, 0);
    p.tensors[conv3].offset_elements += 1;
    EXPECT_NE(check_plan(net, p), "");
}

TEST(ArenaPlan, FullSizeTargets) {
    const NetworkPlan dn = plan_network(load_builtin_network("dncnn"), {});
    EXPECT_GE(reduction(dn), 0.488);
    // The chain's outputs each sit one row below their input, so a linear
    // arena exceeds the per-layer bound by the accumulated rows (see README).
    EXPECT_LE(dn.arena_bytes - dn.lower_bound_bytes, 17 * 1280 * 4);
    const NetworkPlan ty = plan_network(load_builtin_network("tinyyolov2"), {});
    EXPECT_GE(reduction(ty), 0.329);
    EXPECT_EQ(ty.arena_bytes, ty.lower_bound_bytes);
}

TEST(ArenaPlan, ResizeRejectsBadSizes) {
    const Network net = load_builtin_network("tinyyolov2");
    EXPECT_THROW(resize_network(net, 0, 64), std::invalid_argument);
    EXPECT_THROW(plan_network(net, PlanOptions{ParallelModel::Sequential, {-1}, 4}), std::invalid_argument);
}

} // namespace
} // namespace memsched
