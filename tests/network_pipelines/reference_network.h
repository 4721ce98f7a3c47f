// A whole network run layer by layer through the plain C++ references
// (tests/reference), with the parameters a whole-network pipeline was given:
// the yardstick for the fused and unfused AOT network pipelines.
#pragma once

#include "bench/networks/pipeline_args.h"
#include "tests/reference/tensor.h"

namespace memsched {

// The last layer's output, NCHW. Weights and biases are read from `args` by
// the pipeline's argument names (w_L, b_L), which share the references'
// memory order (OIHW conv weights, (k, c_in) fc weights).
reference::Tensor run_reference_network(const Network& net, const PipelineArgs& args, float leaky_alpha = 0.1f);

} // namespace memsched
