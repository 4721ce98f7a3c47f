// Spatial padding as a property of the input: turn a Func valid on
// [0, width) x [0, height) (dims x, y, c, n) into one defined everywhere.
#pragma once

#include <Halide.h>

#include <string>

namespace memsched::layers {

// Zero outside the valid region (conv and avg-pool padding).
Halide::Func pad_zero(Halide::Func f, Halide::Expr width, Halide::Expr height,
                      const std::string& name);

// `value` outside the valid region (e.g. -inf for max-pool padding). Reads of
// f are clamped into the valid region, so f is never accessed out of bounds.
Halide::Func pad_value(Halide::Func f, Halide::Expr width, Halide::Expr height, Halide::Expr value,
                       const std::string& name);

} // namespace memsched::layers
