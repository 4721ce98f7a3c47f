// Builders of the execution orders of the hand schedules (see execution_order.h).
#include "model/memory_plan/execution_order.h"

#include <algorithm>

namespace memsched {

const char* to_string(ParallelModel model) {
    return model == ParallelModel::Sequential ? "sequential" : "unordered";
}

const char* to_string(RowSweep sweep) { return sweep == RowSweep::Forward ? "forward" : "reverse"; }

namespace {

// Input rows [lo, hi) read by outputs [o0, o1) along an axis, after the
// clamp that layers::pad_value applies (out-of-range coordinates read the
// edge row, so the edge rows are read by every window that reaches past them).
std::pair<int64_t, int64_t> window_rows(const WindowAxis& a, int64_t o0, int64_t o1, int64_t extent) {
    const int64_t lo = o0 * a.stride - a.pad;
    const int64_t hi = (o1 - 1) * a.stride - a.pad + (a.kernel - 1) * a.dilation;
    return {std::clamp<int64_t>(lo, 0, extent - 1), std::clamp<int64_t>(hi, 0, extent - 1) + 1};
}

} // namespace

ExecutionOrder manual_conv_order(const TensorDims& in, const TensorDims& out, const WindowAxis& rows,
                                 int64_t row_block, RowSweep sweep) {
    ExecutionOrder e;
    const bool reverse = sweep == RowSweep::Reverse;
    e.schedule = std::string("manual conv") + (reverse ? " (rows bottom-up)" : "") +
                 ": steps are row blocks of " + std::to_string(row_block) +
                 " output rows x all channels (parallel over " + (reverse ? "row blocks inside n" : "fused rows,n") +
                 "), input staged per block";
    e.inputs = {in};
    e.output = out;
    const int64_t blocks = (out.h + row_block - 1) / row_block;
    // Forward: fuse(yo, n), yo the inner part of the fused parallel loop.
    // Reverse: n outside the parallel loop over row blocks; block m holds
    // rows [h - (m+1)*row_block, h - m*row_block).
    for (int64_t n = 0; n < out.n; ++n) {
        for (int64_t m = 0; m < blocks; ++m) {
            ExecStep s;
            s.iteration = n * blocks + m;
            s.reads_first = true;
            // The conv is computed with bound_extent(y, row_block): a guarded
            // tail block still computes (and reads the input of) full blocks.
            const int64_t o0 = reverse ? out.h - (m + 1) * row_block : m * row_block;
            const int64_t o1 = o0 + row_block;
            auto [y0, y1] = window_rows(rows, o0, o1, in.h);
            s.reads.push_back({0, {n, n + 1, 0, in.c, y0, y1, 0, in.w}});
            s.write = {n, n + 1, 0, out.c, std::max<int64_t>(0, o0), std::min(out.h, o1), 0, out.w};
            e.steps.push_back(std::move(s));
        }
    }
    return e;
}

ExecutionOrder manual_pool_order(const TensorDims& in, const TensorDims& out, const WindowAxis& rows,
                                 const WindowAxis& cols) {
    ExecutionOrder e;
    e.schedule = "manual pool: steps are planes (parallel over fused c,n), padded plane staged per plane";
    e.inputs = {in};
    e.output = out;
    auto [y0, y1] = window_rows(rows, 0, out.h, in.h);
    auto [x0, x1] = window_rows(cols, 0, out.w, in.w);
    for (int64_t n = 0; n < out.n; ++n) {
        for (int64_t c = 0; c < out.c; ++c) {
            ExecStep s;
            s.iteration = n * out.c + c;
            s.reads_first = true;
            s.reads.push_back({0, {n, n + 1, c, c + 1, y0, y1, x0, x1}});
            s.write = {n, n + 1, c, c + 1, 0, out.h, 0, out.w};
            e.steps.push_back(std::move(s));
        }
    }
    return e;
}

ExecutionOrder manual_pointwise_order(const std::vector<TensorDims>& ins, const TensorDims& out) {
    ExecutionOrder e;
    e.schedule = "manual pointwise: one element per sub-step, planes parallel, rows and x in order";
    e.inputs = ins;
    e.output = out;
    for (int64_t n = 0; n < out.n; ++n)
        for (int64_t c = 0; c < out.c; ++c)
            for (int64_t y = 0; y < out.h; ++y) {
                ExecStep s;
                s.iteration = n * out.c + c;
                s.reads_first = true;
                s.sweep_x = true;
                for (int i = 0; i < int(ins.size()); ++i)
                    s.reads.push_back({i, {n, n + 1, c, c + 1, y, y + 1, 0, out.w}});
                s.write = {n, n + 1, c, c + 1, y, y + 1, 0, out.w};
                e.steps.push_back(std::move(s));
            }
    return e;
}

ExecutionOrder opaque_order(const std::vector<TensorDims>& ins, const TensorDims& out) {
    ExecutionOrder e;
    e.schedule = "opaque: output may be written before any input read (no overlap)";
    e.inputs = ins;
    e.output = out;
    ExecStep s;
    s.reads_first = false;
    for (int i = 0; i < int(ins.size()); ++i)
        s.reads.push_back({i, {0, ins[i].n, 0, ins[i].c, 0, ins[i].h, 0, ins[i].w}});
    s.write = {0, out.n, 0, out.c, 0, out.h, 0, out.w};
    e.steps.push_back(std::move(s));
    return e;
}

} // namespace memsched
