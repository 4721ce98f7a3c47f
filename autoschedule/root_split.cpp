// Moving secondary convs out of roots no cache holds a tile of (see
// root_split.h).
#include "autoschedule/root_split.h"

#include "autoschedule/layer_fusion.h"
#include "autoschedule/model_bridge.h"
#include "autoschedule/plan_nests.h"

#include <algorithm>
#include <cstdio>
#include <utility>

namespace memsched::autoschedule {
namespace {

std::string mb(double bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f MB", bytes / 1e6);
    return buf;
}

// The stages on `conv`'s single-consumer path to `root`, `conv` first and
// `root` left out; empty when the path forks.
std::vector<std::string> path_to_root(const PipelineInfo& info, const std::string& conv,
                                      const std::string& root) {
    std::vector<std::string> path;
    const StageInfo* cur = info.find(conv);
    for (int depth = 0; cur && depth < 16; depth++) {
        path.push_back(cur->name);
        if (cur->consumers.size() != 1) return {};
        if (cur->consumers[0] == root) return path;
        cur = info.find(cur->consumers[0]);
        if (!cur || cur->kind != StageKind::Pure) return {};
    }
    return {};
}

// The stage to materialise for a secondary conv: the last one on its path
// to the root that the dominant conv's path does not share (its bias, not
// the sum of both), or "" when there is none but the conv itself.
std::string own_stage(const PipelineInfo& info, const std::string& conv, const std::string& main,
                      const std::string& root) {
    const std::vector<std::string> path = path_to_root(info, conv, root);
    const std::vector<std::string> shared = path_to_root(info, main, root);
    std::string last;
    for (const auto& s : path) {
        if (std::find(shared.begin(), shared.end(), s) != shared.end()) break;
        last = s;
    }
    return last == conv ? "" : last;
}

bool consumed_by(const PipelineInfo& info, const std::string& stage, const std::string& conv) {
    const StageInfo* s = info.find(stage);
    return s && std::find(s->consumers.begin(), s->consumers.end(), conv) != s->consumers.end();
}

// DRAM bytes of one conv computed alone in a root of its own, planned as
// the driver plans such a root.
double alone_dram_bytes(const PipelineInfo& info, const FusionPlan& plan, const ConvMatch& match,
                        bool staged, const Halide::Target& target, const PluginParams& params) {
    const TilePlan tiles = plan_alone_in_root(match, target, params, staged,
                                              weights_can_be_k_innermost(info, plan, match));
    return tiles.traffic.empty() ? -1 : tiles.traffic.back().bytes;
}

struct Secondary {
    const FusedReduction* conv;
    std::string own_root;              // the stage materialised for it
    std::vector<std::string> staged;   // its staged inputs, moved with it
};

} // namespace

RootSplit split_unheld_roots(const PipelineInfo& info, FusionPlan plan,
                             const Halide::Target& target, const PluginParams& params) {
    RootSplit out;
    const std::map<std::string, std::vector<FusedReduction>> roots = plan.fused;
    for (const auto& [root, fused] : roots) {
        if (fused.size() < 2 || plan.hosting_pads.count(root)) continue;
        const FusedReduction& main = dominant(fused);
        const std::vector<std::string> staged =
            plan.staged.count(root) ? plan.staged.at(root) : std::vector<std::string>{};
        const TilePlan whole = plan_match_tiles(main.match, target, params, !staged.empty());
        if (whole.tile_held || whole.traffic.empty()) continue;
        const std::string head = "root split: " + root + " (its tiles fit no cache): ";
        // The fused figure is at least the nest's own (each level holding its
        // tile, which none does) and what LRU caches keep of its register
        // blocks. Both see the dominant conv only: the others' inputs are
        // added once and their weights once per row tile, as a lower bound
        // (each row tile steps every channel block; ResNet-50 @224's layer4_0
        // add at a 1 MiB LL, 2 row tiles: 14 MB predicted so, 24.9 MiB
        // measured).
        double fused_bytes = whole.traffic.back().bytes;
        if (!whole.tile_traffic.empty())
            fused_bytes = std::max(fused_bytes, whole.tile_traffic.back().bytes);
        const int64_t height = main.match.shape.out_height();
        const int64_t row_tiles = (height + std::max<int64_t>(1, whole.tile_y) - 1) /
                                  std::max<int64_t>(1, whole.tile_y);
        std::vector<Secondary> moved;
        std::string refused;
        for (const auto& f : fused) {
            if (&f == &main) continue;
            const LayerShape& s = f.match.shape;
            fused_bytes +=
                double(s.input_elements() + row_tiles * s.weight_elements()) * s.element_bytes;
            Secondary sec{&f, own_stage(info, f.name, main.name, root), {}};
            if (sec.own_root.empty()) {
                refused = f.name + " has no stage of its own before " + root;
                break;
            }
            for (const auto& st : staged) {
                if (!consumed_by(info, st, f.name)) continue;
                if (info.find(st)->consumers.size() == 1) sec.staged.push_back(st);
                else refused = st + " is read by several convs";
            }
            moved.push_back(sec);
        }
        if (!refused.empty()) {
            out.log.push_back(head + "kept: " + refused);
            continue;
        }
        std::vector<std::string> main_staged;
        for (const auto& st : staged)
            if (consumed_by(info, st, main.name)) main_staged.push_back(st);
        double apart_bytes =
            alone_dram_bytes(info, plan, main.match, !main_staged.empty(), target, params);
        for (const auto& sec : moved) {
            const LayerShape& s = sec.conv->match.shape;
            const double b = alone_dram_bytes(info, plan, sec.conv->match, !sec.staged.empty(),
                                              target, params);
            if (apart_bytes < 0 || b < 0) {
                apart_bytes = -1;
                break;
            }
            // Its own root writes the activation once and the root reads it back.
            apart_bytes += b + 2.0 * double(s.output_elements() * s.element_bytes);
        }
        if (apart_bytes < 0 || apart_bytes >= fused_bytes) {
            out.log.push_back(head + "kept: " + mb(fused_bytes) + " fused (at least) vs " +
                              (apart_bytes < 0 ? std::string("no plan") : mb(apart_bytes)) + " apart");
            continue;
        }
        std::string names;
        for (const auto& sec : moved) {
            const std::string conv = sec.conv->name;
            names += (names.empty() ? "" : ", ") + conv + " in " + sec.own_root;
            plan.placement[sec.own_root] = {Placement::Root, "",
                                            "materialised: " + conv + " moved out of " + root +
                                                " (root split)"};
            plan.placement[conv] = {Placement::InRootTile, sec.own_root,
                                    "computed in the tiles of " + sec.own_root};
            plan.fused[sec.own_root].push_back(*sec.conv);
            auto& rest = plan.fused[root];
            rest.erase(std::remove_if(rest.begin(), rest.end(),
                                      [&](const FusedReduction& r) { return r.name == conv; }),
                       rest.end());
            for (const auto& st : sec.staged) {
                plan.placement[st] = {Placement::PerCacheTile, sec.own_root,
                                      "staged per cache tile of " + sec.own_root};
                plan.staged[sec.own_root].push_back(st);
                auto& left = plan.staged[root];
                left.erase(std::remove(left.begin(), left.end(), st), left.end());
            }
        }
        if (plan.staged.count(root) && plan.staged.at(root).empty()) plan.staged.erase(root);
        out.log.push_back(head + mb(fused_bytes) + " fused (at least) vs " + mb(apart_bytes) +
                          " apart: " + names);
    }
    out.plan = std::move(plan);
    return out;
}

} // namespace memsched::autoschedule
