// Finding, modeling and scheduling cross-layer conv groups (see layer_fusion.h).
#include "autoschedule/layer_fusion.h"

#include "autoschedule/concat_module_group.h"
#include "autoschedule/group_partition.h"
#include "autoschedule/pool_epilogue_group.h"
#include "autoschedule/reduction_exit_group.h"
#include "autoschedule/micro_kernel.h"
#include "autoschedule/plan_nests.h"
#include "autoschedule/tile_schedules.h"
#include "model/fusion/fused_traffic.h"

#include <algorithm>
#include <map>
#include <optional>
#include <stdexcept>

namespace memsched::autoschedule {

void reach_from(const PipelineInfo& info, const FusionPlan& plan, const StageInfo& s, Reach* r) {
    for (const auto& call : s.pure_calls) {
        if (!call.callee_is_func) continue; // parameters and buffers read directly
        const StageInfo* c = info.find(call.callee);
        if (!c) continue;
        if (c->kind == StageKind::Reduction) {
            if (std::find(r->reductions.begin(), r->reductions.end(), c->name) == r->reductions.end())
                r->reductions.push_back(c->name);
        } else if (c->kind == StageKind::InputWrapper ||
                   plan.placement.at(c->name).placement != Placement::Inline) {
            if (c->pure_vars.size() != 4) continue; // small parameter tensors
            if (std::find(r->sources.begin(), r->sources.end(), c->name) == r->sources.end())
                r->sources.push_back(c->name);
        } else if (c->kind == StageKind::Pure) {
            if (r->inlined.insert(c->name).second) reach_from(info, plan, *c, r);
        } else {
            r->odd = c->name + " is " + to_string(c->kind);
        }
    }
}

bool consumed_only_by(const StageInfo& s, const std::set<std::string>& allowed) {
    for (const auto& c : s.consumers)
        if (!allowed.count(c)) return false;
    return true;
}

std::string group_names(const CrossLayerGroup& g) {
    std::string s;
    for (const auto& n : g.model.nodes) s += (s.empty() ? "" : " -> ") + n.name;
    return s;
}

bool staged_alone(const FusionPlan& plan, const std::string& conv) {
    const StagePlacement& p = plan.placement.at(conv);
    if (p.placement != Placement::InRootTile) return false;
    auto st = plan.staged.find(p.root);
    return st != plan.staged.end() && !st->second.empty();
}

namespace {

using Halide::TailStrategy;

// One input path of the exit: convs from the group input down to a conv in
// the exit's register blocks, with the pure stages materialised between them.
struct Branch {
    std::vector<std::string> convs;  // producers first; the last is an exit conv
    std::vector<std::string> stages; // pads computed per band, producers first
    std::vector<std::string> inlined; // materialised layer outputs inlined into the band
    std::string source;              // the 4-D tensor the branch starts from
};

bool is_activation(const StageInfo* s) { return s && s->pure_vars.size() == 4; }

// The conv computed in the tiles of materialised layer output `out`
// (fusion_plan.h) when `out` can instead be inlined into a band: it is
// read only by `pad`, is no output, and is the epilogue of exactly one
// conv-like reduction and nothing else (no residual identity); else "".
std::string epilogue_conv(const PipelineInfo& info, const FusionPlan& plan, const std::string& out,
                          const std::string& pad) {
    const StageInfo* s = info.find(out);
    if (!s || s->kind != StageKind::Pure || s->is_output || !consumed_only_by(*s, {pad}))
        return "";
    auto fused = plan.fused.find(out);
    if (fused == plan.fused.end() || fused->second.size() != 1) return "";
    if (fused->second[0].match.shape.kind == LayerKind::FullyConnected) return "";
    Reach r;
    reach_from(info, plan, *s, &r);
    if (!r.odd.empty() || !r.sources.empty() || r.reductions.size() != 1) return "";
    return r.reductions[0] == fused->second[0].name ? r.reductions[0] : "";
}

// Walks up from exit conv `conv` through at most `max_upstream` producer
// reductions; nullopt with `why` when the path has a shape the schedule
// cannot express.
std::optional<Branch> walk_branch(const PipelineInfo& info, const FusionPlan& plan,
                                  const std::string& conv, int max_upstream, std::string* why) {
    Branch b;
    std::string cur = conv;
    for (int upstream = 0;; upstream++) {
        b.convs.insert(b.convs.begin(), cur);
        std::string w;
        const auto m = match_layer(*info.find(cur), &w);
        if (!m) {
            *why = cur + ": " + w;
            return std::nullopt;
        }
        const StageInfo* in = info.find(m->input);
        if (!in || in->kind == StageKind::InputWrapper || in->kind != StageKind::Pure ||
            plan.placement.at(in->name).placement == Placement::Inline) {
            b.source = m->input; // a buffer or wrapper read directly
            return b;
        }
        Reach r;
        reach_from(info, plan, *in, &r);
        if (!r.odd.empty()) {
            *why = in->name + " reads " + r.odd;
            return std::nullopt;
        }
        if (!consumed_only_by(*in, {cur})) {
            b.source = in->name; // read elsewhere too: stays at root, the group's input
            return b;
        }
        if (r.reductions.empty() && r.sources.size() == 1) {
            b.stages.insert(b.stages.begin(), in->name); // the pad, computed per band
            // A previous layer's materialised output: its conv joins the
            // band and the output is inlined into this pad; or the group input.
            const std::string up = upstream < max_upstream
                                       ? epilogue_conv(info, plan, r.sources[0], in->name)
                                       : "";
            if (up.empty()) {
                b.source = r.sources[0];
                return b;
            }
            b.inlined.insert(b.inlined.begin(), r.sources[0]);
            cur = up;
            continue;
        }
        if (r.reductions.size() != 1 || !r.sources.empty()) {
            b.source = in->name; // joins several tensors: stays at root
            return b;
        }
        const std::string& up = r.reductions[0];
        auto tiled = plan.tiled_in_place.find(up);
        std::set<std::string> inside = r.inlined;
        inside.insert(in->name);
        // `up` tiled in place, or computed in the tiles of this pad itself.
        bool hosted = false;
        if (auto f = plan.fused.find(in->name); f != plan.fused.end())
            hosted = f->second.size() == 1 && f->second[0].name == up;
        bool private_path = (tiled != plan.tiled_in_place.end() || hosted) &&
                            !info.find(up)->is_output && consumed_only_by(*info.find(up), inside);
        // Activation-shaped stages only: per-channel parameters (a folded
        // batch norm's scale) are read by the weights' root too, harmlessly.
        for (const auto& name : r.inlined)
            if (is_activation(info.find(name)))
                private_path = private_path && consumed_only_by(*info.find(name), inside);
        if (!private_path) {
            if (plan.placement.at(in->name).placement == Placement::Root) {
                b.source = in->name;
            } else {
                // A pad staged per cache tile of its conv (a block input
                // read by the residual add too, e.g. a materialised pool):
                // not materialised, so computed per band from `up`'s
                // output. Left out, it would be inlined into the band
                // conv's inner loop (a select and clamped load per tap:
                // ResNet-18 @112's fused layer1.0 ran 1.29x slower).
                b.stages.insert(b.stages.begin(), in->name);
                b.source = up;
            }
            return b;
        }
        if (upstream >= max_upstream) {
            // The group input: a pad hosting `up` is the materialised
            // tensor itself; a pad of a reduction tiled in place is
            // computed per band from it.
            if (hosted) {
                b.source = in->name;
            } else {
                b.stages.insert(b.stages.begin(), in->name);
                b.source = up;
            }
            return b;
        }
        b.stages.insert(b.stages.begin(), in->name);
        cur = up;
    }
}

} // namespace

std::optional<LayerShape> model_shape(const ConvMatch& m, int64_t in_w, int64_t in_h,
                                      std::string* why) {
    LayerShape s = m.shape;
    auto pad_for = [&](int64_t out, int64_t kernel, int64_t in) {
        const int64_t need = (out - 1) * s.stride + (kernel - 1) * s.dilation + 1;
        return std::max<int64_t>(0, (need - in + 1) / 2);
    };
    const int64_t out_w = s.out_width(), out_h = s.out_height();
    const int64_t pw = pad_for(out_w, s.kernel_w, in_w), ph = pad_for(out_h, s.kernel_h, in_h);
    s.in_width = in_w, s.in_height = in_h, s.pad = std::max(pw, ph);
    const int64_t crop_w = s.out_width() - out_w, crop_h = s.out_height() - out_h;
    if (crop_w < 0 || crop_h < 0 || crop_w > s.stride || crop_h > s.stride) {
        *why = "padding is not the same on every side";
        return std::nullopt;
    }
    return s;
}

namespace {

// The exit reads the group input pointwise (a residual shortcut), or
// another tensor (nullopt: not a single-entry block).
std::optional<bool> exit_shortcut(const PipelineInfo& info, const FusionPlan& plan,
                                  const StageInfo& exit, const std::string& source,
                                  std::string* why) {
    Reach r;
    reach_from(info, plan, exit, &r);
    bool shortcut = false;
    for (const auto& s : r.sources) {
        if (s == source) shortcut = true;
        else {
            *why = exit.name + " also reads " + s;
            return std::nullopt;
        }
    }
    // A materialised reduction (a pool) read pointwise is the shortcut when
    // it is the group input; the exit's own convs are in its blocks.
    const auto& own = plan.fused.at(exit.name);
    for (const auto& red : r.reductions) {
        if (red == source) shortcut = true;
        else if (std::none_of(own.begin(), own.end(),
                              [&](const FusedReduction& f) { return f.name == red; })) {
            *why = exit.name + " also reads " + red;
            return std::nullopt;
        }
    }
    return shortcut;
}

} // namespace

TilePlan plan_group_exit(const ConvMatch& match, const Halide::Target& target,
                         const PluginParams& params) {
    TilePlan p = plan_match_tiles(match, target, params, true);
    if (!match.shape.has_weights() && p.kernel.rows > 1) p.kernel.rows = 1;
    return p;
}

namespace {

// The plan of a conv in a group allowed the channel-vectorized block (it
// takes it on narrow maps); `at_exit` as plan_group_exit's (a staged input).
TilePlan channel_plan(const ConvMatch& match, const Halide::Target& target,
                      const PluginParams& params, bool at_exit) {
    return plan_match_tiles(match, target, params, at_exit, /*allow_channel_vectors=*/true);
}

struct Candidate {
    CrossLayerGroup group;
    std::vector<TilePlan> layered; // per model Layer node, as each runs alone
    std::vector<MicroKernel> fused_kernels; // per model Layer node, in the group
    // The same with every conv x-vectorized, for the tilings the channel
    // block is not emitted in: sliding bands (band convs stored per strip,
    // folded by rows) and 2-D tiles.
    std::vector<MicroKernel> x_vector_kernels;
    // Unless the bands slide or are 2-D tiles: see CrossLayerGroup.
    std::vector<std::string> channel_vector_convs, weight_panels;
    bool channel_exit = false;
    int64_t shortcut_bytes = 0;
    int64_t row_block = 1, col_block = 1; // the exit's register block: rows, x lanes
    BandCopies copies; // buffers the bands stage beside the model's boxes
};


std::optional<Candidate> build_candidate(const PipelineInfo& info, const FusionPlan& plan,
                                         const StageInfo& exit,
                                         const std::vector<FusedReduction>& fused,
                                         int max_upstream, const Halide::Target& target,
                                         const PluginParams& params, std::string* why) {
    Candidate c;
    c.group.exit = exit.name;
    if (exit.pure_vars.size() != 4 || !exit.extents_known()) {
        *why = "exit is not a 4-D stage with known extents";
        return std::nullopt;
    }
    std::vector<Branch> branches;
    for (const auto& f : fused) {
        if (f.match.shape.kind == LayerKind::FullyConnected) {
            *why = f.name + " is fully connected";
            return std::nullopt;
        }
        c.group.exit_convs.push_back(f.name);
        auto b = walk_branch(info, plan, f.name, max_upstream, why);
        if (!b) return std::nullopt;
        if (!branches.empty() && b->source != branches[0].source) {
            *why = "branches start from " + branches[0].source + " and " + b->source;
            return std::nullopt;
        }
        branches.push_back(*b);
    }
    size_t upstream = 0;
    for (const auto& b : branches) upstream += b.convs.size() - 1;
    if (upstream == 0) {
        *why = "no conv upstream of " + exit.name + "'s convs within reach";
        return std::nullopt;
    }
    const std::string source = branches[0].source;
    const StageInfo* src = info.find(source);
    if (!src || !src->extents_known() || src->extents.size() != 4) {
        *why = "group input " + source + " has no known 4-D extents";
        return std::nullopt;
    }
    auto shortcut = exit_shortcut(info, plan, exit, source, why);
    if (!shortcut) return std::nullopt;

    FusedGroup& g = c.group.model;
    g.input = {src->extents[2] * src->extents[3], src->extents[1], src->extents[0]};
    std::vector<int> ends;
    // Per conv: the tensor its input stage copies when that stage is staged
    // per band (a band pad, or a staged input of the exit's convs).
    std::vector<std::pair<std::string, int>> read_through;
    for (const auto& b : branches) {
        int prev = -1;
        int64_t w = src->extents[0], h = src->extents[1];
        for (const auto& name : b.convs) {
            std::string mw;
            const auto m = match_layer(*info.find(name), &mw);
            auto shape = model_shape(*m, w, h, why);
            if (!shape) {
                *why = name + ": " + *why;
                return std::nullopt;
            }
            read_through.push_back({m->input, prev + 1});
            FusedNode node;
            node.name = name;
            node.shape = *shape;
            node.inputs = {prev};
            prev = int(g.nodes.size());
            g.nodes.push_back(node);
            const bool at_exit = name == b.convs.back();
            // Alone, an exit conv computed by its root by itself may take the
            // channel-vectorized block (autoscheduler.cpp); in the group it
            // runs the band's x-vectorized block, as band convs do.
            const bool alone_channel_vectors =
                at_exit && fused.size() == 1 && weights_can_be_k_innermost(info, plan, *m);
            c.layered.push_back(plan_match_tiles(*m, target, params, staged_alone(plan, name),
                                                 alone_channel_vectors));
            const MicroKernel x_vectors = plan_match_tiles(*m, target, params, at_exit).kernel;
            // A conv of a narrow map may take the channel-vectorized block,
            // as it does alone: Tiny-YOLOv2 @224's conv8 (7x7, 1024
            // channels) ran 75 ms per call x-vectorized as a band conv, 9.6
            // ms channel-vectorized (Halide profiler, 1 thread, AVX2). At
            // the exit, only as its root's one conv (schedule_band_tiles).
            const bool may_vectorize_channels =
                (!at_exit || fused.size() == 1) && weights_can_be_k_innermost(info, plan, *m);
            const MicroKernel kernel =
                may_vectorize_channels ? channel_plan(*m, target, params, at_exit).kernel : x_vectors;
            c.fused_kernels.push_back(kernel);
            c.x_vector_kernels.push_back(x_vectors);
            if (kernel.channel_vectors) {
                if (at_exit)
                    c.channel_exit = true;
                else
                    c.channel_vector_convs.push_back(name);
                c.weight_panels.push_back(m->weights);
            }
            if (!at_exit) c.group.band_convs.push_back(name);
            w = shape->out_width(), h = shape->out_height();
        }
        // The first conv's pad staged per band copies the group input's box.
        if (!b.stages.empty()) {
            std::string mw;
            const auto first = match_layer(*info.find(b.convs.front()), &mw);
            if (first && first->input == b.stages.front()) c.copies.input++;
        }
        for (const auto& s : b.stages) c.group.band_stages.push_back(s);
        for (const auto& s : b.inlined) c.group.band_inlined.push_back(s);
        ends.push_back(prev);
    }
    if (ends.size() > 1 || *shortcut) {
        FusedNode add;
        add.name = exit.name;
        add.op = FusedOp::Add;
        add.inputs = ends;
        if (*shortcut) add.inputs.push_back(-1);
        g.nodes.push_back(add);
    }
    if (*shortcut) c.shortcut_bytes = g.input.elements() * g.element_bytes;
    // Staged copies of the exit's inputs are computed per band as well.
    if (auto st = plan.staged.find(exit.name); st != plan.staged.end())
        for (const auto& s : st->second)
            if (std::find(c.group.band_stages.begin(), c.group.band_stages.end(), s) ==
                c.group.band_stages.end())
                c.group.band_stages.push_back(s);
    c.copies.sliding.assign(g.nodes.size() + 1, 0);
    for (const auto& [stage, tensor] : read_through)
        if (std::find(c.group.band_stages.begin(), c.group.band_stages.end(), stage) !=
            c.group.band_stages.end())
            c.copies.sliding[size_t(tensor)]++;
    const FusedReduction* main = &fused[0];
    for (const auto& f : fused)
        if (f.match.shape.macs() > main->match.shape.macs()) main = &f;
    const MicroKernel exit_kernel = plan_group_exit(main->match, target, params).kernel;
    c.row_block = exit_kernel.rows;
    c.col_block = exit_kernel.vector_lanes;
    return c;
}

// Why the group's register blocks would re-read their weights from DRAM,
// or "". In the group a conv's register blocks each run its whole
// reduction, one channel block's weights reused across the band's
// positions; the fusion model counts those weights once per band, true
// only while one block's weights stay in the last cache. Tiny-YOLOv2
// @112's conv8 (295 KiB per block of 8 channels) read its weights 9x per
// band at a 256 KiB LL (464 MiB measured against 61 predicted).
std::string unheld_weights(const Candidate& c, const PluginParams& params) {
    const CacheLevelParams& last = params.levels.back();
    size_t li = 0;
    for (const FusedNode& node : c.group.model.nodes) {
        if (node.op != FusedOp::Layer) continue;
        const int64_t panel = channel_panel_bytes(node.shape, c.fused_kernels.at(li++));
        if (panel > last.capacity_bytes)
            return node.name + ": one channel block's weights (" + std::to_string(panel) +
                   " B) exceed the " + last.name + " (" + std::to_string(last.capacity_bytes) +
                   " B)";
    }
    return "";
}

// A band reduction's match: tiled in place alone (pools), or computed in
// the tiles of its own layer output (convs, fusion_plan.h).
const ConvMatch& match_of(const FusionPlan& plan, const std::string& name) {
    if (auto t = plan.tiled_in_place.find(name); t != plan.tiled_in_place.end()) return t->second;
    const std::string& root = plan.placement.at(name).root;
    for (const auto& f : plan.fused.at(root))
        if (f.name == name) return f.match;
    throw std::logic_error("layer fusion: no match for " + name);
}


// Line buffers of a sliding group. Halide 14 does not fold the storage of
// a producer stored per strip and computed per band by itself (the band
// extents are guarded, so it finds no constant bound): each one then holds
// the whole strip, every row is written to fresh lines, and the group
// moves what layer by layer moves (VGG-16 front @112, LL 1 MiB: +1.6%).
// Folding each one modulo exactly the rows a band needs keeps the model's
// line buffer. Not rounded up to a power of two (Halide's own folds are):
// GoogLeNet's stem holds two 64-channel line buffers of a 112-wide map,
// 9 rows each, and at 16 rows the cycle outgrew a 1 MiB LLC and missed
// on every line (17.4 MiB measured against 9.4 folded exactly). Rows per
// band: the model's boxes (the band needing the most) for a conv's output,
// and the unclamped input window of the conv that reads it for a pad.
struct BandLineRows {
    std::map<std::string, int64_t> output, window; // by model node (conv) name
};

BandLineRows band_line_rows(const FusedGroup& g, int64_t band_rows) {
    BandLineRows r;
    const auto bands = fused_axis_intervals(g, true, band_rows);
    for (size_t i = 0; i < g.nodes.size(); i++) {
        const FusedNode& n = g.nodes[i];
        if (n.op != FusedOp::Layer) continue;
        const int64_t rows = largest_extent(bands, i + 1);
        r.output[n.name] = rows;
        r.window[n.name] = n.shape.input_rows(rows);
    }
    return r;
}



// A band conv holds its output box; a band pad the input window of the
// group's convs that read it.
bool fold_band_conv(ScheduleWriter& w, const StageInfo& conv, const BandLineRows& rows) {
    auto it = rows.output.find(conv.name);
    return fold_rows(w, conv, it == rows.output.end() ? 0 : it->second);
}

bool fold_band_pad(ScheduleWriter& w, const StageInfo& pad, const BandLineRows& rows) {
    int64_t need = 0;
    for (const auto& c : pad.consumers)
        if (auto it = rows.window.find(c); it != rows.window.end()) need = std::max(need, it->second);
    return fold_rows(w, pad, need);
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

// True for a stage the bands of `g` leave inline: the plan's inlined
// pointwise stages and the group's band_inlined.
bool inlined_in_band(const FusionPlan& plan, const CrossLayerGroup& g, const std::string& name) {
    const auto p = plan.placement.find(name);
    return contains(g.band_inlined, name) ||
           (p != plan.placement.end() && p->second.placement == Placement::Inline);
}

// The stages reading band conv `conv`, directly or through its inlined
// epilogue.
std::set<std::string> band_readers(const PipelineInfo& info, const FusionPlan& plan,
                                   const CrossLayerGroup& g, const std::string& conv) {
    std::set<std::string> readers;
    std::vector<std::string> pending{conv};
    while (!pending.empty()) {
        const StageInfo& s = *info.find(pending.back());
        pending.pop_back();
        for (const auto& c : s.consumers) {
            if (inlined_in_band(plan, g, c)) pending.push_back(c);
            else readers.insert(c);
        }
    }
    return readers;
}

// The band stage that hosts band conv `conv`: the one stage reading it,
// reading no other band conv; "" when there is none such (read by the exit
// or by two stages, or a stage joining two convs), in which case the conv
// is computed per band as a whole.
std::string band_host_of(const PipelineInfo& info, const FusionPlan& plan,
                         const CrossLayerGroup& g, const std::string& conv) {
    const std::set<std::string> readers = band_readers(info, plan, g, conv);
    if (readers.size() != 1 || !contains(g.band_stages, *readers.begin())) return "";
    const std::string host = *readers.begin();
    if (info.find(host)->pure_vars.size() != 4) return "";
    for (const auto& other : g.band_convs)
        if (other != conv && band_readers(info, plan, g, other).count(host)) return "";
    return host;
}

} // namespace

void schedule_band_stage(ScheduleWriter& w, const StageInfo& s, const StageInfo& exit,
                         const BandLoops& loops, bool sliding, int lanes) {
    w.compute_at(s.func, exit.func, loops.band);
    if (sliding && loops.strip != loops.band) w.store_at(s.func, exit.func, loops.strip);
    if (lanes > 1 && !s.pure_vars.empty()) {
        const std::string& x = s.pure_vars[0];
        w.stage(s.func, -1)
            .split(x, x + "_vo", x + "_vi", lanes, TailStrategy::GuardWithIf)
            .vectorize(x + "_vi");
    }
}

std::string conv_epilogue_buffer(const PipelineInfo& info, const FusionPlan& plan,
                                const CrossLayerGroup& g, const std::string& conv) {
    const StageInfo& c = *info.find(conv);
    if (c.consumers.size() != 1) return "";
    const StageInfo* e = info.find(c.consumers[0]);
    if (!e || e->kind != StageKind::Pure || e->pure_vars.size() != 4 || !e->reads_pointwise(conv))
        return "";
    return inlined_in_band(plan, g, e->name) ? e->name : "";
}

bool fold_rows(ScheduleWriter& w, const StageInfo& s, int64_t rows) {
    if (s.pure_vars.size() != 4 || rows <= 0) return false;
    w.fold_storage(s.func, s.pure_vars[1], int(rows));
    return true;
}

const CrossLayerGroup* CrossLayerPlan::group_of_exit(const std::string& name) const {
    for (const auto& g : groups)
        if (g.exit == name) return &g;
    return nullptr;
}

bool CrossLayerPlan::in_band(const std::string& name) const {
    for (const auto& g : groups)
        for (const auto* names : {&g.band_convs, &g.band_stages, &g.band_inlined,
                                  &g.band_line_buffers, &g.weight_panels})
            if (contains(*names, name)) return true;
    return false;
}

TilePlan plan_match_tiles(const ConvMatch& match, const Halide::Target& target,
                          const PluginParams& params, bool staged_input,
                          bool allow_channel_vectors, bool one_reduction) {
    const LayerShape& shape = match.shape;
    const bool fc = shape.kind == LayerKind::FullyConnected;
    const bool per_channel = match.depthwise || !shape.has_weights();
    auto choose = [&](bool channel_vectors) {
        return fc ? MicroKernel{1, 1, 8}
                  : choose_micro_kernel(target, params.vector_width_override, shape.out_width(),
                                        shape.out_height(), shape.out_channels, per_channel,
                                        channel_vectors);
    };
    MicroKernel mk = choose(allow_channel_vectors);
    // A channel-vectorized block reads one channel block's weight panel
    // (tile_schedules.h) once per row and column block of its tile: a panel
    // the L2 cannot hold comes from memory each time. Tiny-YOLOv2's conv8
    // (1024 -> 1024, 3x3, on 4x4; 590 KB panels) measured 7.9x its
    // compulsory bytes that way at a 256 KiB LL, and 1.03x with the
    // x-vectorized block and its reduction split.
    if (mk.channel_vectors && channel_panel_bytes(shape, mk) > params.levels[1].capacity_bytes)
        mk = choose(false);
    return plan_layer(shape, params, mk, staged_input, one_reduction);
}

TilePlan plan_alone_in_root(const ConvMatch& match, const Halide::Target& target,
                            const PluginParams& params, bool staged_input,
                            bool allow_channel_vectors) {
    const TilePlan tiles = plan_match_tiles(match, target, params, staged_input,
                                            allow_channel_vectors, /*one_reduction=*/true);
    return plan_reduction_split(match, target, params, tiles, staged_input, /*even_if_held=*/true);
}

HostedPlan plan_hosted_layer(const ConvMatch& match, const Halide::Target& target,
                             const PluginParams& params, bool staged_input, bool weights_func) {
    // Tiny-YOLOv2 @112's conv8 (37.9 MB of weights on a 4x4 map) read its
    // weights 11x in bands at a 256 KiB LL; split alone it measured 1.03x
    // compulsory.
    const TilePlan whole = plan_match_tiles(match, target, params, staged_input);
    // Bands of a narrow map may run the channel-vectorized block (its
    // weights copied per channel block at the band, as in a fused group):
    // Tiny-YOLOv2 @224's hosted conv7 (7x7, 512 -> 1024 channels) ran
    // 38.7 ms per call x-vectorized (Halide profiler, 1 thread, AVX2).
    // So may its split below; the per-tile nest stays x-vectorized.
    const TilePlan whole_bands =
        weights_func ? plan_match_tiles(match, target, params, staged_input, /*allow_channel_vectors=*/true)
                     : whole;
    // Bands run every output channel per band, so a plan of channel tiles
    // outermost (weights read once, input once per channel tile) would read
    // the weights once per band instead: Tiny-YOLOv2 @224's conv8 (37.7 MB
    // of weights, 7x7 map) read them twice at a 1 MiB LL. Such a plan keeps
    // its nest, the conv computed per tile (one chunk).
    const LayerShape& shape = match.shape;
    if (whole.tile_held && whole.k_outer && whole.tile_k < shape.out_channels &&
        whole.tile_y < shape.out_height() && reduction_can_split(match)) {
        TilePlan tiled = whole;
        tiled.tile_c = shape.in_channels;
        tiled.split_rvar = match.channel_rvar;
        return {tiled, " in its tiles (bands of every channel would re-read its weights)"};
    }
    const TilePlan bands = plan_hosted_bands(match.shape, params, whole_bands);
    // Held or not, each band re-reads all the layer's weights: where they
    // outgrow the caches, the split (weights once per tile of many rows)
    // can move far less (Tiny-YOLOv2 @224's conv8, 37.7 MB of weights, read
    // them twice in bands of 4 of its 7 rows at 1 MiB).
    const TilePlan split = plan_reduction_split(match, target, params, whole_bands, staged_input,
                                                /*even_if_held=*/true);
    if (split.tile_c > 0 && less_dram_traffic(split, bands))
        return {split, " in its tiles (hosted bands would move more)"};
    return {bands, " per band (hosted layer)"};
}

int64_t channel_panel_bytes(const LayerShape& shape, const MicroKernel& mk) {
    return shape.in_channels_per_group() * shape.kernel_h * shape.kernel_w * mk.k_block *
           shape.element_bytes;
}

bool weights_can_be_k_innermost(const PipelineInfo& info, const FusionPlan& plan,
                                const ConvMatch& m) {
    if (m.depthwise || m.weights.empty() || m.shape.kind != LayerKind::Conv) return false;
    const StageInfo* w = info.find(m.weights);
    if (!w || w->pure_vars.size() != 4) return false;
    const Placement p = plan.placement.at(w->name).placement;
    return (w->kind == StageKind::Pure && p == Placement::Root) ||
           w->kind == StageKind::InputWrapper;
}

namespace {

// Up to this many producer layers join an exit's layers in one group
// (groups of up to 4 layers along a chain). Deeper groups need more halo
// rows per band than a 256 KiB - 1 MiB level holds for VGG/ResNet widths,
// and each depth is one more model evaluation per exit.
constexpr int kMaxUpstreamLayers = 3;

// Position interval of every stage a candidate schedules (group_partition.h).
GroupInterval interval_of(const PipelineInfo& info, const CrossLayerGroup& g, double gain) {
    GroupInterval iv;
    iv.first = iv.last = info.index.at(g.exit);
    auto cover = [&](const std::vector<std::string>& names) {
        for (const auto& n : names) {
            const size_t i = info.index.at(n);
            iv.first = std::min(iv.first, i), iv.last = std::max(iv.last, i);
        }
    };
    cover(g.exit_convs), cover(g.band_convs), cover(g.band_stages), cover(g.band_inlined);
    cover(g.band_line_buffers);
    cover(g.weight_panels);
    iv.gain = gain;
    return iv;
}

// What fusing saves against running the layers alone: predicted time,
// then traffic (a fused group of equal time and less traffic is chosen);
// with fusion_objective=traffic, bytes, then time.
double gain_of(const FusedBandPlan& b, Objective objective) {
    const double seconds = b.layered_seconds - b.fused_seconds;
    const double bytes = double(b.layered_bytes - b.fused_bytes);
    return objective == Objective::Traffic ? bytes + 1e-3 * seconds : seconds + 1e-15 * bytes;
}

} // namespace

CrossLayerPlan plan_cross_layer(const PipelineInfo& info, const FusionPlan& plan,
                                const Halide::Target& target, const PluginParams& params) {
    CrossLayerPlan out;
    if (!params.cross_layer_fusion) return out;
    std::vector<CrossLayerGroup> candidates;
    std::vector<GroupInterval> intervals;
    for (const auto& [root, fused] : plan.fused) {
        size_t last_size = 0;
        bool built = false;
        std::vector<std::string> refusals;
        for (int depth = 1; depth <= kMaxUpstreamLayers; depth++) {
            std::string why;
            auto c = build_candidate(info, plan, *info.find(root), fused, depth, target, params, &why);
            if (!c) {
                // A deeper group may still form: a residual add reads the
                // block input, which a group reaches only once it holds
                // the whole block (MobileNetV2's expand -> dw -> project).
                if (std::find(refusals.begin(), refusals.end(), why) == refusals.end())
                    refusals.push_back(why);
                continue;
            }
            built = true;
            if (c->group.band_convs.size() == last_size) break; // no producer left to add
            last_size = c->group.band_convs.size();
            c->group.bands = plan_fused_bands(c->group.model, c->layered, c->shortcut_bytes,
                                              c->row_block, params, c->fused_kernels,
                                              params.fused_2d_tiles ? c->col_block : 0,
                                              c->x_vector_kernels, c->copies);
            if (!c->group.bands.keep_halo && c->group.bands.full_width) {
                c->group.channel_vector_convs = c->channel_vector_convs;
                c->group.channel_exit = c->channel_exit;
                c->group.weight_panels = c->weight_panels;
            }
            if (c->group.bands.keep_halo)
                for (const auto& conv : c->group.band_convs) {
                    const std::string e = conv_epilogue_buffer(info, plan, c->group, conv);
                    if (e.empty()) continue;
                    c->group.band_line_buffers.push_back(e);
                    auto& inl = c->group.band_inlined;
                    inl.erase(std::remove(inl.begin(), inl.end(), e), inl.end());
                }
            if (const std::string why = unheld_weights(*c, params); !why.empty()) {
                FusedBandPlan& b = c->group.bands; // refused even where forced
                b.fuse = false;
                b.why = why + (b.why.empty() ? "" : "; " + b.why);
            }
            out.log.push_back("candidate group " + group_names(c->group) + ": " +
                              c->group.bands.describe());
            out.comments.push_back(out.log.back());
            if (!c->group.bands.fuse) continue;
            // Forced fusion: any fused group beats none, bigger ones more.
            const double gain = params.forced_halo != PluginParams::ForcedHalo::None
                                    ? 1.0 + double(c->group.band_convs.size())
                                    : gain_of(c->group.bands, params.fusion_objective);
            intervals.push_back(interval_of(info, c->group, gain));
            candidates.push_back(c->group);
        }
        if (!built) {
            std::string why;
            for (const auto& r : refusals) why += (why.empty() ? "" : "; ") + r;
            out.log.push_back(root + ": no cross-layer fusion: " + why);
        }
    }
    // Convs fused into the bands of a materialised reduction after them.
    for (const auto& [exit, match] : plan.tiled_in_place) {
        std::string why;
        auto g = reduction_exit_candidate(info, plan, exit, target, params, &why);
        if (!g) continue; // not that shape: nothing to say
        out.log.push_back("candidate group " + group_names(*g) + ": " + g->bands.describe());
        out.comments.push_back(out.log.back());
        if (!g->bands.fuse) continue;
        intervals.push_back(interval_of(info, *g, gain_of(g->bands, params.fusion_objective)));
        candidates.push_back(*g);
    }
    // Pools run as their conv's epilogue, in the conv's own tiles; not
    // under a forced halo policy (fusion=keep|recompute names band groups).
    if (params.forced_halo == PluginParams::ForcedHalo::None)
        for (const auto& entry : plan.fused) {
            std::string why;
            auto g = pool_epilogue_candidate(info, plan, entry.first, target, params, &why);
            if (!g) continue; // not that shape: nothing to say
            out.log.push_back("candidate group " + group_names(*g) + " (pool epilogue): " +
                              g->bands.describe());
            out.comments.push_back(out.log.back());
            if (!g->bands.fuse) continue;
            intervals.push_back(interval_of(info, *g, gain_of(g->bands, params.fusion_objective)));
            candidates.push_back(*g);
        }
    // Whole modules in bands of the stage joining their branches.
    for (const auto& s : info.stages) {
        for (auto& g : concat_module_candidates(info, plan, s.name, target, params, &out.log)) {
            out.log.push_back("candidate group " + group_names(g) + " (module): " +
                              g.bands.describe());
            out.comments.push_back(out.log.back());
            if (!g.bands.fuse) continue;
            intervals.push_back(interval_of(info, g, gain_of(g.bands, params.fusion_objective)));
            candidates.push_back(std::move(g));
        }
    }
    // A chosen group is logged where it is scheduled, with its loops.
    const std::vector<size_t> chosen = choose_disjoint_groups(intervals);
    double saved_seconds = 0;
    int64_t saved_bytes = 0;
    for (size_t i : chosen) {
        out.groups.push_back(candidates[i]);
        const FusedBandPlan& b = candidates[i].bands;
        saved_seconds += b.layered_seconds - b.fused_seconds;
        saved_bytes += b.layered_bytes - b.fused_bytes;
    }
    if (!candidates.empty()) {
        out.log.push_back("fusion partition (" + std::string(to_string(params.fusion_objective)) +
                          "): " + std::to_string(chosen.size()) + " group(s) of " +
                          std::to_string(candidates.size()) +
                          " that pay, chosen without overlap; predicted time saved " +
                          std::to_string(std::llround(saved_seconds * 1e9)) + "ns, bytes saved " +
                          std::to_string(saved_bytes));
        out.comments.push_back(out.log.back());
    }
    return out;
}

void schedule_hosted_layer(ScheduleWriter& w, const PipelineInfo& info, const StageInfo& pad,
                           const StageInfo& layer, const std::vector<std::string>& staged,
                           const TilePlan& plan, int parallelism, const StageInfo* weights) {
    if (plan.kernel.channel_vectors && !weights)
        throw std::logic_error("schedule_hosted_layer: a channel-vectorized " + layer.name +
                               " needs its weights");
    // A plan of one band stays one band of the whole pad: bands of
    // plan.tile_y pad rows cut ResNet-18 @112's 4-row layer4 convs into two
    // bands of their 6-row pads, which read their weights twice (79.76 MiB
    // measured at a 1 MiB LL, 62.22 MiB with one band; bench/RESULTS.md,
    // session 6). A single band still runs on every thread: its channel
    // blocks are split into parallel chunks (schedule_band_tiles).
    TilePlan bands = plan;
    bands.tile_y = rows_over_pad(plan.tile_y, layer.extents[1], pad.extents[1]);
    bands.kernel.channel_vectors = false; // the pad's own blocks: x vectors
    // x-vectorized: the layer's register blocks at the pad's own blocks,
    // channel block by channel block through the band, so no box of the
    // band's every channel sits between the layer and its pad.
    const bool at_pad_blocks = !plan.kernel.channel_vectors;
    const BandLoops loops =
        at_pad_blocks
            ? schedule_band_tiles(w, pad, {&layer}, {may_overcompute_spatially(info, layer)}, bands,
                                  parallelism, false)
            : schedule_band_tiles(w, pad, {}, {}, bands, parallelism, false);
    for (const auto& name : staged)
        schedule_band_stage(w, *info.find(name), pad, loops, false, plan.kernel.vector_lanes);
    if (at_pad_blocks) return;
    // Channel-vectorized: the layer per band, its k tiles from the plan (at
    // the pad's blocks, vectorized along channels, their stores strided by
    // a channel plane: MobileNetV2 @224's 14x14 and 7x7 pads hosting their
    // expand convs ran 1.5-2x slower, the network 1.13x, 1 thread,
    // RESULTS.md session 18). MobileNetV2's 7x7 and 4x4 layers are one
    // band each: profiled at 2 threads the whole network used 1.05 threads
    // on average.
    TilePlan p = plan;
    p.tile_y = layer.extents[1]; // the whole band: its k tiles only
    schedule_channel_reduction_at(w, layer, *weights, pad, loops.band, p, loops.channel_chunks);
}

void schedule_cross_layer_group(ScheduleWriter& w, const PipelineInfo& info,
                                const FusionPlan& plan, const CrossLayerGroup& group,
                                const Halide::Target& target, const PluginParams& params,
                                std::vector<std::string>* log) {
    if (group.reduction_exit) {
        schedule_reduction_exit_group(w, info, plan, group, target, params, log);
        return;
    }
    if (group.pool_epilogue) {
        schedule_pool_epilogue_group(w, info, group, params, log);
        return;
    }
    if (group.concat_module) {
        schedule_concat_module_group(w, info, plan, group, target, params, log);
        return;
    }
    const StageInfo& exit = *info.find(group.exit);
    const bool sliding = group.bands.keep_halo;
    std::vector<const StageInfo*> reductions;
    std::vector<bool> fixed_extent;
    const FusedReduction* main = nullptr;
    for (const auto& f : plan.fused.at(group.exit)) {
        reductions.push_back(info.find(f.name));
        fixed_extent.push_back(may_overcompute_spatially(info, *reductions.back()));
        if (!main || f.match.shape.macs() > main->match.shape.macs()) main = &f;
    }
    TilePlan exit_plan = group.channel_exit ? channel_plan(main->match, target, params, true)
                                            : plan_group_exit(main->match, target, params);
    exit_plan.tile_y = group.bands.band_rows;
    // The exit may be a pad with more rows than the model's exit:
    // Tiny-YOLOv2 @112's conv6 group ran in bands of 3 of pool6_padded's 4
    // rows, two bands that each read conv6's 4.5 MiB of weights.
    const FusedDims model_exit = group.model.output_of(int(group.model.nodes.size()) - 1);
    exit_plan.tile_y = rows_over_pad(group.bands.band_rows, model_exit.height, exit.extents[1]);
    // Each decision goes into the printed schedule and the log.
    auto note = [&](const std::string& text) {
        w.comment(text);
        log->push_back(text);
    };
    note("cross-layer group " + group_names(group) + " in bands of " + group.exit + ": " +
         group.bands.describe());
    // Sliding bands run serially in one strip: with parallel strips (the
    // strip loop fused with the batch loop) Halide 14's bounds inference
    // read the group input at n = -1 (AVX2 build of vgg16:pool3@112x112,
    // bands of 2 rows, 2 strips). Recomputed halos stay parallel.
    const BandLoops loops = schedule_band_tiles(
        w, exit, reductions, fixed_extent, exit_plan, sliding ? 1 : params.parallelism, sliding,
        group.bands.full_width ? 0 : group.bands.band_cols,
        group.channel_exit ? info.find(main->match.weights) : nullptr);
    if (group.channel_exit)
        note(group.exit + ": register blocks " + exit_plan.kernel.describe() +
             ", weights copied per channel block, k-innermost");
    if (sliding && loops.strips > 1)
        note(group.exit + ": " + std::to_string(loops.strips) +
             " parallel strips; each restarts its sliding window (not modeled)");
    for (const auto& name : group.band_inlined)
        w.note_inline(info.find(name)->func, "a band conv's output, inlined into the next pad");
    const BandLineRows line_rows = band_line_rows(group.model, loops.band_rows);
    std::map<std::string, TilePlan> conv_plans; // each band conv's, planned once
    for (const auto& name : group.band_convs) {
        const ConvMatch& m = match_of(plan, name);
        TilePlan p = contains(group.channel_vector_convs, name)
                         ? channel_plan(m, target, params, false)
                         : plan_match_tiles(m, target, params, false);
        p.tile_y = info.find(name)->extents[1]; // the whole band: no tile loops inside it
        p.tile_k = info.find(name)->extents[2];
        conv_plans[name] = p;
    }
    // Recomputed halos: an x-vectorized band conv runs its register blocks
    // at the blocks of the band stage hosting it (schedule_hosted_layer's
    // nest). Sliding groups keep their convs' line buffers.
    std::map<std::string, std::string> host_of_conv, conv_of_host;
    if (!sliding)
        for (const auto& name : group.band_convs) {
            // Channel-vectorized band convs stay per band (as hosted ones).
            if (conv_plans.at(name).kernel.channel_vectors) continue;
            const std::string host = band_host_of(info, plan, group, name);
            if (host.empty()) continue;
            host_of_conv[name] = host;
            conv_of_host[host] = name;
        }
    // Sliding: a conv's epilogue holds its line buffer, the conv's register
    // blocks computed at the epilogue's blocks.
    std::map<std::string, std::string> line_buffer_of_conv;
    if (sliding)
        for (const auto& name : group.band_convs) {
            const StageInfo& conv = *info.find(name);
            if (conv.consumers.size() == 1 && contains(group.band_line_buffers, conv.consumers[0]))
                line_buffer_of_conv[name] = conv.consumers[0];
        }
    std::string stages, unfolded;
    for (const auto& [name, e] : line_buffer_of_conv) {
        const StageInfo& conv = *info.find(name);
        const StageInfo& buffer = *info.find(e);
        schedule_conv_at_stage_blocks(w, buffer, exit, loops.band, conv,
                                      may_overcompute_spatially(info, conv),
                                      conv_plans.at(name).kernel);
        if (loops.strip != loops.band) w.store_at(buffer.func, exit.func, loops.strip);
        const auto rows = line_rows.output.find(name);
        if (!fold_rows(w, buffer, rows == line_rows.output.end() ? 0 : rows->second))
            unfolded += (unfolded.empty() ? "" : ", ") + e;
    }
    for (const auto& name : group.band_stages) {
        const StageInfo& s = *info.find(name);
        if (const auto hosted = conv_of_host.find(name); hosted != conv_of_host.end()) {
            const StageInfo& conv = *info.find(hosted->second);
            schedule_conv_at_stage_blocks(w, s, exit, loops.band, conv,
                                          may_overcompute_spatially(info, conv),
                                          conv_plans.at(conv.name).kernel, loops.channel_chunks);
            stages += (stages.empty() ? "" : ", ") + name;
            continue;
        }
        // The exit convs' staged inputs are recomputed per band (a copy of
        // a few halo rows): Halide 14 rejects their folded storage at run
        // time ("accessed out of order"; read per register block inside
        // the band), and unfolded they would hold the whole strip.
        const bool read_by_exit =
            std::any_of(s.consumers.begin(), s.consumers.end(),
                        [&](const std::string& c) { return contains(group.exit_convs, c); });
        // Nor the inputs of a conv computed at its line buffer's blocks:
        // Halide 14 then finds their folded rows "accessed out of order"
        // too; recomputed, a band copies its halo rows once more.
        const bool read_by_blocks = std::any_of(
            s.consumers.begin(), s.consumers.end(),
            [&](const std::string& c) { return line_buffer_of_conv.count(c) > 0; });
        const bool slide = sliding && !read_by_exit && !read_by_blocks;
        schedule_band_stage(w, s, exit, loops, slide, exit_plan.kernel.vector_lanes);
        stages += (stages.empty() ? "" : ", ") + name;
        if (slide && !fold_band_pad(w, s, line_rows))
            unfolded += (unfolded.empty() ? "" : ", ") + name;
    }
    if (!stages.empty()) note(group.exit + ": per band also " + stages);
    for (const auto& name : group.band_convs) {
        const StageInfo& r = *info.find(name);
        const ConvMatch& m = match_of(plan, name);
        const TilePlan& p = conv_plans.at(name);
        if (const auto e = line_buffer_of_conv.find(name); e != line_buffer_of_conv.end()) {
            note(name + ": computed per band of " + group.exit + " at the blocks of " + e->second +
                 " (its line buffer, stored per strip), kernel " + p.kernel.describe());
            continue;
        }
        if (const auto host = host_of_conv.find(name); host != host_of_conv.end()) {
            note(name + ": computed per band of " + group.exit + " at the blocks of " +
                 host->second + ", kernel " + p.kernel.describe());
            continue;
        }
        note(name + ": computed per band of " + group.exit + (sliding ? " (stored per strip)" : "") +
             ", kernel " + p.kernel.describe() +
             (p.kernel.channel_vectors ? ", weights copied per channel block, k-innermost" : ""));
        if (p.kernel.channel_vectors) {
            schedule_channel_reduction_at(w, r, *info.find(m.weights), exit, loops.band, p,
                                          loops.channel_chunks);
            continue;
        }
        schedule_reduction_tiles_at(w, r, exit, loops.band, sliding ? loops.strip : "", p,
                                    loops.channel_chunks);
        if (sliding && !fold_band_conv(w, r, line_rows))
            unfolded += (unfolded.empty() ? "" : ", ") + name;
    }
    if (!unfolded.empty()) note(group.exit + ": not folded (stored per strip): " + unfolded);
}

} // namespace memsched::autoschedule
