// Tests of the Tensor container: layout, bounds checks, random filling.
#include <gtest/gtest.h>

#include "tests/reference/tensor.h"

namespace memsched::reference {
namespace {

TEST(Tensor, DefaultIsOneZeroElement) {
    Tensor t;
    EXPECT_EQ(t.size(), 1);
    ASSERT_EQ(t.data.size(), 1u);
    EXPECT_EQ(t.at(0, 0, 0, 0), 0.f);
}

TEST(Tensor, LayoutIsXFastestThenYCN) {
    Tensor t(2, 3, 4, 5);
    EXPECT_EQ(t.size(), 120);
    t.at(1, 2, 3, 4) = 7.f;
    EXPECT_EQ(t.data.back(), 7.f);
    t.at(0, 0, 0, 1) = 1.f;
    EXPECT_EQ(t.data[1], 1.f);
    t.at(0, 0, 1, 0) = 2.f;
    EXPECT_EQ(t.data[5], 2.f);
    t.at(0, 1, 0, 0) = 3.f;
    EXPECT_EQ(t.data[20], 3.f);
    t.at(1, 0, 0, 0) = 4.f;
    EXPECT_EQ(t.data[60], 4.f);
}

TEST(Tensor, OutOfBoundsThrows) {
    Tensor t(1, 2, 3, 4);
    EXPECT_THROW(t.at(0, 2, 0, 0), std::out_of_range);
    EXPECT_THROW(t.at(0, 0, -1, 0), std::out_of_range);
    const Tensor& ct = t;
    EXPECT_THROW(ct.at(0, 0, 0, 4), std::out_of_range);
    EXPECT_THROW(ct.at(1, 0, 0, 0), std::out_of_range);
}

TEST(Tensor, BadExtentNamesField) {
    try {
        Tensor t(1, 0, 3, 3);
        FAIL() << "expected std::invalid_argument";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("c = 0"), std::string::npos) << e.what();
    }
}

TEST(Tensor, RandomStaysInRangeAndIsSeeded) {
    std::mt19937 a(42), b(42);
    Tensor t = Tensor::random(2, 3, 5, 7, a, -2.f, 3.f);
    Tensor u = Tensor::random(2, 3, 5, 7, b, -2.f, 3.f);
    EXPECT_EQ(t.data, u.data);
    float lo = 1e9f, hi = -1e9f;
    for (float v : t.data) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    EXPECT_GE(lo, -2.f);
    EXPECT_LT(hi, 3.f);
    EXPECT_LT(lo, hi);  // not constant
    EXPECT_THROW(Tensor::random(1, 1, 1, 1, a, 1.f, 1.f), std::invalid_argument);
}

}  // namespace
}  // namespace memsched::reference
