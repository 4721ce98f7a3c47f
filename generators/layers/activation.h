// Pointwise activations as Halide algorithms; work on Funcs of any dimensionality.
#pragma once

#include <Halide.h>

#include <string>

namespace memsched::layers {

Halide::Func relu(Halide::Func f, const std::string& name);
Halide::Func relu6(Halide::Func f, const std::string& name);
// alpha * v for v < 0 (alpha is compiled in).
Halide::Func leaky_relu(Halide::Func f, float alpha, const std::string& name);

} // namespace memsched::layers
