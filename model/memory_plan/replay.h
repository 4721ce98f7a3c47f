// Exact check of a placement by replay: walks the execution order element by
// element (every read and write event, in order), with the input(s) and the
// output placed at given element addresses of one arena, and reports the
// first output write that lands on an input element still to be read.
// Independent of the range bookkeeping of layer_access/overlap; costs one
// entry per input element, so it is for small layers (tests).
#pragma once

#include "model/memory_plan/execution_order.h"
#include "model/memory_plan/tensor_layout.h"

#include <cstdint>
#include <string>
#include <vector>

namespace memsched {

struct ReplayResult {
    int64_t violations = 0; // output writes onto live input elements
    std::string first;      // description of the first violation, empty if none
    bool ok() const { return violations == 0; }
};

// Sequential: events in order. Unordered: a write is also a violation when
// the element it overwrites is read by another parallel iteration at all.
ReplayResult replay_placement(const ExecutionOrder& order, const std::vector<TensorLayout>& input_layouts,
                              const TensorLayout& output_layout, const std::vector<int64_t>& input_bases,
                              int64_t output_base, ParallelModel model);

} // namespace memsched
