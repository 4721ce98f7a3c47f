// One measurement: a layer compiled with one scheduler, run under
// cachegrind on one simulated geometry, next to the model's prediction for
// the same schedule and geometry and the layer's lower bounds. This is the
// whole of `memsched measure`; `memsched validate` repeats it.
#pragma once

#include "measure/cache_geometry.h"
#include "measure/cachegrind_run.h"
#include "measure/model_prediction.h"
#include "measure/scheduler_choice.h"
#include "model/layer_shape.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace memsched::measure {

struct MeasureRequest {
    LayerShape shape;
    Scheduler scheduler = Scheduler::Manual;
    CacheGeometry ll{"LL", 256 << 10, 16, 64};
    CacheGeometry d1 = default_d1();
    int calls = 2; // N: per-call figures are (run(1+N) - run(1)) / N
    bool cold = true; // every call finds its tensors cold (the model's assumption)
    // LL capacity the schedulers and the model plan for; 0: the simulated LL.
    // Differs only in headroom experiments (how much larger than the plan an
    // LRU cache must be to show the planned traffic).
    int64_t plan_ll_bytes = 0;
};

struct MeasureResult {
    MeasureRequest request;
    PerCallCounts counts;
    Prediction prediction;
    int64_t measured_ll_bytes = 0; // (DLmr + DLmw) x LL line: lines brought into LL per call
    int64_t measured_d1_bytes = 0; // (D1mr + D1mw) x D1 line
    int64_t lower_bound_bytes = 0; // model/lower_bound.h with D1 + LL on chip
    int64_t compulsory_bytes = 0;  // every input, weight and output element once
    double compile_seconds = 0;

    // (measured - predicted) / measured; empty without a prediction.
    std::optional<double> relative_error() const;
    std::optional<double> d1_relative_error() const;
};

// Throws std::invalid_argument for unsupported input and std::runtime_error
// when compiling or running fails.
MeasureResult measure_layer(const MeasureRequest& request);

nlohmann::json to_json(const MeasureResult& r);

} // namespace memsched::measure
