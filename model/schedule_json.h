// The one place schedules (and traffic reports) become JSON and back, so the
// files `memsched explore --json` prints are what `memsched simulate` reads.
// Schedule format:
//   {"levels": [{"tile": {"n":1,"k":32,"c":4,"y":7,"x":56,"r":3,"s":3},
//                "order": ["k","y","c","x","n","r","s"],
//                "kept_at": {"input":3,"weights":3,"output":2},
//                "halo": "keep"}]}          // innermost level first
#pragma once

#include "model/schedule.h"
#include "model/traffic.h"

#include <nlohmann/json.hpp>

namespace memsched {

nlohmann::json schedule_to_json(const Schedule& s);
// Throws std::invalid_argument naming the offending field, e.g.
// "schedule levels[0].tile.y: must be an integer". Legality against a layer
// is checked separately by validate().
Schedule schedule_from_json(const nlohmann::json& j);

// Per level: read/write/footprint bytes, per tensor and totals, and fits.
nlohmann::json report_to_json(const TrafficReport& r);

} // namespace memsched
