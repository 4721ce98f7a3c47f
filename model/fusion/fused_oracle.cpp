// The fused-group oracle: literal enumeration of the fused nest (see
// fused_oracle.h and the semantics in fused_group.h).
#include "model/fusion/fused_oracle.h"

#include "model/footprint.h"

#include <algorithm>

namespace memsched {

namespace {

// A rectangle of (row, column) points and a per-element map over a tensor plane.
struct Box {
    int64_t y0 = 0, y1 = -1, x0 = 0, x1 = -1; // inclusive bounds; empty when y1 < y0
    bool empty() const { return y1 < y0 || x1 < x0; }
    void include(int64_t y, int64_t x) {
        if (empty()) { y0 = y1 = y; x0 = x1 = x; return; }
        y0 = std::min(y0, y); y1 = std::max(y1, y);
        x0 = std::min(x0, x); x1 = std::max(x1, x);
    }
    int64_t points() const { return empty() ? 0 : (y1 - y0 + 1) * (x1 - x0 + 1); }
};

struct Plane {
    FusedDims d;
    std::vector<char> held; // one flag per (row, column)
    char& at(int64_t y, int64_t x) { return held[y * d.width + x]; }
};

// Lines of the points of `pts` (a row-major flag map over the plane) in every
// channel, as the DRAM ranges of fused_group.h: a run of flagged columns in a
// row is one range; consecutive fully flagged rows of a channel join into one
// range; when the whole plane is flagged, all channels are one range.
int64_t run_lines(const FusedDims& d, const std::vector<char>& pts, int64_t eb, int64_t line) {
    const int64_t plane = d.height * d.width;
    if (std::all_of(pts.begin(), pts.end(), [](char f) { return f != 0; }))
        return lines_touched(0, d.channels * plane * eb, line) * line;
    int64_t lines = 0;
    for (int64_t c = 0; c < d.channels; ++c) {
        int64_t band_start = -1; // first full row of the open band
        auto close_band = [&](int64_t end_row) {
            if (band_start < 0) return;
            lines += lines_touched((c * d.height + band_start) * d.width * eb,
                                   (end_row - band_start) * d.width * eb, line);
            band_start = -1;
        };
        for (int64_t y = 0; y < d.height; ++y) {
            const char* row = &pts[y * d.width];
            if (std::all_of(row, row + d.width, [](char f) { return f != 0; })) {
                if (band_start < 0) band_start = y;
                continue;
            }
            close_band(y);
            for (int64_t x = 0; x < d.width;) {
                if (!row[x]) { ++x; continue; }
                int64_t e = x;
                while (e < d.width && row[e]) ++e;
                lines += lines_touched(((c * d.height + y) * d.width + x) * eb, (e - x) * eb, line);
                x = e;
            }
        }
        close_band(d.height);
    }
    return lines * line;
}

// Boxes of every tensor (0 = input, i+1 = node i) for one exit tile, by
// enumerating the consumers' points and taps in reverse topological order.
std::vector<Box> tile_boxes(const FusedGroup& g, Box exit) {
    const int n = static_cast<int>(g.nodes.size());
    std::vector<Box> box(n + 1);
    box[n] = exit;
    for (int i = n - 1; i >= 0; --i) {
        const FusedNode& node = g.nodes[i];
        const Box o = box[i + 1];
        if (o.empty()) continue;
        for (int in : node.inputs) {
            const FusedDims d = g.dims_of(in);
            for (int64_t y = o.y0; y <= o.y1; ++y)
                for (int64_t x = o.x0; x <= o.x1; ++x) {
                    if (node.op != FusedOp::Layer) { box[in + 1].include(y, x); continue; }
                    const LayerShape& s = node.shape;
                    for (int64_t r = 0; r < s.kernel_h; ++r)
                        for (int64_t q = 0; q < s.kernel_w; ++q) {
                            const int64_t yy = y * s.stride + r * s.dilation - s.pad;
                            const int64_t xx = x * s.stride + q * s.dilation - s.pad;
                            if (yy >= 0 && yy < d.height && xx >= 0 && xx < d.width)
                                box[in + 1].include(yy, xx);
                        }
                }
        }
    }
    return box;
}

// Weight elements a streamed node holds while it runs: one filter, or the
// kc-channel slice of it when it reduces a split run's blocks.
int64_t held_filter(const FusedGroup& g, const FusedMapping& m, int node) {
    const LayerShape& s = g.nodes[node].shape;
    const int in = g.nodes[node].inputs[0];
    if (g.filter_elements(node) == 0 || in < 0 || !m.is_split(in)) return g.filter_elements(node);
    return std::min(m.split_channels, s.in_channels_per_group()) * s.kernel_h * s.kernel_w;
}

// Node i writes its concat-exit slice straight to DRAM, k channels at a time.
bool direct_to_dram(const FusedGroup& g, const FusedMapping& m, int node) {
    const int last = static_cast<int>(g.nodes.size()) - 1;
    return m.exit_channel_tile > 0 && concat_slice_of(g, m, node) == last;
}

} // namespace

FusedReport simulate_fused(const FusedGroup& g, const FusedMapping& m, int64_t capacity_bytes,
                           int64_t line_bytes) {
    FusedReport r;
    r.status = validate(g, m);
    if (!r.status) return r;
    const int n = static_cast<int>(g.nodes.size());
    const FusedDims exit = g.output_of(n - 1);
    const int64_t eb = g.element_bytes;
    std::vector<Plane> planes(n + 1);
    for (int t = 0; t <= n; ++t) {
        planes[t].d = g.dims_of(t - 1);
        planes[t].held.assign(planes[t].d.height * planes[t].d.width, 0);
    }
    // Weights of the nodes whose policy is `p`, read from DRAM (whole lines).
    auto read_weights = [&](WeightPolicy p) {
        for (int i = 0; i < n; ++i)
            if (m.weights_of(i) == p)
                r.weight_read_bytes +=
                    lines_touched(0, g.weight_elements(i) * eb, line_bytes) * line_bytes;
    };
    int64_t resident = 0; // elements held for the whole group
    for (int i = 0; i < n; ++i)
        if (m.weights_of(i) == WeightPolicy::Resident) resident += g.weight_elements(i);
    read_weights(WeightPolicy::Resident);

    // Residual adds in place, and each tensor's box (tensor index: 0 = input).
    const std::vector<int> in_place = residual_adds_in_place(g, m);
    std::vector<int> storage(n + 1);
    for (int t = 0; t <= n; ++t) storage[t] = t;
    for (int a : in_place) storage[a + 1] = storage[residual_target(g, m, a) + 1];
    int64_t peak = 0;
    for (int64_t ty = 0; ty < exit.height; ty += m.tile_h)
        for (int64_t tx = 0; tx < exit.width; tx += m.tile_w) {
            ++r.tiles;
            read_weights(WeightPolicy::Streamed);
            // Kept halos come from the tile before in the same tile row, or
            // from the band above when one tile spans the whole width.
            const bool keep =
                m.halo == HaloPolicy::Keep && (tx > 0 || (m.tile_w >= exit.width && ty > 0));
            Box e;
            e.include(ty, tx);
            e.include(std::min(ty + m.tile_h, exit.height) - 1, std::min(tx + m.tile_w, exit.width) - 1);
            const std::vector<Box> box = tile_boxes(g, e);
            // New points per tensor (not held from the previous tile), then hold the box.
            std::vector<int64_t> fresh(n + 1, 0);
            std::vector<char> fetched;
            for (int t = 0; t <= n; ++t) {
                Plane& p = planes[t];
                std::vector<char> now(p.held.size(), 0);
                for (int64_t y = box[t].y0; y <= box[t].y1; ++y)
                    for (int64_t x = box[t].x0; x <= box[t].x1; ++x) now[y * p.d.width + x] = 1;
                std::vector<char> add(p.held.size(), 0);
                for (size_t k = 0; k < now.size(); ++k)
                    if (now[k] && !(keep && p.held[k])) { add[k] = 1; ++fresh[t]; }
                if (t == 0) r.input_read_bytes += run_lines(p.d, add, eb, line_bytes);
                if (t == n) r.output_write_bytes += run_lines(p.d, now, eb, line_bytes);
                p.held = now;
            }
            for (int i = 0; i < n; ++i)
                r.macs += fresh[i + 1] * g.output_of(i).channels * g.macs_per_element(i);
            // Buffer allocation as the nodes run.
            std::vector<int64_t> bytes(n + 1);
            for (int t = 0; t <= n; ++t) {
                int64_t held_channels = planes[t].d.channels;
                if (t == n && m.exit_channel_tile > 0) held_channels = m.exit_channel_tile;
                if (t == 0 && m.stream_input) held_channels = 1; // one input channel at a time
                if (t > 0 && m.is_split(t - 1)) // one block of channels at a time
                    held_channels = std::min(held_channels, m.split_channels);
                if (t > 0 && concat_slice_of(g, m, t - 1) >= 0) // in the concat's box, or
                    held_channels = direct_to_dram(g, m, t - 1)  // k channels to DRAM
                                        ? std::min(held_channels, m.exit_channel_tile)
                                        : 0;
                if (t == n && g.nodes[n - 1].op == FusedOp::Concat && m.exit_channel_tile > 0)
                    held_channels = 0; // its inputs write their slices
                if (t > 0 && residual_target(g, m, t - 1) != -2)
                    held_channels = 0; // an add in place: written into its target's box
                for (int a : in_place) // an accumulating layer: kr channels at a time
                    if (t > 0 && residual_accumulator(g, m, a) == t - 1)
                        held_channels = std::min(held_channels, m.residual_channels);
                bytes[t] = box[t].points() * held_channels * eb;
            }
            std::vector<int> pending(n + 1, 0);
            for (int i = 0; i < n; ++i)
                for (int in : g.nodes[i].inputs) ++pending[in + 1];
            std::vector<char> alive(n + 1, m.halo == HaloPolicy::Keep ? 1 : 0);
            alive[0] = 1;
            for (int i = 0; i < n; ++i) {
                if (run_step(g, m, i) != i) continue; // runs inside another step
                // This step: node i, the split nodes whose reducer it is and,
                // for node 0, every other reader of a streamed input.
                std::vector<int> step;
                for (int j = 0; j < n; ++j)
                    if (run_step(g, m, j) == i) step.push_back(j);
                int64_t used = resident;
                for (int j : step) {
                    alive[j + 1] = 1;
                    const int c = concat_slice_of(g, m, j);
                    if (c >= 0 && !direct_to_dram(g, m, j)) alive[c + 1] = 1; // its box opens
                    if (m.weights_of(j) == WeightPolicy::Streamed)
                        used += held_filter(g, m, j);
                }
                used *= eb;
                // A box is occupied while any tensor stored in it is alive
                // (an add in place lives in its target's box).
                std::vector<char> occupied(n + 1, 0);
                for (int t = 0; t <= n; ++t)
                    if (alive[t]) occupied[storage[t]] = 1;
                for (int t = 0; t <= n; ++t)
                    if (occupied[t]) used += bytes[t];
                peak = std::max(peak, used);
                if (m.halo == HaloPolicy::Keep) continue;
                for (int j : step) // written out as it ran
                    if (direct_to_dram(g, m, j)) alive[j + 1] = 0;
                for (int j : step)
                    for (int in : g.nodes[j].inputs)
                        if (--pending[in + 1] == 0) alive[in + 1] = 0;
            }
        }
    r.footprint_bytes = peak;
    if (capacity_bytes > 0 && peak > capacity_bytes)
        r.status = EvalStatus::failure("footprint " + std::to_string(peak) +
                                       " bytes exceeds buffer " + std::to_string(capacity_bytes));
    return r;
}

} // namespace memsched
