// Element-wise add and channel concatenation as Halide algorithms.
#pragma once

#include <Halide.h>

#include <string>
#include <utility>
#include <vector>

namespace memsched::layers {

// a + b, same dimensionality (residual connections).
Halide::Func add(Halide::Func a, Halide::Func b, const std::string& name);

// Concatenates (x, y, c, n) Funcs along c; each part comes with its channel
// count. Each part is read only within its own channel range.
Halide::Func concat_channels(const std::vector<std::pair<Halide::Func, int>>& parts,
                             const std::string& name);

} // namespace memsched::layers
