// LayerAccess: what the overlap analysis needs from an execution order, per
// address range: when each input element is read for the last time (and by
// which parallel iterations), and when each output element is first written.
// Ranges are row pieces in the tensors' own address spaces (TensorLayout),
// so the analysis is exact at element granularity without one entry per
// element (except where the order itself is element by element).
//
// Times: step (or sweep sub-step) t has read time 2t and write time 2t+1
// when its reads come first, else write time 2t and read time 2t+1; so a
// read and a write never share a time, and "read after write" is r > w.
#pragma once

#include "model/memory_plan/execution_order.h"
#include "model/memory_plan/tensor_layout.h"

#include <cstdint>
#include <vector>

namespace memsched {

struct ReadRange {
    int64_t begin = 0, end = 0;    // addresses [begin, end) in the input's layout
    int64_t last_time = 0;         // last read of every element in the range
    int64_t first_iteration = 0;   // smallest and largest parallel iteration reading it
    int64_t last_iteration = 0;
};

struct WriteRange {
    int64_t begin = 0, end = 0; // addresses in the output's layout
    int64_t time = 0;           // first write of every element in the range
    int64_t iteration = 0;
};

struct LayerAccess {
    std::vector<TensorLayout> input_layouts;
    TensorLayout output_layout;
    std::vector<std::vector<ReadRange>> reads; // per input, sorted by address, disjoint
    std::vector<WriteRange> writes;            // sorted by address, disjoint
};

// Throws std::invalid_argument when a layout's dims disagree with the order's.
LayerAccess build_layer_access(const ExecutionOrder& order, const std::vector<TensorLayout>& input_layouts,
                               const TensorLayout& output_layout);

} // namespace memsched
