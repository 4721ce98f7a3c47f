// What an LRU cache can keep of a loop nest the model's search did not
// choose (a schedule read back from Halide, or a cache tile larger than its
// level): with tiles and order fixed, the kept positions and halo policy of
// one level that move the fewest bytes among those whose boxes fit, or the
// smallest boxes when none fits (the least reuse the nest can have).
#pragma once

#include "model/memory_hierarchy.h"
#include "model/problem.h"
#include "model/schedule.h"

#include <cstddef>
#include <cstdint>

namespace memsched {

struct KeptFitOptions {
    // The boxes must fit this many bytes; < 0: the level's capacity.
    int64_t capacity_bytes = -1;
    // The input box's bytes are scaled by this for the fit (rows of a few
    // columns occupy whole cache lines), but never beyond the whole padded
    // map's bytes (< 0: no such cap).
    double input_line_factor = 1.0;
    int64_t padded_input_bytes = -1;
};

void fit_kept_positions(const Problem& problem, const MemoryHierarchy& hierarchy, Schedule& schedule,
                        size_t level, const KeptFitOptions& options = {});

} // namespace memsched
