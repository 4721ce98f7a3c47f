// The largest safe overlap between a layer's input and output buffers.
//
// Placement: the output starts `o` elements after the input (o < 0: before).
// Output address b then sits on input address o + b. A placement is unsafe
// when some output element is written (first write, time w) onto an input
// element that is read again later:
//   Sequential: the input element's last read time r > w;
//   Unordered:  the input element is read by any other parallel iteration
//               (those may run at any time), or by the writer's own
//               iteration after w.
// For each pair (write range B, dangerous input range A) the conflicting
// offsets form the interval [A.begin - (B.end-1), (A.end-1) - B.begin]; their
// union is exact for the ranges' element-level times, so every o outside it
// is safe and every o inside it overwrites at least one live element.
// The minimum memory of the layer is the smallest joint span
// max(o + out_span, in_span) - min(o, 0) over safe o.
#pragma once

#include "model/memory_plan/layer_access.h"

#include <cstdint>
#include <vector>

namespace memsched {

struct OffsetInterval {
    int64_t lo = 0, hi = 0; // inclusive
};

struct OverlapAnalysis {
    int64_t input_span = 0, output_span = 0; // elements
    // Unsafe offsets, sorted, disjoint, not adjacent.
    std::vector<OffsetInterval> conflicts;
    int64_t best_offset = 0;       // a safe o with the smallest joint span
    int64_t min_span = 0;          // that joint span (elements)
    int64_t best_offset_below = 0; // best safe o <= 0 (output starts at or before the input)
    int64_t best_offset_above = 0; // best safe o >= 0

    bool is_safe(int64_t o) const;
    int64_t span_at(int64_t o) const; // joint span of input and output at offset o
    int64_t overlap_elements() const { return input_span + output_span - min_span; }
};

// Overlap of the output with input `input` of the layer.
OverlapAnalysis analyze_overlap(const LayerAccess& access, int input, ParallelModel model);

} // namespace memsched
