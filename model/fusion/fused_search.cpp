// Exhaustive tile search for one fused group (see fused_search.h).
#include "model/fusion/fused_search.h"

#include "model/fusion/fused_traffic.h"

#include <algorithm>
#include <tuple>

namespace memsched {

std::vector<int64_t> fused_tile_candidates(int64_t extent) {
    std::vector<int64_t> c;
    for (int64_t t = 1; t <= extent; ++t)
        if (extent % t == 0) c.push_back(t);
    for (int64_t t = 1; t < extent; t *= 2) c.push_back(t);
    for (int64_t m = 1; m <= 8; ++m) c.push_back((extent + m - 1) / m);
    std::sort(c.begin(), c.end());
    c.erase(std::unique(c.begin(), c.end()), c.end());
    return c;
}

FusedMapping with_smaller_footprint(const FusedGroup& g, const FusedMapping& m) {
    FusedMapping out = m;
    const int last = static_cast<int>(g.nodes.size()) - 1;
    if (g.nodes[last].op != FusedOp::Add) { // a layer, or a concat of layers read only by it
        out.exit_channel_tile = std::min<int64_t>(kExitChannelTile, g.output_of(last).channels);
        if (!validate(g, out)) out.exit_channel_tile = m.exit_channel_tile;
    }
    // Streamed through node 0 alone; several readers would hold their boxes
    // from node 0's step on, which can hold more (the search tries that too).
    out.stream_input = group_consumers(g, -1).size() == 1;
    if (!validate(g, out)) out.stream_input = false;
    return out;
}

namespace {

bool has_concat(const FusedGroup& g) {
    return std::any_of(g.nodes.begin(), g.nodes.end(),
                       [](const FusedNode& n) { return n.op == FusedOp::Concat; });
}

} // namespace

FusedMapping with_split_channels(const FusedGroup& g, const FusedMapping& m, int64_t kc) {
    if (m.halo != HaloPolicy::Refetch) return m;
    const int n = static_cast<int>(g.nodes.size());
    FusedMapping out = m;
    out.split.assign(static_cast<size_t>(n), false);
    auto splittable = [&](int i) {
        return i >= 0 && g.nodes[i].op == FusedOp::Layer && group_consumers(g, i).size() == 1 &&
               !(m.stream_input &&
                 std::find(g.nodes[i].inputs.begin(), g.nodes[i].inputs.end(), -1) !=
                     g.nodes[i].inputs.end());
    };
    // A layer accumulating into an add in place computes its own output
    // channel blocks, so it reduces no run (fused_group.h).
    std::vector<char> accumulates(static_cast<size_t>(n), 0);
    FusedMapping unsplit = m;
    unsplit.split.clear();
    for (int a : residual_adds_in_place(g, unsplit))
        accumulates[static_cast<size_t>(residual_accumulator(g, unsplit, a))] = 1;
    // A channel-wise exit with channel tiles reduces a run in its own blocks.
    const bool exit_blocks = m.exit_channel_tile > 0 && is_channel_wise(g, n - 1);
    if (exit_blocks) kc = m.exit_channel_tile;
    // From the exit back, so a node already split belongs to a later run.
    for (int r = n - 1; r >= 0; --r) {
        if (g.nodes[r].op != FusedOp::Layer || out.split[r] || accumulates[r]) continue;
        if (r == n - 1 && m.exit_channel_tile > 0 && !exit_blocks) continue;
        for (int i = g.nodes[r].inputs[0]; splittable(i); i = g.nodes[i].inputs[0]) {
            out.split[i] = true;
            if (!is_channel_wise(g, i)) break; // i starts the run
        }
    }
    if (std::find(out.split.begin(), out.split.end(), true) == out.split.end()) return m;
    out.split_channels = kc;
    return out;
}

FusedMapping fill_resident_weights(const FusedGroup& g, const FusedMapping& streamed,
                                   int64_t spare_bytes) {
    const int n = static_cast<int>(g.nodes.size());
    std::vector<int> order;
    for (int i = 0; i < n; ++i)
        if (g.weight_elements(i) > 0) order.push_back(i);
    // Largest first: every resident byte saves the same (tiles - 1) re-reads.
    std::sort(order.begin(), order.end(), [&](int a, int b) {
        return std::make_pair(g.weight_elements(a), b) > std::make_pair(g.weight_elements(b), a);
    });
    FusedMapping m = streamed;
    m.layer_weights.assign(static_cast<size_t>(n), WeightPolicy::Streamed);
    bool any = false;
    for (int i : order) {
        const int64_t bytes = g.weight_elements(i) * g.element_bytes;
        if (bytes > spare_bytes) continue;
        spare_bytes -= bytes;
        m.layer_weights[static_cast<size_t>(i)] = WeightPolicy::Resident;
        any = true;
    }
    if (!any) m.layer_weights.clear();
    return m;
}

FusedChoice search_fused_group(const FusedGroup& g, int64_t capacity_bytes,
                               const FusedSearchOptions& o) {
    FusedChoice best;
    best.status = g.validate();
    if (!best.status) return best;
    best.status = EvalStatus::failure("no tile fits the buffer");
    const FusedDims exit = g.output_of(static_cast<int>(g.nodes.size()) - 1);
    auto key = [&](const FusedChoice& c) {
        const double primary = o.objective == Objective::Time
                                   ? c.time_s
                                   : static_cast<double>(c.report.traffic_bytes());
        return std::make_tuple(primary, c.report.macs, -c.mapping.tile_h * c.mapping.tile_w);
    };
    int64_t evaluated = 0;
    const bool try_residual =
        o.residual_in_place && std::any_of(g.nodes.begin(), g.nodes.end(), [](const FusedNode& n) {
            return n.op == FusedOp::Add;
        });
    auto consider = [&](const FusedMapping& m) {
        FusedChoice c;
        // A choice is a failure until a mapping fits (EvalStatus defaults to
        // success, which once made an over-buffer all-resident mapping look
        // fitting and skipped every per-node weight mix).
        c.status = EvalStatus::failure("footprint over the buffer");
        c.mapping = m;
        c.report = evaluate_fused(g, c.mapping, capacity_bytes, o.line_bytes);
        ++evaluated;
        if (!c.report.status && c.report.footprint_bytes > 0) { // over the buffer: hold less
            const FusedMapping smaller = with_smaller_footprint(g, m);
            FusedMapping all_readers = smaller; // the input streamed through every reader
            all_readers.stream_input = true;
            std::vector<FusedMapping> reducers = {smaller,
                                                  with_split_channels(g, m, kSplitChannels),
                                                  with_split_channels(g, smaller, kSplitChannels)};
            const bool readers_ok = !smaller.stream_input && validate(g, all_readers);
            if (readers_ok) reducers.push_back(all_readers);
            // Residual adds in place, alone or with the others (their split
            // runs recomputed: an accumulating layer reduces none).
            std::vector<FusedMapping> bases;
            if (try_residual) bases = {m, smaller};
            if (try_residual && readers_ok) bases.push_back(all_readers);
            for (FusedMapping r : bases) {
                r.residual_channels = kResidualChannels;
                if (residual_adds_in_place(g, r).empty() || !validate(g, r)) continue;
                reducers.push_back(r);
                const FusedMapping split = with_split_channels(g, r, kSplitChannels);
                if (!split.split.empty() && validate(g, split)) reducers.push_back(split);
            }
            if (has_concat(g))
                for (size_t i = 0, end = reducers.size(); i < end; ++i) {
                    reducers.push_back(reducers[i]);
                    reducers.back().concat_in_place = true;
                }
            // Each reducer moves what `m` moves: keep the one holding least,
            // which leaves the most room for resident weights.
            for (const FusedMapping& less : reducers) {
                if (less.exit_channel_tile == m.exit_channel_tile &&
                    less.stream_input == m.stream_input && less.split == m.split &&
                    less.concat_in_place == m.concat_in_place &&
                    less.residual_channels == m.residual_channels)
                    continue;
                const FusedReport r = evaluate_fused(g, less, capacity_bytes, o.line_bytes);
                ++evaluated;
                if (r.status && (!c.report.status || r.footprint_bytes < c.report.footprint_bytes)) {
                    c.mapping = less;
                    c.report = r;
                }
            }
        }
        if (!c.report.status) return c;
        c.status = EvalStatus::success();
        c.time_s = std::max(2.0 * c.report.macs / o.compute.peak_flops_per_s,
                            c.report.traffic_bytes() / o.dram_bytes_per_s);
        if (!best.status || key(c) < key(best)) best = c;
        return c;
    };
    for (int64_t th : fused_tile_candidates(exit.height))
        for (int64_t tw : fused_tile_candidates(exit.width))
            for (HaloPolicy halo : {HaloPolicy::Refetch, HaloPolicy::Keep}) {
                const FusedChoice all_resident = consider({th, tw, halo, WeightPolicy::Resident});
                const FusedChoice streamed = consider({th, tw, halo, WeightPolicy::Streamed});
                if (all_resident.status || !streamed.status || streamed.report.tiles == 1 ||
                    capacity_bytes <= 0)
                    continue;
                const FusedMapping mixed = fill_resident_weights(
                    g, streamed.mapping, capacity_bytes - streamed.report.footprint_bytes);
                if (!mixed.layer_weights.empty()) consider(mixed);
            }
    best.evaluated = evaluated;
    return best;
}

} // namespace memsched
