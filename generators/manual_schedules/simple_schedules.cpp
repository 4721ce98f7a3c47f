// Implementation of the non-conv hand schedules (see simple_schedules.h).
#include "generators/manual_schedules/simple_schedules.h"

#include <algorithm>
#include <vector>

namespace memsched::manual_schedules {

using Halide::TailStrategy;

namespace {
int lanes(const Halide::Target& target) {
    return target.natural_vector_size(Halide::Float(32));
}
} // namespace

void schedule_window_pool(Halide::Func out, Halide::Func pool, Halide::Func padded,
                          const Halide::Target& target) {
    const int vec = lanes(target);
    std::vector<Halide::Var> v = out.args();
    Halide::Var xo("xo"), xi("xi"), planes("planes");
    out.split(v[0], xo, xi, vec, TailStrategy::GuardWithIf)
        .vectorize(xi)
        .reorder(xi, xo, v[1], v[2], v[3])
        .fuse(v[2], v[3], planes)
        .parallel(planes);

    // One vector of windows per block, the window loops outside the lanes.
    std::vector<Halide::Var> pv = pool.args();
    pool.compute_at(out, xo).bound_extent(pv[0], vec).vectorize(pv[0]);
    std::vector<Halide::VarOrRVar> order = {pv[0]};
    for (const Halide::RVar& r : pool.rvars(0))
        order.emplace_back(r);
    pool.update().reorder(order).vectorize(pv[0]);

    if (padded.defined()) {
        std::vector<Halide::Var> dv = padded.args();
        padded.compute_at(out, planes).vectorize(dv[0], vec);
    }
}

void schedule_global_pool(Halide::Func out, Halide::Func sum, const Halide::Target& target) {
    (void)target;
    // The sum over a plane is a scalar chain per channel; channels are
    // independent, so parallelize over them. (Cheap next to any conv.)
    std::vector<Halide::Var> v = out.args();
    Halide::Var planes("planes");
    out.fuse(v[2], v[3], planes).parallel(planes);
    sum.compute_at(out, planes);
}

void schedule_fully_connected(Halide::Func out, Halide::Func fc, int out_features,
                              const Halide::Target& target) {
    // Vectorize along output features: each input feature is broadcast and
    // the weights gathered (column of the (c_in, k) matrix); blocks are full
    // width because k is known and out shifts its tail inwards.
    const int vec = std::max(1, std::min(lanes(target), out_features));
    std::vector<Halide::Var> v = out.args();
    Halide::Var ko("ko"), ki("ki");
    out.split(v[0], ko, ki, vec, TailStrategy::ShiftInwards).vectorize(ki).parallel(ko);
    std::vector<Halide::Var> fv = fc.args();
    fc.compute_at(out, ko).vectorize(fv[0]);
    fc.update().vectorize(fv[0]);
}

void schedule_pointwise(Halide::Func out, const Halide::Target& target) {
    std::vector<Halide::Var> v = out.args();
    Halide::Var planes("planes");
    out.vectorize(v[0], lanes(target), TailStrategy::GuardWithIf)
        .fuse(v[2], v[3], planes)
        .parallel(planes);
}

} // namespace memsched::manual_schedules
