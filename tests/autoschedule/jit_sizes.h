// Output sizes (w, h, k, n) at which a randomized JIT test runs one
// schedule: its estimate, a 1x1 map, odd sizes below it with fewer channels,
// and odd sizes above it with more channels and images. The plugin's
// schedules must hold at every size, not only at the estimate.
#pragma once

#include <algorithm>
#include <array>
#include <vector>

namespace memsched::testing {

inline std::vector<std::array<int, 4>> sizes_around_estimate(int w, int h, int k, int n, int fewer_k,
                                                              int more_k) {
    return {{w, h, k, n},
            {1, 1, k, 1},
            {std::max(1, w - 2) | 1, std::max(1, h - 1) | 1, std::max(1, k - fewer_k), 1},
            {2 * w + 3, h + 5, k + more_k, n + 1}};
}

} // namespace memsched::testing
