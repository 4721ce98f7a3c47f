// Choosing inline / root / in-tile placement for every Func (see fusion_plan.h).
#include "autoschedule/fusion_plan.h"

#include <algorithm>

namespace memsched::autoschedule {
namespace {

// True when pure stage `s` computes on a reduction's result, directly or
// through other pure stages (a conv's bias and activation, a residual add).
bool reads_reduction(const PipelineInfo& info, const StageInfo& s, int depth) {
    if (depth > 16) return false;
    for (const auto& call : s.pure_calls) {
        const StageInfo* c = call.callee_is_func ? info.find(call.callee) : nullptr;
        if (!c) continue;
        if (c->kind == StageKind::Reduction) return true;
        if (c->kind == StageKind::Pure && reads_reduction(info, *c, depth + 1)) return true;
    }
    return false;
}

// A pure stage is materialised when a reduction (or an unmodeled stage)
// reads it: such readers touch each element many times, or in an order
// Halide cannot fuse pointwise. `why` says which.
bool must_materialize(const PipelineInfo& info, const StageInfo& s, std::string* why) {
    if (s.is_output) return *why = "output", true;
    if (s.consumers.empty()) return *why = "no consumer", true;
    for (const auto& c : s.consumers) {
        const StageInfo* cs = info.find(c);
        if (!cs || cs->kind == StageKind::Reduction || cs->kind == StageKind::Unmodeled)
            return *why = "read by a reduction", true;
    }
    // A layer's output read through a pad (or any shifted/clamped read) by
    // another pure stage: a whole-network pipeline's conv epilogue or block
    // output (a residual add) before the next layer's pad. Materialised
    // once here, its conv computed in its tiles and the pad staged per cache
    // tile of the next conv; inlined, the activation would be written twice
    // (conv at root, then the pad) or, with several consumers, recomputed by
    // each of them.
    // A lone pad reading it unshifted instead hosts its conv (fusion_root).
    if (s.pure_vars.size() == 4 && reads_reduction(info, s, 0))
        for (const auto& c : s.consumers) {
            const StageInfo* cs = info.find(c);
            const bool hosts = s.consumers.size() == 1 && cs->reads_pointwise_clamped(s.name);
            if (cs->kind == StageKind::Pure && !cs->reads_pointwise(s.name) && !hosts)
                return *why = "a layer output, read through a pad by " + c, true;
        }
    return false;
}

// The materialised stage that reduction `r` can be computed inside, reached
// through single-consumer pointwise reads, or "" (with `why`).
std::string fusion_root(const PipelineInfo& info, const FusionPlan& plan, const StageInfo& r,
                        std::string* why, bool* hosted) {
    *hosted = false;
    const StageInfo* cur = &r;
    for (;;) {
        if (cur->consumers.size() != 1) {
            *why = cur->name + " has " + std::to_string(cur->consumers.size()) + " consumers";
            return "";
        }
        const StageInfo* c = info.find(cur->consumers[0]);
        if (!c || c->kind != StageKind::Pure) {
            *why = "its consumer " + cur->consumers[0] + " is not a pure stage";
            return "";
        }
        if (c->pure_vars.size() != r.pure_vars.size()) {
            *why = c->name + " does not read " + cur->name + " pointwise";
            return "";
        }
        if (!c->reads_pointwise(cur->name)) {
            // The next layer's pad, reading the layer output unshifted but
            // clamped and materialised anyway: the layer is computed in its
            // tiles, writing straight into the padded buffer (once).
            if (c->reads_pointwise_clamped(cur->name) &&
                plan.placement.at(c->name).placement == Placement::Root)
                return *hosted = true, c->name;
            *why = c->name + " does not read " + cur->name + " pointwise";
            return "";
        }
        if (plan.placement.at(c->name).placement == Placement::Root) return c->name;
        cur = c;
    }
}

// The root whose tiles can stage `s` (a materialised pure stage): every
// consumer is a reduction fused into that same root, reading `s` as its
// activations (weights are shared by all tiles and stay at root); "" if none.
// Only stages reading pipeline inputs or materialised 4-D stages directly
// are staged (a padded layer input, as in every generator layer, or the
// pad of a previous layer's output in a whole network): each staged tile
// then reads its source once, plus halo.
std::string staging_root(const PipelineInfo& info, const FusionPlan& plan, const StageInfo& s) {
    if (s.is_output || s.consumers.empty()) return "";
    for (const auto& call : s.pure_calls) {
        if (!call.callee_is_func) continue;
        const StageInfo* callee = info.find(call.callee);
        if (!callee) return "";
        const bool materialised = callee->pure_vars.size() == 4 &&
                                  plan.placement.at(callee->name).placement == Placement::Root;
        if (callee->kind != StageKind::InputWrapper && !materialised) return "";
    }
    std::string root;
    for (const auto& c : s.consumers) {
        const StagePlacement& cp = plan.placement.at(c);
        if (cp.placement != Placement::InRootTile || (!root.empty() && cp.root != root)) return "";
        root = cp.root;
        bool as_input = false;
        for (const auto& f : plan.fused.at(root))
            if (f.name == c) as_input = f.match.input == s.name && f.match.weights != s.name;
        if (!as_input) return "";
    }
    return root;
}

} // namespace

const FusedReduction& dominant(const std::vector<FusedReduction>& fused) {
    return *std::max_element(fused.begin(), fused.end(), [](const auto& a, const auto& b) {
        return a.match.shape.macs() < b.match.shape.macs();
    });
}

FusionPlan plan_fusion(const PipelineInfo& info) {
    FusionPlan plan;
    // Consumers come after producers: decide pure stages first (back to
    // front), then place reductions relative to them.
    for (const auto& s : info.stages) {
        StagePlacement p;
        switch (s.kind) {
        case StageKind::InputWrapper: p = {Placement::Inline, "", "input wrapper"}; break;
        case StageKind::Unmodeled: p = {Placement::Root, "", "unmodeled: " + s.reason}; break;
        case StageKind::Reduction: p = {Placement::Root, "", "reduction"}; break;
        case StageKind::Pure: {
            std::string why;
            if (must_materialize(info, s, &why)) p = {Placement::Root, "", why};
            else p = {Placement::Inline, "", "pointwise, fused into its consumer"};
            break;
        }
        }
        if (s.is_output) p = {Placement::Root, "", "output"};
        plan.placement[s.name] = p;
    }
    for (const auto& s : info.stages) {
        if (s.kind != StageKind::Reduction) continue;
        std::string why;
        auto match = match_layer(s, &why);
        if (!match) {
            plan.placement[s.name].why = "reduction not matched to a layer (" + why + ")";
            continue;
        }
        bool hosted = false;
        std::string root = s.is_output ? "" : fusion_root(info, plan, s, &why, &hosted);
        if (root.empty()) {
            plan.placement[s.name].why = s.is_output ? "output" : "materialised: " + why;
            if (match->shape.kind != LayerKind::FullyConnected) plan.tiled_in_place[s.name] = *match;
            continue;
        }
        plan.placement[s.name] = {Placement::InRootTile, root, "computed in the tiles of " + root};
        plan.fused[root].push_back({s.name, *match});
        if (hosted) plan.hosting_pads[root] = s.name;
    }
    for (const auto& s : info.stages) {
        if (s.kind != StageKind::Pure || plan.placement.at(s.name).placement != Placement::Root)
            continue;
        const std::string root = staging_root(info, plan, s);
        if (root.empty()) continue;
        plan.placement[s.name] = {Placement::PerCacheTile, root, "staged per cache tile of " + root};
        plan.staged[root].push_back(s.name);
    }
    return plan;
}

} // namespace memsched::autoschedule
