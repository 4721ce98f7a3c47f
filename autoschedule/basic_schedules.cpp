// Root, reduction-root and unmodeled schedules (see basic_schedules.h).
#include "autoschedule/basic_schedules.h"

namespace memsched::autoschedule {
namespace {

using Halide::TailStrategy;

bool worth_vectorizing(const StageInfo& s, size_t dim, int lanes) {
    if (lanes <= 1 || dim >= s.pure_vars.size()) return false;
    return s.extents.size() <= dim || s.extents[dim] < 0 || s.extents[dim] >= lanes / 2;
}

// The dimension to vectorize: x, unless x is a sliver (a global pool's
// 1x1 output) and a later dimension (channels) spans full vectors: summing
// whole vectors of channels breaks the scalar add chain of each channel.
size_t vector_dim(const StageInfo& s, int lanes) {
    if (s.extents.empty() || s.extents[0] < 0 || s.extents[0] >= lanes / 2) return 0;
    for (size_t d = 1; d < s.extents.size(); d++)
        if (s.extents[d] >= lanes) return d;
    return 0;
}

// Vectorizes vector_dim (as "<v>_vi"), returns the names of the loops,
// innermost first, that remain (that dim's outer loop replaces it) and the
// vector loop in `vector_loop` ("" when not vectorized).
std::vector<std::string> vectorize_inner(StageWriter& st, const StageInfo& s, int lanes,
                                         std::string* vector_loop) {
    std::vector<std::string> loops = s.pure_vars;
    const size_t d = vector_dim(s, lanes);
    vector_loop->clear();
    if (!worth_vectorizing(s, d, lanes)) return loops;
    const std::string& v = s.pure_vars[d];
    st.split(v, v + "_vo", v + "_vi", lanes, TailStrategy::GuardWithIf).vectorize(v + "_vi");
    loops[d] = v + "_vo";
    *vector_loop = v + "_vi";
    if (d > 0) {
        // The vector innermost, then the rest in their original order.
        std::vector<std::string> order{*vector_loop};
        order.insert(order.end(), loops.begin(), loops.end());
        st.reorder(order);
    }
    return loops;
}

// Parallel over the outer one or two pure loops (fused when two).
void parallelize_outer(StageWriter& st, const std::vector<std::string>& loops, int parallelism) {
    if (parallelism <= 1 || loops.size() < 2) return;
    if (loops.size() >= 3) {
        const std::string fused = loops[loops.size() - 2] + "_" + loops.back() + "_par";
        st.fuse(loops[loops.size() - 2], loops.back(), fused).parallel(fused);
    } else {
        st.parallel(loops.back());
    }
}

} // namespace

void schedule_pure_root(ScheduleWriter& w, const StageInfo& s, const BasicContext& ctx) {
    w.compute_root(s.func);
    StageWriter st = w.stage(s.func, -1);
    std::string vector_loop;
    parallelize_outer(st, vectorize_inner(st, s, ctx.vector_lanes, &vector_loop), ctx.parallelism);
}

void schedule_reduction_root(ScheduleWriter& w, const StageInfo& s, const BasicContext& ctx) {
    schedule_pure_root(w, s, ctx);
    StageWriter st = w.stage(s.func, 0);
    std::string vector_loop;
    std::vector<std::string> loops = vectorize_inner(st, s, ctx.vector_lanes, &vector_loop);
    if (!vector_loop.empty()) {
        // The vector accumulates over all RVars before moving on.
        std::vector<std::string> order{vector_loop};
        for (const auto& rv : s.rvars) order.push_back(rv.name);
        for (const auto& l : loops) order.push_back(l);
        st.reorder(order);
    }
    parallelize_outer(st, loops, ctx.parallelism);
}

void schedule_unmodeled(ScheduleWriter& w, const StageInfo& s) { w.compute_root(s.func); }

} // namespace memsched::autoschedule
