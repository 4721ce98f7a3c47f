// Whole-network fusion: partition a network into fusion groups under a
// buffer budget, minimising DRAM traffic (or roofline time).
//
// Method (DAGs): the network is cut at every point where exactly one tensor
// is live (every edge from the layers before the cut to the layers after it
// leaves the same layer). Between two cuts lies a super-node: one layer, or
// a single-entry single-exit block (residual or inverted-residual block,
// inception module, fire module). Each super-node is either part of a fused
// group (the whole block fused, possibly with neighbouring super-nodes) or
// executed layer by layer (each conv/pool/fc layer alone, with the existing
// per-layer search of model/search.h, and each add reading its inputs and
// writing its output; a concat costs nothing, its producers write into their
// channel slice). Dynamic programming over the resulting chain of
// super-nodes then picks the partition.
//
// Why the DP is optimal for a chain (given the per-group costs): a group
// reads only its input tensor and writes only its output tensor, and the
// buffer holds nothing across groups, so a partition's cost is the sum of
// its groups' costs, each depending only on the group's own layers. The best
// partition of the first i super-nodes ends with some group j..i-1, and its
// remaining part must be a best partition of the first j (else swapping it
// in would be cheaper): best[i] = min_j best[j] + cost(j..i-1). The search
// is limited to groups of at most `max_group_nodes` super-nodes; within that
// limit it is exact for the per-group tile search's candidate lists.
#pragma once

#include "generators/networks/network.h"
#include "model/fusion/fused_search.h"

#include <cstdint>
#include <string>
#include <vector>

namespace memsched {

// Layers [first, last] (indexes into Network::layers) between two cuts.
struct SuperNode {
    int first = 0;
    int last = 0;
    bool is_block() const { return last > first; }
};

std::vector<SuperNode> fusion_super_nodes(const Network& net);

// The fused group of layers [first, last] reading the tensor live at the cut
// before `first`; status fails (naming the layer) when it cannot be fused,
// e.g. an fc that flattens a spatial tensor.
EvalStatus build_fused_group(const Network& net, int first, int last, FusedGroup* out);

struct GroupPlan {
    std::vector<std::string> layers;
    bool fused = false;       // one fused nest; else each layer on its own
    FusedChoice choice;       // fused only
    int64_t traffic_bytes = 0;
    double time_s = 0.0;
    int64_t macs = 0;         // executed (recomputed halos included)
    int64_t footprint_bytes = 0;
};

struct NetworkFusionOptions {
    FusedSearchOptions search; // objective, compute, line size
    int max_group_nodes = 6;   // super-nodes per fused group
};

struct NetworkFusionResult {
    EvalStatus status;
    int64_t layer_by_layer_compute_bytes = 0; // equals `explore --network` totals
    int64_t eltwise_bytes = 0;                // adds executed layer by layer
    int64_t layer_by_layer_bytes = 0;         // the two above
    int64_t fused_bytes = 0;
    double layer_by_layer_time_s = 0.0, fused_time_s = 0.0;
    int64_t layer_by_layer_macs = 0, fused_macs = 0;
    std::vector<GroupPlan> groups; // in network order
    int64_t fused_groups_searched = 0;
};

NetworkFusionResult plan_network_fusion(const Network& net, int64_t buffer_bytes,
                                        const NetworkFusionOptions& options);

} // namespace memsched
