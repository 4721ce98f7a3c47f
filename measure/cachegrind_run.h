// Running a compiled layer under cachegrind: link the runner
// (runner/layer_runner.cpp, compiled once per process with the system c++)
// with the layer's library, run it twice under
//   HL_NUM_THREADS=1 valgrind --tool=cachegrind --cache-sim=yes --I1 --D1 --LL
// with 1 and 1+N calls, and divide the difference by N: per-call figures
// without the process start, allocation and input filling.
// Cold calls (the default, the model's assumption): both runs allocate 1+N
// tensor sets and sweep 2 x LL bytes once before the first call, and call i
// uses set i, so every call finds its own tensors cold while the runtime's
// and the allocator's state stay warm. Warm calls reuse one set.
#pragma once

#include "measure/cache_geometry.h"
#include "measure/cachegrind_output.h"
#include "model/layer_shape.h"

#include <string>

namespace memsched::measure {

struct PerCallCounts {
    CachegrindCounts per_call;  // (run(1+N) - run(1)) / N, event by event
    CachegrindCounts one_call;  // the 1-call run's totals, for reference
    int calls = 0;              // N
    int tensor_sets = 1;        // distinct input/weight/output sets (1+N when cold)
    double valgrind_seconds = 0;
};

// Links <dir>/layer_runner from the layer library. Throws std::runtime_error
// with the compiler's message on failure.
std::string link_runner(const std::string& library_path, const std::string& dir);

// Throws std::runtime_error (valgrind missing, the runner failing, a run
// whose output cannot be parsed, or negative differences).
PerCallCounts run_cachegrind(const std::string& runner_path, const LayerShape& shape, const CacheGeometry& d1,
                             const CacheGeometry& ll, int calls, bool cold, const std::string& dir);

} // namespace memsched::measure
