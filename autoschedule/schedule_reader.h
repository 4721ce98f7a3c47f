// ScheduleReader: reads back the schedule some scheduler (a bundled
// autoscheduler, a hand schedule, or none) applied to a layer's Funcs and
// writes it as a one-level model Schedule, so that the model can predict the
// traffic of schedules it did not choose (measure/model_prediction).
//
// What is read (Halide 14 keeps applied directives in the Functions):
// - the consumer's (output's) StageSchedule: its splits, fuses and loop order;
// - the reduction's FuncSchedule compute_level: root, or a loop of the
//   consumer (left inlined, a Func with an update is computed at the
//   consumer's innermost loop: Halide 14 cannot inline it);
// - the reduction's update StageSchedule: splits, fuses, renames and order of
//   its pure vars and RVars;
// - the padded input's compute_level (inlined, root, or staged in a loop).
// The reduction's full loop nest is the consumer's loops down to the
// compute_at loop, then the update's own loops; pure-var extents inside a
// compute_at are what the consumer's inner loops cover. Every loop is
// attributed to one model Loop (a fused loop is expanded into its parts,
// outer part first, which nests exactly as the fused loop iterates).
//
// How that becomes one LevelMapping (the model has one tile loop per axis):
// walking the nest from the outside, loops of extent 1 are dropped and the
// nest is cut at the first loop whose axis was already seen; the loops above
// the cut are the tile loops, in their order; everything at and below the
// cut is the tile (per axis: the product of its loops' extents there, capped
// at the axis extent). Axes with no loop above the cut get the full extent
// as tile and go innermost in the order (one trip). kept_at and the halo
// policy are NOT read (Halide's caches are not buffers): the caller fits
// them to the cache (see measure/model_prediction).
//
// What cannot be expressed, and is approximated (listed in `approximations`):
// - a second tiling level above the cut (an axis split twice outside the
//   innermost block): only the innermost level is the tile, the outer split
//   loops fall inside it;
// - loop order inside the tile (irrelevant to a buffer that holds the tile);
// - vectorize / unroll / parallel (no traffic meaning on one thread);
// - a staged (compute_at) padded input: read as if inlined, its copy is a
//   scratch buffer that stays cached; a root padded input is reported so the
//   caller can add its extra pass;
// - ShiftInwards / RoundUp tails: counted as ceil(extent / factor) tiles;
// - store_at above compute_at (sliding window of the reduction's scratch).
// rfactor (a reduction split into an intermediate Func) or RVars other than
// the expected ones make the schedule untranslatable (std::runtime_error).
#pragma once

#include "model/problem.h"
#include "model/schedule.h"

#include <Halide.h>

#include <cstdint>
#include <string>
#include <vector>

namespace memsched::autoschedule {

// A Func and the model loop each of its dimensions stands for.
struct StageLoops {
    Halide::Func func;
    std::vector<Loop> pure;  // per pure argument, in argument order
    std::vector<Loop> rvars; // per RVar of the (single) update, in RDom order; empty for pure Funcs
};

// Where a Func is computed, as far as traffic is concerned.
enum class Placement { Inlined, Root, AtLoop };
const char* to_string(Placement p); // "inlined", "root", "at_loop"

// One loop of the reduction's nest, outer to inner.
struct AppliedLoop {
    std::string name; // Halide's loop variable (e.g. "x.x_o", or the consumer's "output:y")
    Loop axis;
    int64_t extent;
};

struct ReadSchedule {
    Schedule schedule;              // one level: tile and order; kept_at 0, Refetch
    std::vector<AppliedLoop> nest;  // the nest the mapping was read from (extent-1 loops dropped)
    int cut = 0;                    // nest[0..cut) are the tile loops
    Placement reduction = Placement::Root;
    Placement padded_input = Placement::Inlined; // Inlined when there is none
    std::vector<std::string> approximations;     // what the mapping leaves out
};

// consumer: the pure Func that reads the reduction (the pipeline output);
// reduction: pure init + one update; padded_input: the Func the reduction
// reads as its input, or an undefined Func. The problem gives every axis's
// extent. Throws std::runtime_error naming what could not be read.
ReadSchedule read_applied_schedule(const Problem& p, const StageLoops& consumer, const StageLoops& reduction,
                                   const Halide::Func& padded_input);

// "n1 k16 c64 y2 x8 r3 s3 | order n,y,k,x,c,r,s" style line plus the nest, for logs.
std::string describe(const ReadSchedule& r);

} // namespace memsched::autoschedule
