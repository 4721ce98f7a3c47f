// ExecutionOrder: the order in which one layer reads its inputs and writes its
// output, as a sequence of steps. A step reads some boxes of its inputs and
// writes one box of its output; inside a step either every read precedes
// every write (the input is staged before the step computes, as the hand
// schedules do with compute_at of the padded input) or the model assumes the
// writes may come first (no staging). Steps carry the id of the parallel
// iteration they belong to: in the Sequential model steps run in the listed
// order; in the Unordered model steps of different iterations may interleave
// arbitrarily (Halide's thread pool gives no bound on how far one iteration
// may lag another), only steps of one iteration keep their order.
//
// Builders describe the hand schedules of generators/manual_schedules/ as they
// execute (the correspondence is stated at each builder in execution_order.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace memsched {

enum class ParallelModel { Sequential, Unordered };
const char* to_string(ParallelModel model); // "sequential", "unordered"

// The row direction of a row-block sweep: Forward (top row block first, the
// default hand schedule) or Reverse (bottom row block first, the
// row_order=reverse variant of generators/manual_schedules/reverse_rows.h).
enum class RowSweep { Forward, Reverse };
const char* to_string(RowSweep sweep); // "forward", "reverse"

// Half-open box [lo, hi) over (n, c, y, x) of one tensor.
struct Box4 {
    int64_t n0 = 0, n1 = 0, c0 = 0, c1 = 0, y0 = 0, y1 = 0, x0 = 0, x1 = 0;
    bool empty() const { return n1 <= n0 || c1 <= c0 || y1 <= y0 || x1 <= x0; }
};

struct StepRead {
    int input = 0; // which input of the layer
    Box4 box;
};

struct ExecStep {
    int64_t iteration = 0;  // parallel iteration (the Halide parallel loop index)
    bool reads_first = true; // every read of the step precedes every write
    // The step is a sweep along x: for each column x of `write` in order, the
    // reads restricted to column x, then the write of column x (the read
    // boxes then span the same columns as the write box).
    bool sweep_x = false;
    std::vector<StepRead> reads;
    Box4 write;             // output elements written (may be empty)
};

struct TensorDims {
    int64_t n = 1, c = 1, h = 1, w = 1;
    int64_t elements() const { return n * c * h * w; }
};

struct ExecutionOrder {
    std::string schedule; // e.g. "manual conv: row blocks of 2, input staged per block"
    std::vector<TensorDims> inputs;
    TensorDims output;
    std::vector<ExecStep> steps;
};

// Window geometry along one spatial axis: output o reads input rows
// o*stride - pad + j*dilation for j < kernel, clamped to [0, extent).
struct WindowAxis {
    int64_t kernel = 1, stride = 1, pad = 0, dilation = 1;
};

// Hand conv schedule (conv_schedule.cpp): parallel over fused (row block, n),
// the padded input of a row block staged (compute_at rows) before its
// outputs are computed: one step per row block of `row_block` output rows,
// reading the clamped input rows of all channels, writing all channels.
// Reverse (reverse_rows.cpp): the same per-block steps, blocks counted from
// the bottom row up (batch outer, row blocks parallel inside it); the block
// boundaries are aligned to the last row, so a tail block is the top one.
ExecutionOrder manual_conv_order(const TensorDims& in, const TensorDims& out, const WindowAxis& rows,
                                 int64_t row_block, RowSweep sweep = RowSweep::Forward);

// Hand pool schedules (window pool, global pool): parallel over planes (c, n),
// the padded plane staged (compute_at planes) before the plane is written:
// one step per plane, reading the clamped rows/columns the windows touch.
ExecutionOrder manual_pool_order(const TensorDims& in, const TensorDims& out, const WindowAxis& rows,
                                 const WindowAxis& cols);

// Hand pointwise schedule (add): parallel over planes, rows then x in order;
// every element reads its inputs at the same coordinates and is then written.
// Modelled one element per sub-step (a row step with sweep_x): a vector store
// after its vector loads only moves reads earlier, so the element model is
// conservative for it.
ExecutionOrder manual_pointwise_order(const std::vector<TensorDims>& ins, const TensorDims& out);

// Anything not modelled in detail (concat, fc, ...): one step whose writes may
// come before all of its reads, so no output element may overlap a read input.
ExecutionOrder opaque_order(const std::vector<TensorDims>& ins, const TensorDims& out);

} // namespace memsched
