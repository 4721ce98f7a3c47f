// NetworkRunner: executes a built-in network layer by layer through the AOT
// `manual` variants of its layers, with every activation either in its own
// dense buffer or placed in one arena at a NetworkPlan's offsets (Halide
// buffers wrapping arena memory with the plan's strides). Weights are
// deterministic pseudo-random values, the same for every run of a network, so
// two runs can be compared bit for bit. With a plan, each conv layer runs in
// the plan's row sweep: `manual` (top-down) or `manualrev` (bottom-up).
#pragma once

#include "generators/networks/network.h"
#include "generators/variants/variant_registry.h"
#include "model/memory_plan/arena_plan.h"

#include <cstdint>
#include <string>
#include <vector>

namespace memsched {

struct RunResult {
    std::string error;          // empty on success: the Halide error or a missing variant
    std::vector<float> output;  // the last layer's output, dense NCHW
};

// `variants` holds one manual variant per distinct layer (see
// runtime/network_runner/CMakeLists.txt); threads: halide_set_num_threads.
// plan == nullptr: separate dense buffers, every layer top-down. threads == 1 runs every parallel
// loop's iterations in order on the calling thread (the Sequential model).
RunResult run_network(const Network& network, const VariantSet& variants, const NetworkPlan* plan, int threads);

// The variant set built for a built-in network (dncnn, tinyyolov2, resnet18);
// throws std::invalid_argument naming the network otherwise.
const VariantSet& runner_variants(const std::string& network);

} // namespace memsched
