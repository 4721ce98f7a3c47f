// Tiled schedules of roots computing fused reductions (see tile_schedules.h).
#include "autoschedule/tile_schedules.h"

#include <algorithm>

namespace memsched::autoschedule {
namespace {

using Halide::TailStrategy;
constexpr TailStrategy kGuard = TailStrategy::GuardWithIf;

// Largest kernel extent we fully unroll (7x7 stems included).
constexpr int64_t kMaxUnrolledRVar = 7;

// The reduction's register block: init and update at the root's x-block.
void schedule_register_block(ScheduleWriter& w, const StageInfo& r, const StageInfo& root,
                             const std::string& at, const MicroKernel& mk, int x_dim, int k_dim) {
    const std::string& x = r.pure_vars[x_dim];
    const std::string& k = r.pure_vars[k_dim];
    w.compute_at(r.func, root.func, at);
    w.bound_storage(r.func, x, mk.x_block());
    w.bound_storage(r.func, k, mk.k_block);

    StageWriter init = w.stage(r.func, -1);
    if (mk.vector_lanes > 1)
        init.split(x, x + "_vo", x + "_v", mk.vector_lanes, kGuard).vectorize(x + "_v");

    StageWriter up = w.stage(r.func, 0);
    std::vector<std::string> order;
    std::string x_outer = x;
    if (mk.vector_lanes > 1) {
        up.split(x, x + "_vo", x + "_v", mk.vector_lanes, kGuard);
        order.push_back(x + "_v");
        x_outer = x + "_vo";
    }
    up.split(k, k + "_bo", k + "_b", mk.k_block, kGuard);
    order.push_back(x_outer);
    order.push_back(k + "_b");
    for (const auto& rv : r.rvars) order.push_back(rv.name);
    order.push_back(k + "_bo");
    for (size_t d = 0; d < r.pure_vars.size(); d++)
        if (int(d) != x_dim && int(d) != k_dim) order.push_back(r.pure_vars[d]);
    up.reorder(order);
    if (mk.vector_lanes > 1) up.vectorize(x + "_v");
    if (mk.x_vectors > 1 || mk.vector_lanes == 1) up.unroll(x_outer);
    up.unroll(k + "_b");
    for (const auto& rv : r.rvars)
        if (rv.extent > 1 && rv.extent <= kMaxUnrolledRVar && &rv == &r.rvars.front()) up.unroll(rv.name);
}

// Fuses the listed outer loops (innermost first) into one parallel loop.
void parallelize(StageWriter& st, const std::vector<std::string>& outer, int parallelism) {
    if (parallelism <= 1 || outer.empty()) return;
    std::string fused = outer[0];
    for (size_t i = 1; i < outer.size(); i++) {
        std::string next = fused + "_" + outer[i];
        st.fuse(fused, outer[i], next);
        fused = next;
    }
    st.parallel(fused);
}

} // namespace

void schedule_spatial_tiles(ScheduleWriter& w, const StageInfo& root,
                            const std::vector<const StageInfo*>& reductions, const TilePlan& plan,
                            int parallelism) {
    const MicroKernel& mk = plan.kernel;
    const std::string &x = root.pure_vars[0], &y = root.pure_vars[1], &k = root.pure_vars[2],
                      &n = root.pure_vars[3];
    const int64_t height = root.extents[1], channels = root.extents[2];
    w.compute_root(root.func);
    StageWriter st = w.stage(root.func, -1);
    // Register block: x-block of x_vectors vectors by k_block channels.
    st.split(x, x + "_o", x + "_i", mk.x_block(), kGuard);
    std::string lanes = x + "_i", lane_groups;
    if (mk.x_vectors > 1) {
        st.split(x + "_i", x + "_iv", x + "_l", mk.vector_lanes, kGuard);
        lanes = x + "_l", lane_groups = x + "_iv";
    }
    st.split(k, k + "_o", k + "_i", mk.k_block, kGuard);
    // Cache tiles: tile_y rows by tile_k channels.
    std::string rows = y, row_tiles, kblocks = k + "_o", ktiles;
    if (plan.tile_y < height) {
        st.split(y, y + "_t", y + "_r", int(plan.tile_y), kGuard);
        rows = y + "_r", row_tiles = y + "_t";
    }
    const int64_t blocks_per_tile = std::max<int64_t>(1, plan.tile_k / mk.k_block);
    if (plan.tile_k < channels && blocks_per_tile * mk.k_block < channels) {
        st.split(k + "_o", k + "_t", k + "_b", int(blocks_per_tile), kGuard);
        kblocks = k + "_b", ktiles = k + "_t";
    }
    std::vector<std::string> order{lanes};
    if (!lane_groups.empty()) order.push_back(lane_groups);
    order.insert(order.end(), {k + "_i", x + "_o", rows, kblocks});
    std::vector<std::string> outer; // innermost first
    const std::string& first = plan.k_outer ? row_tiles : ktiles;
    const std::string& second = plan.k_outer ? ktiles : row_tiles;
    for (const auto& l : {first, second})
        if (!l.empty()) outer.push_back(l);
    outer.push_back(n);
    order.insert(order.end(), outer.begin(), outer.end());
    st.reorder(order);
    st.vectorize(lanes);
    parallelize(st, outer, parallelism);
    for (const StageInfo* r : reductions)
        schedule_register_block(w, *r, root, x + "_o", mk, 0, 2);
}

void schedule_fc_tiles(ScheduleWriter& w, const StageInfo& root,
                       const std::vector<const StageInfo*>& reductions, const TilePlan& plan,
                       int parallelism) {
    // Weights are w(r, k): k is strided, so the block is k_block scalar
    // accumulators (vector lanes of 1), each streaming its weight row.
    MicroKernel mk{1, 1, 8};
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
