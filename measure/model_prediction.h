// The traffic model's prediction for the schedule a layer was compiled with,
// on the simulated geometry (D1, LL, DRAM):
// - memsched: the plugin's own figure for the schedule it applied
//   (model_bridge plan_layer, printed into its schedule_source comment);
// - every other scheduler (naive, manual, Mullapudi2016, Adams2019, Li2018):
//   the schedule it applied to the layer's Funcs, read back into a one-level
//   model Schedule (autoschedule/schedule_reader: tiles and loop order), plus
//   the extra passes of root reductions and root padded inputs whose scratch
//   does not fit; null with the reader's reason when it cannot be read
//   (e.g. rfactor).
// Each level (D1, LL) is predicted on its own as one buffer in front of DRAM,
// and where each tensor stays is decided by capacity: the model is a buffer
// model, so the level keeps the tensor boxes at the positions (and halo
// policy) that move the fewest bytes among those whose boxes fit together:
// what an LRU cache can keep in the best case.
#pragma once

#include "measure/cache_geometry.h"
#include "measure/layer_compile.h"
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
    // memsched only: the same applied schedule read back like the others'
    // (a cross-check of the plugin's own figure); empty when unreadable.
    std::optional<int64_t> reader_ll_bytes;
};

Prediction predict_traffic(const LayerShape& shape, Scheduler scheduler, const CacheGeometry& d1,
                           const CacheGeometry& ll, const CompiledLayer& compiled);

} // namespace memsched::measure
