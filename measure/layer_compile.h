// Compiling one layer at run time: the algorithm from memsched_layers (see
// layer_pipeline.h: conv, depthwise conv, pools, fc), the chosen scheduler
// applied in-process, the applied schedule read back into the model
// (autoschedule/schedule_reader), and Pipeline::compile_to_static_library
// for x86-64-linux-avx2 (cachegrind cannot execute AVX-512). The library exports
//   int layer(halide_buffer_t* input, halide_buffer_t* weights, halide_buffer_t* output)
// with input (w, h, c, n), weights (s, r, c/groups, k), output (ow, oh, k, n);
// fc layers take weights (c, k) and output (k, n); pools ignore weights.
#pragma once

#include "autoschedule/schedule_reader.h"
#include "measure/cache_geometry.h"
#include "measure/scheduler_choice.h"
#include "model/layer_shape.h"

#include <optional>
#include <string>

namespace memsched::measure {

struct CompiledLayer {
    std::string library_path;    // <dir>/layer.a
    std::string schedule_source; // the plugin's schedule text ("" for naive/manual)
    std::optional<autoschedule::ReadSchedule> applied; // the applied schedule as a model mapping
    std::string applied_error;   // why `applied` is empty
    bool fc_layout = false;      // weights (c, k) and output (k, n)
    double compile_seconds = 0;
};

// Throws std::invalid_argument for a shape the layer builders reject.
// The autoschedulers get MachineParams(1, ll.size_bytes, 40); MemSched also
// gets MEMSCHED_PARAMS l1=D1, l2=llc=LL, line=LL line, so its model sees the
// simulated hierarchy. Adams2019 runs with HL_BEAM_SIZE=1 unless the caller
// set HL_BEAM_SIZE. Estimates are the layer's exact sizes.
CompiledLayer compile_layer(const LayerShape& shape, Scheduler scheduler, const CacheGeometry& d1,
                            const CacheGeometry& ll, const std::string& dir);

} // namespace memsched::measure
