// Pieces shared by the layer generators: the activation GeneratorParam,
// output-extent arithmetic for estimates, batch-norm parameter unpacking.
#pragma once

#include <Halide.h>

#include <map>
#include <string>

namespace memsched::generators {

enum class Activation { None, Relu, Relu6, LeakyRelu };

// Names accepted by the `activation` GeneratorParam: none|relu|relu6|leakyrelu.
const std::map<std::string, Activation>& activation_names();

// Applies the activation (None returns f unchanged).
Halide::Func apply_activation(Halide::Func f, Activation a, float alpha, const std::string& name);

// Output extent of a window op: floor((in + pad_begin + pad_end - dilation*(kernel-1) - 1) /
// stride) + 1. Used only for estimates; real extents come from the output buffer.
int window_out_extent(int in, int kernel, int stride, int pad_begin, int pad_end, int dilation = 1);

// Batch-norm parameters arrive packed as one (k, 4) buffer: gamma, beta,
// mean, var in rows 0..3 (fewer generator arguments than four vectors).
struct BatchNormFuncs {
    Halide::Func gamma, beta, mean, var;
};
BatchNormFuncs unpack_batch_norm(Halide::Func packed, const std::string& name);

} // namespace memsched::generators
