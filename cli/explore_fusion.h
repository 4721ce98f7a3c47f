// `memsched explore --network NAME --buffer SIZE --fusion`: the network's
// partition into fusion groups (model/fusion/network_fusion.h), printed as a
// table or one JSON object. Kept apart from explore_command.cpp, which only
// parses the flags and calls in here.
#pragma once

#include "model/objective.h"

#include <cstdint>
#include <string>
#include <vector>

namespace memsched::cli {

struct ExploreFusionArgs {
    std::string network;
    int64_t buffer_bytes = 0;
    int64_t line_bytes = 64;
    Objective objective = Objective::Traffic;
    bool json = false;
    // Also plan at every budget of pareto_budgets() and print the network's
    // capacity-versus-traffic front (JSON: "pareto").
    bool pareto = false;
    // Replay every fused group of the plan through the trace-driven oracle
    // (model/fusion/fused_oracle.h); any difference from the model is an
    // internal error (exit 1). JSON: "oracle".
    bool oracle = false;
};

// 32 KiB, 64 KiB, ..., 4 MiB.
std::vector<int64_t> pareto_budgets();

// Throws UsageError on bad input (unknown network, budget too small).
void run_explore_fusion(const ExploreFusionArgs& args);

} // namespace memsched::cli
