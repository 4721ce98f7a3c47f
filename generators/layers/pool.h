// Max, average and global average pooling as Halide algorithms (no schedules).
// Dims (x, y, c, n). Like conv, the pools read a padded input defined
// everywhere and leave output extents (end padding, ceil mode) to the caller.
#pragma once

#include <Halide.h>

#include <string>

namespace memsched::layers {

struct PoolParams {
    int kernel_w, kernel_h, stride_x = 1, stride_y = 1, pad_left = 0, pad_top = 0;
    // End padding; only avg_pool with count_include_pad reads it (its divisor
    // counts the window clipped to the padded input). -1: same as pad_left/pad_top.
    int pad_right = -1, pad_bottom = -1;
};

void validate(const PoolParams& p, const std::string& name);

// out = max over the window; a pure definition (-inf) and one update over
// RDom (rx, ry). padded_input must be padded with -inf (pad_value).
Halide::Func max_pool(Halide::Func padded_input, const PoolParams& p, const std::string& name);

// Window sum ("<name>_sum": pure zero + one update) divided by the window
// size: the whole window clipped to the padded input when count_include_pad,
// else only the part inside [0, in_width) x [0, in_height). padded_input is
// zero-padded (pad_zero).
Halide::Func avg_pool(Halide::Func padded_input, const PoolParams& p, Halide::Expr in_width,
                      Halide::Expr in_height, bool count_include_pad, const std::string& name);

// Both stages of an average pool, for schedules that treat the sum (the
// reduction) and the division (pure) apart.
struct AvgPoolStages {
    Halide::Func sum, out;
};
AvgPoolStages avg_pool_stages(Halide::Func padded_input, const PoolParams& p, Halide::Expr in_width,
                              Halide::Expr in_height, bool count_include_pad,
                              const std::string& name);

// (x, y, c, n) -> (x, y, c, n) with x, y of extent 1: the mean over
// [0, width) x [0, height). The sum is "<name>_sum" (pure zero + one update).
Halide::Func global_avg_pool(Halide::Func input, Halide::Expr width, Halide::Expr height,
                             const std::string& name);
AvgPoolStages global_avg_pool_stages(Halide::Func input, Halide::Expr width, Halide::Expr height,
                                     const std::string& name);

} // namespace memsched::layers
