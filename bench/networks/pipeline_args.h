// Arguments of a whole-network AOT pipeline (generator `network`): the
// network table it was built from (read back from the registry entry's
// GeneratorParams), deterministic input and parameters named after the
// pipeline's own metadata, and an output buffer of the right shape. Shared
// by the correctness test (tests/network_pipelines), the benchmark and the
// cachegrind runner, so all three feed a variant the same values.
#pragma once

#include "generators/network_subset.h"
#include "generators/variants/variant_registry.h"

#include <HalideBuffer.h>

#include <cstdint>
#include <string>
#include <vector>

namespace memsched {

// The spec in the entry's params (network=..., last_layer=..., input_*).
NetworkSubsetSpec pipeline_spec(const VariantEntry& entry);

struct PipelineArgs {
    // In the pipeline's argument order (metadata order), output last.
    std::vector<Halide::Runtime::Buffer<float>> buffers;
    std::vector<std::string> names;
    // The buffer named `name`; throws std::out_of_range naming it.
    const Halide::Runtime::Buffer<float>& get(const std::string& name) const;
    Halide::Runtime::Buffer<float>& output() { return buffers.back(); }
    int64_t parameter_bytes() const; // everything but the input and output
};

// Fills every input from a generator seeded by (seed, argument name):
// input uniform in [-1, 1), weights He-uniform (variance 2 / fan-in, so
// activations neither vanish nor blow up over 20 ReLU layers), biases in
// [-0.1, 0.1). Throws std::runtime_error when the metadata does not match
// the network (an argument the table does not explain).
PipelineArgs make_pipeline_args(const VariantEntry& entry, const Network& net, uint32_t seed = 1);

// Runs the pipeline once; returns Halide's status (0 = success).
int run_pipeline(const VariantEntry& entry, PipelineArgs& args);

} // namespace memsched
