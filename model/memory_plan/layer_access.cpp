// Builds per-range last-read / first-write times from an execution order
// (see layer_access.h).
#include "model/memory_plan/layer_access.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace memsched {

namespace {

// One access of a row piece [x0, x1) of row `row` (index over n, c, y).
struct RowEntry {
    int64_t row, x0, x1, time, iteration;
};

void check_dims(const TensorDims& d, const TensorLayout& l, const std::string& what) {
    if (d.n != l.n || d.c != l.c || d.h != l.h || d.w != l.w)
        throw std::invalid_argument(what + " layout " + std::to_string(l.n) + "x" + std::to_string(l.c) + "x" +
                                    std::to_string(l.h) + "x" + std::to_string(l.w) +
                                    " differs from the execution order's dims");
}

void add_box(const Box4& b, const TensorLayout& l, int64_t x0, int64_t x1, int64_t time, int64_t iteration,
             std::vector<RowEntry>* out) {
    for (int64_t n = b.n0; n < b.n1; ++n)
        for (int64_t c = b.c0; c < b.c1; ++c)
            for (int64_t y = b.y0; y < b.y1; ++y) out->push_back({(n * l.c + c) * l.h + y, x0, x1, time, iteration});
}

// Resolves the entries of each row into disjoint pieces with aggregated
// times: the latest time (reads) or the earliest (writes), and the range of
// iterations touching the piece.
template <typename Emit>
void resolve_rows(std::vector<RowEntry>& entries, bool latest, Emit emit) {
    std::sort(entries.begin(), entries.end(), [](const RowEntry& a, const RowEntry& b) {
        return a.row != b.row ? a.row < b.row : a.x0 < b.x0;
    });
    size_t i = 0;
    std::vector<int64_t> cuts;
    while (i < entries.size()) {
        size_t j = i;
        bool disjoint = true;
        while (j + 1 < entries.size() && entries[j + 1].row == entries[i].row) {
            if (entries[j + 1].x0 < entries[j].x1) disjoint = false;
            ++j;
        }
        if (disjoint) {
            for (size_t e = i; e <= j; ++e)
                emit(entries[e].row, entries[e].x0, entries[e].x1, entries[e].time, entries[e].iteration,
                     entries[e].iteration);
        } else { // overlapping pieces (halo rows): split at every boundary
            cuts.clear();
            for (size_t e = i; e <= j; ++e) {
                cuts.push_back(entries[e].x0);
                cuts.push_back(entries[e].x1);
            }
            std::sort(cuts.begin(), cuts.end());
            cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
            for (size_t k = 0; k + 1 < cuts.size(); ++k) {
                bool any = false;
                int64_t t = 0, fi = 0, li = 0;
                for (size_t e = i; e <= j; ++e) {
                    if (entries[e].x0 > cuts[k] || entries[e].x1 <= cuts[k]) continue;
                    if (!any) {
                        t = entries[e].time;
                        fi = li = entries[e].iteration;
                        any = true;
                    } else {
                        t = latest ? std::max(t, entries[e].time) : std::min(t, entries[e].time);
                        fi = std::min(fi, entries[e].iteration);
                        li = std::max(li, entries[e].iteration);
                    }
                }
                if (any) emit(entries[i].row, cuts[k], cuts[k + 1], t, fi, li);
            }
        }
        i = j + 1;
    }
}

int64_t row_address(const TensorLayout& l, int64_t row, int64_t x) {
    const int64_t plane = row / l.h, y = row % l.h;
    return plane * l.plane_stride_elements() + y * l.w + x;
}

} // namespace

LayerAccess build_layer_access(const ExecutionOrder& order, const std::vector<TensorLayout>& input_layouts,
                               const TensorLayout& output_layout) {
    if (input_layouts.size() != order.inputs.size())
        throw std::invalid_argument("input_layouts=" + std::to_string(input_layouts.size()) +
                                    " entries, the order has " + std::to_string(order.inputs.size()) + " inputs");
    for (size_t i = 0; i < input_layouts.size(); ++i)
        check_dims(order.inputs[i], input_layouts[i], "input " + std::to_string(i));
    check_dims(order.output, output_layout, "output");

    std::vector<std::vector<RowEntry>> reads(input_layouts.size());
    std::vector<RowEntry> writes;
    int64_t t = 0;
    for (const ExecStep& s : order.steps) {
        const int64_t rt = s.reads_first ? 0 : 1, wt = 1 - rt;
        if (!s.sweep_x) {
            for (const StepRead& r : s.reads)
                if (!r.box.empty())
                    add_box(r.box, input_layouts[r.input], r.box.x0, r.box.x1, 2 * t + rt, s.iteration,
                            &reads[r.input]);
            if (!s.write.empty())
                add_box(s.write, output_layout, s.write.x0, s.write.x1, 2 * t + wt, s.iteration, &writes);
            ++t;
            continue;
        }
        for (int64_t x = s.write.x0; x < s.write.x1; ++x, ++t) {
            for (const StepRead& r : s.reads)
                add_box(r.box, input_layouts[r.input], x, x + 1, 2 * t + rt, s.iteration, &reads[r.input]);
            add_box(s.write, output_layout, x, x + 1, 2 * t + wt, s.iteration, &writes);
        }
    }

    LayerAccess a;
    a.input_layouts = input_layouts;
    a.output_layout = output_layout;
    a.reads.resize(input_layouts.size());
    for (size_t i = 0; i < reads.size(); ++i) {
        const TensorLayout& l = input_layouts[i];
        std::vector<ReadRange>& out = a.reads[i];
        resolve_rows(reads[i], true, [&](int64_t row, int64_t x0, int64_t x1, int64_t time, int64_t fi, int64_t li) {
            const int64_t b = row_address(l, row, x0), e = row_address(l, row, x1);
            if (!out.empty() && out.back().end == b && out.back().last_time == time &&
                out.back().first_iteration == fi && out.back().last_iteration == li)
                out.back().end = e; // contiguous with the same times: one range
            else
                out.push_back({b, e, time, fi, li});
        });
        reads[i].clear();
        reads[i].shrink_to_fit();
    }
    resolve_rows(writes, false, [&](int64_t row, int64_t x0, int64_t x1, int64_t time, int64_t fi, int64_t) {
        const int64_t b = row_address(output_layout, row, x0), e = row_address(output_layout, row, x1);
        if (!a.writes.empty() && a.writes.back().end == b && a.writes.back().time == time &&
            a.writes.back().iteration == fi)
            a.writes.back().end = e;
        else
            a.writes.push_back({b, e, time, fi});
    });
    return a;
}

} // namespace memsched
