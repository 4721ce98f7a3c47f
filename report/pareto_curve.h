// The capacity-versus-traffic Pareto front of one layer, computed in-process
// with the model's search (the same as `memsched explore --json`'s "pareto"
// list), together with the lower bound at each capacity and the compulsory
// traffic, so the curve can be read against what no schedule can beat.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace memsched::report {

struct ParetoCurvePoint {
    int64_t buffer_bytes = 0;      // footprint of the schedule at the buffer level
    int64_t traffic_bytes = 0;     // least traffic found with that footprint
    int64_t lower_bound_bytes = 0; // traffic_lower_bound at that capacity
};

struct ParetoCurve {
    std::string layer_spec;       // canonical spelling (format_layer_spec)
    int64_t max_buffer_bytes = 0; // the search's capacity
    int64_t compulsory_bytes = 0;
    int64_t evaluated = 0; // schedules scored
    bool exhaustive = true;
    std::string note;                     // what the search thinned, when not exhaustive
    std::vector<ParetoCurvePoint> points; // increasing buffer, decreasing traffic
};

// Throws std::invalid_argument naming the option (--pareto-layer or
// --pareto-buffer) on a bad spec or size, or when no schedule fits.
ParetoCurve compute_pareto_curve(const std::string& layer_spec, const std::string& buffer);

} // namespace memsched::report
