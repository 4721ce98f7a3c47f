// Whole-plan check by element replay: every layer of a network executed in
// its planned sweep, with its inputs and output at their planned arena
// offsets, through replay_placement (replay.h). Independent of the range
// analysis the planner used (layer_access/overlap), so it confirms a plan's
// overlaps, and the sweep each layer was given, element by element. Costs
// one map entry per input element: for small networks (tests).
#pragma once

#include "generators/networks/network.h"
#include "model/memory_plan/arena_plan.h"
#include "model/memory_plan/replay.h"

#include <string>

namespace memsched {

struct PlanReplayResult {
    int64_t violations = 0; // over all layers
    std::string first;      // "layer NAME: <replay's description>", empty if none
    bool ok() const { return violations == 0; }
};

// Throws std::invalid_argument when the plan does not belong to the network.
PlanReplayResult replay_plan(const Network& network, const NetworkPlan& plan);

} // namespace memsched
