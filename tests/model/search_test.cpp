// Search: the best schedule fits, its traffic equals a fresh evaluation and
// oracle (a); constraints hold; the Pareto front is monotone; and the lower
// bound is never beaten by the exhaustive optimum on small layers.
#include "model/buffer_oracle.h"
#include "model/lower_bound.h"
#include "model/layer_spec.h"
#include "model/search.h"
#include "tests/model/random_cases.h"

#include <gtest/gtest.h>

namespace memsched {
namespace {

TEST(Search, BestFitsAndEqualsEvaluationAndOracle) {
    std::mt19937 rng(4242);
    for (int i = 0; i < 40; ++i) {
        const LayerShape shape = testing::random_shape(rng);
        const Problem p = Problem::from_shape(shape);
        const int64_t cap = std::max<int64_t>(64, shape.compulsory_bytes() / testing::pick(rng, 2, 6));
        const MemoryHierarchy h = MemoryHierarchy::scratchpad(cap, 16);
        const SearchResult r = search(p, h, SearchOptions{});
        if (!r.status.ok) continue; // capacity below the smallest tiles
        const RankedSchedule& best = r.ranked.front();
        const TrafficReport again = evaluate(p, h, best.schedule);
        ASSERT_TRUE(again.status.ok) << again.status.reason;
        EXPECT_LE(again.levels[0].footprint_bytes(), cap);
        EXPECT_EQ(again.outer_traffic_bytes(), best.traffic_bytes);
        EXPECT_EQ(simulate_buffers(p, h, best.schedule).outer_traffic_bytes(), best.traffic_bytes);
        // Never worse than the schedules it must have seen.
        for (const Schedule& s : {naive_schedule(p, h), whole_problem_schedule(p, h)}) {
            const TrafficReport o = evaluate(p, h, s);
            if (o.status.ok) EXPECT_LE(best.traffic_bytes, o.outer_traffic_bytes());
        }
        for (size_t k = 1; k < r.pareto.size(); ++k) {
            EXPECT_GT(r.pareto[k].buffer_bytes, r.pareto[k - 1].buffer_bytes);
            EXPECT_LT(r.pareto[k].traffic_bytes, r.pareto[k - 1].traffic_bytes);
        }
        ASSERT_FALSE(r.pareto.empty());
        EXPECT_EQ(r.pareto.back().traffic_bytes, best.traffic_bytes);
    }
}

TEST(Search, RespectsTileMultipleAndHaloConstraints) {
    LayerShape l;
    l.in_channels = 8; l.out_channels = 8; l.in_height = 12; l.in_width = 20;
    l.kernel_h = l.kernel_w = 3; l.pad = 1;
    const Problem p = Problem::from_shape(l);
    SearchOptions o;
    o.constraints.tile_multiple[int(Loop::X)] = 8;
    o.constraints.halo = HaloPolicy::Refetch;
    const SearchResult r = search(p, MemoryHierarchy::scratchpad(4096), o);
    ASSERT_TRUE(r.status.ok) << r.status.reason;
    for (const RankedSchedule& s : r.ranked) {
        const int64_t x = s.schedule.levels[0].tile[int(Loop::X)];
        EXPECT_TRUE(x % 8 == 0 || x == 20) << x;
        EXPECT_EQ(s.schedule.levels[0].halo, HaloPolicy::Refetch);
    }
}

TEST(Search, NoScheduleFitsIsAnError) {
    LayerShape l;
    l.in_channels = 8; l.out_channels = 8; l.in_height = 8; l.in_width = 8;
    const SearchResult r = search(Problem::from_shape(l), MemoryHierarchy::scratchpad(8), {});
    EXPECT_FALSE(r.status.ok);
    EXPECT_NE(r.status.reason.find("capacity_bytes=8"), std::string::npos);
}

TEST(Search, MultiLevelScheduleFitsEveryLevel) {
    LayerShape l;
    l.in_channels = 16; l.out_channels = 16; l.in_height = 14; l.in_width = 14;
    l.kernel_h = l.kernel_w = 3; l.pad = 1;
    const Problem p = Problem::from_shape(l);
    MemoryHierarchy h;
    h.levels = {{"L1", 2048, 64, 200e9, 8}, {"L2", 16384, 64, 100e9, 8}, {"dram", 0, 64, 10e9, 0}};
    SearchOptions o;
    o.objective = Objective::Time;
    const SearchResult r = search(p, h, o);
    ASSERT_TRUE(r.status.ok) << r.status.reason;
    const TrafficReport rep = evaluate(p, h, r.ranked.front().schedule);
    EXPECT_TRUE(rep.status.ok) << rep.status.reason;
    EXPECT_EQ(simulate_buffers(p, h, r.ranked.front().schedule).levels[0].traffic_bytes(),
              rep.levels[0].traffic_bytes());
    EXPECT_GT(r.ranked.front().time_s, 0.0);
}

// The bound must hold for every schedule: compare with the exhaustive
// optimum (no thinning) on small layers at capacities where the
// capacity-dependent term is active, and with every random schedule.
TEST(LowerBound, NeverBeatenByExhaustiveOptimum) {
    std::mt19937 rng(99);
    int capacity_term_active = 0, checked = 0;
    for (int i = 0; i < 30; ++i) {
        LayerShape l;
        l.in_channels = testing::pick(rng, 3, 10);
        l.out_channels = testing::pick(rng, 3, 10);
        l.in_height = testing::pick(rng, 4, 9);
        l.in_width = testing::pick(rng, 4, 9);
        l.kernel_h = l.kernel_w = testing::pick(rng, 1, 3);
        l.pad = testing::pick(rng, 0, 1);
        l.stride = testing::pick(rng, 1, 2);
        if (l.validate()) continue;
        const Problem p = Problem::from_shape(l);
        for (int64_t cap : {32, 64, 128, 256}) {
            const MemoryHierarchy h = MemoryHierarchy::scratchpad(cap, 4);
            SearchOptions o;
            o.max_evaluations = INT64_MAX; // exhaustive
            o.pareto = false;
            const SearchResult r = search(p, h, o);
            if (!r.status.ok) continue;
            ASSERT_TRUE(r.exhaustive);
            const TrafficLowerBound lb = traffic_lower_bound(p, cap);
            EXPECT_GE(r.ranked.front().traffic_bytes, lb.bytes()) << format_layer_spec(l) << " cap " << cap;
            capacity_term_active += lb.capacity_bytes_bound > lb.needed_bytes;
            ++checked;
        }
    }
    EXPECT_GT(checked, 40);
    EXPECT_GT(capacity_term_active, 5); // the test exercises the capacity term
}

} // namespace
} // namespace memsched
