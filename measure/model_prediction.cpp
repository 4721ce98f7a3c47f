// Model predictions per scheduler (see model_prediction.h).
#include "measure/model_prediction.h"

#include "model/kept_fit.h"
#include "model/problem.h"
#include "model/schedule.h"
#include "model/traffic.h"

#include <Halide.h>

#include <algorithm>
#include <regex>

namespace memsched::measure {
namespace {

// One cache in front of DRAM: each simulated level is predicted on its own,
// so the nest's reuse at that level is limited by that level's capacity only
// (a two-level model would bound D1's boxes by the LL's tiles, which an
// untiled nest does not have).
MemoryHierarchy single_level(const CacheGeometry& g) {
    MemoryHierarchy h;
    h.levels.push_back(MemoryLevel{g.level, g.size_bytes, g.line_bytes, 50e9, int(g.associativity)});
    h.levels.push_back(MemoryLevel{"DRAM", 0, g.line_bytes, 10e9, 0});
    return h;
}

// Bytes the applied schedule moves besides the reduction's nest, from its
// root scratch buffers: a compute_root reduction (size = output) is zero-filled in a
// pass of its own and copied or divided into the output in another; a root
// padded input (size = padded input) is filled by a copy pass. The runner
// reuses each scratch allocation call after call (measure/runner), so:
// - the call's whole footprint (compulsory bytes + scratch) fits the level:
//   the scratch is still cached from the previous call, nothing extra;
// - else a scratch that fits alone is write-allocated once per call (+size)
//   and then stays while its passes run;
// - a root reduction larger than the level: the init pass allocates it
//   (out), the copy re-reads it (out) and allocates the output (out); the
//   nest's own output traffic stands for the update's first touch (+3 out);
// - a padded copy larger than the level: its pass reads the input (in) and
//   allocates the copy (padded); the nest's input traffic stands for the
//   conv's reads of the copy (+in +padded).
int64_t extra_pass_bytes(const LayerShape& shape, const autoschedule::ReadSchedule& applied, int64_t capacity) {
    using autoschedule::Placement;
    const int64_t out = shape.output_elements() * shape.element_bytes;
    const int64_t in = shape.input_elements() * shape.element_bytes;
    const int64_t padded = shape.batch * shape.in_channels * (shape.in_height + 2 * shape.pad) *
                           (shape.in_width + 2 * shape.pad) * shape.element_bytes;
    const bool root_reduction = applied.reduction == Placement::Root;
    const bool root_padded = applied.padded_input == Placement::Root;
    const int64_t scratch = (root_reduction ? out : 0) + (root_padded ? padded : 0);
    if (shape.compulsory_bytes() + scratch <= capacity) return 0;
    int64_t bytes = 0;
    if (root_reduction) bytes += out > capacity ? 3 * out : out;
    if (root_padded) bytes += padded > capacity ? in + padded : padded;
    return bytes;
}

// Bytes into one simulated level for the applied schedule.
int64_t applied_bytes(const Problem& p, const LayerShape& shape, const autoschedule::ReadSchedule& applied,
                      const CacheGeometry& g) {
    const MemoryHierarchy h = single_level(g);
    Schedule s = applied.schedule;
    // Each level keeps what an LRU can of the applied nest (model/kept_fit.h).
    for (size_t level = 0; level < s.levels.size(); level++) fit_kept_positions(p, h, s, level);
    return evaluate(p, h, s).levels[0].traffic_bytes() + extra_pass_bytes(shape, applied, g.size_bytes);
}

std::optional<int64_t> plugin_level(const std::string& source, const std::string& level) {
    const std::regex re("predicted[^\\n]*\\b" + level + "=([0-9]+)B");
    std::smatch m;
    if (!std::regex_search(source, m, re)) return std::nullopt;
    return std::stoll(m[1].str());
}

} // namespace

Prediction predict_traffic(const LayerShape& shape, Scheduler scheduler, const CacheGeometry& d1,
                           const CacheGeometry& ll, const CompiledLayer& compiled) {
    Prediction out;
    if (scheduler == Scheduler::MemSched) {
        out.ll_bytes = plugin_level(compiled.schedule_source, "LLC");
        out.d1_bytes = plugin_level(compiled.schedule_source, "L1");
        out.source = out.ll_bytes ? "memsched plugin: plan_layer prediction for the applied schedule"
                                  : "no prediction: the plugin's schedule has no 'predicted ... LLC=' comment";
        if (compiled.applied)
            out.reader_ll_bytes = applied_bytes(Problem::from_shape(shape), shape, *compiled.applied, ll);
        return out;
    }
    if (!compiled.applied) {
        out.source = "no prediction: " + compiled.applied_error;
        return out;
    }
    const Problem p = Problem::from_shape(shape);
    out.d1_bytes = applied_bytes(p, shape, *compiled.applied, d1);
    out.ll_bytes = applied_bytes(p, shape, *compiled.applied, ll);
    out.source = "model: applied schedule read back (autoschedule/schedule_reader), kept positions fitted to "
                 "capacity per level: " + autoschedule::describe(*compiled.applied);
    return out;
}

} // namespace memsched::measure
