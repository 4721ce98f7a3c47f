// Runs an AOT variant through its _argv entry point, binding buffers to the
// filter's arguments by the names in its metadata, with a Halide error
// handler installed so a Halide error is a test failure, not an abort.
#pragma once

#include "generators/variants/variant_registry.h"

#include <map>
#include <string>
#include <vector>

namespace memsched::testing {

// A dense float array with Halide dims (innermost first), e.g. (w, h, c, n).
struct HostArray {
    std::vector<float> data;
    std::vector<int> dims;
};

// Calls the variant. Every buffer argument in the metadata must be in
// `arrays` (outputs included, pre-sized). Returns "" on success, else a
// one-line reason: a missing argument, or the Halide error text.
std::string call_variant(const VariantEntry& entry, std::map<std::string, HostArray>& arrays);

} // namespace memsched::testing
