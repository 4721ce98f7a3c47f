// Tile search for one fused group: the exit tile size (rows x columns), the
// halo policy and the weight policy that give the least DRAM traffic (or
// roofline time) with the peak footprint within the buffer. Exhaustive over
// the candidate list: per axis every divisor of the exit extent, every power
// of two, ceil(extent/m) for m <= 8 and the full extent; both halo policies
// and both weight policies. Ties go to fewer MACs, then larger tiles.
#pragma once

#include "model/fusion/fused_group.h"
#include "model/objective.h"

#include <cstdint>
#include <vector>

namespace memsched {

struct FusedChoice {
    EvalStatus status; // failure when no mapping fits
    FusedMapping mapping;
    FusedReport report;
    double time_s = 0.0; // roofline: max(2 x MACs / peak, traffic / DRAM bandwidth)
    int64_t evaluated = 0;
};

struct FusedSearchOptions {
    Objective objective = Objective::Traffic;
    ComputeSpec compute;
    double dram_bytes_per_s = 10e9; // MemoryHierarchy::scratchpad's default
    int64_t line_bytes = 64;
};

// Tile sizes tried along an exit extent (exposed for tests).
std::vector<int64_t> fused_tile_candidates(int64_t extent);

FusedChoice search_fused_group(const FusedGroup& g, int64_t capacity_bytes,
                               const FusedSearchOptions& options);

} // namespace memsched
