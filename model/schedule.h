// Schedule: a hardware-unaware mapping of the loop nest onto buffer levels.
// Per buffer level (innermost first): the tile size of every loop, the order
// of the tile loops that step through that level's tiles, the loop position
// at which each tensor's tile is kept (Halide's store_at/compute_at), and
// whether the input's sliding-window overlap is kept or re-fetched.
//
// Semantics (shared by the model and the oracles):
// - Level i's tile loops step through level-i tiles inside the enclosing
//   level-(i+1) tile (the whole problem above the outermost buffer level).
//   Outer tile sizes must be multiples of inner ones, or the full extent, so
//   every level's tiles lie on one global grid; edge tiles are clipped.
// - kept_at[t] = p in 0..7: tensor t's level-i buffer is (re)filled at every
//   iteration of the first p tile loops of `order` (and of all outer
//   levels' loops). It holds the box of elements touched by the loops inside,
//   so loops at positions >= p that do not index t give free reuse.
// - Keep halo: when the input's kept position sits just inside a y/x/r/s loop,
//   a fill that follows the previous one with only that loop advanced by one
//   keeps the overlap and fetches the new part (Halide's sliding window);
//   on wrap-around the whole box is fetched.
// - Output: a fill reads back partial sums unless this is the first time its
//   elements are touched; every fill is written back when it is left.
#pragma once

#include "model/eval_status.h"
#include "model/memory_hierarchy.h"
#include "model/problem.h"

#include <array>
#include <string>
#include <vector>

namespace memsched {

enum class HaloPolicy { Refetch, Keep };
const char* to_string(HaloPolicy policy); // "refetch", "keep"

struct LevelMapping {
    std::array<int64_t, kNumLoops> tile{1, 1, 1, 1, 1, 1, 1}; // indexed by Loop
    std::array<Loop, kNumLoops> order{Loop::N, Loop::K, Loop::C, Loop::Y,
                                      Loop::X, Loop::R, Loop::S}; // outer -> inner
    std::array<int, kNumTensors> kept_at{0, 0, 0}; // indexed by Tensor, 0..7
    HaloPolicy halo = HaloPolicy::Refetch;

    int64_t tile_of(Loop l) const { return tile[int(l)]; }
    int position_of(Loop l) const; // index of l in order
    bool operator==(const LevelMapping& o) const;
};

// One layer's schedule; several layers computed tile by tile together are a
// FusedGroup with its FusedMapping (model/fusion/).
struct Schedule {
    std::vector<LevelMapping> levels; // one per buffer level, innermost first

    bool operator==(const Schedule& o) const { return levels == o.levels; }
};

// Legality: level count matches the hierarchy, tiles in 1..extent and nested
// (multiple of the inner tile or the full extent), order a permutation,
// kept_at in 0..7. The reason names the field, e.g. "levels[0].tile.y=0".
EvalStatus validate(const Schedule& s, const Problem& p, const MemoryHierarchy& h);

// "Naive (untiled)": the plain nest n,k,y,x,c,r,s with every tile 1 except
// the kernel window (r, s full), input and weights kept inside c (the buffer
// holds one window of input and filter), the output accumulated across
// c, r, s (kept inside x). Every outer buffer level holds the same.
Schedule naive_schedule(const Problem& p, const MemoryHierarchy& h);

// One tile spanning the whole problem at every level, all kept at position 0.
Schedule whole_problem_schedule(const Problem& p, const MemoryHierarchy& h);

// Compact one-line form for tables: "tile n1 k16 ... | order k,c,y,x | kept 2,1,3 | keep".
std::string describe(const LevelMapping& m);

} // namespace memsched
