// Umbrella header for the CNN layer builders: Halide algorithms only (no
// schedules), shared by the AOT generators and the JIT (ONNX) tests.
// Dims: activations (x, y, c, n); conv weights (s, r, c_per_group, k);
// fc weights (c_in, k); bias (k).
#pragma once

#include "generators/layers/activation.h"
#include "generators/layers/conv.h"
#include "generators/layers/dense.h"
#include "generators/layers/elementwise.h"
#include "generators/layers/padding.h"
#include "generators/layers/pool.h"
