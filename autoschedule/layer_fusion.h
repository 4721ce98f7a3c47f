// Cross-layer fusion: convs computed inside the row bands of a later conv's
// root instead of at root. fusion_plan.h fuses pointwise stages into a conv
// and the conv into its first materialised consumer (the "exit root"); here
// the convs upstream of that root's own convs join it when they are
// separated from it only by materialised pure stages (pads) and feed
// nothing else:
//
//   conv1 (tiled in place) -> pad1 (root) -> conv2 (in output's tiles) -> output
// becomes
//   output in row bands; per band: pad0, pad1 with conv1 per block of
//   pad1 (x-vectorized blocks; channel-vectorized conv1 per band), then
//   conv2 per block of output.
//
// In whole networks each layer output is a root of its own (the conv's
// epilogue read by the next pad, fusion_plan.h); a group reaching through
// one inlines the epilogue into the pad.
//
// Each band recomputes its producers' halo rows, or (sliding window) keeps
// them: producers stored per parallel strip, computed per band; a band
// conv's pointwise epilogue then holds its line buffer, the conv computed
// per block of it (an update in place in the line buffer keeps its partial
// sums in memory). The group is
// translated into the fusion model's FusedGroup (from the convs' LayerShapes)
// and fused only when fused_group_bridge.h predicts it pays; anything that
// does not fit this pattern keeps today's schedule, with a reason logged.
#pragma once

#include "autoschedule/conv_match.h"
#include "autoschedule/directive.h"
#include "autoschedule/fused_group_bridge.h"
#include "autoschedule/fusion_plan.h"
#include "autoschedule/model_bridge.h"
#include "autoschedule/pipeline_analysis.h"
#include "autoschedule/plugin_params.h"
#include "autoschedule/tile_schedules.h"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace memsched::autoschedule {

struct CrossLayerGroup {
    std::string exit;                    // the root whose bands compute the group
    std::vector<std::string> exit_convs; // reductions in the exit's register blocks
    std::vector<std::string> band_convs; // reductions computed per band, producers first
    std::vector<std::string> band_stages; // pure stages computed per band (pads), producers first
    // Materialised layer outputs (fusion_plan.h) left inline in the band:
    // a band conv's epilogue, read by the next pad only.
    std::vector<std::string> band_inlined;
    // Sliding bands: a band conv's pointwise epilogue (its one reader)
    // stored per strip as the conv's line buffer, the conv's register blocks
    // computed at its blocks (conv_epilogue_buffer).
    std::vector<std::string> band_line_buffers;
    // Band convs that run the channel-vectorized block (narrow maps,
    // full-width bands with recomputed halos), whether the exit's one conv
    // does too, and their weights, copied per channel block.
    std::vector<std::string> channel_vector_convs, weight_panels;
    bool channel_exit = false;
    // The exit is a materialised reduction itself (reduction_exit_group.h):
    // its update runs in the bands, band_stages[0] hosting band_convs[0].
    bool reduction_exit = false;
    // The exit's one pool runs as the epilogue of the conv its input pad
    // hosts (pool_epilogue_group.h): the exit tiled as exit_tiles, in the
    // conv's own plan, conv_tiles.
    bool pool_epilogue = false;
    // The exit is a pure stage joining the branches of a module (a concat;
    // concat_module_group.h): every stage of the module is computed per
    // band, each conv at the blocks of conv_buffers[i] (its pointwise
    // epilogue, band_stages too) or, where that is "", per band.
    bool concat_module = false;
    std::vector<std::string> conv_buffers;
    TilePlan conv_tiles, exit_tiles;
    FusedGroup model;                    // nodes named after the Halide stages
    FusedBandPlan bands;
};

// "a -> b -> c": the group's model nodes, for the log and the schedule.
std::string group_names(const CrossLayerGroup& g);

struct CrossLayerPlan {
    std::vector<CrossLayerGroup> groups; // only those chosen for fusion
    std::vector<std::string> log;        // one line per exit root considered
    std::vector<std::string> comments;   // the lines of real groups (two or more convs)

    const CrossLayerGroup* group_of_exit(const std::string& name) const;
    // True for stages a chosen group computes per band (scheduled with it).
    bool in_band(const std::string& name) const;
};

// What a materialised pure stage reads through the pure stages inlined into
// it: conv-like reductions, 4-D tensors (inputs, roots) and the inlined
// stages passed through.
struct Reach {
    std::vector<std::string> reductions, sources;
    std::set<std::string> inlined;
    std::string odd; // a reason when something else is read
};
void reach_from(const PipelineInfo& info, const FusionPlan& plan, const StageInfo& s, Reach* r);

// True when every consumer of `s` is in `allowed`.
bool consumed_only_by(const StageInfo& s, const std::set<std::string>& allowed);

// True when conv `conv` is computed in its root's tiles with staged inputs.
bool staged_alone(const FusionPlan& plan, const std::string& conv);

// The plan of one conv-like layer alone: micro-kernel from the ISA, tiles
// from the model (model_bridge.h). Shared by the per-layer schedules and
// the layer-by-layer side of the fusion decision.
// allow_channel_vectors: the channel-vectorized block may be chosen
// (micro_kernel.h) where its weight panel fits the L2; only stages
// scheduled alone use it.
// one_reduction: as plan_layer's (the conv is alone in its root).
TilePlan plan_match_tiles(const ConvMatch& match, const Halide::Target& target,
                          const PluginParams& params, bool staged_input,
                          bool allow_channel_vectors = false, bool one_reduction = false);

// The plan of a conv computed alone in a root of its own (the driver's
// per-layer roots, and root_split.h's estimate of a conv moved out): as
// plan_match_tiles with one_reduction, then the reduction split wherever
// the model says it moves clearly less, held tile or not (a held tile of
// a few rows can re-read weights the caches cannot keep once per row tile:
// ResNet-18 @224's layer3_1 conv2 at 256 KiB, 24.8 MB predicted, 3.6 MB
// split).
TilePlan plan_alone_in_root(const ConvMatch& match, const Halide::Target& target,
                            const PluginParams& params, bool staged_input,
                            bool allow_channel_vectors);

// Bytes of one channel block's weights (all input channels and taps of
// mk.k_block output channels): the panel a channel-vectorized block reads.
int64_t channel_panel_bytes(const LayerShape& shape, const MicroKernel& mk);

// True when `match`'s weights can be copied k-innermost, one panel per
// channel block, so that the conv, scheduled alone in a root of its own,
// may take the channel-vectorized block (plan_match_tiles'
// allow_channel_vectors): a dense conv whose weights are an input or a root
// Func. Their total size does not matter, only a panel's (plan_match_tiles).
bool weights_can_be_k_innermost(const PipelineInfo& info, const FusionPlan& plan,
                                const ConvMatch& match);

// The layer as the fusion model sees it: the real (unpadded) input extents
// of its producer and the symmetric padding that gives the matched output.
// A layer whose output Halide crops (a conv before a floor-mode pool at an
// odd size computes one column less than its padding allows) is modeled
// uncropped: slightly more work and traffic than Halide's, never less.
std::optional<LayerShape> model_shape(const ConvMatch& m, int64_t in_w, int64_t in_h,
                                      std::string* why);

// The plan of a group's exit reduction. A pool's register block takes one
// row: it has no weights to reuse across rows, and bands are whole blocks,
// so two-row blocks doubled the smallest band (VGG-16 @224's conv1_1 ->
// conv1_2 -> pool1 fits half of a 1 MiB L2 only in bands of one pooled row).
TilePlan plan_group_exit(const ConvMatch& match, const Halide::Target& target,
                         const PluginParams& params);

// The plan of a layer hosted by its consumer's pad (computed per band of
// the pad, writing the padded activation once; fusion_plan.h), and how it
// runs: `how` is appended to the log line (" per band (hosted layer)", or
// " in its tiles (...)" when the pad is tiled as an ordinary root instead).
// A hosted layer that no cache holds a band of reads its weights once per
// band; where the model says a plan of channel tiles outermost or a split
// reduction moves less from DRAM, the pad runs that nest instead.
// `weights_func`: weights_can_be_k_innermost (its bands may then take the
// channel-vectorized block).
struct HostedPlan {
    TilePlan plan;
    std::string how;
};
HostedPlan plan_hosted_layer(const ConvMatch& match, const Halide::Target& target,
                             const PluginParams& params, bool staged_input, bool weights_func);

// A pure stage computed per band of `exit` (at loops.band), stored per
// strip when `sliding`, vectorized along x.
void schedule_band_stage(ScheduleWriter& w, const StageInfo& s, const StageInfo& exit,
                         const BandLoops& loops, bool sliding, int lanes);

// Folds `s` along y to exactly `rows` (Halide's own folds round up to a
// power of two; layer_fusion.cpp says why these do not); false (not
// folded) when the rows are unknown.
bool fold_rows(ScheduleWriter& w, const StageInfo& s, int64_t rows);

// Finds the candidate groups (each exit root with 1 to 3 producer layers,
// through pads and materialised layer outputs), asks the model about each
// and keeps the non-overlapping set that saves the most predicted time
// (group_partition.h); empty when params.cross_layer_fusion is off.
CrossLayerPlan plan_cross_layer(const PipelineInfo& info, const FusionPlan& plan,
                                const Halide::Target& target, const PluginParams& params);

// A layer computed in the next layer's pad (fusion_plan.h: the pad hosts
// it, writing each activation once): the pad in row bands of the layer's
// cache-tile rows (all channels, parallel over bands), its staged input
// per band, and the layer's register blocks at the pad's own blocks,
// channel block by channel block through the band, so no box of the
// band's every channel sits between the layer and its pad (VGG-16 @224's
// conv3_1 held 524 KB per band so, and moved 19.2 MiB for 13.6 MB
// predicted at a 1 MiB LL). A plan with the channel-vectorized block
// (plan.kernel.channel_vectors) instead computes the layer per band (its
// k tiles from `plan`) and needs its weights Func, `weights`, copied per
// channel block: at the pad's blocks, vectorized along channels (stores
// strided by a channel plane), MobileNetV2 @224 ran 1.13x slower layer by
// layer (RESULTS.md, session 18). The layer's epilogue is inlined into the pad.
void schedule_hosted_layer(ScheduleWriter& w, const PipelineInfo& info, const StageInfo& pad,
                           const StageInfo& layer, const std::vector<std::string>& staged,
                           const TilePlan& plan, int parallelism,
                           const StageInfo* weights = nullptr);

// The stage that can hold conv `conv`'s output in its place in a group's
// bands or tiles, so the conv runs register blocks at that stage's blocks
// instead of accumulating in place in a buffer of its own (an update in
// place keeps its partial sums in memory: a load, FMA and store per tap,
// measured 1.6x slower on ResNet-18 @224's sliding layer1 groups): the
// conv's one reader, a pointwise epilogue the plan inlines (or `g` inlines
// in its bands); "" for none.
std::string conv_epilogue_buffer(const PipelineInfo& info, const FusionPlan& plan,
                                 const CrossLayerGroup& g, const std::string& conv);

// Applies (and writes) the schedule of one chosen group; log lines appended.
void schedule_cross_layer_group(ScheduleWriter& w, const PipelineInfo& info,
                                const FusionPlan& plan, const CrossLayerGroup& group,
                                const Halide::Target& target, const PluginParams& params,
                                std::vector<std::string>* log);

} // namespace memsched::autoschedule
