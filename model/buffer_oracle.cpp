// Oracle (a): literal walk of the scheduled nest (see buffer_oracle.h).
#include "model/buffer_oracle.h"

#include <algorithm>
#include <array>
#include <vector>

namespace memsched {

namespace {

struct NestLoop {
    Loop loop;
    int64_t tile;
};

// A box per tensor axis, inclusive bounds; empty when any hi < lo.
struct Box {
    std::vector<int64_t> lo, hi;
    bool empty() const {
        for (size_t a = 0; a < lo.size(); ++a)
            if (hi[a] < lo[a]) return true;
        return lo.empty();
    }
    int64_t elements() const {
        if (empty()) return 0;
        int64_t e = 1;
        for (size_t a = 0; a < lo.size(); ++a) e *= hi[a] - lo[a] + 1;
        return e;
    }
};

using Ranges = std::array<std::pair<int64_t, int64_t>, kNumLoops>; // [lo, hi)

// Axis coordinates of tensor t touched at one loop point (no clipping).
void coords(const Problem& p, Tensor t, const std::array<int64_t, kNumLoops>& i,
            std::vector<int64_t>* out) {
    out->clear();
    for (const TensorAxis& ax : p.axes[int(t)]) {
        switch (ax.kind) {
        case AxisKind::Direct: out->push_back(i[int(ax.a)]); break;
        case AxisKind::Group: out->push_back(i[int(ax.a)] / p.k_per_group); break;
        case AxisKind::Window:
            out->push_back(i[int(ax.a)] * p.stride + i[int(ax.b)] * p.dilation - p.pad);
            break;
        }
    }
}

// Bounding box of every point of the slice, intersected with the tensor.
Box box_of(const Problem& p, Tensor t, const Ranges& r) {
    const size_t n = p.axes[int(t)].size();
    Box b;
    b.lo.assign(n, INT64_MAX);
    b.hi.assign(n, INT64_MIN);
    std::array<int64_t, kNumLoops> i{};
    std::vector<int64_t> c;
    // Odometer over the 7 loops of the slice.
    for (int l = 0; l < kNumLoops; ++l) i[l] = r[l].first;
    while (true) {
        coords(p, t, i, &c);
        for (size_t a = 0; a < n; ++a) {
            b.lo[a] = std::min(b.lo[a], c[a]);
            b.hi[a] = std::max(b.hi[a], c[a]);
        }
        int l = kNumLoops - 1;
        while (l >= 0 && ++i[l] == r[l].second) { i[l] = r[l].first; --l; }
        if (l < 0) break;
    }
    for (size_t a = 0; a < n; ++a) {
        b.lo[a] = std::max<int64_t>(b.lo[a], 0);
        b.hi[a] = std::min<int64_t>(b.hi[a], p.axes[int(t)][a].extent - 1);
    }
    return b;
}

// Element address ranges [start, end) of `box` minus `kept` (if given),
// one piece per row and per gap, in no particular order.
void ranges_of(const Problem& p, Tensor t, const Box& box, const Box* kept,
               std::vector<std::pair<int64_t, int64_t>>* out) {
    out->clear();
    if (box.empty()) return;
    const std::vector<TensorAxis>& axes = p.axes[int(t)];
    const size_t n = axes.size(), inner = n - 1;
    std::vector<int64_t> row(box.lo.begin(), box.lo.end());
    while (true) {
        int64_t base = 0;
        bool in_kept = kept && !kept->empty();
        for (size_t a = 0; a < inner; ++a) {
            base += row[a] * axes[a].stride_elements;
            if (in_kept && (row[a] < kept->lo[a] || row[a] > kept->hi[a])) in_kept = false;
        }
        const int64_t lo = box.lo[inner], hi = box.hi[inner] + 1;
        if (!in_kept) {
            out->push_back({base + lo, base + hi});
        } else { // row minus the kept segment: up to two pieces
            const int64_t klo = kept->lo[inner], khi = kept->hi[inner] + 1;
            if (lo < std::min(hi, klo)) out->push_back({base + lo, base + std::min(hi, klo)});
            if (std::max(lo, khi) < hi) out->push_back({base + std::max(lo, khi), base + hi});
        }
        if (inner == 0) break;
        int a = static_cast<int>(inner) - 1;
        while (a >= 0 && ++row[a] > box.hi[a]) { row[a] = box.lo[a]; --a; }
        if (a < 0) break;
    }
}

// Lines moved for a set of element ranges: contiguous ranges merge into one burst.
int64_t burst_bytes(std::vector<std::pair<int64_t, int64_t>> r, int64_t eb, int64_t line) {
    std::sort(r.begin(), r.end());
    int64_t lines = 0;
    size_t i = 0;
    while (i < r.size()) {
        int64_t s = r[i].first, e = r[i].second;
        while (i + 1 < r.size() && r[i + 1].first == e) e = r[++i].second;
        lines += (e * eb - 1) / line - (s * eb) / line + 1;
        ++i;
    }
    return lines * line;
}

struct Walk {
    const Problem& p;
    Tensor t;
    int64_t eb, line;
    bool keep_rule;            // halo keep applies to this tensor's innermost nest loop
    std::vector<NestLoop> nest;
    std::vector<int64_t> index, prev_index;
    bool have_prev = false;
    Box prev_box;
    std::vector<char> touched; // output elements holding partial sums
    TensorTraffic* tt;
    std::vector<std::pair<int64_t, int64_t>> scratch;

    void visit(const Ranges& r) {
        const Box box = box_of(p, t, r);
        tt->footprint_bytes = std::max(tt->footprint_bytes, box.elements() * eb);
        ++tt->fills;
        bool slide = false;
        if (keep_rule && have_prev && !nest.empty()) {
            slide = true;
            for (size_t j = 0; j + 1 < nest.size(); ++j)
                if (index[j] != prev_index[j]) slide = false;
            if (index.back() != prev_index.back() + 1) slide = false;
        }
        ranges_of(p, t, box, slide ? &prev_box : nullptr, &scratch);
        const int64_t bytes = burst_bytes(scratch, eb, line);
        if (t == Tensor::Output) {
            bool any_touched = false;
            std::vector<std::pair<int64_t, int64_t>> all;
            ranges_of(p, t, box, nullptr, &all);
            for (auto [s, e] : all)
                for (int64_t x = s; x < e; ++x) {
                    any_touched |= touched[x] != 0;
                    touched[x] = 1;
                }
            if (any_touched) tt->read_bytes += bytes;
            tt->write_bytes += bytes;
        } else {
            tt->read_bytes += bytes;
        }
        prev_box = box;
        prev_index = index;
        have_prev = true;
    }

    void run(size_t depth, Ranges r) {
        if (depth == nest.size()) {
            visit(r);
            return;
        }
        const int l = int(nest[depth].loop);
        const auto [lo, hi] = r[l];
        int64_t count = 0;
        for (int64_t x = lo; x < hi; x += nest[depth].tile, ++count) {
            Ranges inner = r;
            inner[l] = {x, std::min(hi, x + nest[depth].tile)};
            index[depth] = count;
            run(depth + 1, inner);
        }
    }
};

} // namespace

TrafficReport simulate_buffers(const Problem& p, const MemoryHierarchy& h, const Schedule& s) {
    TrafficReport rep;
    if (EvalStatus st = h.validate(); !st) { rep.status = st; return rep; }
    if (EvalStatus st = validate(s, p, h); !st) { rep.status = st; return rep; }
    const int L = static_cast<int>(s.levels.size());
    rep.levels.resize(L);
    for (int i = 0; i < L; ++i) {
        LevelTraffic& lt = rep.levels[i];
        lt.level_name = h.levels[i].name;
        lt.capacity_bytes = h.levels[i].capacity_bytes;
        for (int ti = 0; ti < kNumTensors; ++ti) {
            if (!p.present[ti]) continue;
            const Tensor t = Tensor(ti);
            Walk w{p, t, p.element_bytes, h.levels[i].line_bytes, false, {}, {}, {}, false,
                   {}, {}, &lt.tensors[ti], {}};
            for (int j = L - 1; j > i; --j)
                for (Loop l : s.levels[j].order) w.nest.push_back({l, s.levels[j].tile_of(l)});
            const LevelMapping& m = s.levels[i];
            for (int pos = 0; pos < m.kept_at[ti]; ++pos)
                w.nest.push_back({m.order[pos], m.tile_of(m.order[pos])});
            if (t == Tensor::Input && m.halo == HaloPolicy::Keep && m.kept_at[ti] > 0) {
                const Loop in = m.order[m.kept_at[ti] - 1];
                w.keep_rule = in == Loop::Y || in == Loop::X || in == Loop::R || in == Loop::S;
            }
            w.index.assign(w.nest.size(), 0);
            if (t == Tensor::Output) w.touched.assign(p.tensor_elements(t), 0);
            Ranges all;
            for (int l = 0; l < kNumLoops; ++l) all[l] = {0, p.extent[l]};
            w.run(0, all);
        }
    }
    for (const LevelTraffic& lt : rep.levels) {
        if (!lt.fits()) {
            rep.status = EvalStatus::failure("schedule does not fit: level '" + lt.level_name +
                                             "' needs " + std::to_string(lt.footprint_bytes()) +
                                             " bytes, capacity_bytes=" +
                                             std::to_string(lt.capacity_bytes));
            break;
        }
    }
    return rep;
}

} // namespace memsched
