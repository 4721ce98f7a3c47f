// Tile planning for one layer (see model_bridge.h).
//
// The model library's search (model/search.h) was not available when this
// was written, so plans come from the plugin's own analytical estimate,
// labelled "memsched-analytic" in every log line and schedule comment.
// It evaluates the two tile-loop orders of an output tile (tile_y rows x
// tile_k channels x the full width) against each cache level:
//   - a tensor is re-fetched into a level whenever the loop that does not
//     index it iterates and the level cannot hold it across that loop;
//   - time = max(compute, traffic_l / bandwidth_l over levels).
#include "autoschedule/model_bridge.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace memsched::autoschedule {
namespace {

struct Extents {
    double n, k, c_per_k, h, w, r, s, stride, dilation, in_h, in_w, in_c;
    bool input_per_channel; // depthwise/pool: channel k reads input channel k
};

Extents extents_of(const LayerShape& s) {
    const bool fc = s.kind == LayerKind::FullyConnected;
    return Extents{double(s.batch), double(s.out_channels), double(s.in_channels_per_group()),
                   double(fc ? 1 : s.out_height()), double(fc ? 1 : s.out_width()),
                   double(s.kernel_h), double(s.kernel_w), double(s.stride), double(s.dilation),
                   double(s.in_height), double(s.in_width), double(s.in_channels),
                   s.groups > 1};
}

struct Footprint {
    double input, weights, output; // bytes of one tile
};

// Bytes of one tile of ty rows by tk channels over the full width.
Footprint tile_footprint(const Extents& e, double ty, double tk, double elem, bool has_weights) {
    const double rows = std::min(e.in_h, (ty - 1) * e.stride + e.dilation * (e.r - 1) + 1);
    const double channels = e.input_per_channel ? tk : e.in_c;
    return {rows * e.in_w * channels * elem, has_weights ? tk * e.c_per_k * e.r * e.s * elem : 0,
            ty * e.w * tk * elem};
}

// Bytes moved into a level of `capacity` for the whole layer with tiles ty x tk.
double level_traffic(const Extents& e, double ty, double tk, bool k_outer, double capacity,
                     double elem, bool has_weights) {
    const Footprint tile = tile_footprint(e, ty, tk, elem, has_weights);
    const Footprint all = tile_footprint(e, e.h, e.k, elem, has_weights);
    const double y_tiles = std::ceil(e.h / ty), k_tiles = std::ceil(e.k / tk);
    const double output = e.n * all.output;
    if (all.input + all.weights + all.output <= capacity) return e.n * all.input + all.weights + output;
    // One pass over all row bands and all channels (halo rows re-read).
    const double band_rows = std::min(e.in_h, (ty - 1) * e.stride + e.dilation * (e.r - 1) + 1);
    const double pass_input = e.n * y_tiles * band_rows * e.in_w * e.in_c * elem;
    double input = pass_input, weights = all.weights;
    if (k_outer) {
        // The input streams past once per k tile unless an image fits
        // beside the weight tile; the weight tile stays unless it cannot
        // share the level with one input band.
        if (!e.input_per_channel && all.input + tile.weights > capacity) input *= k_tiles;
        weights *= e.n * (tile.weights + tile.input > capacity ? y_tiles : 1);
    } else {
        // All weights stream past once per row band unless they fit beside it.
        if (!e.input_per_channel && tile.input + tile.weights > capacity) input *= k_tiles;
        weights *= all.weights + tile.input > capacity ? e.n * y_tiles : 1;
    }
    return input + weights + output;
}

std::vector<int64_t> candidate_sizes(int64_t extent, int64_t unit) {
    std::vector<int64_t> out;
    for (int64_t t = unit; t < extent; t *= 2) out.push_back(t);
    out.push_back(extent);
    return out;
}

} // namespace

std::string TilePlan::describe() const {
    std::ostringstream s;
    s << "kernel " << kernel.describe() << ", tile y" << tile_y << " k" << tile_k << ", "
      << (k_outer ? "k-tiles outer" : "y-tiles outer") << ", predicted";
    for (const auto& t : traffic) s << " " << t.level << "=" << std::llround(t.bytes) << "B";
    s << " time=" << std::llround(predicted_seconds * 1e9) << "ns (" << source << ")";
    return s.str();
}

TilePlan plan_layer(const LayerShape& shape, const PluginParams& params, const MicroKernel& kernel) {
    const Extents e = extents_of(shape);
    const double elem = double(shape.element_bytes);
    const bool has_weights = shape.has_weights();
    const int64_t kb = std::max<int64_t>(1, std::min<int64_t>(kernel.k_block, shape.out_channels));
    const double flops = 2.0 * double(shape.macs());
    const double compute_s = flops / (params.peak_gflops_per_core * 1e9 * params.parallelism);
    TilePlan best;
    best.kernel = kernel;
    best.predicted_seconds = -1;
    for (int64_t ty : candidate_sizes(int64_t(e.h), 1)) {
        for (int64_t tk : candidate_sizes(shape.out_channels, kb)) {
            for (bool k_outer : {true, false}) {
                TilePlan p;
                p.kernel = kernel;
                p.tile_y = ty, p.tile_k = tk, p.k_outer = k_outer;
                double time = compute_s;
                for (size_t l = 0; l < params.levels.size(); l++) {
                    const auto& level = params.levels[l];
                    // L1 sees register-block tiles (one row, one k block);
                    // outer levels see cache tiles.
                    const double cap = 0.5 * double(level.capacity_bytes);
                    const double bytes = l == 0 ? level_traffic(e, 1, double(kb), true, cap, elem, has_weights)
                                                : level_traffic(e, double(ty), double(tk), k_outer, cap, elem, has_weights);
                    p.traffic.push_back({level.name, bytes});
                    const double bw = (l + 1 < params.levels.size() ? params.levels[l + 1].bandwidth_gbps
                                                                    : params.dram_bandwidth_gbps) * 1e9;
                    time = std::max(time, bytes / (bw * std::min(params.parallelism, 4)));
                }
                // Too few tasks leaves cores idle.
                const double tasks = e.n * std::ceil(e.h / double(ty)) * std::ceil(e.k / double(tk));
                time *= std::max(1.0, params.parallelism / tasks);
                p.predicted_seconds = time;
                p.source = "memsched-analytic (model search API not ready)";
                const double dram = p.traffic.back().bytes, best_dram = best.traffic.empty() ? 0 : best.traffic.back().bytes;
                if (best.predicted_seconds < 0 || time < best.predicted_seconds * 0.999 ||
                    (time <= best.predicted_seconds * 1.001 && dram < best_dram))
                    best = p;
            }
        }
    }
    return best;
}

} // namespace memsched::autoschedule
