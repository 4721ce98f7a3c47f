// Derived figures: totals weight each shape by its network layer count, and
// the geomean speedup takes the fastest bundled autoscheduler per layer.
#include "report/bench_summary.h"

#include <gtest/gtest.h>

#include <cmath>

namespace memsched::report {
namespace {

BenchRow row(const std::string& layer, const std::string& variant, double t, int count = 1) {
    BenchRow r;
    r.set = "s";
    r.layer = layer;
    r.variant = variant;
    r.real_time_s = t;
    r.macs = 1e9;
    r.layer_count = count;
    return r;
}

TEST(BenchSummary, GeomeanAgainstBestAutoschedulerAndOpenCv) {
    BenchResults b;
    b.rows = {row("a", "adams2019", 4),     row("a", "li2018", 2),   row("a", "memsched", 1),
              row("b", "mullapudi2016", 8), row("b", "memsched", 1), row("a", "opencv", 3),
              row("c", "manual", 1)};
    const std::vector<SpeedupSummary> s = memsched_speedups(b);
    ASSERT_EQ(s.size(), 2u);
    EXPECT_EQ(s[0].baseline, "best autoscheduler");
    ASSERT_EQ(s[0].layers.size(), 2u);
    EXPECT_EQ(s[0].layers[0].baseline_variant, "li2018");
    EXPECT_NEAR(s[0].geomean, 4.0, 1e-12); // sqrt(2 x 8)
    EXPECT_EQ(s[1].baseline, "opencv");
    EXPECT_NEAR(s[1].geomean, 3.0, 1e-12);
}

TEST(BenchSummary, NoMemschedNoSpeedup) {
    BenchResults b;
    b.rows = {row("a", "adams2019", 4), row("a", "manual", 1)};
    EXPECT_TRUE(memsched_speedups(b).empty());
}

TEST(BenchSummary, TotalsWeightByLayerCount) {
    BenchResults b;
    b.rows = {row("a", "memsched", 1.0, 3), row("b", "memsched", 2.0, 1), row("a", "naive", 9.0)};
    const std::vector<SchedulerTotal> t = scheduler_totals(b);
    ASSERT_EQ(t.size(), 2u);
    EXPECT_EQ(t[0].variant, "naive"); // fixed display order
    const SchedulerTotal& m = t[1];
    EXPECT_EQ(m.layers, 2);
    EXPECT_EQ(m.network_layers, 4);
    EXPECT_DOUBLE_EQ(m.total_time_s, 5.0);
    ASSERT_TRUE(m.gflops);
    EXPECT_DOUBLE_EQ(*m.gflops, 4 * 2.0 * 1e9 / 5.0 * 1e-9);
}

} // namespace
} // namespace memsched::report
