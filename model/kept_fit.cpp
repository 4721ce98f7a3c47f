// Kept positions an LRU cache can hold of a fixed nest (see kept_fit.h).
#include "model/kept_fit.h"

#include "model/traffic.h"

#include <algorithm>
#include <limits>

namespace memsched {

void fit_kept_positions(const Problem& problem, const MemoryHierarchy& hierarchy, Schedule& schedule,
                        size_t level, const KeptFitOptions& options) {
    LevelMapping best = schedule.levels[level], smallest = schedule.levels[level];
    int64_t best_bytes = -1, smallest_footprint = -1;
    const int64_t input_cap = options.padded_input_bytes >= 0 ? options.padded_input_bytes
                                                              : std::numeric_limits<int64_t>::max();
    for (int a = 0; a <= kNumLoops; a++)
        for (int b = 0; b <= kNumLoops; b++)
            for (int c = 0; c <= kNumLoops; c++)
                for (HaloPolicy halo : {HaloPolicy::Refetch, HaloPolicy::Keep}) {
                    schedule.levels[level].kept_at = {a, b, c};
                    schedule.levels[level].halo = halo;
                    const TrafficReport r = evaluate(problem, hierarchy, schedule);
                    const LevelTraffic& lt = r.levels[level];
                    const int64_t in = lt.tensors[int(Tensor::Input)].footprint_bytes;
                    const int64_t in_lines =
                        options.input_line_factor == 1.0
                            ? in
                            : std::max(in, std::min(int64_t(options.input_line_factor * double(in)),
                                                    input_cap));
                    const int64_t footprint = lt.footprint_bytes() - in + in_lines;
                    if (smallest_footprint < 0 || footprint < smallest_footprint)
                        smallest_footprint = footprint, smallest = schedule.levels[level];
                    const int64_t capacity =
                        options.capacity_bytes >= 0 ? options.capacity_bytes : lt.capacity_bytes;
                    if (footprint > capacity) continue;
                    const int64_t bytes = lt.traffic_bytes();
                    if (best_bytes < 0 || bytes < best_bytes)
                        best_bytes = bytes, best = schedule.levels[level];
                }
    schedule.levels[level] = best_bytes >= 0 ? best : smallest;
}

} // namespace memsched
