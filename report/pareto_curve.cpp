// Pareto front of one layer through model/search (see pareto_curve.h).
#include "report/pareto_curve.h"

#include "model/layer_spec.h"
#include "model/lower_bound.h"
#include "model/memory_hierarchy.h"
#include "model/problem.h"
#include "model/search.h"

#include <stdexcept>

namespace memsched::report {

ParetoCurve compute_pareto_curve(const std::string& layer_spec, const std::string& buffer) {
    LayerShape shape;
    try {
        shape = parse_layer_spec(layer_spec);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string("--pareto-layer: ") + e.what());
    }
    const int64_t capacity = parse_size_bytes(buffer, "--pareto-buffer");
    const Problem p = Problem::from_shape(shape);
    // The same single scratchpad in front of DRAM as `memsched explore`.
    const MemoryHierarchy h = MemoryHierarchy::scratchpad(capacity);
    SearchOptions options;
    options.pareto = true;
    const SearchResult r = search(p, h, options);
    if (!r.status)
        throw std::invalid_argument("--pareto-layer " + layer_spec + " with --pareto-buffer " +
                                    buffer + ": " + r.status.reason);
    ParetoCurve curve;
    curve.layer_spec = format_layer_spec(shape);
    curve.max_buffer_bytes = capacity;
    curve.compulsory_bytes = traffic_lower_bound(p, capacity).compulsory_bytes;
    curve.evaluated = r.evaluated;
    curve.exhaustive = r.exhaustive;
    curve.note = r.note;
    for (const ParetoPoint& pt : r.pareto)
        curve.points.push_back(
            {pt.buffer_bytes, pt.traffic_bytes, traffic_lower_bound(p, pt.buffer_bytes).bytes()});
    return curve;
}

} // namespace memsched::report
