// Closed-form boxes, halos and line-rounded fetch bytes (see footprint.h).
#include "model/footprint.h"

#include <algorithm>
#include <numeric>

namespace memsched {

namespace {

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Visits fn(lo, hi_exclusive, is_sweep_start) for each tile of loop l.
template <typename Fn>
void for_each_tile(const Problem& p, const LoopGrid& g, Loop l, Fn&& fn) {
    const int64_t e = p.extent[int(l)], t = g.block[int(l)], enc = g.enclosing[int(l)];
    for (int64_t lo = 0; lo < e; lo += t) fn(lo, std::min(e, lo + t), lo % enc == 0);
}

void window_runs(const Problem& p, const TensorAxis& ax, const LoopGrid& g, bool fetched,
                 std::vector<AxisRun>* out) {
    const int64_t st = p.stride, dil = p.dilation, pad = p.pad, e = ax.extent;
    // The sweep loop is the inner of the two when the overlap is kept.
    const bool keep_a = fetched && g.keep_loop == int(ax.a);
    const bool keep_b = fetched && g.keep_loop == int(ax.b);
    const Loop outer = keep_a ? ax.b : ax.a;
    const Loop inner = keep_a ? ax.a : ax.b;
    const bool keep = keep_a || keep_b;
    for_each_tile(p, g, outer, [&](int64_t o0, int64_t o1, bool) {
        int64_t prev_lo = 0, prev_hi = -1; // clipped inclusive; empty when hi < lo
        for_each_tile(p, g, inner, [&](int64_t i0, int64_t i1, bool start) {
            const int64_t a0 = keep_a ? i0 : o0, a1 = keep_a ? i1 : o1;
            const int64_t b0 = keep_a ? o0 : i0, b1 = keep_a ? o1 : i1;
            int64_t lo = std::max<int64_t>(0, a0 * st + b0 * dil - pad);
            int64_t hi = std::min<int64_t>(e - 1, (a1 - 1) * st + (b1 - 1) * dil - pad);
            int64_t from = lo;
            if (keep && !start && prev_hi >= prev_lo) from = std::max(lo, prev_hi + 1);
            if (hi >= from) out->push_back({from, hi - from + 1, 1});
            prev_lo = lo;
            prev_hi = hi;
        });
    });
}

} // namespace

void axis_runs(const Problem& p, const TensorAxis& ax, const LoopGrid& g, bool fetched,
               std::vector<AxisRun>* out, int64_t period) {
    out->clear();
    switch (ax.kind) {
    case AxisKind::Direct: {
        const int64_t e = p.extent[int(ax.a)], t = g.block[int(ax.a)];
        const int64_t full = e / t;
        // Full tiles share a length and their starts j*t only matter modulo
        // `period`: tile j and j + cycle are interchangeable, so one run per
        // class carries the count of its class.
        const int64_t cycle = period > 0 ? period / std::gcd(t, period) : full;
        const int64_t reps = std::min(full, std::max<int64_t>(cycle, 1));
        for (int64_t j = 0; j < reps; ++j)
            out->push_back({j * t, t, period > 0 ? (full - j + cycle - 1) / cycle : 1});
        if (e % t) out->push_back({full * t, e % t, 1});
        break;
    }
    case AxisKind::Group:
        // One group: k does not index the input (fill_multiplier counts it).
        if (p.groups == 1) {
            out->push_back({0, 1, 1});
            break;
        }
        for_each_tile(p, g, ax.a, [&](int64_t k0, int64_t k1, bool) {
            const int64_t g0 = k0 / p.k_per_group, g1 = (k1 - 1) / p.k_per_group;
            out->push_back({g0, g1 - g0 + 1, 1});
        });
        break;
    case AxisKind::Window:
        window_runs(p, ax, g, fetched, out);
        break;
    }
}

int64_t max_block_elements(const Problem& p, Tensor t, const LoopGrid& g) {
    if (!p.present[int(t)]) return 0;
    int64_t elements = 1;
    for (const TensorAxis& ax : p.axes[int(t)]) {
        int64_t m = 0;
        switch (ax.kind) {
        case AxisKind::Direct: m = g.block[int(ax.a)]; break;
        case AxisKind::Group:
            if (p.groups == 1) { m = 1; break; }
            for_each_tile(p, g, ax.a, [&](int64_t k0, int64_t k1, bool) {
                m = std::max(m, (k1 - 1) / p.k_per_group - k0 / p.k_per_group + 1);
            });
            break;
        case AxisKind::Window: {
            const int64_t st = p.stride, dil = p.dilation, pad = p.pad, e = ax.extent;
            for_each_tile(p, g, ax.a, [&](int64_t a0, int64_t a1, bool) {
                for_each_tile(p, g, ax.b, [&](int64_t b0, int64_t b1, bool) {
                    const int64_t lo = std::max<int64_t>(0, a0 * st + b0 * dil - pad);
                    const int64_t hi = std::min<int64_t>(e - 1, (a1 - 1) * st + (b1 - 1) * dil - pad);
                    m = std::max(m, hi - lo + 1);
                });
            });
            break;
        }
        }
        elements *= m;
    }
    return elements;
}

namespace {

constexpr int kMaxResidues = 256;

// Histogram of byte offsets modulo the line, in units of `unit` bytes.
// Only the first m entries are used (and initialized): m is usually 16.
struct ResidueHistogram {
    int m = 1;          // number of residues: line_bytes / unit
    int64_t unit = 1;
    std::array<int64_t, kMaxResidues> count;
};

// Adds the residues of coord * stride_bytes for every coordinate of the runs.
void add_axis(const std::vector<AxisRun>& runs, int64_t stride_bytes, int64_t line_bytes,
              ResidueHistogram* h) {
    const int64_t sm = stride_bytes % line_bytes;
    if (sm == 0) { // every coordinate starts at the same residue: a scalar
        int64_t total = 0;
        for (const AxisRun& r : runs) total += r.weight * r.len;
        for (int i = 0; i < h->m; ++i) h->count[i] *= total;
        return;
    }
    std::array<int64_t, kMaxResidues> axis, next;
    std::fill(axis.begin(), axis.begin() + h->m, 0);
    std::fill(next.begin(), next.begin() + h->m, 0);
    const int64_t period = line_bytes / std::gcd(sm, line_bytes);
    for (const AxisRun& r : runs) {
        const int64_t base = (r.lo % period) * sm % line_bytes;
        const int64_t reps = r.len / period, rem = r.len % period;
        const int64_t steps = std::min(r.len, period);
        for (int64_t t = 0; t < steps; ++t) {
            const int64_t res = (base + t * sm) % line_bytes;
            axis[res / h->unit] += r.weight * (reps + (t < rem ? 1 : 0));
        }
    }
    for (int i = 0; i < h->m; ++i) {
        if (!h->count[i]) continue;
        for (int j = 0; j < h->m; ++j) {
            if (!axis[j]) continue;
            next[(i + j) % h->m] += h->count[i] * axis[j];
        }
    }
    std::copy(next.begin(), next.begin() + h->m, h->count.begin());
}

} // namespace

int64_t fetched_bytes(const Problem& p, Tensor t, const LoopGrid& g, int64_t line_bytes) {
    if (!p.present[int(t)]) return 0;
    const std::vector<TensorAxis>& axes = p.axes[int(t)];
    const int64_t eb = p.element_bytes;
    const int64_t unit = std::gcd(eb, line_bytes);
    if (line_bytes / unit > kMaxResidues) return -1;
    const int n = static_cast<int>(axes.size());
    // Scratch reused across calls: the search calls this millions of times.
    thread_local std::vector<std::vector<AxisRun>> runs;
    thread_local std::vector<AxisRun> cur, partial;
    if (int(runs.size()) < n) runs.resize(n);
    for (int a = 0; a < n; ++a) {
        // Starts matter modulo the period of coord * stride (mod line).
        const int64_t sm = axes[a].stride_elements * eb % line_bytes;
        const int64_t period = sm == 0 ? 1 : line_bytes / std::gcd(sm, line_bytes);
        axis_runs(p, axes[a], g, true, &runs[a], period);
    }

    // Walk from the innermost axis outwards: runs that cover their whole axis
    // are contiguous with the next row, so they merge into a run of the next
    // axis (scaled to elements); the others are bursts of their own.
    cur = runs[n - 1];
    int64_t full_len = axes[n - 1].extent; // elements in one full run at this depth
    int64_t total_lines = 0;
    for (int j = n - 1; j >= 0; --j) {
        int64_t full_weight = 0;
        partial.clear();
        for (const AxisRun& r : cur) {
            if (r.len == full_len) full_weight += r.weight;
            else partial.push_back(r);
        }
        if (!partial.empty()) {
            ResidueHistogram h;
            h.unit = unit;
            h.m = static_cast<int>(line_bytes / unit);
            std::fill(h.count.begin(), h.count.begin() + h.m, 0);
            h.count[0] = 1;
            for (int a = 0; a < j; ++a)
                add_axis(runs[a], axes[a].stride_elements * eb, line_bytes, &h);
            for (int i = 0; i < h.m; ++i) {
                if (!h.count[i]) continue;
                int64_t lines = 0;
                for (const AxisRun& r : partial)
                    lines += r.weight * lines_touched((i * unit + r.lo * eb) % line_bytes,
                                                      r.len * eb, line_bytes);
                total_lines += h.count[i] * lines;
            }
        }
        if (full_weight == 0) break;
        if (j == 0) { // the whole tensor is one run starting at the base
            total_lines += full_weight * lines_touched(0, full_len * eb, line_bytes);
            break;
        }
        const int64_t scale = axes[j - 1].stride_elements;
        cur.clear();
        for (const AxisRun& r : runs[j - 1])
            cur.push_back({r.lo * scale, r.len * scale, r.weight * full_weight});
        full_len = axes[j - 1].extent * scale;
    }
    return total_lines * line_bytes;
}

} // namespace memsched
