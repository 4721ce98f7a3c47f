// GoogleTest assertion comparing two tensors element by element.
#pragma once

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "tests/reference/tensor.h"

namespace memsched::reference {

// Passes when shapes match and every element satisfies
// |e - a| <= atol + rtol * |e| (equal infinities pass; NaN never does).
// On failure names the first bad index (n,c,y,x), both values, the max error
// and how many elements are off.
::testing::AssertionResult tensors_near(const Tensor& expected, const Tensor& actual,
                                        float atol = 1e-4f, float rtol = 1e-4f);

// Expects `fn` to throw std::invalid_argument whose message contains `needle`.
template <typename F>
void expect_invalid(F fn, const std::string& needle) {
    try {
        fn();
        ADD_FAILURE() << "expected std::invalid_argument mentioning '" << needle << "'";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
}

}  // namespace memsched::reference
