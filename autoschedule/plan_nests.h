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

// The nest of a layer hosted by its consumer's pad (layer_fusion.h,
// schedule_hosted_layer) as the model's Schedule:
//   L1      = one register block (as template_schedule);
//   L2, LLC = one channel block over a whole band: band_rows output rows
//             (a multiple of the block rows, or the full height) x k_block
//             channels x full width, stepped channel blocks inside bands
//             (the pad's bands hold every channel, so a k tile inside a
//             band steps the same channel blocks as no k tile at all).
// Kept positions are the template's; lru_traffic fits them to a cache.
Schedule hosted_band_schedule(const Problem& p, const MemoryHierarchy& h, const MicroKernel& mk,
                              int64_t band_rows);

// How lru_traffic reads a nest.
struct LruFit {
    // Every level from `first` outwards is one register block stepped
    // through the layer (a tile no level holds); false: the planned tiles.
    bool step_blocks = false;
    // A box spanning the full padded width reads each channel's rows as one
    // contiguous run (lines counted over the run, not per row). Used for
    // hosted bands; the standalone figures keep the per-row count their
    // usable fraction was fitted with (bench/RESULTS.md, issue #5).
    bool contiguous_full_rows = false;
    // Optional output, per level: whether the fitted boxes fit the usable
    // part of the cache (false: no kept positions fit, and the figure is
    // that of the smallest boxes, an underestimate when even one tile
    // exceeds it).
    std::vector<bool>* fitted = nullptr;
};

// Bytes into the levels `first`.. outwards as LRU caches keep them (see
// plan_nests.cpp).
std::vector<int64_t> lru_traffic(const Problem& p, const MemoryHierarchy& h, const PluginParams& params,
                                 const Schedule& s, size_t first, const LruFit& how);

// A plan's bytes into the L2 and outwards replaced by lru_traffic(..., 1, ...)'s
// figures (levels[i] of `kept` is plan->traffic[i + 1]).
void set_kept_traffic(TilePlan* plan, const std::vector<int64_t>& kept);

// unit, 2 unit, 4 unit, ... below extent, then extent.
std::vector<int64_t> candidate_sizes(int64_t extent, int64_t unit);

// Ranks plans by the bytes from DRAM first, then by transfer time (the
// faster levels' traffic only breaks ties).
bool less_dram_traffic(const TilePlan& a, const TilePlan& b);

// One candidate nest scored: traffic per level, roofline time (idle cores
// counted when there are fewer tiles than threads), transfer time. With
// `few_tiles_split_channels` the schedule runs channel blocks in parallel
// when tiles are fewer than threads (bands, tile_schedules.h), so those
// count as tasks.
struct Scored {
    TilePlan plan;
    bool fits = false; // the L2 holds the cache tile
    bool held = false; // some level holds it
};

Scored score(const Problem& problem, const MemoryHierarchy& h, const PluginParams& params,
             const Schedule& s, TilePlan plan, bool few_tiles_split_channels = false);

} // namespace memsched::autoschedule
