// The loop nests the plugin's tile schedules apply (tile_schedules.h),
// written as the model's Schedules, and how a candidate nest is scored:
// shared by the whole-reduction plan (model_bridge.cpp) and the
// reduction-split plan (reduction_split.cpp). Internal to autoschedule/.
#pragma once

#include "autoschedule/model_bridge.h"
#include "model/memory_hierarchy.h"
#include "model/problem.h"
#include "model/schedule.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace memsched::autoschedule {

// The hierarchy tiles are planned against: every level at
// cache_fill_fraction of its capacity, DRAM behind the last.
MemoryHierarchy hierarchy_of(const PluginParams& params);

// The whole-reduction nest (register block, cache tile, outer levels).
Schedule template_schedule(const Problem& p, const MemoryHierarchy& h, const MicroKernel& mk,
                           int64_t tile_y, int64_t tile_k, bool k_outer);

// Bytes into the levels `first`.. outwards as LRU caches keep them (see
// plan_nests.cpp): the register blocks stepped through the layer
// (`step_blocks`, a tile no level holds) or the planned tiles as they are.
std::vector<int64_t> lru_traffic(const Problem& p, const MemoryHierarchy& h, const PluginParams& params,
                                 const Schedule& s, size_t first, bool step_blocks);

// unit, 2 unit, 4 unit, ... below extent, then extent.
std::vector<int64_t> candidate_sizes(int64_t extent, int64_t unit);

// One candidate nest scored: traffic per level, roofline time (idle cores
// counted when there are fewer tiles than threads), transfer time.
struct Scored {
    TilePlan plan;
    bool fits = false; // the L2 holds the cache tile
    bool held = false; // some level holds it
};

Scored score(const Problem& problem, const MemoryHierarchy& h, const PluginParams& params,
             const Schedule& s, TilePlan plan);

} // namespace memsched::autoschedule
