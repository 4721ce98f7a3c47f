// A conv fused into the row bands of the materialised reduction after it
// (see reduction_exit_group.h).
#include "autoschedule/reduction_exit_group.h"

#include "autoschedule/tile_schedules.h"

#include <algorithm>

namespace memsched::autoschedule {
namespace {

// The unpadded tensor a conv's input pad reads (its extents are the
// layer's real input), or the input itself when it reads no 4-D tensor.
const StageInfo* unpadded_source(const PipelineInfo& info, const std::string& name) {
    const StageInfo* s = info.find(name);
    if (!s || s->kind == StageKind::InputWrapper) return s;
    for (const auto& call : s->pure_calls) {
        if (!call.callee_is_func) continue;
        const StageInfo* c = info.find(call.callee);
        if (c && c->pure_vars.size() == 4 && c->extents_known()) return c;
    }
    return s;
}

} // namespace

std::optional<CrossLayerGroup> reduction_exit_candidate(const PipelineInfo& info,
                                                        const FusionPlan& plan,
                                                        const std::string& exit,
                                                        const Halide::Target& target,
                                                        const PluginParams& params,
                                                        std::string* why) {
    auto tiled = plan.tiled_in_place.find(exit);
    const StageInfo* r = info.find(exit);
    if (tiled == plan.tiled_in_place.end() || !r) {
        *why = exit + " is not a reduction tiled in place";
        return std::nullopt;
    }
    const ConvMatch& rm = tiled->second;
    if (r->pure_vars.size() != 4 || !r->extents_known() ||
        rm.shape.kind == LayerKind::FullyConnected) {
        *why = exit + " is not a 4-D " + std::string(to_string(rm.shape.kind)) + " with known extents";
        return std::nullopt;
    }
    // Pools only: a conv exit would run its weighted register blocks per
    // band, a schedule no test checks yet.
    if (rm.shape.has_weights()) {
        *why = exit + " has weights (only pools are fused as reduction exits)";
        return std::nullopt;
    }
    auto hosting = plan.hosting_pads.find(rm.input);
    const StageInfo* pad = info.find(rm.input);
    if (hosting == plan.hosting_pads.end() || !pad) {
        *why = exit + "'s input " + rm.input + " hosts no layer";
        return std::nullopt;
    }
    if (pad->consumers.size() != 1 || pad->is_output) {
        *why = rm.input + " is read by more than " + exit;
        return std::nullopt;
    }
    const auto& hosted = plan.fused.at(pad->name);
    if (hosted.size() != 1 || hosted[0].match.shape.kind == LayerKind::FullyConnected) {
        *why = rm.input + " hosts no single conv-like layer";
        return std::nullopt;
    }
    const ConvMatch& cm = hosted[0].match;
    const StageInfo* src = unpadded_source(info, cm.input);
    if (!src || !src->extents_known() || src->extents.size() != 4) {
        *why = hosting->second + "'s input " + cm.input + " has no known 4-D extents";
        return std::nullopt;
    }
    CrossLayerGroup g;
    g.exit = exit;
    g.reduction_exit = true;
    g.band_convs = {hosted[0].name};
    g.band_stages = {pad->name};
    if (auto st = plan.staged.find(pad->name); st != plan.staged.end())
        g.band_stages.insert(g.band_stages.end(), st->second.begin(), st->second.end());

    FusedGroup& model = g.model;
    model.input = {src->extents[2] * src->extents[3], src->extents[1], src->extents[0]};
    auto conv_shape = model_shape(cm, src->extents[0], src->extents[1], why);
    if (!conv_shape) {
        *why = hosted[0].name + ": " + *why;
        return std::nullopt;
    }
    auto exit_shape = model_shape(rm, conv_shape->out_width(), conv_shape->out_height(), why);
    if (!exit_shape) {
        *why = exit + ": " + *why;
        return std::nullopt;
    }
    FusedNode conv_node, exit_node;
    conv_node.name = hosted[0].name, conv_node.shape = *conv_shape, conv_node.inputs = {-1};
    exit_node.name = exit, exit_node.shape = *exit_shape, exit_node.inputs = {0};
    model.nodes = {conv_node, exit_node};

    const bool staged = g.band_stages.size() > 1;
    // Layer by layer, the pad runs its hosted layer's own plan (a split
    // reduction, channel-vectorized, where the model says so), not the
    // template: AlexNet @224's conv5 at 256 KiB was compared at 37.6 MiB
    // (template) where its applied plan predicts 3.3 and measures 3.0, and
    // its fused group moved 14.2 MiB.
    const std::vector<TilePlan> layered{
        plan_hosted_layer(cm, target, params, staged, weights_can_be_k_innermost(info, plan, cm)).plan,
        plan_match_tiles(rm, target, params, false)};
    // Fused, the conv runs the template's x-vectorized block in the bands
    // (schedule_reduction_exit_group), whatever it runs alone.
    const MicroKernel band_kernel = plan_match_tiles(cm, target, params, staged).kernel;
    const MicroKernel exit_kernel = plan_group_exit(rm, target, params).kernel;
    g.bands = plan_fused_bands(model, layered, 0, exit_kernel.rows, params,
                               {band_kernel, exit_kernel}, 0, {}, BandCopies{staged ? 1 : 0, {}});
    return g;
}

void schedule_reduction_exit_group(ScheduleWriter& w, const PipelineInfo& info,
                                   const FusionPlan& plan, const CrossLayerGroup& group,
                                   const Halide::Target& target, const PluginParams& params,
                                   std::vector<std::string>* log) {
    const StageInfo& exit = *info.find(group.exit);
    const StageInfo& pad = *info.find(group.band_stages.at(0));
    const StageInfo& conv = *info.find(group.band_convs.at(0));
    auto note = [&](const std::string& text) {
        w.comment(text);
        log->push_back(text);
    };
    note("cross-layer group " + conv.name + " -> " + exit.name + " in bands of " + exit.name +
         "'s update (" + pad.name + " per band" +
         (group.bands.keep_halo ? ", stored per strip" : "") + "): " + group.bands.describe());
    TilePlan exit_plan = plan_group_exit(plan.tiled_in_place.at(exit.name), target, params);
    exit_plan.tile_y = group.bands.band_rows;
    exit_plan.tile_k = exit.extents[2];
    exit_plan.k_outer = false;
    exit_plan.tile_c = 0;
    const bool sliding = group.bands.keep_halo;
    const BandLoops loops =
        schedule_reduction_bands(w, exit, exit_plan, params.parallelism, sliding);

    // The pad's rows of one band, all channels, in its own register blocks,
    // the conv's blocks at the pad's (as a hosted layer's), so no box of the
    // band sits between them, with the conv's staged input for exactly
    // those rows. Sliding: the pad is stored per strip, so each band
    // computes only the rows the band above did not (Halide's sliding
    // window), the conv's blocks inside it following; its storage is folded
    // to exactly the rows a band reads, the model's line buffer. The conv
    // then accumulates in registers, not in place in the line buffer (a
    // load, FMA and store per tap: ResNet-18 @224's stem group ran 1.5x its
    // layers' time).
    const int lanes = exit_plan.kernel.vector_lanes;
    const ConvMatch& cm = plan.fused.at(pad.name).at(0).match;
    TilePlan p = plan_match_tiles(cm, target, params, group.band_stages.size() > 1);
    const bool at_pad_blocks = !p.kernel.channel_vectors;
    if (at_pad_blocks) {
        schedule_conv_at_stage_blocks(w, pad, exit, loops.band, conv,
                                      may_overcompute_spatially(info, conv), p.kernel,
                                      sliding ? 0 : loops.channel_chunks);
    } else {
        schedule_band_stage(w, pad, exit, loops, sliding, lanes);
    }
    if (sliding && loops.strip != loops.band) {
        if (at_pad_blocks) w.store_at(pad.func, exit.func, loops.strip); // schedule_band_stage's
        const LayerShape& pool = group.model.nodes.at(1).shape;
        fold_rows(w, pad, pool.input_rows(loops.band_rows));
        if (loops.strips > 1)
            note(exit.name + ": " + std::to_string(loops.strips) +
                 " parallel strips; each restarts its sliding window (not modeled)");
    }
    const std::string& pad_outer = pad.pure_vars.back();
    p.tile_y = conv.extents[1]; // the whole band: no tile loops inside it
    p.tile_k = conv.extents[2];
    if (!at_pad_blocks) schedule_reduction_tiles_at(w, conv, pad, pad_outer, "", p, 0);
    BandLoops inside_pad;
    inside_pad.band = inside_pad.strip = pad_outer;
    for (size_t i = 1; i < group.band_stages.size(); i++)
        schedule_band_stage(w, *info.find(group.band_stages[i]), pad, inside_pad, false, lanes);
    note(conv.name + ": computed per band of " + exit.name +
         (at_pad_blocks ? " at the blocks of " : " inside ") + pad.name + ", kernel " +
         p.kernel.describe());
}

} // namespace memsched::autoschedule
