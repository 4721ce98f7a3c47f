// Choosing which candidate fusion groups of a whole pipeline to apply: the
// candidates (every exit root with 1, 2, ... upstream layers, layer_fusion.h)
// overlap, and each is worth the predicted time it saves against running
// its layers alone (fused_group_bridge.h). Each candidate occupies an
// interval of stage positions (producers before consumers, the pipeline's
// topological order) covering every stage it schedules; the chosen set is
// the one of most total gain among sets of pairwise disjoint intervals
// (weighted interval scheduling: a DP over the intervals sorted by end).
// On a chain of layers this is the DP over consecutive groups; on a DAG,
// disjoint intervals are disjoint stage sets, so it is safe, if at times
// more cautious than needed. Knows nothing of Halide.
#pragma once

#include <cstddef>
#include <vector>

namespace memsched::autoschedule {

struct GroupInterval {
    size_t first = 0, last = 0; // stage positions, inclusive
    double gain = 0;            // > 0: what choosing it saves (seconds, or any unit)
};

// Indices into `candidates` of the chosen ones, in increasing `last`.
// Candidates with gain <= 0 are never chosen.
std::vector<size_t> choose_disjoint_groups(const std::vector<GroupInterval>& candidates);

} // namespace memsched::autoschedule
