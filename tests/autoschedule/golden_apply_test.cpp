// Runs three AOT builds of the golden layer: unscheduled, the checked-in
// golden MemSched schedule applied by the generator, and the plugin run
// through add_halide_library(AUTOSCHEDULER memsched::MemSched); all must
// agree at, below and above the estimates (56x56x32).
#include "memsched_golden_applied.h"
#include "memsched_golden_naive.h"
#include "memsched_golden_plugin.h"

#include "HalideBuffer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace {

using Halide::Runtime::Buffer;

void fill(Buffer<float>& b, uint32_t seed) {
    b.for_each_value([&](float& v) {
        seed = seed * 1664525u + 1013904223u;
        v = float((seed >> 9) % 2001) / 1000.0f - 1.0f;
    });
}

TEST(GoldenSchedule, AppliedAndPluginMatchUnscheduled) {
    const std::vector<std::vector<int>> sizes = {{56, 56, 32}, {1, 1, 1}, {3, 5, 3}, {7, 9, 32}, {61, 40, 40}};
    for (const auto& s : sizes) {
        SCOPED_TRACE(::testing::PrintToString(s));
        Buffer<float> in(s[0], s[1], 16, 1), w(3, 3, 16, s[2]), b(s[2]);
        fill(in, 1), fill(w, 2), fill(b, 3);
        Buffer<float> want(s[0], s[1], s[2], 1), golden(s[0], s[1], s[2], 1), plugin(s[0], s[1], s[2], 1);
        ASSERT_EQ(memsched_golden_naive(in, w, b, want), 0);
        ASSERT_EQ(memsched_golden_applied(in, w, b, golden), 0);
        ASSERT_EQ(memsched_golden_plugin(in, w, b, plugin), 0);
        int bad = 0;
        want.for_each_element([&](int x, int y, int k, int n) {
            const float a = want(x, y, k, n), tol = 1e-4f * (1.0f + std::fabs(a));
            if (std::fabs(golden(x, y, k, n) - a) > tol || std::fabs(plugin(x, y, k, n) - a) > tol) bad++;
        });
        EXPECT_EQ(bad, 0);
    }
}

} // namespace
