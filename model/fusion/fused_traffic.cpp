// The closed-form fused-group model (see fused_traffic.h and the semantics in
// fused_group.h).
#include "model/fusion/fused_traffic.h"

#include "model/footprint.h"

#include <algorithm>
#include <numeric>
#include <set>

namespace memsched {

namespace {

int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

Interval hull(Interval a, Interval b) {
    if (a.empty()) return b;
    if (b.empty()) return a;
    return {std::min(a.lo, b.lo), std::max(a.hi, b.hi)};
}

// a \ b as at most two intervals (empty ones dropped).
std::vector<Interval> minus(Interval a, Interval b) {
    if (a.empty()) return {};
    if (b.empty() || b.hi <= a.lo || b.lo >= a.hi) return {a};
    std::vector<Interval> out;
    if (a.lo < b.lo) out.push_back({a.lo, b.lo});
    if (b.hi < a.hi) out.push_back({b.hi, a.hi});
    return out;
}

// Line arithmetic of one dense DRAM tensor (channels x height x width): a row
// (channel c, row y) starts at ((c*H + y)*W) elements, so its start modulo the
// line depends only on g = c*H + y modulo `period`.
struct LineCounter {
    int64_t period = 1, row_bytes = 0, eb = 4, line = 64, height = 1;
    std::vector<int64_t> channels_at; // channels c with (c*H) % period == q

    LineCounter(const FusedDims& d, int64_t element_bytes, int64_t line_bytes)
        : row_bytes(d.width * element_bytes), eb(element_bytes), line(line_bytes),
          height(d.height) {
        period = line / std::gcd(line, row_bytes);
        channels_at.assign(period, 0);
        for (int64_t c = 0; c < std::min(d.channels, period); ++c) {
            // channels c, c+period, ... share the residue
            const int64_t count = (d.channels - 1 - c) / period + 1;
            channels_at[(c % period) * (height % period) % period] += count;
        }
    }
    // Rows (c, y), y in `ys`, per residue of g modulo the period (added to acc).
    void add_rows(Interval ys, std::vector<int64_t>* acc) const {
        if (ys.empty()) return;
        for (int64_t q = 0; q < period; ++q) {
            if (channels_at[q] == 0) continue;
            for (int64_t rho = 0; rho < period; ++rho) {
                const int64_t r = ((rho - q) % period + period) % period;
                const int64_t n = floor_div(ys.hi - 1 - r, period) - floor_div(ys.lo - 1 - r, period);
                (*acc)[rho] += channels_at[q] * n;
            }
        }
    }
    // Lines of the column range `xs` of a row of residue rho (added to acc).
    void add_lines(Interval xs, std::vector<int64_t>* acc) const {
        if (xs.empty()) return;
        for (int64_t rho = 0; rho < period; ++rho)
            (*acc)[rho] += lines_touched(rho * row_bytes % line + xs.lo * eb, xs.size() * eb, line);
    }
    int64_t bytes(const std::vector<int64_t>& rows, const std::vector<int64_t>& lines) const {
        int64_t total = 0;
        for (int64_t rho = 0; rho < period; ++rho) total += rows[rho] * lines[rho];
        return total * line;
    }
};

// Line-rounded bytes of rows `ys` at full width in every channel: one
// contiguous range per channel, or one for the whole tensor when `ys` is
// every row. A channel's start modulo the line repeats with period
// line / gcd(line, plane bytes), so channels are counted per residue.
int64_t band_bytes(const FusedDims& d, Interval ys, int64_t eb, int64_t line) {
    if (ys.empty()) return 0;
    const int64_t plane = d.height * d.width * eb;
    if (ys.lo == 0 && ys.hi == d.height) return lines_touched(0, d.channels * plane, line) * line;
    const int64_t period = line / std::gcd(line, plane);
    const int64_t start = ys.lo * d.width * eb, len = ys.size() * d.width * eb;
    int64_t lines = 0;
    for (int64_t c = 0; c < std::min(d.channels, period); ++c) {
        const int64_t count = (d.channels - 1 - c) / period + 1; // channels c, c+period, ...
        lines += count * lines_touched((c * plane) % line + start, len, line);
    }
    return lines * line;
}

// Per axis: the intervals of one tensor along the tiles of that axis, as
// kept-halo pieces (tile 0 whole, then each tile minus the previous one), or
// one whole interval per tile under Refetch.
std::vector<Interval> computed_pieces(const std::vector<std::vector<Interval>>& cols, int tensor,
                                      HaloPolicy halo) {
    std::vector<Interval> out;
    for (size_t j = 0; j < cols.size(); ++j) {
        if (halo == HaloPolicy::Refetch || j == 0) {
            out.push_back(cols[j][tensor]);
        } else {
            for (Interval p : minus(cols[j][tensor], cols[j - 1][tensor])) out.push_back(p);
        }
    }
    return out;
}

int64_t total_size(const std::vector<Interval>& v) {
    int64_t s = 0;
    for (Interval i : v) s += i.size();
    return s;
}

// Largest allocation over the distinct (row sizes, column sizes) tiles.
int64_t peak_footprint(const FusedGroup& g, const FusedMapping& m,
                       const std::vector<std::vector<Interval>>& rows,
                       const std::vector<std::vector<Interval>>& cols) {
    const int n = static_cast<int>(g.nodes.size());
    auto sizes = [](const std::vector<std::vector<Interval>>& v) {
        std::set<std::vector<int64_t>> s;
        for (const auto& tile : v) {
            std::vector<int64_t> z;
            for (Interval i : tile) z.push_back(i.size());
            s.insert(z);
        }
        return s;
    };
    // Steps: node i runs in the step of step_of[i] (run_step); tensor t is made in step made[t] and last read in
    // step last_use[t] (tensor index 0 = input).
    std::vector<int> step_of(n), made(n + 1, -1), last_use(n + 1, -1);
    for (int i = 0; i < n; ++i) {
        step_of[i] = run_step(g, m, i);
        made[i + 1] = step_of[i];
        for (int in : g.nodes[i].inputs) last_use[in + 1] = std::max(last_use[in + 1], step_of[i]);
    }
    last_use[n] = n - 1; // the exit is held until the last step writes it
    // Concat inputs written into the concat's box (held from the first such
    // input on), or straight to DRAM k channels at a time for a tiled exit.
    const bool tiled_concat_exit =
        m.exit_channel_tile > 0 && g.nodes[n - 1].op == FusedOp::Concat;
    std::vector<int> slice(n + 1, -1);
    for (int i = 0; i < n; ++i) {
        const int c = slice[i + 1] = concat_slice_of(g, m, i);
        if (c < 0) continue;
        if (tiled_concat_exit && c == n - 1) last_use[i + 1] = made[i + 1];
        else made[c + 1] = std::min(made[c + 1], made[i + 1]);
    }
    // Adds in place: the add's output lives in its target's box, which is
    // held as long as the add's output is (chains: in node order, so an
    // earlier add's span already includes the later adds reading it).
    const std::vector<int> in_place = residual_adds_in_place(g, m);
    for (int a : in_place) {
        const int root = tensor_storage(g, m, a);
        last_use[root + 1] = std::max(last_use[root + 1], last_use[a + 1]);
    }
    int64_t resident = 0, max_filter = 0; // weights held throughout; largest streamed filter
    std::vector<int64_t> step_filters(n, 0); // streamed weights held in each step
    for (int i = 0; i < n; ++i) {
        if (m.weights_of(i) == WeightPolicy::Resident) {
            resident += g.weight_elements(i);
            continue;
        }
        max_filter = std::max(max_filter, g.filter_elements(i));
        int64_t held = g.filter_elements(i);
        const int in = g.nodes[i].inputs[0];
        if (held > 0 && in >= 0 && m.is_split(in)) // the kc-channel slice of its filter
            held = held / g.nodes[i].shape.in_channels_per_group() *
                   std::min(m.split_channels, g.nodes[i].shape.in_channels_per_group());
        step_filters[step_of[i]] += held;
    }
    int64_t peak = 0;
    for (const auto& ys : sizes(rows))
        for (const auto& xs : sizes(cols)) {
            std::vector<int64_t> box(n + 1);
            for (int t = 0; t <= n; ++t) box[t] = g.dims_of(t - 1).channels * ys[t] * xs[t];
            if (m.exit_channel_tile > 0) box[n] = m.exit_channel_tile * ys[n] * xs[n];
            for (int t = 1; t <= n; ++t) {
                if (slice[t] < 0) continue;
                const bool direct = tiled_concat_exit && slice[t] == n - 1;
                box[t] = direct ? std::min(m.exit_channel_tile, g.dims_of(t - 1).channels) *
                                      ys[t] * xs[t]
                                : 0;
            }
            if (tiled_concat_exit) box[n] = 0;
            if (m.stream_input) box[0] = ys[0] * xs[0];
            for (int i = 0; i < n; ++i)
                if (m.is_split(i))
                    box[i + 1] = std::min(m.split_channels, g.dims_of(i).channels) * ys[i + 1] *
                                 xs[i + 1];
            for (int a : in_place) {
                box[a + 1] = 0;
                const int l = residual_accumulator(g, m, a);
                box[l + 1] = std::min(m.residual_channels, g.dims_of(l).channels) * ys[l + 1] *
                             xs[l + 1];
            }
            if (m.halo == HaloPolicy::Keep) {
                int64_t all = std::accumulate(box.begin(), box.end(), int64_t{0});
                all += resident + max_filter;
                peak = std::max(peak, all);
                continue;
            }
            for (int step = 0; step < n; ++step) {
                if (step_of[step] != step) continue; // runs inside another step
                int64_t live = resident + step_filters[step];
                for (int t = 0; t <= n; ++t)
                    if (made[t] <= step && (made[t] == step || last_use[t] >= step)) live += box[t];
                peak = std::max(peak, live);
            }
        }
    return peak * g.element_bytes;
}

} // namespace

int64_t largest_extent(const std::vector<std::vector<Interval>>& tiles, size_t tensor) {
    int64_t e = 0;
    for (const auto& t : tiles) e = std::max(e, t[tensor].size());
    return e;
}

std::vector<std::vector<Interval>> fused_axis_intervals(const FusedGroup& g, bool rows,
                                                        int64_t tile) {
    const int n = static_cast<int>(g.nodes.size());
    const FusedDims exit = g.output_of(n - 1);
    const int64_t extent = rows ? exit.height : exit.width;
    std::vector<std::vector<Interval>> out;
    for (int64_t a = 0; a < extent; a += tile) {
        std::vector<Interval> iv(n + 1);
        iv[n] = {a, std::min(a + tile, extent)};
        for (int i = n - 1; i >= 0; --i) {
            const FusedNode& node = g.nodes[i];
            const Interval o = iv[i + 1];
            if (o.empty()) continue;
            for (int in : node.inputs) {
                Interval need = o;
                if (node.op == FusedOp::Layer) {
                    const LayerShape& s = node.shape;
                    const FusedDims d = g.dims_of(in);
                    need = window_input_interval(o, rows ? s.kernel_h : s.kernel_w, s.stride,
                                                 s.dilation, s.pad, rows ? d.height : d.width);
                }
                iv[in + 1] = hull(iv[in + 1], need);
            }
        }
        out.push_back(iv);
    }
    return out;
}

FusedReport evaluate_fused(const FusedGroup& g, const FusedMapping& m, int64_t capacity_bytes,
                           int64_t line_bytes) {
    FusedReport r;
    r.status = validate(g, m);
    if (!r.status) return r;
    const int n = static_cast<int>(g.nodes.size());
    const FusedDims exit = g.output_of(n - 1);
    const auto rows = fused_axis_intervals(g, true, m.tile_h);
    const auto cols = fused_axis_intervals(g, false, m.tile_w);
    r.tiles = static_cast<int64_t>(rows.size() * cols.size());

    // Kept halos slide along the inner tile loop: the columns of a tile row,
    // or the rows when one tile spans the whole width (full-width bands).
    const bool slide_rows = m.halo == HaloPolicy::Keep && cols.size() == 1;
    const HaloPolicy row_halo = slide_rows ? HaloPolicy::Keep : HaloPolicy::Refetch;
    const HaloPolicy col_halo = slide_rows ? HaloPolicy::Refetch : m.halo;
    // A tensor's fetched or computed parts: row pieces x column pieces.
    // Full-width column pieces make each channel's rows one contiguous range
    // (band_bytes); the other pieces are one range per row (LineCounter).
    auto dram_bytes = [&](int tensor, bool kept) {
        const FusedDims d = g.dims_of(tensor - 1);
        const LineCounter lc(d, g.element_bytes, line_bytes);
        std::vector<int64_t> ys(lc.period, 0), xs(lc.period, 0);
        const std::vector<Interval> row_pieces =
            computed_pieces(rows, tensor, kept ? row_halo : HaloPolicy::Refetch);
        for (Interval p : row_pieces) lc.add_rows(p, &ys);
        int64_t full_width = 0;
        for (Interval p : computed_pieces(cols, tensor, kept ? col_halo : HaloPolicy::Refetch)) {
            if (p.lo == 0 && p.hi == d.width) ++full_width;
            else lc.add_lines(p, &xs);
        }
        int64_t bytes = lc.bytes(ys, xs);
        if (full_width > 0)
            for (Interval p : row_pieces)
                bytes += full_width * band_bytes(d, p, g.element_bytes, line_bytes);
        return bytes;
    };
    r.input_read_bytes = dram_bytes(0, true);
    r.output_write_bytes = dram_bytes(n, false);

    for (int i = 0; i < n; ++i) {
        const int64_t w = g.weight_elements(i) * g.element_bytes;
        r.weight_read_bytes += lines_touched(0, w, line_bytes) * line_bytes *
                               (m.weights_of(i) == WeightPolicy::Resident ? 1 : r.tiles);
        r.macs += g.macs_per_element(i) * g.output_of(i).channels *
                  total_size(computed_pieces(rows, i + 1, row_halo)) *
                  total_size(computed_pieces(cols, i + 1, col_halo));
    }
    r.footprint_bytes = peak_footprint(g, m, rows, cols);
    if (capacity_bytes > 0 && r.footprint_bytes > capacity_bytes)
        r.status = EvalStatus::failure("footprint " + std::to_string(r.footprint_bytes) +
                                       " bytes exceeds buffer " + std::to_string(capacity_bytes));
    return r;
}

} // namespace memsched
