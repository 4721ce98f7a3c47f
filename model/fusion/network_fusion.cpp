// Network partition into fusion groups: super-nodes, group construction,
// layer-by-layer costs and the DP (see network_fusion.h).
#include "model/fusion/network_fusion.h"

#include "model/memory_hierarchy.h"
#include "model/search.h"

#include <algorithm>
#include <limits>
#include <map>

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

NetworkFusionResult plan_network_fusion(const Network& net, int64_t buffer,
                                        const NetworkFusionOptions& o) {
    NetworkFusionResult res;
    const std::vector<SuperNode> nodes = fusion_super_nodes(net);
    const int m = static_cast<int>(nodes.size());
    LayerCosts costs(buffer, o.search);
    auto cost_of = [&](const GroupPlan& g) {
        return o.search.objective == Objective::Time ? g.time_s : double(g.traffic_bytes);
    };
    // Layer-by-layer plan per super-node (also the baseline).
    std::vector<GroupPlan> alone(m);
    for (int i = 0; i < m; ++i) {
        alone[i] = layer_by_layer(net, nodes[i].first, nodes[i].last, &costs, o.search,
                                  &res.eltwise_bytes);
        res.layer_by_layer_bytes += alone[i].traffic_bytes;
        res.layer_by_layer_time_s += alone[i].time_s;
        res.layer_by_layer_macs += alone[i].macs;
    }
    if (!costs.failure().empty()) {
        res.status = EvalStatus::failure(costs.failure());
        return res;
    }
    res.layer_by_layer_compute_bytes = res.layer_by_layer_bytes - res.eltwise_bytes;

    const double inf = std::numeric_limits<double>::infinity();
    std::vector<double> best(m + 1, inf);
    std::vector<GroupPlan> last_group(m + 1);
    std::vector<int> from(m + 1, -1);
    best[0] = 0;
    for (int i = 1; i <= m; ++i) {
        best[i] = best[i - 1] + cost_of(alone[i - 1]);
        last_group[i] = alone[i - 1];
        from[i] = i - 1;
        for (int j = i - 1; j >= std::max(0, i - o.max_group_nodes); --j) {
            const int first = nodes[j].first, last = nodes[i - 1].last;
            if (last == first) continue; // a single layer: the per-layer search above
            FusedGroup g;
            if (!build_fused_group(net, first, last, &g)) continue;
            GroupPlan plan;
            plan.fused = true;
            plan.choice = search_fused_group(g, buffer, o.search);
            ++res.fused_groups_searched;
            if (!plan.choice.status) continue;
            for (int l = first; l <= last; ++l) plan.layers.push_back(net.layers[l].name);
            plan.traffic_bytes = plan.choice.report.traffic_bytes();
            plan.time_s = plan.choice.time_s;
            plan.macs = plan.choice.report.macs;
            plan.footprint_bytes = plan.choice.report.footprint_bytes;
            if (best[j] + cost_of(plan) < best[i]) {
                best[i] = best[j] + cost_of(plan);
                last_group[i] = plan;
                from[i] = j;
            }
        }
    }
    for (int i = m; i > 0; i = from[i]) res.groups.push_back(last_group[i]);
    std::reverse(res.groups.begin(), res.groups.end());
    for (const GroupPlan& g : res.groups) {
        res.fused_bytes += g.traffic_bytes;
        res.fused_time_s += g.time_s;
        res.fused_macs += g.macs;
    }
    return res;
}

} // namespace memsched
