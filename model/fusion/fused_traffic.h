// The fused-group traffic model: FusedGroup x FusedMapping -> FusedReport
// (DRAM bytes per tensor class, peak buffer footprint, executed MACs), in
// closed form. Rows and columns are handled apart: each tensor's box per tile
// is a row interval times a column interval, so every sum over the tile grid
// factors into (sum over tile rows) x (sum over tile columns). Line rounding
// factors the same way through the row start address modulo the line size;
// full-width pieces, whose rows join into one range per channel, are counted
// per channel start modulo the line.
// Cost: O(nodes x kernel x (tile rows + tile columns) + line x tile rows).
#pragma once

#include "model/fusion/fused_group.h"

#include <cstdint>
#include <vector>

namespace memsched {

// Per tile along one axis (rows or columns), the interval every tensor holds:
// index 0 is the group input, index i+1 is node i's output.
std::vector<std::vector<Interval>> fused_axis_intervals(const FusedGroup& g, bool rows,
                                                        int64_t tile);

// The largest interval tensor `tensor` holds over those tiles (its box's
// extent along the axis in the tile needing the most).
int64_t largest_extent(const std::vector<std::vector<Interval>>& tiles, size_t tensor);

// The model. Numbers are reported even when the footprint exceeds
// `capacity_bytes` (status says so); capacity_bytes <= 0 means unbounded.
FusedReport evaluate_fused(const FusedGroup& g, const FusedMapping& m, int64_t capacity_bytes,
                           int64_t line_bytes);

} // namespace memsched
