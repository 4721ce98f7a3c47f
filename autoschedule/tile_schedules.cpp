// Tiled schedules of roots computing fused reductions (see tile_schedules.h).
#include "autoschedule/tile_schedules.h"

#include <algorithm>
#include <stdexcept>

namespace memsched::autoschedule {
namespace {

using Halide::TailStrategy;
constexpr TailStrategy kGuard = TailStrategy::GuardWithIf;

// Largest kernel extent we fully unroll (7x7 stems included).
constexpr int64_t kMaxUnrolledRVar = 7;

// The innermost RVar (the kernel column) is unrolled when small, so the
// shifted input vectors are plain offsets of one address.
void unroll_kernel_columns(StageWriter& up, const StageInfo& r) {
    if (!r.rvars.empty() && r.rvars[0].extent > 1 && r.rvars[0].extent <= kMaxUnrolledRVar)
        up.unroll(r.rvars[0].name);
}

// The loops around a register block, whatever its shape.
struct CacheTileLoops {
    std::string x_outer, row_blocks, kblocks; // blocks inside a cache tile
    std::vector<std::string> outer;           // parallel tile loops, innermost first
    std::string row_tiles, k_tiles;           // the tile loops among `outer`, "" when one tile
};

// The loops a tiled 4-D stage has after apply_tile_splits.
struct TileLoops : CacheTileLoops {
    std::string lanes, k_inner, y_inner; // the register block
};

// Channel blocks per cache tile, rounded up: a tile of all 128 channels in
// blocks of 6 is 22 blocks, not 21 blocks and a second tile of 2 channels.
int64_t channel_blocks_per_tile(const TilePlan& plan) {
    return std::max<int64_t>(1, (plan.tile_k + plan.kernel.k_block - 1) / plan.kernel.k_block);
}

// Splits the row blocks (y_o) and channel blocks (k_o) into the plan's cache
// tiles, in the plan's tile order, then n.
void split_into_cache_tiles(StageWriter& st, const std::string& y, const std::string& k,
                            const std::string& n, const std::vector<int64_t>& extents,
                            const TilePlan& plan, CacheTileLoops& t) {
    const MicroKernel& mk = plan.kernel;
    std::string row_tiles, ktiles;
    const int64_t rows_per_tile = std::max<int64_t>(1, (plan.tile_y + mk.rows - 1) / mk.rows);
    if (rows_per_tile * mk.rows < extents[1]) {
        st.split(y + "_o", y + "_t", y + "_b", int(rows_per_tile), kGuard);
        t.row_blocks = y + "_b", row_tiles = y + "_t";
    }
    const int64_t blocks_per_tile = channel_blocks_per_tile(plan);
    if (blocks_per_tile * mk.k_block < extents[2]) {
        st.split(k + "_o", k + "_t", k + "_b", int(blocks_per_tile), kGuard);
        t.kblocks = k + "_b", ktiles = k + "_t";
    }
    t.row_tiles = row_tiles, t.k_tiles = ktiles;
    const std::string& first = plan.k_outer ? row_tiles : ktiles;
    const std::string& second = plan.k_outer ? ktiles : row_tiles;
    for (const auto& l : {first, second})
        if (!l.empty()) t.outer.push_back(l);
    t.outer.push_back(n);
}

// Splits x into vectors, y into row blocks and k into channel blocks (the
// register block), then row blocks and channel blocks into the plan's cache
// tiles. `extents` are the stage's (x, y, k, n) extents.
TileLoops apply_tile_splits(StageWriter& st, const std::vector<std::string>& v,
                            const std::vector<int64_t>& extents, const TilePlan& plan,
                            TailStrategy channel_tail = kGuard) {
    const MicroKernel& mk = plan.kernel;
    const std::string &x = v[0], &y = v[1], &k = v[2], &n = v[3];
    TileLoops t;
    st.split(x, x + "_o", x + "_i", mk.vector_lanes, kGuard);
    st.split(y, y + "_o", y + "_i", mk.rows, kGuard);
    st.split(k, k + "_o", k + "_i", mk.k_block, channel_tail);
    t.lanes = x + "_i", t.y_inner = y + "_i", t.k_inner = k + "_i";
    t.x_outer = x + "_o", t.row_blocks = y + "_o", t.kblocks = k + "_o";
    split_into_cache_tiles(st, y, k, n, extents, plan, t);
    return t;
}

// Loop order innermost first: register block, then `middle` (RVars of a
// reduction tiled in place), then x vectors, row blocks, channel blocks,
// tile loops. Inside a cache tile the channel blocks are outermost, so one
// block's weights serve every row and column of the tile.
std::vector<std::string> tile_order(const TileLoops& t, const std::vector<std::string>& middle) {
    std::vector<std::string> order{t.lanes, t.k_inner, t.y_inner};
    order.insert(order.end(), middle.begin(), middle.end());
    order.insert(order.end(), {t.x_outer, t.row_blocks, t.kblocks});
    order.insert(order.end(), t.outer.begin(), t.outer.end());
    return order;
}

// The reduction's register block: init and update at the root's x vector.
// With `fixed_extent` the block always has its full size (bound_extent:
// edge blocks compute a few points more, reading padded producers), so its
// loops are constant and fully unrolled; otherwise every loop guards its
// tail and only the storage is bounded.
void schedule_register_block(ScheduleWriter& w, const StageInfo& r, const StageInfo& root,
                             const std::string& at, const MicroKernel& mk, bool fixed_extent) {
    const std::string &x = r.pure_vars[0], &y = r.pure_vars[1], &k = r.pure_vars[2],
                      &n = r.pure_vars[3];
    w.compute_at(r.func, root.func, at);
    if (fixed_extent) {
        w.bound_extent(r.func, x, mk.vector_lanes);
        w.bound_extent(r.func, y, mk.rows);
    } else {
        w.bound_storage(r.func, x, mk.vector_lanes);
        w.bound_storage(r.func, y, mk.rows);
    }
    // Channels are never over-computed (weights are read unclamped): their
    // loop is guarded, the storage bounded to keep a constant register tile.
    w.bound_storage(r.func, k, mk.k_block);

    StageWriter init = w.stage(r.func, -1);
    StageWriter up = w.stage(r.func, 0);
    std::vector<std::string> rvars;
    for (const auto& rv : r.rvars) rvars.push_back(rv.name);
    if (fixed_extent) {
        if (mk.vector_lanes > 1) init.vectorize(x);
        std::vector<std::string> order{x, k, y};
        order.insert(order.end(), rvars.begin(), rvars.end());
        order.push_back(n);
        up.reorder(order);
        if (mk.vector_lanes > 1) up.vectorize(x);
        up.unroll(k).unroll(y);
    } else {
        if (mk.vector_lanes > 1)
            init.split(x, x + "_vo", x + "_v", mk.vector_lanes, kGuard).vectorize(x + "_v");
        up.split(x, x + "_vo", x + "_v", mk.vector_lanes, kGuard);
        up.split(k, k + "_bo", k + "_b", mk.k_block, kGuard);
        up.split(y, y + "_bo", y + "_b", mk.rows, kGuard);
        std::vector<std::string> order{x + "_v", k + "_b", y + "_b"};
        order.insert(order.end(), rvars.begin(), rvars.end());
        order.insert(order.end(), {x + "_vo", k + "_bo", y + "_bo", n});
        up.reorder(order);
        if (mk.vector_lanes > 1) up.vectorize(x + "_v");
        up.unroll(k + "_b").unroll(y + "_b");
    }
    unroll_kernel_columns(up, r);
}

// The channel blocks of one tile in `chunks` parallel runs of consecutive
// blocks: one task per thread, since a task per block of a 4x4 layer is
// too small to pay for its dispatch (MobileNetV2 @112, 2 threads: a
// parallel loop over blocks ran 1.2x slower than no parallel loop).
void parallel_channel_chunks(StageWriter& st, const std::string& kblocks, const StageInfo& s,
                             const TilePlan& plan, int chunks) {
    const int64_t k_tile = std::min<int64_t>(plan.tile_k, s.extents[2]);
    const int64_t blocks = (k_tile + plan.kernel.k_block - 1) / std::max(1, plan.kernel.k_block);
    const int64_t per_chunk = (blocks + chunks - 1) / chunks;
    st.split(kblocks, kblocks + "_p", kblocks + "_pi", int(std::max<int64_t>(1, per_chunk)), kGuard);
    st.parallel(kblocks + "_p");
}

// The loop to stage a root's activations at when its plan runs channel
// tiles inside row tiles (or one row tile of the whole height): the loop
// just outside the channel tiles (the row-tile loop, or n), so each band's
// copy (every input channel) serves all its channel tiles, as the plan's
// model nest keeps it. Copied per tile instead, a band's source is read
// once per channel tile: ResNet-50 @224's layer3_0 add (22 tiles of 48
// channels) moved 35 MiB at a 1 MiB LL for 10.8 MB predicted, and
// ResNet-18 @224's layer3_0 add (one row tile, 11 tiles of 24 channels)
// 11.3 MiB for 2.8 MB. The channel tiles then run in parallel inside the
// serial band loop, so only where they are at least `parallelism` (0:
// nothing staged, never). Empty: stage per tile.
std::string staged_band_loop(const TileLoops& t, const StageInfo& root, const TilePlan& plan,
                             int parallelism) {
    if (parallelism <= 0 || plan.tile_c > 0 || t.k_tiles.empty() || t.outer.size() < 2) return "";
    if (!t.row_tiles.empty() && plan.k_outer) return "";
    const int64_t k_per_tile = channel_blocks_per_tile(plan) * plan.kernel.k_block;
    const int64_t k_tiles = (root.extents[2] + k_per_tile - 1) / k_per_tile;
    if (k_tiles < parallelism) return "";
    return t.outer[1];
}

// Fuses the listed outer loops (innermost first) into one parallel loop;
// returns the innermost tile loop left (the fused one, or outer[0]).
std::string parallelize(StageWriter& st, const std::vector<std::string>& outer, int parallelism) {
    if (outer.empty()) return "";
    if (parallelism <= 1) return outer[0];
    std::string fused = outer[0];
    for (size_t i = 1; i < outer.size(); i++) {
        std::string next = fused + "_" + outer[i];
        st.fuse(fused, outer[i], next);
        fused = next;
    }
    st.parallel(fused);
    return fused;
}

// A producer copied once per cache tile (or reduction chunk: loop `loop`
// of `at`), vectorized along x.
void schedule_staged(ScheduleWriter& w, const StageInfo& s, const Halide::Internal::Function& at,
                     const std::string& loop, int lanes) {
    w.compute_at(s.func, at, loop);
    if (lanes > 1 && !s.pure_vars.empty()) {
        const std::string& x = s.pure_vars[0];
        w.stage(s.func, -1).split(x, x + "_vo", x + "_vi", lanes, kGuard).vectorize(x + "_vi");
    }
}

// The update of a reduction tiled in its own memory: the RVars sit between
// the register block and the x-blocks, so the block's accumulators stay in
// registers across the whole reduction. Parallel loops are the caller's.
TileLoops tile_update_in_place(StageWriter& up, const StageInfo& r, const TilePlan& plan) {
    TileLoops t = apply_tile_splits(up, r.pure_vars, r.extents, plan);
    std::vector<std::string> rvars;
    for (const auto& rv : r.rvars) rvars.push_back(rv.name);
    up.reorder(tile_order(t, rvars));
    up.vectorize(t.lanes);
    up.unroll(t.k_inner).unroll(t.y_inner);
    unroll_kernel_columns(up, r);
    return t;
}

void vectorize_init(StageWriter& init, const StageInfo& r, const MicroKernel& mk) {
    const std::string& x = r.pure_vars[0];
    if (mk.vector_lanes > 1)
        init.split(x, x + "_vo", x + "_v", mk.vector_lanes, kGuard).vectorize(x + "_v");
}

// The root's splits for a channel-vectorized block: k into vectors (k_v)
// and blocks of k_vectors (k_u), x into column blocks, y into row blocks,
// then row blocks and channel blocks into the plan's cache tiles.
struct ChannelLoops : CacheTileLoops {
    std::string k_v, k_u, x_i, y_i; // the register block
};

ChannelLoops apply_channel_splits(StageWriter& st, const std::vector<std::string>& v,
                                  const std::vector<int64_t>& extents, const TilePlan& plan) {
    const MicroKernel& mk = plan.kernel;
    const std::string &x = v[0], &y = v[1], &k = v[2], &n = v[3];
    ChannelLoops t;
    st.split(k, k + "_vo", k + "_v", mk.vector_lanes, kGuard);
    st.split(k + "_vo", k + "_o", k + "_u", mk.k_vectors(), kGuard);
    st.split(x, x + "_o", x + "_i", mk.x_cols, kGuard);
    st.split(y, y + "_o", y + "_i", mk.rows, kGuard);
    t.k_v = k + "_v", t.k_u = k + "_u", t.x_i = x + "_i", t.y_i = y + "_i";
    t.x_outer = x + "_o", t.row_blocks = y + "_o", t.kblocks = k + "_o";
    split_into_cache_tiles(st, y, k, n, extents, plan, t);
    return t;
}

// The init of a conv stored k-innermost: a fill vectorized along k.
void vectorize_channel_init(ScheduleWriter& w, const StageInfo& r, const MicroKernel& mk) {
    const std::string &x = r.pure_vars[0], &y = r.pure_vars[1], &k = r.pure_vars[2],
                      &n = r.pure_vars[3];
    StageWriter init = w.stage(r.func, -1);
    init.split(k, k + "_vo", k + "_v", mk.vector_lanes, kGuard).vectorize(k + "_v");
    init.reorder({k + "_v", k + "_vo", x, y, n});
}

// A split conv's tile rounded out to whole column blocks (it may be
// over-computed): a guarded vector loop over a row narrower than a vector
// runs scalar. Only columns: the tiles span the full width, so the rounding
// does not depend on the tile loop. Rounding the rows too (they do) made
// Halide 14 size the conv's compute_root input for 224x the rows it holds
// (VGG-16 @224 planned for 256 KiB: conv1_2's split, hosted by a pad read
// by a stride-2 pool, asked for a 2.9 GB conv1_2_padded and failed at run
// time).
void align_split_columns(ScheduleWriter& w, const StageInfo& conv, const std::string& x,
                         int columns) {
    if (columns > 1) w.align_bounds(conv.func, x, columns);
}

// The update of a channel-vectorized conv computed for a whole tile or band,
// innermost first: k vectors (vectorized, unrolled) x columns x rows
// (unrolled), the `window` RVars, the column, row and channel blocks (so one
// channel block's weight panel serves every row and column block), then
// `outer`.
void tile_channel_update(StageWriter& up, const StageInfo& r, const MicroKernel& mk,
                         const std::vector<std::string>& window,
                         const std::vector<std::string>& outer) {
    const std::string &x = r.pure_vars[0], &y = r.pure_vars[1], &k = r.pure_vars[2];
    up.split(k, k + "_vo", k + "_v", mk.vector_lanes, kGuard);
    up.split(k + "_vo", k + "_o", k + "_u", mk.k_vectors(), kGuard);
    up.split(x, x + "_o", x + "_i", mk.x_cols, kGuard);
    up.split(y, y + "_o", y + "_i", mk.rows, kGuard);
    std::vector<std::string> order{k + "_v", k + "_u", x + "_i", y + "_i"};
    order.insert(order.end(), window.begin(), window.end());
    order.insert(order.end(), {x + "_o", y + "_o", k + "_o"});
    order.insert(order.end(), outer.begin(), outer.end());
    up.reorder(order);
    up.vectorize(k + "_v").unroll(k + "_u").unroll(x + "_i").unroll(y + "_i");
    unroll_kernel_columns(up, r);
}

// The root's loops for channel-vectorized register blocks inside its cache
// tiles (those schedule_channel_tiles describes), innermost first.
ChannelLoops order_channel_root(StageWriter& st, const StageInfo& root, const TilePlan& plan) {
    ChannelLoops t = apply_channel_splits(st, root.pure_vars, root.extents, plan);
    std::vector<std::string> order{t.k_v, t.k_u, t.x_i, t.y_i, t.x_outer, t.row_blocks, t.kblocks};
    order.insert(order.end(), t.outer.begin(), t.outer.end());
    st.reorder(order);
    st.vectorize(t.k_v).unroll(t.k_u).unroll(t.x_i);
    return t;
}

// The conv's channel-vectorized block at the root's column block.
void schedule_channel_block(ScheduleWriter& w, const StageInfo& r, const StageInfo& root,
                            const std::string& at, const MicroKernel& mk, bool fixed_extent) {
    const std::string &x = r.pure_vars[0], &y = r.pure_vars[1], &k = r.pure_vars[2],
                      &n = r.pure_vars[3];
    w.compute_at(r.func, root.func, at);
    // k innermost: each accumulator is one vector of channels.
    w.reorder_storage(r.func, {k, x, y, n});
    if (fixed_extent) {
        w.bound_extent(r.func, x, mk.x_cols);
        w.bound_extent(r.func, y, mk.rows);
    } else {
        w.bound_storage(r.func, x, mk.x_cols);
        w.bound_storage(r.func, y, mk.rows);
    }
    w.bound_storage(r.func, k, mk.k_block);

    vectorize_channel_init(w, r, mk);
    StageWriter up = w.stage(r.func, 0);
    // The block's channel extent is only bounded (a tail block is smaller),
    // so the unrolled vector loop is a split of constant factor.
    up.split(k, k + "_vo", k + "_v", mk.vector_lanes, kGuard);
    up.split(k + "_vo", k + "_bo", k + "_u", mk.k_vectors(), kGuard);
    std::vector<std::string> order{k + "_v", k + "_u"};
    std::string xb = x, yb = y;
    if (!fixed_extent) {
        up.split(x, x + "_bo", x + "_b", mk.x_cols, kGuard);
        up.split(y, y + "_bo", y + "_b", mk.rows, kGuard);
        xb = x + "_b", yb = y + "_b";
    }
    order.insert(order.end(), {xb, yb});
    for (const auto& rv : r.rvars) order.push_back(rv.name);
    if (!fixed_extent) order.insert(order.end(), {x + "_bo", y + "_bo"});
    order.insert(order.end(), {k + "_bo", n});
    up.reorder(order);
    up.vectorize(k + "_v").unroll(k + "_u").unroll(xb).unroll(yb);
    unroll_kernel_columns(up, r);
}

} // namespace

// Issue #5: the conv computed per cache tile (at `tile_loop` of the root),
// its update over the tile with the channel RVar split into chunks of
// plan.tile_c outermost: for each chunk, every register block of the tile
// adds that chunk's contribution to its partial sums in the tile's buffer
// (the conv's storage), so the tile's output stays in cache across the
// chunks while each chunk's input and weights stream once per tile. The
// staged input is copied per chunk (only that chunk's channels). Every
// split guards its tail (edge tiles, odd channel counts). With
// `fixed_extent` (the conv may be over-computed) the tile's columns are
// rounded up to whole vectors (align_split_columns): a guarded vector loop
// over a row narrower than a vector runs scalar (ResNet-50 @224's layer4_0
// downsample, 7 columns, split: 4x slower than unsplit, JIT, AVX2).
void schedule_split_conv(ScheduleWriter& w, const StageInfo& conv, const StageInfo& root,
                         const std::string& tile_loop, const std::vector<const StageInfo*>& staged,
                         const TilePlan& plan, bool fixed_extent) {
    const MicroKernel& mk = plan.kernel;
    if (mk.channel_vectors)
        throw std::logic_error("schedule_split_conv: " + conv.name +
                               ": a channel-vectorized split goes through schedule_channel_split_tiles");
    const std::string &x = conv.pure_vars[0], &y = conv.pure_vars[1], &k = conv.pure_vars[2],
                      &n = conv.pure_vars[3];
    const std::string& c = plan.split_rvar;
    w.compute_at(conv.func, root.func, tile_loop);
    if (fixed_extent && mk.vector_lanes > 1) align_split_columns(w, conv, x, mk.vector_lanes);
    StageWriter init = w.stage(conv.func, -1);
    vectorize_init(init, conv, mk);
    StageWriter up = w.stage(conv.func, 0);
    up.split(c, c + "_o", c + "_i", int(plan.tile_c), kGuard);
    up.split(x, x + "_vo", x + "_v", mk.vector_lanes, kGuard);
    up.split(k, k + "_bo", k + "_b", mk.k_block, kGuard);
    up.split(y, y + "_bo", y + "_b", mk.rows, kGuard);
    // Innermost first: the register block, the window and the chunk's
    // channels, the blocks of the tile, then the chunks.
    std::vector<std::string> order{x + "_v", k + "_b", y + "_b"};
    for (const auto& rv : conv.rvars)
        if (rv.name != c) order.push_back(rv.name);
    order.insert(order.end(), {c + "_i", x + "_vo", y + "_bo", k + "_bo", c + "_o", n});
    up.reorder(order);
    if (mk.vector_lanes > 1) up.vectorize(x + "_v");
    up.unroll(k + "_b").unroll(y + "_b");
    unroll_kernel_columns(up, conv);
    for (const StageInfo* s : staged) schedule_staged(w, *s, conv.func, c + "_o", mk.vector_lanes);
}

void schedule_channel_tiles(ScheduleWriter& w, const StageInfo& root, const StageInfo& conv,
                            const StageInfo& weights, bool fixed_extent,
                            const std::vector<const StageInfo*>& staged, const TilePlan& plan,
                            int parallelism) {
    const MicroKernel& mk = plan.kernel;
    w.compute_root(root.func);
    StageWriter st = w.stage(root.func, -1);
    const ChannelLoops t = order_channel_root(st, root, plan);
    const std::string tile_loop = parallelize(st, t.outer, parallelism);
    schedule_channel_block(w, conv, root, t.x_outer, mk, fixed_extent);
    schedule_weight_panel(w, weights, root, t.kblocks, mk);
    // The staged activations are read as broadcasts: x vectors still copy
    // them fastest.
    for (const StageInfo* s : staged)
        schedule_staged(w, *s, root.func, tile_loop, mk.vector_lanes);
}

void schedule_channel_split_tiles(ScheduleWriter& w, const StageInfo& root, const StageInfo& conv,
                                  const StageInfo& weights, bool fixed_extent,
                                  const std::vector<const StageInfo*>& staged,
                                  const TilePlan& plan, int parallelism) {
    const MicroKernel& mk = plan.kernel;
    w.compute_root(root.func);
    StageWriter st = w.stage(root.func, -1);
    const ChannelLoops t = order_channel_root(st, root, plan);
    const std::string tile_loop = parallelize(st, t.outer, parallelism);

    const std::string &x = conv.pure_vars[0], &y = conv.pure_vars[1], &k = conv.pure_vars[2],
                      &n = conv.pure_vars[3];
    const std::string& c = plan.split_rvar;
    w.compute_at(conv.func, root.func, tile_loop);
    // k innermost: each accumulator is one vector of channels.
    w.reorder_storage(conv.func, {k, x, y, n});
    if (fixed_extent) align_split_columns(w, conv, x, mk.x_cols);
    vectorize_channel_init(w, conv, mk);
    StageWriter up = w.stage(conv.func, 0);
    up.split(c, c + "_o", c + "_i", int(plan.tile_c), kGuard);
    // The window takes the chunk's channels; the chunks run outside the
    // tile's blocks.
    std::vector<std::string> window;
    for (const auto& rv : conv.rvars) window.push_back(rv.name == c ? c + "_i" : rv.name);
    tile_channel_update(up, conv, mk, window, {c + "_o", n});
    // Bounds inference sizes the panel to the chunk's input channels.
    schedule_weight_panel(w, weights, conv, k + "_o", mk);
    for (const StageInfo* s : staged) schedule_staged(w, *s, conv.func, c + "_o", mk.vector_lanes);
}

void schedule_weight_panel(ScheduleWriter& w, const StageInfo& weights, const StageInfo& root,
                           const std::string& kblock_loop, const MicroKernel& mk) {
    const std::string &s = weights.pure_vars[0], &r = weights.pure_vars[1],
                      &c = weights.pure_vars[2], &k = weights.pure_vars[3];
    // One channel block's weights, copied where the block starts and read by
    // every row and column block of the tile. A copy of all the weights at
    // root instead strides by the layer's channel count (a power of two in
    // most networks) from one input channel to the next: those lines share
    // a few cache sets and evict each other on every pass (ResNet-50
    // layer3's 1x1 convs read their weights 6x under cachegrind), and the
    // copy itself is written and read back once more per call.
    w.compute_at(weights.func, root.func, kblock_loop);
    w.reorder_storage(weights.func, {k, s, r, c});
    w.bound_storage(weights.func, k, mk.k_block);
    StageWriter st = w.stage(weights.func, -1);
    st.split(k, k + "_vo", k + "_v", mk.vector_lanes, kGuard);
    // Source rows (s, r, c contiguous per k) are read lane by lane.
    st.reorder({k + "_v", s, r, c, k + "_vo"});
    st.vectorize(k + "_v");
}

std::string schedule_spatial_tiles(ScheduleWriter& w, const StageInfo& root,
                            const std::vector<const StageInfo*>& reductions,
                            const std::vector<bool>& fixed_extent,
                            const std::vector<const StageInfo*>& staged, const TilePlan& plan,
                            int parallelism) {
    w.compute_root(root.func);
    StageWriter st = w.stage(root.func, -1);
    TileLoops t = apply_tile_splits(st, root.pure_vars, root.extents, plan);
    st.reorder(tile_order(t, {}));
    st.vectorize(t.lanes);
    const std::string band_loop = staged_band_loop(t, root, plan, staged.empty() ? 0 : parallelism);
    const std::string tile_loop =
        band_loop.empty() ? parallelize(st, t.outer, parallelism) : t.outer[0];
    if (!band_loop.empty() && parallelism > 1) st.parallel(tile_loop);
    if (plan.tile_c > 0 && reductions.size() == 1) {
        schedule_split_conv(w, *reductions[0], root, tile_loop, staged, plan, fixed_extent[0]);
        return tile_loop;
    }
    for (size_t i = 0; i < reductions.size(); i++)
        schedule_register_block(w, *reductions[i], root, t.x_outer, plan.kernel, fixed_extent[i]);
    for (const StageInfo* s : staged)
        schedule_staged(w, *s, root.func, band_loop.empty() ? tile_loop : band_loop,
                        plan.kernel.vector_lanes);
    return tile_loop;
}

void schedule_reduction_tiles(ScheduleWriter& w, const StageInfo& r, const TilePlan& plan,
                              int parallelism) {
    schedule_reduction_bands(w, r, plan, parallelism, false);
}

BandLoops schedule_reduction_bands(ScheduleWriter& w, const StageInfo& r, const TilePlan& plan,
                                   int parallelism, bool sliding) {
    w.compute_root(r.func);
    // The init is a plain vectorized fill, parallel over channels and batch.
    StageWriter init = w.stage(r.func, -1);
    const std::string &k = r.pure_vars[2], &n = r.pure_vars[3];
    vectorize_init(init, r, plan.kernel);
    if (parallelism > 1) init.fuse(k, n, k + "_" + n + "_par").parallel(k + "_" + n + "_par");
    StageWriter up = w.stage(r.func, 0);
    TileLoops t = tile_update_in_place(up, r, plan);
    BandLoops loops;
    loops.band_rows = std::max<int64_t>(1, (plan.tile_y + plan.kernel.rows - 1) / plan.kernel.rows) *
                      plan.kernel.rows;
    const int64_t n_bands = (r.extents[1] + loops.band_rows - 1) / loops.band_rows;
    if (!sliding || t.row_tiles.empty()) {
        // Only the innermost tile loop is parallel: fusing it with the batch
        // loop in this update made bounds inference read the input at n < 0
        // when k needs no tile loop (a conv chain's 1x1 of 16 channels).
        loops.band = loops.strip = parallelize(up, {t.outer.front()}, parallelism);
    } else if (parallelism > 1 && n_bands > 1) {
        // Serial bands inside parallel strips, as schedule_band_tiles'.
        const int per_strip = int((n_bands + parallelism - 1) / parallelism);
        up.split(t.row_tiles, t.row_tiles + "_s", t.row_tiles + "_sb", per_strip, kGuard);
        loops.band = t.row_tiles + "_sb";
        loops.strip = t.row_tiles + "_s";
        up.parallel(loops.strip);
        loops.strips = int((n_bands + per_strip - 1) / per_strip);
    } else {
        loops.band = t.row_tiles;
        loops.strip = n;
    }
    return loops;
}

void schedule_reduction_tiles_at(ScheduleWriter& w, const StageInfo& r, const StageInfo& root,
                                 const std::string& at, const std::string& store_at,
                                 const TilePlan& plan, int channel_chunks) {
    w.compute_at(r.func, root.func, at);
    if (!store_at.empty() && store_at != at) w.store_at(r.func, root.func, store_at);
    StageWriter init = w.stage(r.func, -1);
    vectorize_init(init, r, plan.kernel);
    StageWriter up = w.stage(r.func, 0);
    const TileLoops t = tile_update_in_place(up, r, plan);
    // k is a pure var of the update: its blocks write disjoint channels.
    if (channel_chunks > 1) parallel_channel_chunks(up, t.kblocks, r, plan, channel_chunks);
}

void schedule_channel_reduction_at(ScheduleWriter& w, const StageInfo& r,
                                   const StageInfo& weights, const StageInfo& root,
                                   const std::string& at, const TilePlan& plan,
                                   int channel_chunks) {
    const MicroKernel& mk = plan.kernel;
    const std::string &x = r.pure_vars[0], &y = r.pure_vars[1], &k = r.pure_vars[2],
                      &n = r.pure_vars[3];
    w.compute_at(r.func, root.func, at);
    // k innermost: each accumulator is one vector of channels, and the next
    // pad's copy reads the band's output once, strided.
    w.reorder_storage(r.func, {k, x, y, n});
    vectorize_channel_init(w, r, mk);
    StageWriter up = w.stage(r.func, 0);
    std::vector<std::string> window;
    for (const auto& rv : r.rvars) window.push_back(rv.name);
    tile_channel_update(up, r, mk, window, {n});
    std::string kblocks = k + "_o";
    if (channel_chunks > 1) {
        TilePlan whole = plan;
        whole.tile_k = r.extents[2];
        parallel_channel_chunks(up, kblocks, r, whole, channel_chunks);
        kblocks += "_pi";
    }
    schedule_weight_panel(w, weights, r, kblocks, mk);
}

void schedule_conv_at_stage_blocks(ScheduleWriter& w, const StageInfo& s, const StageInfo& root,
                                   const std::string& at, const StageInfo& conv,
                                   bool fixed_extent, const MicroKernel& mk, int channel_chunks,
                                   bool whole_channel_blocks) {
    w.compute_at(s.func, root.func, at);
    StageWriter st = w.stage(s.func, -1);
    TilePlan whole; // one tile of the stage's region in the band: blocks only
    whole.kernel = mk;
    whole.tile_y = s.extents[1];
    whole.tile_k = s.extents[2];
    const TileLoops t = apply_tile_splits(st, s.pure_vars, s.extents, whole,
                                          whole_channel_blocks ? TailStrategy::ShiftInwards : kGuard);
    st.reorder(tile_order(t, {}));
    st.vectorize(t.lanes);
    if (channel_chunks > 1) parallel_channel_chunks(st, t.kblocks, s, whole, channel_chunks);
    schedule_register_block(w, conv, s, t.x_outer, mk, fixed_extent);
    // The last block shifts back over its neighbour's channels, so every
    // block is whole and the conv's unrolled channels need no guards.
    if (whole_channel_blocks) w.bound_extent(conv.func, conv.pure_vars[2], mk.k_block);
}

int64_t rows_over_pad(int64_t plan_rows, int64_t layer_rows, int64_t pad_rows) {
    return plan_rows >= layer_rows ? std::max(plan_rows, pad_rows) : plan_rows;
}

namespace {

// schedule_band_tiles with a channel-vectorized register block: the root
// split as in schedule_channel_tiles, its tiles full-width bands of every
// channel.
BandLoops schedule_channel_band_tiles(ScheduleWriter& w, const StageInfo& root,
                                      const std::vector<const StageInfo*>& reductions,
                                      const std::vector<bool>& fixed_extent, const TilePlan& plan,
                                      int parallelism, bool sliding, int64_t band_cols,
                                      const StageInfo* weights) {
    if (reductions.size() != 1 || !weights || sliding || band_cols > 0)
        throw std::logic_error("schedule_band_tiles: a channel-vectorized block needs one conv "
                               "with its weights, in full-width bands that do not slide");
    const MicroKernel& mk = plan.kernel;
    w.compute_root(root.func);
    StageWriter st = w.stage(root.func, -1);
    TilePlan bands = plan;
    bands.tile_k = root.extents[2]; // all channels: every band needs all of its producers'
    const ChannelLoops t = order_channel_root(st, root, bands);
    BandLoops loops;
    const int64_t band_rows =
        std::max<int64_t>(1, (plan.tile_y + mk.rows - 1) / mk.rows) * mk.rows;
    const int64_t n_bands = (root.extents[1] + band_rows - 1) / band_rows;
    loops.band = loops.strip = parallelize(st, t.outer, parallelism);
    loops.band_rows = band_rows;
    std::string kblocks = t.kblocks;
    const int64_t tasks = n_bands * (root.extents.size() > 3 ? root.extents[3] : 1);
    if (parallelism > 1 && tasks < parallelism) {
        parallel_channel_chunks(st, t.kblocks, root, bands, parallelism);
        loops.channel_chunks = parallelism;
        kblocks += "_pi";
    }
    schedule_channel_block(w, *reductions[0], root, t.x_outer, mk, fixed_extent[0]);
    schedule_weight_panel(w, *weights, root, kblocks, mk);
    return loops;
}

} // namespace

BandLoops schedule_band_tiles(ScheduleWriter& w, const StageInfo& root,
                              const std::vector<const StageInfo*>& reductions,
                              const std::vector<bool>& fixed_extent, const TilePlan& plan,
                              int parallelism, bool sliding, int64_t band_cols,
                              const StageInfo* weights) {
    if (sliding && band_cols > 0)
        throw std::logic_error("schedule_band_tiles: sliding 2-D tiles are not supported");
    if (plan.kernel.channel_vectors)
        return schedule_channel_band_tiles(w, root, reductions, fixed_extent, plan, parallelism,
                                           sliding, band_cols, weights);
    w.compute_root(root.func);
    StageWriter st = w.stage(root.func, -1);
    TilePlan bands = plan;
    bands.tile_k = root.extents[2]; // all channels: every band needs all of its producers'
    TileLoops t = apply_tile_splits(st, root.pure_vars, root.extents, bands);
    const int64_t lanes = std::max(1, plan.kernel.vector_lanes);
    const int64_t vectors_per_tile = (std::max<int64_t>(1, band_cols) + lanes - 1) / lanes;
    const bool column_tiles = band_cols > 0 && vectors_per_tile * lanes < root.extents[0];
    if (column_tiles) {
        const std::string x_tiles = t.x_outer + "_t", x_blocks = t.x_outer + "_b";
        st.split(t.x_outer, x_tiles, x_blocks, int(vectors_per_tile), kGuard);
        t.x_outer = x_blocks;
        t.outer.insert(t.outer.begin(), x_tiles);
    }
    st.reorder(tile_order(t, {}));
    st.vectorize(t.lanes);
    BandLoops loops;
    const int64_t row_block_rows = bands.kernel.rows;
    const int64_t band_rows =
        std::max<int64_t>(1, (plan.tile_y + row_block_rows - 1) / row_block_rows) * row_block_rows;
    const int64_t n_bands = (root.extents[1] + band_rows - 1) / band_rows;
    if (t.outer.size() < 2) {
        // One band covers every row: the group is computed once per image.
        loops.band = loops.strip = parallelize(st, t.outer, parallelism);
    } else if (!sliding) {
        loops.band = loops.strip = parallelize(st, t.outer, parallelism);
    } else if (parallelism > 1 && n_bands > 1) {
        // Serial bands inside parallel strips: a producer stored per strip
        // keeps the rows the next band needs (Halide's sliding window).
        const std::string& y_bands = t.outer[0];
        const int per_strip = int((n_bands + parallelism - 1) / parallelism);
        st.split(y_bands, y_bands + "_s", y_bands + "_sb", per_strip, kGuard);
        loops.band = y_bands + "_sb";
        std::vector<std::string> outer{y_bands + "_s"};
        outer.insert(outer.end(), t.outer.begin() + 1, t.outer.end());
        loops.strip = parallelize(st, outer, parallelism);
        loops.strips = int((n_bands + per_strip - 1) / per_strip);
    } else {
        loops.band = t.outer[0];
        loops.strip = t.outer.back();
        if (parallelism > 1) st.parallel(loops.strip);
    }
    loops.band_rows = band_rows;
    loops.band_cols = column_tiles ? vectors_per_tile * lanes : 0;
    const int64_t col_tiles =
        column_tiles ? (root.extents[0] + loops.band_cols - 1) / loops.band_cols : 1;
    const int64_t tasks = n_bands * col_tiles * (root.extents.size() > 3 ? root.extents[3] : 1);
    if (!sliding && parallelism > 1 && tasks < parallelism) {
        // One band of a 4x4 layer would run on one core (MobileNetV2 @112
        // profiled at 2 threads used 1.05 threads on average).
        parallel_channel_chunks(st, t.kblocks, root, bands, parallelism);
        loops.channel_chunks = parallelism;
    }
    for (size_t i = 0; i < reductions.size(); i++)
        schedule_register_block(w, *reductions[i], root, t.x_outer, plan.kernel, fixed_extent[i]);
    return loops;
}

void schedule_fc_tiles(ScheduleWriter& w, const StageInfo& root,
                       const std::vector<const StageInfo*>& reductions, const TilePlan& plan,
                       int parallelism) {
    // Weights are w(r, k): k is strided, so the block is k_block scalar
    // accumulators (vector lanes of 1), each streaming its weight row.
    const MicroKernel mk = plan.kernel;
    const std::string &k = root.pure_vars[0], &n = root.pure_vars[1];
    w.compute_root(root.func);
    StageWriter st = w.stage(root.func, -1);
    st.split(k, k + "_o", k + "_i", mk.k_block, kGuard);
    st.reorder({k + "_i", k + "_o", n});
    st.vectorize(k + "_i");
    if (parallelism > 1) st.parallel(k + "_o");
    for (const StageInfo* r : reductions) {
        const std::string& rk = r->pure_vars[0];
        w.compute_at(r->func, root.func, k + "_o");
        w.bound_storage(r->func, rk, mk.k_block);
        StageWriter up = w.stage(r->func, 0);
        up.split(rk, rk + "_bo", rk + "_b", mk.k_block, kGuard);
        std::vector<std::string> order{rk + "_b"};
        for (const auto& rv : r->rvars) order.push_back(rv.name);
        order.push_back(rk + "_bo");
        order.push_back(r->pure_vars[1]);
        up.reorder(order).unroll(rk + "_b");
    }
    (void)plan;
}

} // namespace memsched::autoschedule
