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
    for (int64_t th : fused_tile_candidates(exit.height))
        for (int64_t tw : fused_tile_candidates(exit.width))
            for (HaloPolicy halo : {HaloPolicy::Refetch, HaloPolicy::Keep})
                for (WeightPolicy w : {WeightPolicy::Resident, WeightPolicy::Streamed}) {
                    FusedChoice c;
                    c.mapping = {th, tw, halo, w};
                    c.report = evaluate_fused(g, c.mapping, capacity_bytes, o.line_bytes);
                    ++evaluated;
                    if (!c.report.status) continue;
                    c.status = EvalStatus::success();
                    c.time_s = std::max(2.0 * c.report.macs / o.compute.peak_flops_per_s,
                                        c.report.traffic_bytes() / o.dram_bytes_per_s);
                    if (!best.status || key(c) < key(best)) best = c;
                }
    best.evaluated = evaluated;
    return best;
}

} // namespace memsched
