// `memsched explore --network NAME --buffer SIZE --fusion`: the network's
// partition into fusion groups (model/fusion/network_fusion.h), printed as a
// table or one JSON object. Kept apart from explore_command.cpp, which only
// parses the flags and calls in here.
#pragma once

#include "model/objective.h"

#include <cstdint>
#include <string>

namespace memsched::cli {

struct ExploreFusionArgs {
    std::string network;
    int64_t buffer_bytes = 0;
    int64_t line_bytes = 64;
    Objective objective = Objective::Traffic;
    bool json = false;
};

// Throws UsageError on bad input (unknown network, budget too small).
void run_explore_fusion(const ExploreFusionArgs& args);

} // namespace memsched::cli
