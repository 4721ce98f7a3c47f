// Footprint: the boxes of tensor elements a tensor's buffer holds at each
// position of a tile grid, and the bytes it takes to fetch them. Closed form
// per tensor axis (one run list per axis), exact in three places that do not
// factor across axes:
// - padding is clipped (padded elements are never fetched or held);
// - the sliding-window halo along y/x (and r/s) when the overlap is kept;
// - line granularity: a fetch moves each maximal contiguous address range as
//   one burst rounded out to whole lines, given a line-aligned tensor base and
//   dense strides. The sum over all positions is computed with a histogram of
//   row start addresses modulo the line size (see fetched_bytes).
#pragma once

#include "model/problem.h"

#include <array>
#include <cstdint>
#include <vector>

namespace memsched {

// The tile grid a tensor's buffer follows along each loop at one level.
struct LoopGrid {
    // Extent of the block along each loop: the level's tile for loops outside
    // the kept position, else the enclosing tile (the loop runs inside).
    std::array<int64_t, kNumLoops> block{};
    // Tile of the enclosing level: a sweep of the keep loop restarts at its
    // boundaries.
    std::array<int64_t, kNumLoops> enclosing{};
    int keep_loop = -1; // loop whose advance keeps the window overlap; -1 none
};

// An interval of axis coordinates [lo, lo+len) that occurs `weight` times
// over all block positions (len > 0).
struct AxisRun {
    int64_t lo = 0;
    int64_t len = 0;
    int64_t weight = 1;
};

// Runs of one axis over all positions of the grid: the held boxes
// (fetched=false) or the parts fetched under the keep-halo rule (true).
// With period > 0, full Direct tiles whose starts agree modulo `period`
// are merged into one run carrying their count (for line arithmetic, where
// only coord * stride modulo the line matters).
void axis_runs(const Problem& p, const TensorAxis& axis, const LoopGrid& grid, bool fetched,
               std::vector<AxisRun>* out, int64_t period = 0);

// Largest box of tensor t on this grid, in elements (the buffer it needs).
int64_t max_block_elements(const Problem& p, Tensor t, const LoopGrid& grid);

// Sum over all grid positions (each once) of the line-rounded bytes fetched.
// Returns -1 when line_bytes / gcd(line_bytes, element_bytes) exceeds 256.
int64_t fetched_bytes(const Problem& p, Tensor t, const LoopGrid& grid, int64_t line_bytes);

// Lines touched by the byte range [start, start+len) with line-aligned base.
inline int64_t lines_touched(int64_t start_bytes, int64_t len_bytes, int64_t line_bytes) {
    if (len_bytes <= 0) return 0;
    return (start_bytes + len_bytes - 1) / line_bytes - start_bytes / line_bytes + 1;
}

} // namespace memsched
