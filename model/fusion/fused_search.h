// Tile search for one fused group: the exit tile size (rows x columns), the
// halo policy and the weight policy that give the least DRAM traffic (or
// roofline time) with the peak footprint within the buffer. Exhaustive over
// the candidate list: per axis every divisor of the exit extent, every power
// of two, ceil(extent/m) for m <= 8 and the full extent; both halo policies
// and both weight policies, plus, where all-resident weights do not fit but
// streamed ones do, a per-node mix (fill_resident_weights). A mapping over
// the buffer is retried with the footprint reducers (with_smaller_footprint),
// with channel-split runs (with_split_channels), with the input streamed
// through all its readers, with residual adds in place (with and without
// the other reducers, split runs recomputed around them), and in groups
// with a concat each of these with the concat in place; all leave its
// traffic unchanged, and the one that
// fits holding least is kept. Ties go to fewer MACs, then larger tiles.
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
    // Try residual adds in place (fused_group.h); off: the former choices.
    bool residual_in_place = true;
};

// Tile sizes tried along an exit extent (exposed for tests).
std::vector<int64_t> fused_tile_candidates(int64_t extent);

// Exit channel tiles the search uses: a few vectors' worth of channels for
// the micro-kernel, and within a line or two of the one-channel footprint.
inline constexpr int64_t kExitChannelTile = 16;

// `m` holding less without moving more: exit channel tiles of
// kExitChannelTile when the exit is a layer (or a concat of layers read only
// by it), and a streamed input where node 0 is its only reader and the
// semantics allow it (fused_group.h).
FusedMapping with_smaller_footprint(const FusedGroup& g, const FusedMapping& m);

// Channel blocks the search splits runs into (fused_group.h): the same
// vector-friendly width as the exit channel tiles.
inline constexpr int64_t kSplitChannels = 16;

// Output channels an accumulating layer adds into a residual add in place
// at a time (fused_group.h): the same width again.
inline constexpr int64_t kResidualChannels = 16;

// `m` holding less without moving more: with halo refetch, every layer's
// chain of single-consumer producers is split (computed kc channels at a
// time inside it) back to and including the first one that is not
// channel-wise; the exit is no reducer when it has exit channel tiles unless
// it is channel-wise (then kc is its exit channel tile), nor a layer that
// accumulates into an add in place, nor a reader of a streamed input a
// split node. `m` unchanged when nothing splits.
FusedMapping with_split_channels(const FusedGroup& g, const FusedMapping& m, int64_t kc);

// The all-streamed mapping `streamed` with as many nodes' weights made
// resident as fit in `spare_bytes` (buffer minus the all-streamed peak),
// largest first. The result's peak is at most the streamed peak plus the
// resident bytes, so it fits. layer_weights is empty when none fits.
FusedMapping fill_resident_weights(const FusedGroup& g, const FusedMapping& streamed,
                                   int64_t spare_bytes);

FusedChoice search_fused_group(const FusedGroup& g, int64_t capacity_bytes,
                               const FusedSearchOptions& options);

} // namespace memsched
