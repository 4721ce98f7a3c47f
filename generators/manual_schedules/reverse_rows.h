// Bottom-up (reverse-row) execution of the hand conv schedule. Halide loops
// only count up, so the reversal lives in the definition: the output's pure
// definition is undef and one update over an RDom r of the output's rows
// writes row y = y_min + y_max - r; every loop of the schedule then counts up
// in r, i.e. down in y. The schedule mirrors schedule_conv_stage (register
// blocks of vector x channel block x row block, reduction per block in
// registers, padded input staged per row block), so a reverse layer reads
// and writes the same boxes as the forward one, in the opposite row order.
// Why: a bottom-up layer may place its output above its input in one arena
// (model/memory_plan/), so a chain of layers can zig-zag instead of drifting.
#pragma once

#include "generators/manual_schedules/conv_schedule.h"

#include <Halide.h>

#include <map>
#include <string>

namespace memsched::manual_schedules {

enum class RowOrder { Forward, Reverse };

// For GeneratorParam<RowOrder>: "forward" (the default everywhere), "reverse".
const std::map<std::string, RowOrder>& row_order_names();

// out(x, y, k, n) = value(x, y, k, n) over the rows of out's output buffer,
// written bottom-up (see above) in the register blocks of `target`. out: a
// pipeline output (x, y, k, n) with no definition yet, k in [0, out_channels).
void define_rows_reversed(Halide::Func out, Halide::Func value, int out_channels,
                          const Halide::Target& target);

// schedule_conv_stage for an `out` defined by define_rows_reversed: parallel
// over row blocks (counted bottom-up; the batch loop outside it).
void schedule_conv_stage_reversed(const ConvStage& stage, const Halide::Target& target);

} // namespace memsched::manual_schedules
