// Buffers for running a layer-set variant at its real sizes (the estimates
// it was compiled with): random inputs by argument name, a zeroed output,
// and the layer's multiply-accumulate count.
#pragma once

#include "generators/variants/variant_registry.h"

#include <HalideBuffer.h>

#include <cstdint>
#include <map>
#include <random>
#include <string>

namespace memsched::demo {

struct LayerBuffers {
    std::map<std::string, Halide::Runtime::Buffer<float>> args; // inputs and "output"
    int64_t macs = 0;
};

// Throws std::invalid_argument naming the generator when it is not a
// layer-set generator (conv2d_layer, pool_layer, global_avg_pool_layer, fc_layer).
LayerBuffers make_layer_buffers(const VariantEntry& entry, std::mt19937& rng);

// Binds args by the metadata's argument names and calls the variant; returns
// Halide's error code (0 on success).
int run_variant(const VariantEntry& entry, LayerBuffers& buffers);

} // namespace memsched::demo
