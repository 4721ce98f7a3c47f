// Whole-network memory planning: every activation of a network (the network
// input and each layer's output) gets an offset in one arena, for
// layer-by-layer execution in table order. Tensors whose lifetimes meet are
// disjoint, except a layer's output and an input the layer reads for the
// last time: those may overlap by any offset the layer's OverlapAnalysis
// calls safe. Placement: tensors in order of definition, each at the
// candidate offset (next to a live tensor, or a safe overlap offset from its
// dying input) that keeps the arena smallest; the layout family (gap rows per
// plane, see tensor_layout.h) with the smallest arena wins.
// Conv layers also have a bottom-up schedule (RowSweep::Reverse), whose
// output may start above its input where the top-down one must start below:
// the placement picks each layer's sweep together with its output's offset,
// so a chain zig-zags instead of drifting down one row per layer.
//
// Reported next to the arena (all in bytes, dense tensors unless stated):
// - sum_bytes: every activation in its own buffer;
// - pingpong_bytes: two regions each as large as the largest activation,
//   plus, at the worst layer, the tensors live across it that are neither its
//   output nor its first input (skip branches, extra operands);
// - lifetime_bytes: the same placement with no overlap, dense layouts;
// - lower_bound_bytes: max over layers of (bytes live at the layer minus the
//   largest overlap each dying input allows under either sweep), minimised
//   over the layout families tried; no placement in those layouts can use less.
#pragma once

#include "generators/networks/network.h"
#include "model/memory_plan/overlap.h"
#include "model/memory_plan/tensor_layout.h"

#include <cstdint>
#include <string>
#include <vector>

namespace memsched {

struct PlanOptions {
    ParallelModel model = ParallelModel::Sequential;
    std::vector<int64_t> gap_rows{0, 1, 2}; // layout families tried
    int64_t element_bytes = 4;
    bool reverse_sweeps = true; // conv layers may run bottom-up (false: all forward)
};

struct TensorPlacement {
    std::string name;  // "input" or the producing layer
    TensorLayout layout;
    int64_t offset_elements = 0; // in the arena
    int first_layer = 0;         // lifetime: first and last layer index it is live at
    int last_layer = 0;
    int64_t span_elements() const { return layout.span_elements(); }
};

struct LayerMemory {
    std::string name;
    RowSweep sweep = RowSweep::Forward; // the row direction the layer must run in
    std::string order;             // its execution order
    int64_t input_bytes = 0;       // first input, in the plan's layout
    int64_t output_bytes = 0;
    int64_t overlap_bytes = 0;     // largest safe overlap with the first input in that sweep (0 if it lives on)
    int64_t min_bytes = 0;         // input + output - overlap
    int64_t best_offset_elements = 0; // output start minus input start at that overlap
    int64_t live_bytes = 0;        // everything live at the layer, before overlap
    int64_t bound_bytes = 0;       // live bytes minus the overlaps allowed at the layer
};

struct NetworkPlan {
    std::string network;
    ParallelModel model = ParallelModel::Sequential;
    int64_t gap_rows = 0; // layout family of the plan
    int64_t element_bytes = 4;
    std::vector<TensorPlacement> tensors; // tensors[0] is the network input, then one per layer
    std::vector<LayerMemory> layers;
    int64_t arena_bytes = 0;
    int64_t sum_bytes = 0;
    int64_t pingpong_bytes = 0;
    int64_t lifetime_bytes = 0;
    int64_t lower_bound_bytes = 0;
};

NetworkPlan plan_network(const Network& network, const PlanOptions& options);

// Checks a plan against the rules above (lifetimes, safe overlaps under each
// layer's planned sweep); the reason names the tensor or layer, empty when
// the plan is valid.
std::string check_plan(const Network& network, const NetworkPlan& plan);

} // namespace memsched
