// Objectives a search ranks schedules by: `traffic` (bytes across the
// outermost boundary: the embedded-accelerator view) and `time` (a roofline
// estimate: the slowest of compute and each boundary's traffic over the
// bandwidth of the level that serves it).
#pragma once

#include "model/memory_hierarchy.h"
#include "model/problem.h"
#include "model/traffic.h"

#include <optional>
#include <string>

namespace memsched {

enum class Objective { Traffic, Time };
const char* to_string(Objective objective);
std::optional<Objective> objective_from_string(const std::string& name);

struct ComputeSpec {
    // Peak multiply-accumulate FLOP rate (2 FLOPs per MAC).
    double peak_flops_per_s = 100e9;
};

// Seconds for one boundary: its traffic over the bandwidth of level i+1.
double transfer_time_s(const MemoryHierarchy& h, int boundary, int64_t traffic_bytes);

// max(2 * MACs / peak, max_i transfer_time_s(i)).
double roofline_time_s(const Problem& p, const MemoryHierarchy& h, const ComputeSpec& compute,
                       const TrafficReport& report);

} // namespace memsched
