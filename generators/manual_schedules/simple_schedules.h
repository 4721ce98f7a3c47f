// Hand schedules of the non-conv layers: window pools, global average pool,
// fully connected, and pure element-wise outputs (add, concat). Like the conv
// schedule, each is correct at any size: x tails are guarded in the output
// and reductions computed per output block have bounded extents.
#pragma once

#include <Halide.h>

namespace memsched::manual_schedules {

// out: pure (x, y, c, n) reading `pool` (a window reduction, pure init + one
// update over (rx, ry)); padded (optional) is staged per channel plane.
void schedule_window_pool(Halide::Func out, Halide::Func pool, Halide::Func padded,
                          const Halide::Target& target);

// out: pure (x, y, c, n) of extent 1 in x, y reading `sum` (reduction over the plane).
void schedule_global_pool(Halide::Func out, Halide::Func sum, const Halide::Target& target);

// out: pure (k, n) reading `fc` (pure init + one update over the features);
// out_features >= 1 is compile-time.
void schedule_fully_connected(Halide::Func out, Halide::Func fc, int out_features,
                              const Halide::Target& target);

// out: any pure (x, y, c, n) Func: vectorized along x, parallel over rows.
void schedule_pointwise(Halide::Func out, const Halide::Target& target);

} // namespace memsched::manual_schedules
