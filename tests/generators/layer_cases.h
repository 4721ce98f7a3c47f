// Builds one randomized test case for any generator in the variant registry:
// the input arrays its filter takes (by argument name), the output array,
// and the expected output computed by the plain C++ references.
#pragma once

#include "generators/variants/variant_registry.h"
#include "tests/generators/halide_call.h"
#include "tests/reference/tensor.h"

#include <map>
#include <random>
#include <string>

namespace memsched::testing {

// Run-time sizes of the case: the input's width, height and batch.
struct CaseSize {
    int width, height, batch;
};

struct LayerCase {
    std::map<std::string, HostArray> arrays; // inputs and "output" (zeroed)
    reference::Tensor expected;              // same memory order as "output"
    float atol = 2e-4f, rtol = 2e-4f;
};

// The smallest input width/height (same for both) the config accepts.
int min_spatial_size(const VariantEntry& entry);
// The estimate sizes the config was compiled with.
CaseSize estimate_size(const VariantEntry& entry);

LayerCase make_case(const VariantEntry& entry, const CaseSize& size, std::mt19937& rng);

// The output array as a tensor shaped like `expected`.
reference::Tensor output_tensor(const LayerCase& c);

} // namespace memsched::testing
