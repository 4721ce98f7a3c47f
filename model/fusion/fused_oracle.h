// Oracle for fused groups: a trace-driven walk of the fused nest, tile by
// tile and node by node. It finds each tensor's box by enumerating every
// output point of its consumers and every kernel tap (not through the
// closed-form intervals), keeps explicit per-element "held" maps for the
// kept-halo policy, allocates and frees boxes as the nodes run, and counts
// the lines of every maximal contiguous DRAM range it fetches or writes.
// fused_traffic.h must equal it exactly. Cost: O(tiles x box x kernel):
// for small groups only.
#pragma once

#include "model/fusion/fused_group.h"

namespace memsched {

FusedReport simulate_fused(const FusedGroup& g, const FusedMapping& m, int64_t capacity_bytes,
                           int64_t line_bytes);

} // namespace memsched
