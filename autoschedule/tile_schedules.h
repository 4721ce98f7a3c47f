// Schedules of a materialised stage whose tiles compute conv-like
// reductions (conv, depthwise, pools: 4-D x,y,k,n; fully connected: 2-D
// k,n). The micro-kernel (register block) comes from the ISA, the cache
// tiles and their loop order from the model (TilePlan).
//
// 4-D loop nest of the root, outermost first:
//   parallel(n, k-tile, y-tile fused, in the model's order)
//     k-block in tile / row in tile / x-block          <- reductions computed here
//       k in block / x vectors (vectorized)            <- pointwise consumers inlined
// Each reduction, at the x vector: init vectorized; update with RVars
// outside the unrolled register block (channels x rows), the vector lanes
// innermost, storage bounded to the block so it stays in registers. Every
// split of the root guards its tail, so any output size (1x1, 3x5, ...)
// works; a block is over-computed at the edges only when its producers are
// padded (defined everywhere).
#pragma once

#include "autoschedule/directive.h"
#include "autoschedule/fusion_plan.h"
#include "autoschedule/model_bridge.h"
#include "autoschedule/pipeline_analysis.h"

#include <vector>

namespace memsched::autoschedule {

// fixed_extent[i]: reduction i may be over-computed at the edges
// (may_overcompute_spatially), so its register block gets constant extents.
// `staged`: pure producers (the reductions' activations) computed per cache
// tile, at the innermost tile loop; for plans of channel tiles inside row
// tiles, per row band instead (its channel tiles then the parallel loop).
// With plan.tile_c > 0 (one conv; issue #5, model_bridge.h
// plan_reduction_split) the conv is instead computed per cache tile, its
// update looping over chunks of plan.tile_c input channels outermost
// (partial sums kept in the tile's buffer) around guarded register blocks,
// and `staged` is copied per chunk. Returns the innermost tile loop (where
// the tiles' producers are computed).
std::string schedule_spatial_tiles(ScheduleWriter& w, const StageInfo& root,
                            const std::vector<const StageInfo*>& reductions,
                            const std::vector<bool>& fixed_extent,
                            const std::vector<const StageInfo*>& staged, const TilePlan& plan,
                            int parallelism);

// Issue #5: `conv` computed per cache tile (at `tile_loop` of `root`), its
// update over the tile with plan.split_rvar split into chunks of
// plan.tile_c channels outermost, the partial sums kept in the conv's
// buffer and `staged` copied per chunk (x-vectorized blocks only). With
// `fixed_extent` the tile's columns are whole vectors.
void schedule_split_conv(ScheduleWriter& w, const StageInfo& conv, const StageInfo& root,
                         const std::string& tile_loop, const std::vector<const StageInfo*>& staged,
                         const TilePlan& plan, bool fixed_extent);

// The same root with a channel-vectorized register block
// (plan.kernel.channel_vectors; one conv with weights):
//   parallel(n, k-tile, y-tile fused)
//     k-block                                   <- its weight panel copied here
//       row block / column block                <- the conv computed here
//         k vectors (vectorized, unrolled) x columns (unrolled)
// The conv's block is stored k-innermost, so each accumulator is one
// vector; the root's stores along k are strided (once per output, against
// C FMAs per output). The weights are read as k vectors from a panel: see
// schedule_weight_panel.
void schedule_channel_tiles(ScheduleWriter& w, const StageInfo& root, const StageInfo& conv,
                            const StageInfo& weights, bool fixed_extent,
                            const std::vector<const StageInfo*>& staged, const TilePlan& plan,
                            int parallelism);

// The same root with the conv's reduction split (plan.tile_c > 0) and a
// channel-vectorized register block:
//   parallel(n, k-tile, y-tile fused)           <- the conv computed here
//     (the root's channel-vectorized blocks, reading the tile's conv)
// and in the conv's update, per tile:
//   chunk of plan.tile_c input channels         <- `staged` copied here
//     k-block                                   <- its chunk's weight panel here
//       row block / column block
//         k vectors (vectorized, unrolled) x columns x rows (unrolled)
// so the tile's partial sums stay (stored k-innermost) while each chunk's
// input and weights stream once per tile, as in schedule_spatial_tiles'
// split, without the x vectors a narrow map leaves mostly empty.
void schedule_channel_split_tiles(ScheduleWriter& w, const StageInfo& root, const StageInfo& conv,
                                  const StageInfo& weights, bool fixed_extent,
                                  const std::vector<const StageInfo*>& staged,
                                  const TilePlan& plan, int parallelism);

// The weights (s, r, c, k) of a channel-vectorized conv, one channel block
// at a time: computed at the root's `kblock_loop`, stored k-innermost and
// bounded to the block (a contiguous panel of C*R*S k-vectors), the copy
// vectorized along k.
void schedule_weight_panel(ScheduleWriter& w, const StageInfo& weights, const StageInfo& root,
                           const std::string& kblock_loop, const MicroKernel& mk);

// A conv-like reduction that is itself materialised (an output, or read by
// another reduction): its update is tiled the same way, in place.
void schedule_reduction_tiles(ScheduleWriter& w, const StageInfo& r, const TilePlan& plan,
                              int parallelism);

// The same update tiling for a reduction computed inside `root` at loop
// `at` (a fused group's band, layer_fusion.h), stored at `store_at` when
// that is an outer loop (sliding window). With `channel_chunks` > 1 its
// channel blocks run in that many parallel chunks: for bands fewer than
// the threads (late layers of a few rows), which otherwise run on one core.
void schedule_reduction_tiles_at(ScheduleWriter& w, const StageInfo& r, const StageInfo& root,
                                 const std::string& at, const std::string& store_at,
                                 const TilePlan& plan, int channel_chunks = 0);

// A channel-vectorized conv (plan.kernel.channel_vectors; a conv whose
// weights may be copied k-innermost) computed inside `root` at loop `at`
// (a fused group's band, recomputed halos): its update runs its channel
// blocks outermost, each copying its weight panel (schedule_weight_panel)
// and then sweeping the band's row and column blocks, stored k-innermost.
// `channel_chunks` as for schedule_reduction_tiles_at.
void schedule_channel_reduction_at(ScheduleWriter& w, const StageInfo& r,
                                   const StageInfo& weights, const StageInfo& root,
                                   const std::string& at, const TilePlan& plan,
                                   int channel_chunks = 0);

// A pure stage `s` (a fused group's band pad) computed inside `root` at loop
// `at`, split into the register blocks of `mk` (x vectors, rows, channel
// blocks outermost; in `channel_chunks` parallel runs when > 1), with
// `conv`'s register block computed at each of its x blocks, as a hosted
// layer runs at its pad's blocks: the conv never holds more than one block,
// where computed per band it held a box of the band's every channel that
// the pad then copied. `fixed_extent` as for schedule_spatial_tiles.
// `whole_channel_blocks`: the last channel block of each region of `s`
// computed at `at` shifts inwards (a few channels computed twice; a region
// of fewer than mk.k_block channels must have as many before it), so every
// block of the conv is whole. Without it, regions whose channel count
// varies (tiles of channels that do not divide the layer) leave a guard on
// each unrolled channel of every block.
void schedule_conv_at_stage_blocks(ScheduleWriter& w, const StageInfo& s, const StageInfo& root,
                                   const std::string& at, const StageInfo& conv,
                                   bool fixed_extent, const MicroKernel& mk,
                                   int channel_chunks = 0, bool whole_channel_blocks = false);

// Rows per tile of a pad (or any root with border rows around a layer of
// `layer_rows`) for a plan of `plan_rows`: a plan covering every layer row
// covers every pad row, since tiles of the layer's height would leave the
// border rows a second row of tiles that reads the weights again.
int64_t rows_over_pad(int64_t plan_rows, int64_t layer_rows, int64_t pad_rows);

// The loops of a root tiled in row bands for a fused group.
struct BandLoops {
    std::string band;  // the loop over bands: the group's producers compute here
    std::string strip; // where sliding producers are stored (== band when not sliding)
    int strips = 1;    // parallel strips of serial bands (sliding only)
    int64_t band_rows = 1;
    int64_t band_cols = 0; // 0: full width
    // Fewer bands than threads (not sliding): the root's channel blocks run
    // in this many parallel chunks, and so should those of what is computed
    // per band; 0 otherwise.
    int channel_chunks = 0;
};

// schedule_reduction_tiles, with the update's rows in bands of plan.tile_y (tile_k holding
// every channel), returning the loops a group computing per band of a
// reduction exit (reduction_exit_group.h) uses: the bands run in parallel,
// or with `sliding` serially inside parallel strips (as schedule_band_tiles').
BandLoops schedule_reduction_bands(ScheduleWriter& w, const StageInfo& r, const TilePlan& plan,
                                   int parallelism, bool sliding);

// As schedule_spatial_tiles, with tiles of plan.tile_y rows (rounded up to
// whole register blocks) and all channels. Not sliding: the bands run in
// parallel. Sliding: bands run serially inside `parallelism` parallel
// strips, so producers stored per strip can keep rows from band to band.
// band_cols > 0 (not sliding): 2-D tiles of band_cols columns (rounded up
// to whole x vectors), the column tiles innermost of the parallel tile
// loops, so that `band` is the loop over (column tile, row band) pairs.
// With plan.kernel.channel_vectors (one reduction, full-width bands that
// are not sliding), the root's register blocks are channel-vectorized as in
// schedule_channel_tiles, with `weights` copied per channel block inside
// each band.
BandLoops schedule_band_tiles(ScheduleWriter& w, const StageInfo& root,
                              const std::vector<const StageInfo*>& reductions,
                              const std::vector<bool>& fixed_extent, const TilePlan& plan,
                              int parallelism, bool sliding, int64_t band_cols = 0,
                              const StageInfo* weights = nullptr);

void schedule_fc_tiles(ScheduleWriter& w, const StageInfo& root,
                       const std::vector<const StageInfo*>& reductions, const TilePlan& plan,
                       int parallelism);

} // namespace memsched::autoschedule
