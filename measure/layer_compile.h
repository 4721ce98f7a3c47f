// Compiling one conv layer at run time: the algorithm from memsched_layers
// (pad_zero + conv2d, the same builders the generators use), the chosen
// scheduler applied in-process, and Pipeline::compile_to_static_library for
// x86-64-linux-avx2 (cachegrind cannot execute AVX-512). The library exports
//   int layer(halide_buffer_t* input, halide_buffer_t* weights, halide_buffer_t* output)
// with input (w, h, c, n), weights (s, r, c/groups, k), output (ow, oh, k, n).
#pragma once

#include "measure/cache_geometry.h"
#include "measure/scheduler_choice.h"
#include "model/layer_shape.h"

#include <string>

namespace memsched::measure {

struct CompiledLayer {
    std::string library_path;    // <dir>/layer.a
    std::string schedule_source; // the plugin's schedule text ("" for naive/manual)
    double compile_seconds = 0;
};

// Only LayerKind::Conv is supported (throws std::invalid_argument otherwise).
// The autoschedulers get MachineParams(1, ll.size_bytes, 40); MemSched also
// gets MEMSCHED_PARAMS l1=D1, l2=llc=LL, line=LL line, so its model sees the
// simulated hierarchy. Adams2019 runs with HL_BEAM_SIZE=1 unless the caller
// set HL_BEAM_SIZE. Estimates are the layer's exact sizes.
CompiledLayer compile_layer(const LayerShape& shape, Scheduler scheduler, const CacheGeometry& d1,
                            const CacheGeometry& ll, const std::string& dir);

} // namespace memsched::measure
