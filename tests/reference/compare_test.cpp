// Tests of tensors_near: tolerance, shape checks, NaN/inf and the message.
#include <cmath>

#include <gtest/gtest.h>

#include "tests/reference/compare.h"

namespace memsched::reference {
namespace {

TEST(TensorsNear, EqualAndWithinTolerancePass) {
    Tensor a(1, 2, 2, 2), b(1, 2, 2, 2);
    for (int i = 0; i < 8; ++i) a.data[i] = b.data[i] = float(i);
    EXPECT_TRUE(tensors_near(a, b));
    b.data[3] += 5e-5f;
    EXPECT_TRUE(tensors_near(a, b));
    b.data[7] = 7.f * (1.f + 5e-5f);  // within rtol of a large value
    EXPECT_TRUE(tensors_near(a, b, 0.f, 1e-4f));
}

TEST(TensorsNear, FailureNamesFirstIndexAndMaxError) {
    Tensor a(2, 2, 3, 4), b(2, 2, 3, 4);
    b.at(1, 0, 2, 3) = 0.5f;
    b.at(1, 1, 0, 0) = -2.f;
    auto r = tensors_near(a, b);
    ASSERT_FALSE(r);
    const std::string msg = r.message();
    EXPECT_NE(msg.find("(n=1, c=0, y=2, x=3)"), std::string::npos) << msg;
    EXPECT_NE(msg.find("max error 2"), std::string::npos) << msg;
    EXPECT_NE(msg.find("2 of 48"), std::string::npos) << msg;
}

TEST(TensorsNear, ShapeMismatchFails) {
    auto r = tensors_near(Tensor(1, 2, 3, 4), Tensor(1, 2, 4, 3));
    ASSERT_FALSE(r);
    EXPECT_NE(std::string(r.message()).find("shape mismatch"), std::string::npos);
}

TEST(TensorsNear, NanFailsInfinityMatchesItself) {
    Tensor a(1, 1, 1, 2), b(1, 1, 1, 2);
    a.data = {INFINITY, -INFINITY};
    b.data = {INFINITY, -INFINITY};
    EXPECT_TRUE(tensors_near(a, b));
    b.data[1] = INFINITY;
    EXPECT_FALSE(tensors_near(a, b));
    a.data = {NAN, 0.f};
    b.data = {NAN, 0.f};
    EXPECT_FALSE(tensors_near(a, b));
}

}  // namespace
}  // namespace memsched::reference
