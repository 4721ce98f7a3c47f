// Legality checks and canonical schedules (naive, whole problem).
#include "model/schedule.h"

#include <sstream>

namespace memsched {

const char* to_string(HaloPolicy policy) {
    return policy == HaloPolicy::Keep ? "keep" : "refetch";
}

int LevelMapping::position_of(Loop l) const {
    for (int i = 0; i < kNumLoops; ++i)
        if (order[i] == l) return i;
    return -1;
}

bool LevelMapping::operator==(const LevelMapping& o) const {
    return tile == o.tile && order == o.order && kept_at == o.kept_at && halo == o.halo;
}

EvalStatus validate(const Schedule& s, const Problem& p, const MemoryHierarchy& h) {
    if (int(s.levels.size()) != h.buffer_levels())
        return EvalStatus::failure("levels has " + std::to_string(s.levels.size()) +
                                   " entries; the hierarchy has " +
                                   std::to_string(h.buffer_levels()) + " buffer levels");
    for (size_t i = 0; i < s.levels.size(); ++i) {
        const LevelMapping& m = s.levels[i];
        const std::string at = "levels[" + std::to_string(i) + "].";
        std::array<bool, kNumLoops> seen{};
        for (Loop l : m.order) {
            int li = int(l);
            if (li < 0 || li >= kNumLoops || seen[li])
                return EvalStatus::failure(at + "order is not a permutation of n,k,c,y,x,r,s");
            seen[li] = true;
        }
        for (int l = 0; l < kNumLoops; ++l) {
            const int64_t t = m.tile[l];
            const std::string field = at + "tile." + to_string(Loop(l)) + "=" + std::to_string(t);
            if (t < 1 || t > p.extent[l])
                return EvalStatus::failure(field + " must be in 1.." +
                                           std::to_string(p.extent[l]));
            const int64_t outer = i + 1 < s.levels.size() ? s.levels[i + 1].tile[l] : p.extent[l];
            if (t > outer || (outer % t != 0 && outer != p.extent[l]))
                return EvalStatus::failure(field + " must divide the enclosing tile " +
                                           std::to_string(outer) + " (or that be the full extent)");
        }
        for (int t = 0; t < kNumTensors; ++t) {
            if (m.kept_at[t] < 0 || m.kept_at[t] > kNumLoops)
                return EvalStatus::failure(at + "kept_at." + to_string(Tensor(t)) + "=" +
                                           std::to_string(m.kept_at[t]) + " must be in 0..7");
        }
    }
    return EvalStatus::success();
}

Schedule naive_schedule(const Problem& p, const MemoryHierarchy& h) {
    LevelMapping m;
    m.order = {Loop::N, Loop::K, Loop::Y, Loop::X, Loop::C, Loop::R, Loop::S};
    m.tile = {1, 1, 1, 1, 1, p.extent[int(Loop::R)], p.extent[int(Loop::S)]};
    m.kept_at = {5, 5, 4};
    Schedule s;
    s.levels.assign(h.buffer_levels(), m);
    return s;
}

Schedule whole_problem_schedule(const Problem& p, const MemoryHierarchy& h) {
    LevelMapping m;
    m.tile = p.extent;
    m.kept_at = {0, 0, 0};
    Schedule s;
    s.levels.assign(h.buffer_levels(), m);
    return s;
}

std::string describe(const LevelMapping& m) {
    std::ostringstream o;
    o << "tile";
    for (int l = 0; l < kNumLoops; ++l) o << " " << to_string(Loop(l)) << m.tile[l];
    o << " | order ";
    for (int i = 0; i < kNumLoops; ++i) o << (i ? "," : "") << to_string(m.order[i]);
    o << " | kept in" << m.kept_at[0] << " w" << m.kept_at[1] << " out" << m.kept_at[2];
    o << " | halo " << to_string(m.halo);
    return o.str();
}

} // namespace memsched
