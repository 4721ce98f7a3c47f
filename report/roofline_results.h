// The machine's peaks, read from `memsched_roofline --json FILE`: the four
// headline figures (wall-clock medians) and, when present, the CPU model.
#pragma once

#include <string>

namespace memsched::report {

struct RooflineResults {
    std::string file;
    double peak_gflops_1t = 0.0;
    double peak_gflops_all = 0.0;
    double bandwidth_gbs_1t = 0.0; // STREAM triad
    double bandwidth_gbs_all = 0.0;
    int threads = 0;       // what "all" meant, 0 when not recorded
    std::string cpu_model; // machine.cpu_model, may be empty
};

// Throws InputError naming the file and field on any malformed input.
RooflineResults read_roofline_results(const std::string& path);

} // namespace memsched::report
