// Whole-network fusion: partition a network into fusion groups under a
// buffer budget, minimising DRAM traffic (or roofline time).
//
// Method (DAGs): the network is cut at every point where exactly one tensor
// is live (every edge from the layers before the cut to the layers after it
// leaves the same layer). Between two cuts lies a super-node: one layer, or
// a single-entry single-exit block (residual or inverted-residual block,
// inception module, fire module). Super-nodes measure how far a group may
// span. Layer by layer (the baseline) runs each conv/pool/fc layer alone
// with the per-layer search of model/search.h, each add reading its inputs
// and writing its output, and a concat for free (its producers write into
// their channel slice). Dynamic programming over the layers in table order
// picks the partition; a group is a run of consecutive layers [j, i) of one
// of these kinds:
// - one layer alone, as in the baseline;
// - a fused group (FusedGroup) of layers [j, i): single entry (one tensor
//   from outside feeds it) and single exit (only the last layer's output is
//   read outside), spanning at most `max_group_nodes` super-nodes. Whole
//   blocks are such runs, and so are parts of a block (the 1x1-3x3 chain of
//   a bottleneck, one inception branch);
// - an add epilogue: layers [j, i-2] form one layer alone or a fused group
//   whose exit feeds the add i-1, and the add's other inputs come from
//   outside the run. The add is applied as the exit's final values are
//   stored: each other input is read once, in the same tiles as the exit's
//   write (so its bytes equal the exit's output write bytes; dense bytes
//   after a single layer), and the sum is written instead of the exit. The
//   epilogue streams element by element: it adds nothing to the footprint.
//   This is the usual conv+residual-add fusion of inference libraries; the
//   layer-by-layer baseline keeps the add as a layer of its own.
// - a pool epilogue: a global average pool i-1 whose one input is layer i-2
//   (read by nothing else) ends a run [j, i-2] of one of the kinds above
//   (one layer alone, a fused group, or an add epilogue). The run's final
//   stores go into the pool's per-channel sums instead of DRAM (Halide: the
//   pool's reduction domain split into the run's tiles, the run computed at
//   that tile loop), and only the pool output is written. The run is planned
//   at the budget less the sums' bytes; its traffic is the run's, less its
//   exit write (dense bytes after one layer alone), plus the pool output.
//
// Why the DP is optimal (given the per-group costs): a group reads only its
// input tensors from DRAM and writes only its exit tensor, and the buffer
// holds nothing across groups, so a partition's cost is the sum of its
// groups' costs, each depending only on the group's own layers. The best
// partition of the first i layers ends with some group j..i-1, and its
// remaining part must be a best partition of the first j (else swapping it
// in would be cheaper): best[i] = min_j best[j] + cost(j..i-1). The search
// is limited to groups spanning at most `max_group_nodes` super-nodes;
// within that limit it is exact for the per-group tile search's candidate
// lists. Every partition of the former super-node DP is still a candidate,
// so the result is never worse than it. Identical fused groups (repeated
// blocks) are searched once.
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
    FusedChoice choice;       // fused only: the FusedGroup of `layers` (without
                              // the add when add_epilogue)
    // The last layer is an add applied as an epilogue of the one before (see
    // above): build_fused_group(first, last - 1) is the fused nest when
    // `fused`, else the layer before the add runs alone with the per-layer
    // search's schedule. The add's other inputs are read as the exit is
    // stored (epilogue_read_bytes).
    bool add_epilogue = false;
    int64_t epilogue_read_bytes = 0; // the add's other inputs, from DRAM
    // The last layer is a global average pool applied as a pool epilogue
    // (see above): `layers` without it is the run (with its own
    // add_epilogue), planned at the budget less the pool's sums.
    bool pool_epilogue = false;
    int64_t traffic_bytes = 0;
    double time_s = 0.0;
    int64_t macs = 0;         // executed (recomputed halos included)
    int64_t footprint_bytes = 0;
    int64_t layer_by_layer_bytes = 0; // the same layers each run alone (why it was chosen)
};

struct NetworkFusionOptions {
    FusedSearchOptions search; // objective, compute, line size
    int max_group_nodes = 6;   // super-nodes per fused group
    bool add_epilogues = true; // allow add-epilogue groups (off: former choices)
    bool partial_blocks = true; // allow fused runs that are not whole super-nodes
    bool pool_epilogues = true; // allow global-pool epilogues (off: former choices)
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
    int64_t fused_groups_searched = 0; // distinct fused groups tile-searched
    // No plan moves less than every layer's weights read once (whole lines)
    // plus the network input read once and its output written once.
    int64_t weights_once_bound_bytes = 0;
};

NetworkFusionResult plan_network_fusion(const Network& net, int64_t buffer_bytes,
                                        const NetworkFusionOptions& options);

} // namespace memsched
