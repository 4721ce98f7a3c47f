// Whole modules fused in row bands of the stage joining their branches (see
// concat_module_group.h).
#include "autoschedule/concat_module_group.h"

#include "autoschedule/micro_kernel.h"
#include "autoschedule/tile_schedules.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <utility>

namespace memsched::autoschedule {
namespace {

// Convs per group: two fire modules (3 convs each), or one inception
// module (6 convs). Each candidate is one fusion-model search.
constexpr size_t kMaxModuleConvs = 8;
constexpr size_t kMaxCandidates = 4;

// The stages walked so far from the exit upwards.
struct Walk {
    std::set<std::string> members;               // computed per band
    std::set<std::string> readers;               // may read members: exit, inlined, members
    std::vector<std::string> convs;              // reductions, consumers first
    std::map<std::string, std::string> buffer_of; // conv -> its per-band epilogue
    std::vector<std::string> stages;             // pure stages per band (pads, buffers)
};

int64_t bytes_of(const StageInfo& s) {
    int64_t n = 4;
    for (int64_t e : s.extents) n *= std::max<int64_t>(1, e);
    return n;
}

// A tensor a group may read from memory: materialised (a root, a tiled
// reduction) or a pipeline input's wrapper, 4-D with known extents.
bool materialised_tensor(const FusionPlan& plan, const StageInfo& s) {
    if (s.pure_vars.size() != 4 || !s.extents_known()) return false;
    if (s.kind == StageKind::InputWrapper) return true;
    return plan.placement.at(s.name).placement == Placement::Root;
}

// The pointwise epilogue `conv` can run its register blocks at, inlined
// by the plan (computed per band instead); "" for none (a pool read by a pad).
std::string inline_epilogue(const PipelineInfo& info, const FusionPlan& plan,
                            const StageInfo& conv) {
    if (conv.consumers.size() != 1) return "";
    const StageInfo* e = info.find(conv.consumers[0]);
    if (!e || e->kind != StageKind::Pure || e->pure_vars.size() != 4 || e->is_output ||
        !e->reads_pointwise(conv.name) || plan.placement.at(e->name).placement != Placement::Inline)
        return "";
    Reach r;
    reach_from(info, plan, *e, &r);
    return r.odd.empty() && r.sources.empty() && r.reductions.size() == 1 ? e->name : "";
}

class ModuleWalker {
public:
    ModuleWalker(const PipelineInfo& info, const FusionPlan& plan, std::string exit)
        : info_(info), plan_(plan), exit_(std::move(exit)) {}

    // Adds stage `x` to the walk (its producers to `pending`); false with
    // `why` when it cannot be computed per band.
    bool expand(const StageInfo& x, Walk* w, std::set<size_t, std::greater<>>* pending,
                std::string* why) const {
        if (x.is_output || !consumed_only_by(x, w->readers)) {
            *why = x.name + " is read outside the module";
            return false;
        }
        if (x.kind == StageKind::Reduction) {
            std::string mw;
            const auto m = match_layer(x, &mw);
            if (!m || m->shape.kind == LayerKind::FullyConnected) {
                *why = x.name + (m ? " is fully connected" : ": " + mw);
                return false;
            }
            // A branch conv hosted by the exit itself (GoogLeNet's
            // materialised concat computes its first branch in its tiles)
            // runs at its epilogue's blocks like any other.
            const StagePlacement& xp = plan_.placement.at(x.name);
            const bool in_exit = xp.placement == Placement::InRootTile && xp.root == exit_;
            if (xp.placement != Placement::Root && !in_exit) {
                *why = x.name + " is computed in the tiles of " + plan_.placement.at(x.name).root;
                return false;
            }
            add_conv(x.name, inline_epilogue(info_, plan_, x), w);
            return push(m->input, pending, why);
        }
        if (x.kind != StageKind::Pure) {
            *why = x.name + " is " + to_string(x.kind);
            return false;
        }
        Reach r;
        reach_from(info_, plan_, x, &r);
        if (!r.odd.empty()) {
            *why = x.name + " reads " + r.odd;
            return false;
        }
        w->members.insert(x.name);
        w->readers.insert(x.name);
        w->readers.insert(r.inlined.begin(), r.inlined.end());
        w->stages.push_back(x.name);
        const auto fused = plan_.fused.find(x.name);
        if (fused != plan_.fused.end()) {
            // A conv's epilogue (or the pad hosting it) materialised with the
            // conv in its tiles: the conv's buffer in the band.
            if (fused->second.size() != 1 || r.reductions != std::vector<std::string>{fused->second[0].name} ||
                !r.sources.empty() || fused->second[0].match.shape.kind == LayerKind::FullyConnected) {
                *why = x.name + " computes more than one conv's output";
                return false;
            }
            const FusedReduction& f = fused->second[0];
            add_conv(f.name, "", w);
            w->buffer_of[f.name] = x.name;
            return push(f.match.input, pending, why);
        }
        for (const auto* names : {&r.reductions, &r.sources})
            for (const auto& n : *names)
                if (!push(n, pending, why)) return false;
        return true;
    }

private:
    void add_conv(const std::string& conv, const std::string& buffer, Walk* w) const {
        w->members.insert(conv);
        w->readers.insert(conv);
        w->convs.push_back(conv);
        if (buffer.empty()) return;
        w->buffer_of[conv] = buffer;
        w->members.insert(buffer);
        w->readers.insert(buffer);
        w->stages.push_back(buffer);
    }

    bool push(const std::string& name, std::set<size_t, std::greater<>>* pending,
              std::string* why) const {
        const auto it = info_.index.find(name);
        if (it == info_.index.end()) {
            *why = name + " is a buffer read directly";
            return false;
        }
        pending->insert(it->second);
        return true;
    }

    const PipelineInfo& info_;
    const FusionPlan& plan_;
    const std::string exit_;
};

// The fusion model's group for a walk with input `entry`: a node per conv
// (producers first) and one per join (a concat, or an add), the exit's
// join last. False with `why` when some stage reads no single tensor.
bool model_group(const PipelineInfo& info, const FusionPlan& plan, const StageInfo& exit,
                 const Walk& walk, const StageInfo& entry, FusedGroup* g,
                 std::vector<std::string>* convs, std::string* why) {
    g->input = {entry.extents[2] * entry.extents[3], entry.extents[1], entry.extents[0]};
    *convs = walk.convs;
    std::sort(convs->begin(), convs->end(), [&](const std::string& a, const std::string& b) {
        return info.index.at(a) < info.index.at(b);
    });
    std::map<std::string, int> node_of;
    std::function<int(const std::string&)> resolve = [&](const std::string& name) -> int {
        if (name == entry.name) return -1;
        if (auto it = node_of.find(name); it != node_of.end()) return it->second;
        const StageInfo* s = info.find(name);
        if (!s || !walk.members.count(name) && name != exit.name) {
            *why = name + " is outside the group";
            return -2;
        }
        Reach r;
        reach_from(info, plan, *s, &r);
        std::vector<int> ins;
        for (const auto* names : {&r.reductions, &r.sources})
            for (const auto& n : *names) {
                const int i = resolve(n);
                if (i == -2) return -2;
                if (std::find(ins.begin(), ins.end(), i) == ins.end()) ins.push_back(i);
            }
        if (ins.empty()) {
            *why = name + " reads no tensor of the group";
            return -2;
        }
        if (ins.size() == 1) return node_of[name] = ins[0];
        // A join: a concat when the channels add up to the stage's, an add
        // when each input has them all.
        FusedNode join;
        join.name = name;
        join.inputs = ins;
        int64_t sum = 0;
        bool all_equal = true;
        for (int i : ins) {
            sum += g->dims_of(i).channels;
            all_equal = all_equal && g->dims_of(i).channels == s->extents[2] * s->extents[3];
        }
        if (sum == s->extents[2] * s->extents[3]) join.op = FusedOp::Concat;
        else if (all_equal) join.op = FusedOp::Add;
        else {
            *why = name + " joins " + std::to_string(ins.size()) + " tensors of " +
                   std::to_string(sum) + " channels into " + std::to_string(s->extents[2]);
            return -2;
        }
        g->nodes.push_back(join);
        return node_of[name] = int(g->nodes.size()) - 1;
    };
    for (const auto& conv : *convs) {
        std::string mw;
        const auto m = match_layer(*info.find(conv), &mw);
        const int in = resolve(m->input);
        if (in == -2) return false;
        const FusedDims d = g->dims_of(in);
        auto shape = model_shape(*m, d.width, d.height, why);
        if (!shape) {
            *why = conv + ": " + *why;
            return false;
        }
        FusedNode node;
        node.name = conv;
        node.shape = *shape;
        node.inputs = {in};
        g->nodes.push_back(node);
        node_of[conv] = int(g->nodes.size()) - 1;
        if (auto b = walk.buffer_of.find(conv); b != walk.buffer_of.end())
            node_of[b->second] = node_of[conv];
    }
    const size_t before = g->nodes.size();
    if (resolve(exit.name) == -2) return false;
    if (g->nodes.size() == before || g->nodes.back().name != exit.name ||
        g->nodes.back().op != FusedOp::Concat) {
        *why = exit.name + " joins no branches in a concat";
        return false;
    }
    return true;
}

// The plan the plugin applies to `conv` without this group (autoscheduler.cpp).
TilePlan plan_alone(const PipelineInfo& info, const FusionPlan& plan, const std::string& conv,
                    const ConvMatch& m, const Halide::Target& target, const PluginParams& params) {
    const StagePlacement& p = plan.placement.at(conv);
    if (p.placement != Placement::InRootTile) return plan_match_tiles(m, target, params, false);
    const bool staged = staged_alone(plan, conv);
    const bool weights = weights_can_be_k_innermost(info, plan, m);
    if (plan.hosting_pads.count(p.root))
        return plan_hosted_layer(m, target, params, staged, weights).plan;
    if (plan.fused.at(p.root).size() == 1)
        return plan_alone_in_root(m, target, params, staged, weights);
    return plan_match_tiles(m, target, params, staged);
}

std::optional<CrossLayerGroup> build_module_group(const PipelineInfo& info, const FusionPlan& plan,
                                                  const StageInfo& exit, const Walk& walk,
                                                  const StageInfo& entry,
                                                  const Halide::Target& target,
                                                  const PluginParams& params, std::string* why) {
    CrossLayerGroup g;
    g.exit = exit.name;
    g.concat_module = true;
    std::vector<std::string> convs;
    if (!model_group(info, plan, exit, walk, entry, &g.model, &convs, why)) return std::nullopt;
    std::vector<TilePlan> layered;
    std::vector<MicroKernel> kernels;
    for (const auto& conv : convs) {
        std::string mw;
        const auto m = match_layer(*info.find(conv), &mw);
        layered.push_back(plan_alone(info, plan, conv, *m, target, params));
        kernels.push_back(plan_match_tiles(*m, target, params, false).kernel);
        const auto b = walk.buffer_of.find(conv);
        g.band_convs.push_back(conv);
        g.conv_buffers.push_back(b == walk.buffer_of.end() ? "" : b->second);
    }
    // What layer by layer moves besides the convs' own plans: each
    // materialised pad's copy (reading its producer, writing itself), and
    // the exit reading the branches and writing the join.
    std::set<std::string> buffers;
    for (const auto& [conv, b] : walk.buffer_of) buffers.insert(b);
    int64_t extra_bytes = 0;
    int input_copies = 0;
    for (const auto& name : walk.stages) {
        const StageInfo& s = *info.find(name);
        if (buffers.count(name)) continue;
        if (plan.placement.at(name).placement == Placement::Root) extra_bytes += 2 * bytes_of(s);
        Reach r;
        reach_from(info, plan, s, &r);
        for (const auto* names : {&r.sources, &r.reductions})
            if (std::find(names->begin(), names->end(), entry.name) != names->end()) input_copies++;
        g.band_stages.push_back(name);
    }
    for (const auto& name : walk.stages)
        if (buffers.count(name)) g.band_stages.push_back(name);
    const FusedDims joined = g.model.output_of(int(g.model.nodes.size()) - 1);
    extra_bytes += 2 * joined.elements() * g.model.element_bytes;
    g.bands = plan_fused_bands(g.model, layered, extra_bytes, 1, params, kernels, 0, {},
                               BandCopies{input_copies, {}}, true);
    return g;
}

} // namespace

std::vector<CrossLayerGroup> concat_module_candidates(const PipelineInfo& info,
                                                      const FusionPlan& plan,
                                                      const std::string& exit_name,
                                                      const Halide::Target& target,
                                                      const PluginParams& params,
                                                      std::vector<std::string>* log) {
    std::vector<CrossLayerGroup> out;
    const StageInfo* exit = info.find(exit_name);
    if (!exit || exit->kind != StageKind::Pure || exit->pure_vars.size() != 4 ||
        !exit->extents_known() || plan.placement.at(exit_name).placement != Placement::Root)
        return out;
    Reach top;
    reach_from(info, plan, *exit, &top);
    if (!top.odd.empty() || top.reductions.size() + top.sources.size() < 2) return out;

    const ModuleWalker walker(info, plan, exit_name);
    Walk walk;
    walk.readers = top.inlined;
    walk.readers.insert(exit_name);
    std::set<size_t, std::greater<>> pending;
    for (const auto* names : {&top.reductions, &top.sources})
        for (const auto& n : *names) pending.insert(info.index.at(n));
    std::string why;
    while (!pending.empty() && out.size() < kMaxCandidates) {
        const StageInfo& next = info.stages[*pending.begin()];
        if (pending.size() == 1 && walk.convs.size() >= 2 && materialised_tensor(plan, next)) {
            auto g = build_module_group(info, plan, *exit, walk, next, target, params, &why);
            if (g) out.push_back(*g);
            else log->push_back(exit_name + ": module group from " + next.name + " not modeled: " + why);
        }
        if (walk.convs.size() >= kMaxModuleConvs) break;
        pending.erase(pending.begin());
        if (!walker.expand(next, &walk, &pending, &why)) {
            if (out.empty()) log->push_back(exit_name + ": no module group: " + why);
            break;
        }
    }
    return out;
}

void schedule_concat_module_group(ScheduleWriter& w, const PipelineInfo& info,
                                  const FusionPlan& plan, const CrossLayerGroup& group,
                                  const Halide::Target& target, const PluginParams& params,
                                  std::vector<std::string>* log) {
    const StageInfo& exit = *info.find(group.exit);
    auto note = [&](const std::string& text) {
        w.comment(text);
        log->push_back(text);
    };
    note("cross-layer group " + group_names(group) + " in bands of " + group.exit + " (module): " +
         group.bands.describe());
    const int lanes = params.vector_width_override > 0
                          ? params.vector_width_override
                          : std::max(1, target.natural_vector_size(Halide::Float(32)));
    // The exit copies the branches: blocks of one row and one channel, x
    // vectorized; the bands are whole blocks of any height.
    TilePlan exit_plan;
    exit_plan.kernel = MicroKernel{lanes, 1, 1};
    const FusedDims joined = group.model.output_of(int(group.model.nodes.size()) - 1);
    exit_plan.tile_y = rows_over_pad(group.bands.band_rows, joined.height, exit.extents[1]);
    exit_plan.tile_k = exit.extents[2];
    const BandLoops loops =
        schedule_band_tiles(w, exit, {}, {}, exit_plan, params.parallelism, false);
    std::set<std::string> buffers;
    for (size_t i = 0; i < group.band_convs.size(); i++) {
        const StageInfo& conv = *info.find(group.band_convs[i]);
        std::string mw;
        const auto m = match_layer(conv, &mw);
        TilePlan p = plan_match_tiles(*m, target, params, false);
        const std::string& buffer = group.conv_buffers[i];
        if (!buffer.empty()) {
            buffers.insert(buffer);
            schedule_conv_at_stage_blocks(w, *info.find(buffer), exit, loops.band, conv,
                                          may_overcompute_spatially(info, conv), p.kernel,
                                          loops.channel_chunks);
            note(conv.name + ": computed per band of " + group.exit + " at the blocks of " +
                 buffer + ", kernel " + p.kernel.describe());
            continue;
        }
        p.tile_y = conv.extents[1]; // the whole band: no tile loops inside it
        p.tile_k = conv.extents[2];
        schedule_reduction_tiles_at(w, conv, exit, loops.band, "", p, loops.channel_chunks);
        note(conv.name + ": computed per band of " + group.exit + ", kernel " + p.kernel.describe());
    }
    std::string stages;
    for (const auto& name : group.band_stages) {
        if (buffers.count(name)) continue;
        schedule_band_stage(w, *info.find(name), exit, loops, false, lanes);
        stages += (stages.empty() ? "" : ", ") + name;
    }
    if (!stages.empty()) note(group.exit + ": per band also " + stages);
}

} // namespace memsched::autoschedule
