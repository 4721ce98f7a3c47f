// Everything one memsched_roofline run measured, its headline figures, and the
// two ways it is written out (a table for people, JSON for tools).
#pragma once

#include "bench/roofline/fma_peak.h"
#include "bench/roofline/machine_info.h"
#include "bench/roofline/stream_bandwidth.h"

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace memsched {

struct RooflineRun {
    std::string command;
    MachineInfo machine;
    int threads = 1;
    int repetitions = 1;
    std::vector<std::pair<FmaResult, FmaResult>> fma; // (1 thread, all threads) per kernel
    StreamResult stream_1t;
    StreamResult stream_all;
    uint64_t array_bytes = 0;
    std::string array_note; // why the arrays are not 4x the LLC, if they are not
    double load_start = -1.0;
    double load_end = -1.0;
};

// Headline figures: medians over repetitions of wall-clock rates. Peak is the best ISA's
// median; bandwidth is STREAM triad's.
struct RooflineSummary {
    double peak_gflops_1t = 0.0;
    double peak_gflops_all = 0.0;
    double bandwidth_gbs_1t = 0.0;
    double bandwidth_gbs_all = 0.0;
    // The same from per-thread CPU time: robust to other processes sharing the cores.
    double peak_gflops_1t_cpu_time = 0.0;
    double peak_gflops_all_cpu_time = 0.0;
    double bandwidth_gbs_1t_cpu_time = 0.0;
    double bandwidth_gbs_all_cpu_time = 0.0;
    // Flops per DRAM byte at which a kernel turns from memory- to compute-bound.
    double balance_flops_per_byte() const {
        return bandwidth_gbs_all > 0 ? peak_gflops_all / bandwidth_gbs_all : 0.0;
    }
};

RooflineSummary summarize(const RooflineRun& run);

void print_table(const RooflineRun& run, const RooflineSummary& summary);

nlohmann::json to_json(const RooflineRun& run, const RooflineSummary& summary);

} // namespace memsched
