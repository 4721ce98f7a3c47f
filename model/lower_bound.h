// Lower bounds on the bytes a layer must move across the outermost memory
// boundary, whatever the schedule, so that every result reads as a ratio to
// the limit: the compulsory traffic (each needed element once) and a
// Hong-Kung style bound for a given on-chip capacity.
#pragma once

#include "model/problem.h"

#include <cstdint>

namespace memsched {

struct TrafficLowerBound {
    // LayerShape::compulsory_bytes(): every input, weight and output element once.
    int64_t compulsory_bytes = 0;
    // Elements some MAC actually reads or writes (padding-only rows/columns,
    // and input rows a stride skips, excluded), each once.
    int64_t needed_bytes = 0;
    // Capacity-dependent bound from the segment argument (lower_bound.cpp).
    int64_t capacity_bytes_bound = 0;

    // The bound: no schedule under this capacity moves fewer bytes.
    int64_t bytes() const {
        return needed_bytes > capacity_bytes_bound ? needed_bytes : capacity_bytes_bound;
    }
};

// `on_chip_bytes`: total capacity of all buffer levels inside the boundary.
TrafficLowerBound traffic_lower_bound(const Problem& p, int64_t on_chip_bytes);

} // namespace memsched
