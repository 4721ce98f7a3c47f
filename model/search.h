// Design-space exploration: the schedules with least traffic (or time) for
// a layer under the capacities of a memory hierarchy, and the Pareto front
// of buffer size versus outer traffic. Halide-free: the autoscheduler calls
// search() with a Problem, a MemoryHierarchy (e.g. L1/L2/LLC/DRAM with
// bandwidths), a ComputeSpec and constraints, and gets ranked schedules.
//
// Space, per buffer level: a tile size per loop (divisors, powers of two,
// ceil(extent/m) for m <= 8, the full extent; outer levels' tiles must be
// divisible by inner ones), every order of the loops whose tile is smaller
// than the enclosing tile, and per tensor a kept position.
// Pruning that keeps the optimum:
// - a tile set whose smallest boxes (every tensor kept innermost) exceed the
//   capacity is skipped: boxes only grow as the kept position moves out;
// - loops whose tile equals the enclosing tile run once: their place in the
//   order changes nothing, so they are not permuted;
// - a kept position just inside a loop that does not index the tensor holds
//   the same box as one loop further out and is refilled at least as often,
//   so only positions 0 and "just inside an indexing loop" are tried;
// - the input keeps its sliding-window overlap (Keep fetches a subset of
//   what Refetch fetches, with the same box) unless constraints force Refetch.
// Fallback for huge spaces (documented in the result's note): when
// tile sets x orders exceed max_evaluations, the candidate lists are thinned
// (first the kernel r/s loops are left untiled, then non-divisor sizes are
// dropped, then every other size) until the space fits; `exhaustive` is
// false then. With several buffer levels the search is greedy from the
// outermost level inwards (each level optimal for its own boundary given the
// levels outside it), which is not exhaustive either.
#pragma once

#include "model/eval_status.h"
#include "model/memory_hierarchy.h"
#include "model/objective.h"
#include "model/problem.h"
#include "model/schedule.h"
#include "model/traffic.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace memsched {

struct SearchConstraints {
    // Tiles along a loop must be a multiple of this or the full extent
    // (e.g. the x tile a multiple of the vector width).
    std::array<int64_t, kNumLoops> tile_multiple{1, 1, 1, 1, 1, 1, 1};
    // Force a halo policy (e.g. Refetch where sliding windows are unwanted).
    std::optional<HaloPolicy> halo;
};

struct SearchOptions {
    Objective objective = Objective::Traffic;
    ComputeSpec compute;
    SearchConstraints constraints;
    // Schedules (tile set x order) per level above which the space is thinned.
    int64_t max_evaluations = 3'000'000;
    int top_k = 5;
    bool pareto = true;
    bool parallel = true; // TBB over tile sets
};

struct RankedSchedule {
    Schedule schedule;
    TrafficReport report;
    int64_t traffic_bytes = 0; // outermost boundary
    double time_s = 0.0;       // roofline estimate
};

struct ParetoPoint {
    int64_t buffer_bytes = 0;  // footprint at the outermost buffer level
    int64_t traffic_bytes = 0; // least outer traffic found with that footprint
};

struct SearchResult {
    EvalStatus status;                 // failure when no schedule fits
    std::vector<RankedSchedule> ranked; // best first
    std::vector<ParetoPoint> pareto;   // increasing buffer, decreasing traffic
    int64_t evaluated = 0;             // schedules (incl. kept positions) scored
    bool exhaustive = true;
    std::string note;                  // what was thinned, when not exhaustive
};

SearchResult search(const Problem& p, const MemoryHierarchy& h, const SearchOptions& options);

// Candidate tile sizes for loop l under an enclosing tile (exposed for tests).
std::vector<int64_t> tile_candidates(const Problem& p, Loop l, int64_t enclosing,
                                     int64_t multiple);

} // namespace memsched
