// Root, reduction-root and unmodeled schedules (see basic_schedules.h).
#include "autoschedule/basic_schedules.h"

namespace memsched::autoschedule {
namespace {

using Halide::TailStrategy;

bool worth_vectorizing(const StageInfo& s, int lanes) {
    if (lanes <= 1 || s.pure_vars.empty()) return false;
    return s.extents.empty() || s.extents[0] < 0 || s.extents[0] >= lanes / 2;
}

// Vectorizes dim 0 (as "<v>_vi"), returns the names of the loops, innermost
// first, that remain (dim 0's outer loop replaces it).
std::vector<std::string> vectorize_inner(StageWriter& st, const StageInfo& s, int lanes) {
    std::vector<std::string> loops = s.pure_vars;
    if (!worth_vectorizing(s, lanes)) return loops;
    const std::string& v = s.pure_vars[0];
    st.split(v, v + "_vo", v + "_vi", lanes, TailStrategy::GuardWithIf).vectorize(v + "_vi");
    loops[0] = v + "_vo";
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
    parallelize_outer(st, vectorize_inner(st, s, ctx.vector_lanes), ctx.parallelism);
}

void schedule_reduction_root(ScheduleWriter& w, const StageInfo& s, const BasicContext& ctx) {
    schedule_pure_root(w, s, ctx);
    StageWriter st = w.stage(s.func, 0);
    std::vector<std::string> loops = vectorize_inner(st, s, ctx.vector_lanes);
    if (loops[0] != s.pure_vars[0]) {
        // The vector accumulates over all RVars before moving on.
        std::vector<std::string> order{s.pure_vars[0] + "_vi"};
        for (const auto& rv : s.rvars) order.push_back(rv.name);
        for (const auto& l : loops) order.push_back(l);
        st.reorder(order);
    }
    parallelize_outer(st, loops, ctx.parallelism);
}

void schedule_unmodeled(ScheduleWriter& w, const StageInfo& s) { w.compute_root(s.func); }

} // namespace memsched::autoschedule
