// Random small layers and legal schedules for the model-vs-oracle tests.
#pragma once

#include "model/memory_hierarchy.h"
#include "model/problem.h"
#include "model/schedule.h"

#include <algorithm>
#include <random>

namespace memsched::testing {

inline int64_t pick(std::mt19937& rng, int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}

// Odd sizes, stride 2, dilation 2, groups, padding, pools and fc.
inline LayerShape random_shape(std::mt19937& rng) {
    while (true) {
        LayerShape s;
        const int kind = static_cast<int>(pick(rng, 0, 9));
        s.batch = pick(rng, 1, 2);
        s.in_height = pick(rng, 1, 9);
        s.in_width = pick(rng, 1, 11);
        s.kernel_h = pick(rng, 1, 3);
        s.kernel_w = pick(rng, 1, 3);
        s.stride = pick(rng, 1, 2);
        s.dilation = pick(rng, 1, 2);
        s.pad = pick(rng, 0, 2);
        s.element_bytes = pick(rng, 0, 3) == 0 ? 2 : 4;
        if (kind <= 5) { // conv, sometimes grouped
            s.groups = pick(rng, 0, 2) == 0 ? pick(rng, 2, 3) : 1;
            s.in_channels = s.groups * pick(rng, 1, 3);
            s.out_channels = s.groups * pick(rng, 1, 3);
        } else if (kind <= 7) { // pool
            s.kind = kind == 6 ? LayerKind::MaxPool : LayerKind::AvgPool;
            s.in_channels = s.out_channels = pick(rng, 1, 4);
            s.groups = 1;
            s.dilation = 1;
        } else if (kind == 8) { // depthwise
            s.in_channels = s.out_channels = s.groups = pick(rng, 2, 4);
        } else { // fc
            s.kind = LayerKind::FullyConnected;
            s.in_height = s.in_width = s.kernel_h = s.kernel_w = 1;
            s.stride = s.dilation = 1;
            s.pad = 0;
            s.in_channels = pick(rng, 1, 20);
            s.out_channels = pick(rng, 1, 9);
        }
        if (!s.validate() && s.out_height() >= 1 && s.out_width() >= 1) return s;
    }
}

// A tile size in 1..e that divides `outer` unless outer is the full extent.
inline int64_t random_tile(std::mt19937& rng, int64_t outer, int64_t extent) {
    std::vector<int64_t> ok;
    for (int64_t t = 1; t <= outer; ++t)
        if (outer % t == 0 || outer == extent) ok.push_back(t);
    return ok[pick(rng, 0, int64_t(ok.size()) - 1)];
}

inline Schedule random_schedule(std::mt19937& rng, const Problem& p, int levels) {
    Schedule s;
    s.levels.resize(levels);
    for (int i = levels - 1; i >= 0; --i) {
        LevelMapping& m = s.levels[i];
        for (int l = 0; l < kNumLoops; ++l) {
            const int64_t outer = i + 1 < levels ? s.levels[i + 1].tile[l] : p.extent[l];
            m.tile[l] = random_tile(rng, outer, p.extent[l]);
        }
        std::shuffle(m.order.begin(), m.order.end(), rng);
        for (int t = 0; t < kNumTensors; ++t) m.kept_at[t] = static_cast<int>(pick(rng, 0, 7));
        m.halo = pick(rng, 0, 1) ? HaloPolicy::Keep : HaloPolicy::Refetch;
    }
    return s;
}

inline MemoryHierarchy random_hierarchy(std::mt19937& rng, int levels) {
    MemoryHierarchy h;
    const int64_t lines[] = {4, 8, 16, 32, 64};
    for (int i = 0; i < levels; ++i)
        h.levels.push_back({"L" + std::to_string(i + 1), 1 << 20,
                            lines[pick(rng, 0, 4)], 1e11, 4});
    h.levels.push_back({"dram", 0, 64, 1e10, 0});
    return h;
}

} // namespace memsched::testing
