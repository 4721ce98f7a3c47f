// Network partition into fusion groups: super-nodes, group construction,
// layer-by-layer costs and the DP (see network_fusion.h).
#include "model/fusion/network_fusion.h"

#include "model/memory_hierarchy.h"
#include "model/search.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <map>
#include <memory>

namespace memsched {

namespace {

int producer_index(const Network& net, const std::string& name) {
    if (name == "input") return -1;
    for (size_t i = 0; i < net.layers.size(); ++i)
        if (net.layers[i].name == name) return static_cast<int>(i);
    return -2;
}

TensorShape tensor_of(const Network& net, int index) {
    return index < 0 ? net.input : net.layers[index].output;
}

int64_t dense_bytes(const TensorShape& t, int64_t line) {
    return lines_touched(0, t.elements() * 4, line) * line;
}

// Per-layer search results, shared between identical shapes.
class LayerCosts {
public:
    LayerCosts(int64_t buffer, const FusedSearchOptions& o) : buffer_(buffer), o_(o) {}

    const RankedSchedule& best(const LayerShape& shape) {
        for (const auto& e : cache_)
            if (e.first == shape) return e.second;
        const Problem p = Problem::from_shape(shape);
        const MemoryHierarchy h =
            MemoryHierarchy::scratchpad(buffer_, o_.line_bytes, o_.dram_bytes_per_s);
        SearchOptions so;
        so.objective = o_.objective;
        so.compute = o_.compute;
        so.pareto = false;
        so.top_k = 1;
        SearchResult r = search(p, h, so);
        if (!r.status || r.ranked.empty()) {
            failure_ = shape_name(shape) + ": " + r.status.reason;
            static const RankedSchedule none{};
            return none;
        }
        cache_.push_back({shape, r.ranked.front()});
        return cache_.back().second;
    }
    const std::string& failure() const { return failure_; }

private:
    static std::string shape_name(const LayerShape& s) {
        return std::string(to_string(s.kind)) + " c" + std::to_string(s.in_channels) + " k" +
               std::to_string(s.out_channels);
    }
    int64_t buffer_;
    FusedSearchOptions o_;
    std::vector<std::pair<LayerShape, RankedSchedule>> cache_;
    std::string failure_;
};

// Layers [first, last] executed one by one.
GroupPlan layer_by_layer(const Network& net, int first, int last, LayerCosts* costs,
                         const FusedSearchOptions& o, int64_t* eltwise) {
    GroupPlan g;
    for (int i = first; i <= last; ++i) {
        const NetworkLayer& l = net.layers[i];
        g.layers.push_back(l.name);
        if (l.shape) {
            const RankedSchedule& b = costs->best(*l.shape);
            g.traffic_bytes += b.traffic_bytes;
            g.time_s += b.time_s;
            g.macs += l.shape->macs();
            g.footprint_bytes = std::max(g.footprint_bytes, b.report.levels.empty()
                                                                 ? int64_t{0}
                                                                 : b.report.levels.back().footprint_bytes());
        } else if (l.op == OpKind::Add) {
            int64_t bytes = dense_bytes(l.output, o.line_bytes);
            for (const std::string& in : l.inputs)
                bytes += dense_bytes(tensor_of(net, producer_index(net, in)), o.line_bytes);
            g.traffic_bytes += bytes;
            g.time_s += bytes / o.dram_bytes_per_s;
            *eltwise += bytes;
        }
    }
    return g;
}

} // namespace

std::vector<SuperNode> fusion_super_nodes(const Network& net) {
    const int n = static_cast<int>(net.layers.size());
    std::vector<int> last_use(n + 1, -1); // index+1; 0 = the network input
    for (int i = 0; i < n; ++i)
        for (const std::string& in : net.layers[i].inputs) {
            const int p = producer_index(net, in);
            last_use[p + 1] = std::max(last_use[p + 1], i);
        }
    std::vector<SuperNode> out;
    int start = 0, reach = last_use[0]; // reach: furthest consumer of anything before the cut
    for (int i = 0; i < n; ++i) {
        if (i > start) reach = std::max(reach, last_use[i]); // layer i-1's output
        // A cut after i: nothing produced before i is consumed after i.
        if (reach <= i) {
            out.push_back({start, i});
            start = i + 1;
            reach = last_use[i + 1]; // the next super-node's entry tensor
        }
    }
    if (start < n) out.push_back({start, n - 1});
    return out;
}

EvalStatus build_fused_group(const Network& net, int first, int last, FusedGroup* out) {
    FusedGroup g;
    int entry = -2;
    std::map<std::string, int> local;
    for (int i = first; i <= last; ++i) {
        const NetworkLayer& l = net.layers[i];
        FusedNode node;
        node.name = l.name;
        if (l.shape) {
            node.op = FusedOp::Layer;
            node.shape = *l.shape;
        } else {
            node.op = l.op == OpKind::Add ? FusedOp::Add : FusedOp::Concat;
        }
        for (const std::string& in : l.inputs) {
            auto it = local.find(in);
            if (it != local.end()) {
                node.inputs.push_back(it->second);
                continue;
            }
            const int p = producer_index(net, in);
            if (entry != -2 && p != entry)
                return EvalStatus::failure("layer " + l.name + ": input " + in +
                                           " is a second group input");
            entry = p;
            node.inputs.push_back(-1);
        }
        local[l.name] = static_cast<int>(g.nodes.size());
        g.nodes.push_back(node);
    }
    const TensorShape in = tensor_of(net, entry);
    g.input = {in.n * in.c, in.h, in.w};
    g.element_bytes = 4;
    const EvalStatus s = g.validate();
    if (s) *out = g;
    return s;
}

namespace {

// Everything about a group that its fused cost depends on, as text: repeated
// blocks share one tile search.
std::string group_key(const FusedGroup& g) {
    std::string k = std::to_string(g.input.channels) + "x" + std::to_string(g.input.height) + "x" +
                    std::to_string(g.input.width) + "e" + std::to_string(g.element_bytes);
    for (const FusedNode& n : g.nodes) {
        const LayerShape& s = n.shape;
        k += "|" + std::to_string(static_cast<int>(n.op));
        if (n.op == FusedOp::Layer)
            for (int64_t v : {int64_t(s.kind), s.batch, s.in_channels, s.in_height, s.in_width,
                              s.out_channels, s.kernel_h, s.kernel_w, s.stride, s.pad, s.dilation,
                              s.groups, s.element_bytes})
                k += "," + std::to_string(v);
        for (int in : n.inputs) k += ":" + std::to_string(in);
    }
    return k;
}

// Layers that read each layer's output, by index.
std::vector<std::vector<int>> consumers_of(const Network& net) {
    std::vector<std::vector<int>> out(net.layers.size());
    for (size_t i = 0; i < net.layers.size(); ++i)
        for (const std::string& in : net.layers[i].inputs) {
            const int p = producer_index(net, in);
            if (p >= 0) out[p].push_back(static_cast<int>(i));
        }
    return out;
}

// Only layer `last`'s output may be read outside [first, last].
bool single_exit(const std::vector<std::vector<int>>& consumers, int first, int last) {
    for (int l = first; l < last; ++l)
        for (int c : consumers[l])
            if (c < first || c > last) return false;
    return true;
}

// Group plans at one buffer size, each computed once: layers alone, fused
// runs and add epilogues. plan_network_fusion uses one at the budget and,
// for pool epilogues, one at the budget less the pool's accumulators.
class GroupPlanner {
public:
    GroupPlanner(const Network& net, const std::vector<std::vector<int>>& consumers,
                 int64_t buffer, const FusedSearchOptions& o)
        : net_(net), consumers_(consumers), buffer_(buffer), o_(o), costs_(buffer, o),
          fused_plans_(net.layers.size()) {}

    // Layer i on its own, with the per-layer search's schedule; an add's
    // bytes are also added to *eltwise.
    GroupPlan alone(int i, int64_t* eltwise) {
        return layer_by_layer(net_, i, i, &costs_, o_, eltwise);
    }
    const std::string& failure() const { return costs_.failure(); }
    int64_t groups_searched() const { return static_cast<int64_t>(searched_.size()); }

    // Fused plan of layers [first, last], or nullptr when they cannot fuse or
    // nothing fits; searches are shared between identical groups.
    const GroupPlan* fused(int first, int last) {
        auto& at = fused_plans_[last];
        auto it = at.find(first);
        if (it == at.end()) {
            GroupPlan plan;
            plan.choice.status = EvalStatus::failure("not fusable");
            FusedGroup g;
            if (build_fused_group(net_, first, last, &g)) {
                const std::string key = group_key(g);
                auto hit = searched_.find(key);
                if (hit == searched_.end())
                    hit = searched_.emplace(key, search_fused_group(g, buffer_, o_)).first;
                plan.choice = hit->second;
            }
            plan.fused = plan.choice.status.ok;
            for (int l = first; l <= last; ++l) plan.layers.push_back(net_.layers[l].name);
            plan.traffic_bytes = plan.choice.report.traffic_bytes();
            plan.time_s = plan.choice.time_s;
            plan.macs = plan.choice.report.macs;
            plan.footprint_bytes = plan.choice.report.footprint_bytes;
            it = at.emplace(first, plan).first;
        }
        return it->second.fused ? &it->second : nullptr;
    }

    // Layers [first, last - 1] (fused, or one compute layer alone) with the
    // add `last` as their epilogue; false when that is not such a run.
    bool epilogue(int first, int last, GroupPlan* out) {
        const NetworkLayer& add = net_.layers[last];
        const int exit = last - 1;
        if (add.op != OpKind::Add || exit < first || !single_exit(consumers_, first, exit))
            return false;
        bool feeds = false;
        std::vector<int> others;
        for (const std::string& in : add.inputs) {
            const int p = producer_index(net_, in);
            if (p == exit && !feeds) feeds = true;
            else if (p >= first && p <= exit) return false;
            else others.push_back(p);
        }
        if (!feeds) return false;
        if (exit == first) {
            if (!net_.layers[exit].shape) return false;
            int64_t ignored = 0;
            *out = alone(exit, &ignored);
        } else {
            const GroupPlan* f = fused(first, exit);
            if (!f) return false;
            *out = *f;
        }
        int64_t reads = 0;
        for (int p : others) {
            if (tensor_of(net_, p) != net_.layers[exit].output) return false;
            reads += out->fused ? out->choice.report.output_write_bytes
                                : dense_bytes(tensor_of(net_, p), o_.line_bytes);
        }
        out->layers.push_back(add.name);
        out->add_epilogue = true;
        out->epilogue_read_bytes = reads;
        out->traffic_bytes += reads;
        out->time_s += reads / o_.dram_bytes_per_s;
        return true;
    }

private:
    const Network& net_;
    const std::vector<std::vector<int>>& consumers_;
    int64_t buffer_;
    FusedSearchOptions o_;
    LayerCosts costs_;
    std::map<std::string, FusedChoice> searched_;
    std::vector<std::map<int, GroupPlan>> fused_plans_; // [last][first]
};

// Accumulator bytes of layer p when it is a global average pool whose one
// input is layer p-1, read by nothing else (so it can be a pool epilogue);
// 0 otherwise.
int64_t pool_epilogue_bytes(const Network& net, const std::vector<std::vector<int>>& consumers,
                            int p) {
    if (p < 1) return 0;
    const NetworkLayer& l = net.layers[p];
    if (!l.shape || l.shape->kind != LayerKind::GlobalAvgPool || l.inputs.size() != 1 ||
        producer_index(net, l.inputs[0]) != p - 1 || consumers[p - 1].size() != 1)
        return 0;
    return l.output.elements() * l.shape->element_bytes;
}

} // namespace

NetworkFusionResult plan_network_fusion(const Network& net, int64_t buffer,
                                        const NetworkFusionOptions& o) {
    NetworkFusionResult res;
    const int n = static_cast<int>(net.layers.size());
    const std::vector<SuperNode> nodes = fusion_super_nodes(net);
    std::vector<int> node_of(n, 0); // super-node index of each layer
    std::vector<char> starts_node(n, 0), ends_node(n, 0);
    for (size_t s = 0; s < nodes.size(); ++s) {
        for (int l = nodes[s].first; l <= nodes[s].last; ++l) node_of[l] = static_cast<int>(s);
        starts_node[nodes[s].first] = 1;
        ends_node[nodes[s].last] = 1;
    }
    const std::vector<std::vector<int>> consumers = consumers_of(net);
    GroupPlanner planner(net, consumers, buffer, o.search);
    std::map<int64_t, std::unique_ptr<GroupPlanner>> pool_planners; // by buffer
    auto cost_of = [&](const GroupPlan& g) {
        return o.search.objective == Objective::Time ? g.time_s : double(g.traffic_bytes);
    };
    // Each layer alone (also the baseline).
    std::vector<GroupPlan> alone(n);
    for (int i = 0; i < n; ++i) {
        alone[i] = planner.alone(i, &res.eltwise_bytes);
        res.layer_by_layer_bytes += alone[i].traffic_bytes;
        res.layer_by_layer_time_s += alone[i].time_s;
        res.layer_by_layer_macs += alone[i].macs;
    }
    if (!planner.failure().empty()) {
        res.status = EvalStatus::failure(planner.failure());
        return res;
    }
    res.layer_by_layer_compute_bytes = res.layer_by_layer_bytes - res.eltwise_bytes;
    res.weights_once_bound_bytes = dense_bytes(net.input, o.search.line_bytes);
    if (n > 0) res.weights_once_bound_bytes += dense_bytes(net.layers.back().output, o.search.line_bytes);
    for (const NetworkLayer& l : net.layers)
        if (l.shape)
            res.weights_once_bound_bytes +=
                lines_touched(0, l.shape->weight_elements() * l.shape->element_bytes,
                              o.search.line_bytes) * o.search.line_bytes;

    const double inf = std::numeric_limits<double>::infinity();
    std::vector<double> best(n + 1, inf);
    std::vector<GroupPlan> last_group(n + 1);
    std::vector<int> from(n + 1, -1);
    best[0] = 0;
    auto offer = [&](int j, int i, const GroupPlan& plan) {
        if (best[j] + cost_of(plan) < best[i]) {
            best[i] = best[j] + cost_of(plan);
            last_group[i] = plan;
            from[i] = j;
        }
    };
    // Runs [j, i-1] of layers within max_group_nodes super-nodes, from the
    // longest allowed start down: fused, fused or alone with an add epilogue.
    auto offer_runs = [&](GroupPlanner& p, int i, const std::function<void(int, GroupPlan)>& take) {
        for (int j = i - 2; j >= 0 && node_of[i - 1] - node_of[j] < o.max_group_nodes; --j) {
            if (!single_exit(consumers, j, i - 1)) continue;
            const bool whole_nodes = starts_node[j] && ends_node[i - 1];
            if (whole_nodes || o.partial_blocks)
                if (const GroupPlan* f = p.fused(j, i - 1)) take(j, *f);
            GroupPlan e;
            if (o.add_epilogues && p.epilogue(j, i - 1, &e)) take(j, e);
        }
    };
    for (int i = 1; i <= n; ++i) {
        offer(i - 1, i, alone[i - 1]);
        offer_runs(planner, i, [&](int j, const GroupPlan& g) { offer(j, i, g); });
        const int64_t acc = o.pool_epilogues ? pool_epilogue_bytes(net, consumers, i - 1) : 0;
        if (acc <= 0 || acc >= buffer) continue;
        // Pool epilogue: the run [j, i-2] planned at the budget less the
        // pool's accumulators, its final stores summed into them instead.
        auto& small = pool_planners[buffer - acc];
        if (!small) small = std::make_unique<GroupPlanner>(net, consumers, buffer - acc, o.search);
        const NetworkLayer& pool = net.layers[i - 1];
        auto with_pool = [&](int j, GroupPlan g) {
            const int64_t stored =
                g.fused ? g.choice.report.output_write_bytes
                        : dense_bytes(net.layers[i - 2].output, o.search.line_bytes);
            const int64_t written = dense_bytes(pool.output, o.search.line_bytes);
            g.layers.push_back(pool.name);
            g.pool_epilogue = true;
            g.traffic_bytes += written - stored;
            g.time_s += double(written - stored) / o.search.dram_bytes_per_s;
            g.macs += pool.shape->macs();
            g.footprint_bytes += acc;
            offer(j, i, g);
        };
        if (net.layers[i - 2].shape) {
            int64_t ignored = 0;
            const GroupPlan lone = small->alone(i - 2, &ignored);
            if (small->failure().empty()) with_pool(i - 2, lone);
        }
        offer_runs(*small, i - 1, with_pool);
    }
    for (int i = n; i > 0; i = from[i]) {
        res.groups.push_back(last_group[i]);
        res.groups.back().layer_by_layer_bytes = 0;
        for (int l = from[i]; l < i; ++l)
            res.groups.back().layer_by_layer_bytes += alone[l].traffic_bytes;
    }
    std::reverse(res.groups.begin(), res.groups.end());
    for (const GroupPlan& g : res.groups) {
        res.fused_bytes += g.traffic_bytes;
        res.fused_time_s += g.time_s;
        res.fused_macs += g.macs;
    }
    res.fused_groups_searched = planner.groups_searched();
    for (const auto& entry : pool_planners) res.fused_groups_searched += entry.second->groups_searched();
    return res;
}

} // namespace memsched
