// A pool run as the epilogue of the conv before it, tile by tile (see
// pool_epilogue_group.h).
#include "autoschedule/pool_epilogue_group.h"

#include "autoschedule/fused_group_bridge.h"
#include "autoschedule/kernel_utilisation.h"
#include "autoschedule/plan_nests.h"
#include "autoschedule/tile_schedules.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace memsched::autoschedule {
namespace {

// Bytes into level `level` of a plan: the tile figure, as the band groups
// compare (fused_group_bridge.cpp), or for the last level what it moves
// from DRAM.
int64_t bytes_into(const TilePlan& p, size_t level, bool dram) {
    const auto& t = dram || p.tile_traffic.empty() ? p.traffic : p.tile_traffic;
    if (t.empty()) return 0;
    return int64_t(std::llround((dram ? t.back() : t[std::min(level, t.size() - 1)]).bytes));
}

int64_t elements(const StageInfo& s) {
    int64_t n = 1;
    for (int64_t e : s.extents) n *= e;
    return n;
}

std::string describe_tiles(const TilePlan& conv, const TilePlan& root) {
    std::ostringstream s;
    s << "tiles of " << root.tile_y << " rows x " << root.tile_k << " channels ("
      << (root.k_outer ? "channel tiles outer" : "row tiles outer") << "), the conv's tile y"
      << conv.tile_y << " k" << conv.tile_k;
    if (conv.tile_c > 0) s << " c" << conv.tile_c << " (reduction split)";
    return s.str();
}

// Whether every tile of `root` but the last holds a whole register block of
// channels of `mk`, so that each block may shift inwards: a last tile of
// fewer channels (when the tiles do not divide them) shifts back over the
// channels of the one before it.
bool tiles_hold_whole_channel_blocks(const StageInfo& root, const TilePlan& tiles,
                                     const MicroKernel& mk) {
    return std::min(tiles.tile_k, root.extents[2]) >= mk.k_block;
}

// The rows of the pad Q one tile of `pool_rows` pooled rows reads, and the
// conv rows behind them.
struct TileRows {
    int64_t pad = 0, conv = 0;
};
TileRows tile_rows(const LayerShape& conv, const LayerShape& pool, const StageInfo& pad,
                   int64_t pool_rows) {
    TileRows t;
    t.pad = std::min(pad.extents[1], pool.input_rows(pool_rows));
    t.conv = std::min(t.pad, conv.out_height());
    return t;
}

// The input rows an unsplit conv reads for one tile of `pool_rows` pooled
// rows, all its input channels (a grouped conv: those of `channels`).
int64_t tile_input_bytes(const LayerShape& conv, const LayerShape& pool, const StageInfo& pad,
                         int64_t pool_rows, int64_t channels) {
    const int64_t conv_rows = tile_rows(conv, pool, pad, pool_rows).conv;
    const int64_t in_rows = std::min(conv.in_height + 2 * conv.pad, conv.input_rows(conv_rows));
    const int64_t in_channels =
        conv.groups == 1 ? conv.in_channels
                         : std::min(conv.in_channels, channels * conv.in_channels_per_group());
    return in_rows * (conv.in_width + 2 * conv.pad) * in_channels * conv.element_bytes;
}

// Bytes one tile of `pool_rows` pooled rows and `channels` channels of an
// unsplit conv's group touches: the pad Q's rows its pool windows read,
// the conv's box of them beside Q (its epilogue buffer, when it has one),
// the conv's input rows and the tile's weights, and the root's rows. The
// tile's buffers are allocated again per tile, so all of it cycles through
// the cache at every tile; the conv's own plan, whose traffic the fused
// figure is, holds fewer rows (the pool windows overlap) and no Q.
int64_t unsplit_tile_bytes(const LayerShape& conv, const LayerShape& pool, const StageInfo& pad,
                           const StageInfo& root, int64_t pool_rows, int64_t channels,
                           bool conv_box) {
    const TileRows t = tile_rows(conv, pool, pad, pool_rows);
    const int64_t elements =
        t.pad * pad.extents[0] * channels + (conv_box ? t.conv * conv.out_width() * channels : 0) +
        channels * conv.in_channels_per_group() * conv.kernel_h * conv.kernel_w +
        pool_rows * root.extents[0] * channels;
    return elements * conv.element_bytes + tile_input_bytes(conv, pool, pad, pool_rows, channels);
}

// The tile an unsplit conv's group runs in: `rows` x `channels` as
// planned, or cut until what it cycles (unsplit_tile_bytes) fits `room`.
// Rows first, down to one (a row fewer recomputes a few conv rows more
// where the windows overlap), then channels halved while they hold whole
// register blocks of `k_block` (a channel tile more reads all the input
// again). `held` over `room` when no tile fits.
struct EpilogueTile {
    int64_t rows = 0, channels = 0;
    int64_t held = 0;              // bytes the tile cycles
    int64_t extra_input_bytes = 0; // input rows read again by the extra tiles
    std::string cut;               // for the log: what was cut and why; empty if nothing
};
EpilogueTile fit_unsplit_tile(const LayerShape& conv, const LayerShape& pool, const StageInfo& pad,
                              const StageInfo& root, int64_t rows, int64_t channels, bool conv_box,
                              int64_t channel_unit, int64_t k_block, int64_t room,
                              const std::string& level) {
    auto cycled = [&](int64_t y, int64_t k) {
        return unsplit_tile_bytes(conv, pool, pad, root, y, k, conv_box);
    };
    auto input_reads = [&](int64_t y, int64_t k) {
        return ((root.extents[1] + y - 1) / y) * ((root.extents[2] + k - 1) / k) *
               tile_input_bytes(conv, pool, pad, y, k);
    };
    EpilogueTile t{rows, channels};
    while (cycled(t.rows, t.channels) > room) {
        if (t.rows > 1) {
            t.rows = (t.rows + 1) / 2;
            continue;
        }
        const int64_t half = (t.channels / 2 + channel_unit - 1) / channel_unit * channel_unit;
        if (half >= t.channels || half < k_block) break;
        t.channels = half;
    }
    t.held = cycled(t.rows, t.channels);
    if (t.rows < rows || t.channels < channels) {
        t.extra_input_bytes = input_reads(t.rows, t.channels) - input_reads(rows, channels);
        t.cut = " (cut from " + std::to_string(rows) + " rows x " + std::to_string(channels) +
                " channels, which cycled " + std::to_string(cycled(rows, channels)) + "B through " +
                level + ", over the " + std::to_string(room) + "B it may fill)";
    }
    return t;
}

} // namespace

std::optional<CrossLayerGroup> pool_epilogue_candidate(const PipelineInfo& info,
                                                       const FusionPlan& plan,
                                                       const std::string& root,
                                                       const Halide::Target& target,
                                                       const PluginParams& params,
                                                       std::string* why) {
    const auto fused = plan.fused.find(root);
    const StageInfo* r = info.find(root);
    if (fused == plan.fused.end() || fused->second.size() != 1 || !r) {
        *why = root + " does not compute exactly one reduction";
        return std::nullopt;
    }
    const FusedReduction& pool = fused->second[0];
    const ConvMatch& pm = pool.match;
    if (pm.shape.kind != LayerKind::MaxPool && pm.shape.kind != LayerKind::AvgPool) {
        *why = pool.name + " is no windowed pool";
        return std::nullopt;
    }
    if (r->pure_vars.size() != 4 || !r->extents_known() || r->extents[2] != pm.shape.out_channels) {
        *why = root + " is not a 4-D stage of " + pool.name + "'s channels";
        return std::nullopt;
    }
    // R holds P's channels unshifted: the pad hosting it, or a pointwise copy.
    const auto host = plan.hosting_pads.find(root);
    if (!(host != plan.hosting_pads.end() && host->second == pool.name) &&
        !r->reads_pointwise(pool.name)) {
        *why = root + " neither hosts " + pool.name + " nor reads it pointwise";
        return std::nullopt;
    }
    const StageInfo* pad = info.find(pm.input);
    if (!pad || !plan.hosting_pads.count(pm.input) || pad->consumers.size() != 1 ||
        pad->is_output || pad->pure_vars.size() != 4) {
        *why = pool.name + "'s input " + pm.input + " is no pad hosting a layer for it alone";
        return std::nullopt;
    }
    const auto& hosted = plan.fused.at(pad->name);
    if (hosted.size() != 1 || hosted[0].match.shape.kind != LayerKind::Conv ||
        !hosted[0].match.shape.has_weights()) {
        *why = pad->name + " hosts no single conv";
        return std::nullopt;
    }
    const ConvMatch& cm = hosted[0].match;
    const StageInfo* conv = info.find(hosted[0].name);
    if (!conv || conv->pure_vars.size() != 4 || !conv->extents_known()) {
        *why = hosted[0].name + " has no known 4-D extents";
        return std::nullopt;
    }
    std::vector<std::string> staged;
    if (auto st = plan.staged.find(pad->name); st != plan.staged.end()) staged = st->second;

    // Alone: the conv's and the pool's plans as the plugin applies them.
    const TilePlan conv_alone =
        plan_hosted_layer(cm, target, params, !staged.empty(), weights_can_be_k_innermost(info, plan, cm))
            .plan;
    const TilePlan pool_alone = host != plan.hosting_pads.end()
                                    ? plan_hosted_layer(pm, target, params, false, false).plan
                                    : plan_match_tiles(pm, target, params, false);
    // The conv's tiles: its template plan, or the plan it runs alone (a
    // split reduction, channel tiles outermost, or bands) when that moves
    // less from DRAM and its blocks are x-vectorized; the output write the
    // pool saves is the same for both.
    TilePlan conv_tiles = plan_match_tiles(cm, target, params, !staged.empty());
    if (!conv_alone.kernel.channel_vectors && !conv_alone.traffic.empty() &&
        less_dram_traffic(conv_alone, conv_tiles))
        conv_tiles = conv_alone;
    if (conv_tiles.traffic.empty()) {
        *why = hosted[0].name + " has no model prediction";
        return std::nullopt;
    }
    TilePlan root_tiles = plan_group_exit(pm, target, params);
    const int64_t stride = std::max<int64_t>(1, pm.shape.stride);
    int64_t pool_rows = std::max<int64_t>(1, conv_tiles.tile_y / stride);
    root_tiles.tile_y = rows_over_pad(pool_rows, pm.shape.out_height(), r->extents[1]);
    const int64_t kb = std::max(1, root_tiles.kernel.k_block);
    root_tiles.tile_k = std::min<int64_t>(r->extents[2], (conv_tiles.tile_k + kb - 1) / kb * kb);
    root_tiles.k_outer = conv_tiles.k_outer;
    root_tiles.tile_c = 0;
    const int64_t row_block = std::max(1, root_tiles.kernel.rows);
    const int64_t rows_per_tile = (root_tiles.tile_y + row_block - 1) / row_block * row_block;
    const int64_t tiles = ((r->extents[1] + rows_per_tile - 1) / rows_per_tile) *
                          ((r->extents[2] + root_tiles.tile_k - 1) / root_tiles.tile_k) * r->extents[3];
    if (tiles < params.parallelism) {
        *why = hosted[0].name + "'s plan has fewer tiles than threads";
        return std::nullopt;
    }

    CrossLayerGroup g;
    g.exit = root;
    g.pool_epilogue = true;
    g.exit_convs = {pool.name};
    g.band_convs = {hosted[0].name};
    g.band_stages = {pad->name};
    g.band_stages.insert(g.band_stages.end(), staged.begin(), staged.end());
    // An unsplit conv's epilogue holds its box of the tile, the conv's
    // register blocks at its blocks (conv_epilogue_buffer); a split one
    // keeps its partial sums in the tile's box.
    if (const std::string e = conv_epilogue_buffer(info, plan, g, g.band_convs[0]);
        !e.empty() && conv_tiles.tile_c == 0)
        g.band_line_buffers = {e};
    g.conv_tiles = conv_tiles;
    // An unsplit conv's tile cycles through the compared level in full
    // (unsplit_tile_bytes). Where it outgrows the room the sliding groups'
    // copies get (0.75 of the level, copies_capacity_bytes), the tiles are
    // cut (fit_unsplit_tile), the input rows read again per extra tile
    // charged; a tile that still does not fit is refused. GoogLeNet @224's
    // stem at 256 KiB (conv1 -> maxpool1 in tiles of 1 row x 64 channels,
    // 0.25 MB) was predicted at 4.11 MiB and measured 11.97, 8.28 of it
    // the tiles' buffers written back (RESULTS.md, session 22). Split convs
    // keep their tiles: their phases (partial sums over input chunks, then
    // the pad and the pool) measured well past this sum (VGG-16 @224 at
    // 256 KiB, session 17).
    const size_t level = params.levels.size() > 1 ? 1 : 0;
    const int64_t room = copies_capacity_bytes(params, level);
    EpilogueTile fit{root_tiles.tile_y, root_tiles.tile_k};
    if (conv_tiles.tile_c == 0) {
        fit = fit_unsplit_tile(cm.shape, pm.shape, *pad, *r, root_tiles.tile_y, root_tiles.tile_k,
                               !g.band_line_buffers.empty(), kb, conv_tiles.kernel.k_block, room,
                               params.levels[level].name);
        pool_rows = std::min(pool_rows, fit.rows);
        root_tiles.tile_y = fit.rows;
        root_tiles.tile_k = fit.channels;
    }
    g.exit_tiles = root_tiles;
    FusedNode conv_node, pool_node;
    conv_node.name = hosted[0].name, conv_node.shape = cm.shape, conv_node.inputs = {-1};
    pool_node.name = pool.name, pool_node.shape = pm.shape, pool_node.inputs = {0};
    g.model.nodes = {conv_node, pool_node};

    // Compared where the band groups are (the L2, or the only level), and
    // into the last level: neither may move more.
    FusedBandPlan& b = g.bands;
    b.level = params.levels[level].name;
    const int64_t element_bytes = cm.shape.element_bytes;
    const int64_t saved = cm.shape.output_elements() * element_bytes - elements(*r) * element_bytes;
    b.layered_bytes = bytes_into(conv_alone, level, false) + bytes_into(pool_alone, level, false);
    b.fused_bytes = bytes_into(conv_tiles, level, false) - saved + fit.extra_input_bytes;
    b.layered_outer_bytes = bytes_into(conv_alone, 0, true) + bytes_into(pool_alone, 0, true);
    b.fused_outer_bytes = bytes_into(conv_tiles, 0, true) - saved;
    // Overlapping windows: each tile recomputes the rows the one above read.
    const int64_t halo_rows = std::max<int64_t>(0, pm.shape.kernel_h - stride);
    const double recompute = double(pool_rows * stride + halo_rows) / double(pool_rows * stride);
    b.layered_macs = cm.shape.macs() + pm.shape.macs();
    b.fused_macs = int64_t(std::llround(double(cm.shape.macs()) * recompute)) + pm.shape.macs();
    // Time as the band groups reckon it (fused_group_bridge.cpp), so that
    // overlapping candidates compare: per layer the roofline of its MACs at
    // its block's lane utilisation and its bytes into the compared level
    // over the bandwidth serving it; fused, one roofline of both.
    const double peak = params.peak_gflops_per_core * 1e9 * params.parallelism;
    const double gbps = level + 1 < params.levels.size() ? params.levels[level + 1].bandwidth_gbps
                                                         : params.dram_bandwidth_gbps;
    auto roofline = [&](double macs, int64_t bytes, double utilisation) {
        return std::max(2.0 * macs / (peak * utilisation), double(bytes) / (gbps * 1e9));
    };
    const double conv_utilisation = lane_utilisation(conv_tiles.kernel, cm.shape);
    b.layered_seconds =
        roofline(double(cm.shape.macs()), bytes_into(conv_alone, level, false),
                 lane_utilisation(conv_alone.kernel, cm.shape)) +
        roofline(double(pm.shape.macs()), bytes_into(pool_alone, level, false),
                 lane_utilisation(pool_alone.kernel, pm.shape));
    const double conv_macs = double(cm.shape.macs()) * recompute;
    const double at_peak = conv_macs / conv_utilisation +
                           double(pm.shape.macs()) / lane_utilisation(root_tiles.kernel, pm.shape);
    b.fused_seconds = roofline(conv_macs + double(pm.shape.macs()), b.fused_bytes,
                               (conv_macs + double(pm.shape.macs())) / at_peak);
    const bool less = b.fused_bytes < b.layered_bytes && b.fused_outer_bytes <= b.layered_outer_bytes;
    const double gain = predicted_time_gain(b.fused_seconds, b.layered_seconds);
    const bool faster = gain > kSameTimeGain;
    const std::string tiling = describe_tiles(conv_tiles, root_tiles) + fit.cut;
    if (fit.held > room) {
        b.why = tiling + ": a tile cycles " + std::to_string(fit.held) + "B through " + b.level +
                " (the pad's rows, the conv's box, its input rows and weights), over the " +
                std::to_string(room) + "B it may fill";
    } else if (!less) {
        b.why = tiling + ": moves no fewer bytes than layer by layer (" +
                params.levels.back().name + ": " + std::to_string(b.fused_outer_bytes) + "B vs " +
                std::to_string(b.layered_outer_bytes) + "B)";
    } else if (params.fusion_objective == Objective::Traffic) {
        b.fuse = true;
        b.why = tiling + (faster ? ": less traffic, faster" : ": less traffic (fusion_objective=traffic)");
    } else if (time_gain_accepts(b.fused_seconds, b.layered_seconds, true, params)) {
        b.fuse = true;
        b.why = tiling + (faster ? ": less traffic, faster" : ": same time, less traffic");
    } else {
        b.why = tiling + (gain >= -kSameTimeGain
                              ? ": saves less predicted time than fusion_min_time_gain"
                              : ": less traffic but slower (recomputed rows)");
    }
    return g;
}

void schedule_pool_epilogue_group(ScheduleWriter& w, const PipelineInfo& info,
                                  const CrossLayerGroup& group, const PluginParams& params,
                                  std::vector<std::string>* log) {
    const StageInfo& root = *info.find(group.exit);
    const StageInfo& pool = *info.find(group.exit_convs.at(0));
    const StageInfo& conv = *info.find(group.band_convs.at(0));
    auto note = [&](const std::string& text) {
        w.comment(text);
        log->push_back(text);
    };
    note("cross-layer group " + conv.name + " -> " + pool.name + " in tiles of " + root.name +
         " (pool epilogue): " + group.bands.describe());
    // The root's tiles in the conv's order, the pool in its register blocks.
    const std::string tile =
        schedule_spatial_tiles(w, root, {&pool}, {may_overcompute_spatially(info, pool)}, {},
                               group.exit_tiles, params.parallelism);
    // Per tile: the pad's rows and channels the pool reads, vectorized
    // along x, and the conv for exactly those, with its staged input (per
    // tile, or per chunk of a split reduction). The conv keeps a box of the
    // tile between it and its pad: run at the pad's own blocks, as band
    // convs now are, VGG-16 @224 measured 306 MiB at a 1 MiB LL against 104
    // MiB with the box (RESULTS.md, session 18; the cause is not found).
    BandLoops at;
    at.band = at.strip = tile;
    const int lanes = group.exit_tiles.kernel.vector_lanes;
    schedule_band_stage(w, *info.find(group.band_stages.at(0)), root, at, false, lanes);
    std::vector<const StageInfo*> staged;
    for (size_t i = 1; i < group.band_stages.size(); i++) staged.push_back(info.find(group.band_stages[i]));
    TilePlan p = group.conv_tiles;
    if (p.tile_c > 0) {
        schedule_split_conv(w, conv, root, tile, staged, p, may_overcompute_spatially(info, conv));
    } else if (!group.band_line_buffers.empty()) {
        for (const StageInfo* s : staged) schedule_band_stage(w, *s, root, at, false, lanes);
        schedule_conv_at_stage_blocks(w, *info.find(group.band_line_buffers[0]), root, tile, conv,
                                      may_overcompute_spatially(info, conv), p.kernel, 0,
                                      tiles_hold_whole_channel_blocks(root, group.exit_tiles, p.kernel));
    } else {
        for (const StageInfo* s : staged) schedule_band_stage(w, *s, root, at, false, lanes);
        p.tile_y = conv.extents[1]; // the whole tile: no tile loops inside it
        p.tile_k = conv.extents[2];
        schedule_reduction_tiles_at(w, conv, root, tile, "", p, 0);
    }
    const bool at_blocks = p.tile_c == 0 && !group.band_line_buffers.empty();
    note(conv.name + ": computed per tile of " + root.name +
         (at_blocks ? " at the blocks of " + group.band_line_buffers[0] : "") + ", kernel " +
         p.kernel.describe() +
         (p.tile_c > 0 ? ", reduction split in chunks of " + std::to_string(p.tile_c) + " channels" : ""));
}

} // namespace memsched::autoschedule
