// The scheduling driver (see autoscheduler.h).
#include "autoschedule/autoscheduler.h"

#include "autoschedule/basic_schedules.h"
#include "autoschedule/directive.h"
#include "autoschedule/fusion_plan.h"
#include "autoschedule/layer_fusion.h"
#include "autoschedule/micro_kernel.h"
#include "autoschedule/model_bridge.h"
#include "autoschedule/pipeline_analysis.h"
#include "autoschedule/plan_nests.h"
#include "autoschedule/root_split.h"
#include "autoschedule/tile_schedules.h"

#include <algorithm>
#include <set>

namespace memsched::autoschedule {
namespace {

std::string hierarchy_comment(const PluginParams& p, int lanes) {
    std::string s = "memsched: hierarchy";
    for (const auto& l : p.levels) s += " " + l.name + "=" + std::to_string(l.capacity_bytes) + "B";
    s += ", tiles planned to fill " + std::to_string(int(p.cache_fill_fraction * 100 + 0.5)) +
         "% of each";
    s += ", parallelism=" + std::to_string(p.parallelism) + ", vector lanes=" + std::to_string(lanes);
    return s;
}

struct Driver {
    const PipelineInfo& info;
    const FusionPlan& plan;
    const CrossLayerPlan& cross;
    const Halide::Target& target;
    const PluginParams& params;
    ScheduleWriter& writer;
    ScheduleReport& report;
    int lanes;
    // Weights of channel-vectorized convs: scheduled with their conv's root,
    // one k-innermost panel per channel block (tile_schedules.h). Stages are
    // visited consumers first, so the root fills this before its weights.
    std::set<std::string> k_innermost_weights = {};

    void log(const std::string& line) { report.log_lines.push_back("[memsched] " + line); }

    // Micro-kernel from the ISA, tiles from the model; logged and commented.
    // `alone`: the conv is the only one in its root (layer_fusion.h,
    // plan_alone_in_root).
    TilePlan plan_for(const ConvMatch& match, const std::string& what, bool staged_input = false,
                      bool allow_channel_vectors = false, bool alone = false) {
        const TilePlan tiles =
            alone ? plan_alone_in_root(match, target, params, staged_input, allow_channel_vectors)
                  : plan_match_tiles(match, target, params, staged_input, allow_channel_vectors);
        note_plan(match, what, tiles);
        return tiles;
    }

    // A hosted layer's plan (layer_fusion.h, plan_hosted_layer), logged.
    TilePlan plan_hosted(const ConvMatch& match, const std::string& what, bool staged_input) {
        const HostedPlan hosted =
            plan_hosted_layer(match, target, params, staged_input, has_weights_func(match));
        note_plan(match, what + hosted.how, hosted.plan);
        return hosted.plan;
    }

    // The weights of a channel-vectorized conv: scheduled with its root.
    void note_k_innermost(const std::string& weights) {
        k_innermost_weights.insert(weights);
        log(weights + ": weights copied per channel block, k-innermost (channel-vectorized conv)");
    }

    void note_plan(const ConvMatch& match, const std::string& what, const TilePlan& tiles) {
        const LayerShape& shape = match.shape;
        const std::string line = what + " (" + to_string(shape.kind) + " n" +
                                 std::to_string(shape.batch) + " c" + std::to_string(shape.in_channels) +
                                 " k" + std::to_string(shape.out_channels) + " " +
                                 std::to_string(shape.out_height()) + "x" +
                                 std::to_string(shape.out_width()) + " r" +
                                 std::to_string(shape.kernel_h) + "x" + std::to_string(shape.kernel_w) +
                                 " s" + std::to_string(shape.stride) + "): " + tiles.describe();
        writer.comment(line);
        log(line);
    }

    void schedule_fused_root(const StageInfo& root, const std::vector<FusedReduction>& fused) {
        const FusedReduction& main = dominant(fused);
        std::vector<const StageInfo*> reductions;
        std::vector<bool> fixed_extent;
        std::string names;
        for (const auto& f : fused) {
            reductions.push_back(info.find(f.name));
            fixed_extent.push_back(may_overcompute_spatially(info, *reductions.back()));
            names += (names.empty() ? "" : ", ") + f.name +
                     (fixed_extent.back() ? " (full blocks)" : " (guarded blocks)");
        }
        std::vector<const StageInfo*> staged;
        if (auto it = plan.staged.find(root.name); it != plan.staged.end())
            for (const auto& name : it->second) {
                staged.push_back(info.find(name));
                log(name + ": " + plan.placement.at(name).why);
            }
        if (plan.hosting_pads.count(root.name)) { // layer_fusion.h
            const TilePlan tiles =
                plan_hosted(main.match, root.name + " computes " + names, !staged.empty());
            if (tiles.tile_c > 0) { // the pad tiled as a root
                TilePlan padded = tiles;
                padded.tile_y =
                    rows_over_pad(tiles.tile_y, main.match.shape.out_height(), root.extents[1]);
                if (tiles.kernel.channel_vectors) {
                    note_k_innermost(main.match.weights);
                    schedule_channel_split_tiles(writer, root, *reductions[0],
                                                 *info.find(main.match.weights), fixed_extent[0],
                                                 staged, padded, params.parallelism);
                } else {
                    schedule_spatial_tiles(writer, root, reductions, fixed_extent, staged, padded,
                                           params.parallelism);
                }
                return;
            }
            const auto st = plan.staged.find(root.name);
            const std::vector<std::string> staged_names =
                st != plan.staged.end() ? st->second : std::vector<std::string>{};
            const StageInfo* panel = nullptr;
            if (tiles.kernel.channel_vectors) {
                note_k_innermost(main.match.weights);
                panel = info.find(main.match.weights);
            }
            schedule_hosted_layer(writer, info, root, *reductions[0], staged_names, tiles,
                                  params.parallelism, panel);
            return;
        }
        TilePlan tiles = plan_for(main.match, root.name + " computes " + names + " in its tiles",
                                  !staged.empty(), fused.size() == 1 && has_weights_func(main.match),
                                  fused.size() == 1);
        if (tiles.kernel.channel_vectors) {
            note_k_innermost(main.match.weights);
            if (tiles.tile_c > 0)
                schedule_channel_split_tiles(writer, root, *reductions[0],
                                             *info.find(main.match.weights), fixed_extent[0],
                                             staged, tiles, params.parallelism);
            else
                schedule_channel_tiles(writer, root, *reductions[0], *info.find(main.match.weights),
                                       fixed_extent[0], staged, tiles, params.parallelism);
        } else if (main.match.shape.kind == LayerKind::FullyConnected)
            schedule_fc_tiles(writer, root, reductions, tiles, params.parallelism);
        else
            schedule_spatial_tiles(writer, root, reductions, fixed_extent, staged, tiles,
                                   params.parallelism);
    }

    // A conv whose weights are a 4-D Func of their own (a folded batch norm,
    // or an input's wrapper) that may be copied k-innermost, panel by panel,
    // for a channel-vectorized block. When the copy was made whole at root,
    // weights larger than the L2 made it memory-bound and were kept out;
    // with panels, ResNet-50 layer4's convs (4-9 MiB) run 1.8-3.1x faster
    // channel-vectorized than x-vectorized (JIT, 1 thread, 4x4 and 7x7 maps).
    bool has_weights_func(const ConvMatch& m) const {
        return weights_can_be_k_innermost(info, plan, m);
    }

    void schedule_stage(const StageInfo& s) {
        const StagePlacement& p = plan.placement.at(s.name);
        BasicContext ctx{lanes, params.parallelism};
        if (cross.in_band(s.name)) return; // with its cross-layer group's exit
        if (const CrossLayerGroup* g = cross.group_of_exit(s.name)) {
            std::vector<std::string> lines;
            schedule_cross_layer_group(writer, info, plan, *g, target, params, &lines);
            for (const auto& l : lines) log(l);
            return;
        }
        if (k_innermost_weights.count(s.name)) return; // with its conv's root
        if (p.placement == Placement::InRootTile || p.placement == Placement::PerCacheTile)
            return; // with its root
        if (p.placement == Placement::Inline) {
            if (s.kind != StageKind::InputWrapper) writer.note_inline(s.func, p.why);
            return;
        }
        auto fused = plan.fused.find(s.name);
        if (fused != plan.fused.end()) {
            schedule_fused_root(s, fused->second);
        } else if (s.kind == StageKind::Unmodeled) {
            writer.comment(s.name + ": compute_root only, not modeled: " + s.reason);
            log(s.name + ": compute_root only, not modeled: " + s.reason);
            schedule_unmodeled(writer, s);
        } else if (auto direct = plan.tiled_in_place.find(s.name); direct != plan.tiled_in_place.end()) {
            TilePlan tiles = plan_for(direct->second, s.name + " (" + p.why + ") tiled in place");
            schedule_reduction_tiles(writer, s, tiles, params.parallelism);
        } else if (s.kind == StageKind::Reduction) {
            log(s.name + ": " + p.why + "; vectorized reduction at root");
            schedule_reduction_root(writer, s, ctx);
        } else {
            log(s.name + ": " + p.why + "; vectorized at root");
            schedule_pure_root(writer, s, ctx);
        }
    }
};

} // namespace

ScheduleReport schedule_pipeline(const Halide::Pipeline& pipeline, const Halide::Target& target,
                                 const PluginParams& params) {
    const PipelineInfo info = analyze_pipeline(pipeline);
    const RootSplit split = split_unheld_roots(info, plan_fusion(info), target, params);
    const FusionPlan& plan = split.plan;
    const CrossLayerPlan cross = plan_cross_layer(info, plan, target, params);
    ScheduleWriter writer(pipeline);
    ScheduleReport report;
    const int lanes = params.vector_width_override > 0
                          ? params.vector_width_override
                          : std::max(1, target.natural_vector_size(Halide::Float(32)));
    writer.comment(hierarchy_comment(params, lanes));
    Driver driver{info, plan, cross, target, params, writer, report, lanes};
    if (!info.bounds_note.empty()) driver.log("note: " + info.bounds_note);
    for (const auto& line : split.log) {
        driver.log(line);
        writer.comment(line);
    }
    for (const auto& line : cross.log) driver.log(line);
    for (const auto& line : cross.comments) writer.comment(line);
    // Consumers first, so the text reads from the output inwards.
    for (auto it = info.stages.rbegin(); it != info.stages.rend(); ++it) driver.schedule_stage(*it);
    report.source = writer.source();
    return report;
}

} // namespace memsched::autoschedule
