// Fully connected layer and flatten as Halide algorithms (no schedules).
#pragma once

#include <Halide.h>

#include <string>

namespace memsched::layers {

// out(k, n) = sum_r flat_input(r, n) * weights(r, k), r in [0, in_features):
// a pure definition (zero) and one RDom update, like conv2d. weights are
// (c_in, k): PyTorch's Linear layout (k rows of c_in) in memory.
Halide::Func fully_connected(Halide::Func flat_input, Halide::Func weights, int in_features,
                             const std::string& name);

// (x, y, c, n) -> (i, n) with i = (c * height + y) * width + x (NCHW order).
Halide::Func flatten(Halide::Func input, int width, int height, const std::string& name);

} // namespace memsched::layers
