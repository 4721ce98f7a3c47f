// Roofline time from per-level traffic and bandwidth.
#include "model/objective.h"

#include <algorithm>
#include <limits>

namespace memsched {

const char* to_string(Objective objective) {
    return objective == Objective::Time ? "time" : "traffic";
}

std::optional<Objective> objective_from_string(const std::string& name) {
    if (name == "traffic") return Objective::Traffic;
    if (name == "time") return Objective::Time;
    return std::nullopt;
}

double transfer_time_s(const MemoryHierarchy& h, int boundary, int64_t traffic_bytes) {
    const double bw = h.levels[boundary + 1].bandwidth_bytes_per_s;
    if (bw <= 0) return traffic_bytes > 0 ? std::numeric_limits<double>::infinity() : 0.0;
    return static_cast<double>(traffic_bytes) / bw;
}

double roofline_time_s(const Problem& p, const MemoryHierarchy& h, const ComputeSpec& compute,
                       const TrafficReport& report) {
    double t = compute.peak_flops_per_s > 0
                   ? 2.0 * static_cast<double>(p.macs()) / compute.peak_flops_per_s
                   : 0.0;
    for (size_t i = 0; i < report.levels.size(); ++i)
        t = std::max(t, transfer_time_s(h, int(i), report.levels[i].traffic_bytes()));
    return t;
}

} // namespace memsched
