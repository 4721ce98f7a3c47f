// GoogleTest assertion comparing two tensors element by element.
#pragma once

#include <gtest/gtest.h>

#include "tests/reference/tensor.h"

namespace memsched::reference {

// Passes when shapes match and every element satisfies
// |e - a| <= atol + rtol * |e| (equal infinities pass; NaN never does).
// On failure names the first bad index (n,c,y,x), both values, the max error
// and how many elements are off.
::testing::AssertionResult tensors_near(const Tensor& expected, const Tensor& actual,
                                        float atol = 1e-4f, float rtol = 1e-4f);

}  // namespace memsched::reference
