// The traffic model's prediction for the schedule a layer was compiled with,
// on the simulated geometry (D1, LL, DRAM):
// - memsched: the plugin's own figure for the schedule it applied
//   (model_bridge plan_layer, printed into its schedule_source comment);
// - manual: the hand schedule's loop nest (generators/manual_schedules: a
//   register block of lanes x rows x channels with the whole reduction,
//   stepped over x, then channel blocks, inside row blocks) as a model
//   Schedule;
// - naive: the default Halide nest (n, k, y, x, c, r, s) plus the passes it
//   adds (zero-init of the root reduction, copy into the output buffer);
// - the bundled autoschedulers: no prediction (null with a reason): their
//   schedule_source is not translated into a model Schedule yet.
// For manual and naive, each level (D1, LL) is predicted on its own as one
// buffer in front of DRAM, and where each tensor stays is decided by
// capacity: the model is a buffer model, so the level keeps the tensor boxes
// at the positions (and halo policy) that move the fewest bytes among those
// whose boxes fit together: what an LRU cache can keep in the best case.
#pragma once

#include "measure/cache_geometry.h"
#include "measure/scheduler_choice.h"
#include "model/layer_shape.h"

#include <cstdint>
#include <optional>
#include <string>

namespace memsched::measure {

struct Prediction {
    std::optional<int64_t> ll_bytes; // DRAM <-> LL traffic, reads + writes
    std::optional<int64_t> d1_bytes; // LL <-> D1 traffic
    std::string source;              // how the figure was obtained, or why there is none
};

Prediction predict_traffic(const LayerShape& shape, Scheduler scheduler, const CacheGeometry& d1,
                           const CacheGeometry& ll, const std::string& schedule_source);

} // namespace memsched::measure
