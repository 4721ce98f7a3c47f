// Runs a scheduled 4-D pipeline at one output size and counts the elements
// that differ from a reference beyond float tolerance (relative 1e-4),
// reporting the first few as test failures. Shared by the randomized JIT
// tests of the plugin's schedules.
#pragma once

#include <Halide.h>
#include <gtest/gtest.h>

#include <cmath>

namespace memsched::testing {

// `expect(x, y, c, n)`: the reference value of output element (x, y, c, n).
template <typename Expect>
int realize_and_count_mismatches(Halide::Pipeline& p, const Halide::Target& target, int w, int h,
                                 int k, int n, Expect expect) {
    Halide::Buffer<float> got(w, h, k, n);
    p.realize(got, target);
    int bad = 0;
    got.for_each_element([&](int x, int y, int ch, int b) {
        const float want = expect(x, y, ch, b);
        if (!(std::fabs(got(x, y, ch, b) - want) <= 1e-4f * (1.0f + std::fabs(want))) && bad++ < 3)
            ADD_FAILURE() << "mismatch at " << x << "," << y << "," << ch << "," << b << ": "
                          << got(x, y, ch, b) << " vs " << want;
    });
    return bad;
}

} // namespace memsched::testing
