// Network arena planning with layer overlaps (see arena_plan.h).
#include "model/memory_plan/arena_plan.h"

#include "model/memory_plan/layer_access.h"
#include "model/memory_plan/network_shapes.h"

#include <algorithm>
#include <limits>
#include <map>
#include <memory>
#include <stdexcept>

namespace memsched {

namespace {

using OverlapPtr = std::shared_ptr<const OverlapAnalysis>;

// Everything the placement needs for one layout family.
struct Family {
    int64_t gap_rows = 0;
    std::vector<TensorPlacement> tensors;
    std::vector<std::string> orders;                 // per layer
    std::vector<std::vector<OverlapPtr>> overlaps;   // per layer, per input: set when the input dies there
    std::vector<std::vector<int>> layer_inputs;      // per layer: tensor indices
};

int tensor_index(const Network& net, const std::string& name) {
    if (name == "input") return 0;
    for (size_t i = 0; i < net.layers.size(); ++i)
        if (net.layers[i].name == name) return int(i) + 1;
    throw std::invalid_argument("layer input=" + name + " names no layer of " + net.name);
}

// Gap rows only matter for row sweeps; 1x1 tensors (global pool, fc) stay
// dense so that a 2-D fc output keeps unit stride.
TensorLayout layout_of(const TensorShape& s, int64_t gap_rows) { return {s.n, s.c, s.h, s.w, s.h > 1 ? gap_rows : 0}; }

std::string cache_key(const ExecutionOrder& o, int input, int64_t gap_rows, const NetworkLayer& l) {
    std::string k = o.schedule + "|" + to_string(l.op) + "|" + std::to_string(input) + "|" + std::to_string(gap_rows);
    auto dims = [&](const TensorDims& d) {
        k += "|" + std::to_string(d.n) + "," + std::to_string(d.c) + "," + std::to_string(d.h) + "," +
             std::to_string(d.w);
    };
    for (const TensorDims& d : o.inputs) dims(d);
    dims(o.output);
    if (l.shape) {
        const LayerShape& s = *l.shape;
        k += "|" + std::to_string(s.kernel_h) + "," + std::to_string(s.kernel_w) + "," + std::to_string(s.stride) +
             "," + std::to_string(s.pad) + "," + std::to_string(s.dilation);
    }
    return k;
}

Family analyse(const Network& net, int64_t gap_rows, ParallelModel model, bool overlaps,
               std::map<std::string, OverlapPtr>* cache) {
    Family f;
    f.gap_rows = gap_rows;
    const int layers = int(net.layers.size());
    f.tensors.push_back({"input", layout_of(net.input, gap_rows), 0, 0, 0});
    for (int i = 0; i < layers; ++i)
        f.tensors.push_back({net.layers[i].name, layout_of(net.layers[i].output, gap_rows), 0, i, i});
    for (int i = 0; i < layers; ++i) {
        std::vector<int> ins;
        for (const std::string& name : net.layers[i].inputs) {
            const int t = tensor_index(net, name);
            ins.push_back(t);
            f.tensors[t].last_layer = std::max(f.tensors[t].last_layer, i);
        }
        f.layer_inputs.push_back(ins);
    }
    // The network's output lives to the end.
    for (size_t t = 1; t < f.tensors.size(); ++t)
        if (f.tensors[t].last_layer == f.tensors[t].first_layer && t == f.tensors.size() - 1)
            f.tensors[t].last_layer = layers - 1;
    f.overlaps.resize(layers);
    f.orders.resize(layers);
    for (int i = 0; i < layers; ++i) {
        const ExecutionOrder order = manual_layer_order(net, size_t(i));
        f.orders[i] = order.schedule;
        f.overlaps[i].resize(f.layer_inputs[i].size());
        if (!overlaps) continue;
        std::unique_ptr<LayerAccess> access;
        for (size_t j = 0; j < f.layer_inputs[i].size(); ++j) {
            const int t = f.layer_inputs[i][j];
            const bool dies = f.tensors[t].last_layer == i &&
                              std::count(f.layer_inputs[i].begin(), f.layer_inputs[i].end(), t) == 1;
            if (!dies) continue;
            const std::string key = cache_key(order, int(j), gap_rows, net.layers[i]) + "|" + to_string(model);
            auto hit = cache->find(key);
            if (hit == cache->end()) {
                if (!access) {
                    std::vector<TensorLayout> in_layouts;
                    for (int u : f.layer_inputs[i]) in_layouts.push_back(f.tensors[u].layout);
                    access = std::make_unique<LayerAccess>(
                        build_layer_access(order, in_layouts, f.tensors[i + 1].layout));
                }
                hit = cache->emplace(key, std::make_shared<OverlapAnalysis>(analyze_overlap(*access, int(j), model)))
                          .first;
            }
            f.overlaps[i][j] = hit->second;
        }
    }
    return f;
}

bool lifetimes_meet(const TensorPlacement& a, const TensorPlacement& b) {
    return a.first_layer <= b.last_layer && b.first_layer <= a.last_layer;
}

// The overlap rule between tensor t (output of layer t-1) and an earlier tensor u.
const OverlapAnalysis* partner(const Family& f, int t, int u) {
    if (t == 0) return nullptr;
    const int layer = t - 1;
    for (size_t j = 0; j < f.layer_inputs[layer].size(); ++j)
        if (f.layer_inputs[layer][j] == u && f.overlaps[layer][j]) return f.overlaps[layer][j].get();
    return nullptr;
}

bool fits(const Family& f, int t, int64_t p, const std::vector<int64_t>& offsets, const std::vector<bool>& placed) {
    const TensorPlacement& T = f.tensors[t];
    for (int u = 0; u < int(f.tensors.size()); ++u) {
        const TensorPlacement& U = f.tensors[u];
        if (u == t || !placed[u] || !lifetimes_meet(T, U)) continue;
        if (const OverlapAnalysis* a = partner(f, t, u)) {
            if (!a->is_safe(p - offsets[u])) return false;
        } else if (const OverlapAnalysis* b = partner(f, u, t)) {
            if (!b->is_safe(offsets[u] - p)) return false;
        } else if (p < offsets[u] + U.span_elements() && offsets[u] < p + T.span_elements()) {
            return false;
        }
    }
    return true;
}

// Places tensors one by one in `order`, each at the fitting candidate offset
// that keeps the arena extent smallest (ties: the one nearest 0 on the
// preferred side); returns the arena extent in elements.
int64_t place_in_order(Family* f, const std::vector<int>& order, bool prefer_low) {
    std::vector<int64_t> offsets(f->tensors.size(), 0);
    std::vector<bool> placed(f->tensors.size(), false);
    int64_t lo = 0, hi = 0;
    bool first = true;
    for (int t : order) {
        const int64_t span = f->tensors[t].span_elements();
        std::vector<int64_t> cand{0};
        for (int u = 0; u < int(f->tensors.size()); ++u) {
            if (!placed[u] || !lifetimes_meet(f->tensors[t], f->tensors[u])) continue;
            cand.push_back(offsets[u] + f->tensors[u].span_elements());
            cand.push_back(offsets[u] - span);
            const OverlapAnalysis* a = partner(*f, t, u);
            const OverlapAnalysis* b = partner(*f, u, t); // t is a dying input of u's layer
            if (a || b) {
                const OverlapAnalysis* x = a ? a : b;
                const int64_t sign = a ? 1 : -1; // offsets are output minus input
                for (int64_t o : {x->best_offset, x->best_offset_below, x->best_offset_above})
                    cand.push_back(offsets[u] + sign * o);
                if (x->conflicts.size() <= 4096)
                    for (const OffsetInterval& c : x->conflicts) {
                        cand.push_back(offsets[u] + sign * (c.lo - 1));
                        cand.push_back(offsets[u] + sign * (c.hi + 1));
                    }
            }
        }
        bool found = false;
        int64_t best = 0, best_extent = 0;
        auto tie_key = [&](int64_t p) { // preferred side first, then nearest 0
            const bool side = prefer_low ? p <= 0 : p >= 0;
            return std::make_pair(side ? 0 : 1, std::llabs(p));
        };
        auto better_tie = [&](int64_t p) { return tie_key(p) < tie_key(best); };
        for (int64_t p : cand) {
            const int64_t extent = first ? span : std::max(hi, p + span) - std::min(lo, p);
            if (found && (extent > best_extent || (extent == best_extent && !better_tie(p)))) continue;
            if (!fits(*f, t, p, offsets, placed)) continue;
            found = true;
            best = p;
            best_extent = extent;
        }
        if (!found) throw std::logic_error("arena placement found no offset for " + f->tensors[t].name);
        offsets[t] = best;
        placed[t] = true;
        lo = first ? best : std::min(lo, best);
        hi = first ? best + span : std::max(hi, best + span);
        first = false;
    }
    for (size_t t = 0; t < offsets.size(); ++t) f->tensors[t].offset_elements = offsets[t] - lo;
    return hi - lo;
}

// A small search over placement orders: definition order, and long-lived
// tensors (skip connections, the network input kept for a residual) first;
// each with ties broken upwards and downwards. Keeps the smallest arena.
int64_t place(Family* f) {
    const int n = int(f->tensors.size());
    std::vector<int> definition(n);
    for (int t = 0; t < n; ++t) definition[t] = t;
    std::vector<int> long_first = definition;
    std::stable_sort(long_first.begin(), long_first.end(), [&](int a, int b) {
        auto life = [&](int t) { return f->tensors[t].last_layer - f->tensors[t].first_layer; };
        return (life(a) > 2) > (life(b) > 2);
    });
    int64_t best = -1;
    std::vector<TensorPlacement> best_tensors;
    for (const std::vector<int>* order : {&definition, &long_first})
        for (bool prefer_low : {false, true}) {
            const int64_t extent = place_in_order(f, *order, prefer_low);
            if (best < 0 || extent < best) {
                best = extent;
                best_tensors = f->tensors;
            }
        }
    f->tensors = best_tensors;
    return best;
}

// Per layer: live elements and the bound (live minus allowed overlaps).
void layer_bounds(const Family& f, std::vector<int64_t>* live, std::vector<int64_t>* bound) {
    const int layers = int(f.layer_inputs.size());
    live->assign(layers, 0);
    bound->assign(layers, 0);
    for (int i = 0; i < layers; ++i) {
        for (const TensorPlacement& T : f.tensors)
            if (T.first_layer <= i && i <= T.last_layer) (*live)[i] += T.span_elements();
        (*bound)[i] = (*live)[i];
        for (const OverlapPtr& a : f.overlaps[i])
            if (a) (*bound)[i] -= a->overlap_elements();
    }
}

} // namespace

NetworkPlan plan_network(const Network& net, const PlanOptions& options) {
    if (net.layers.empty()) throw std::invalid_argument("network " + net.name + " has no layers");
    if (options.gap_rows.empty()) throw std::invalid_argument("gap_rows: at least one layout family is needed");
    for (int64_t g : options.gap_rows)
        if (g < 0) throw std::invalid_argument("gap_rows=" + std::to_string(g) + " must be >= 0");
    const int64_t eb = options.element_bytes;
    std::map<std::string, OverlapPtr> cache;

    NetworkPlan plan;
    plan.network = net.name;
    plan.model = options.model;
    plan.element_bytes = eb;
    bool have = false;
    Family chosen;
    int64_t lower_bound = std::numeric_limits<int64_t>::max();
    for (int64_t g : options.gap_rows) {
        Family f = analyse(net, g, options.model, true, &cache);
        const int64_t extent = place(&f);
        std::vector<int64_t> live, bound;
        layer_bounds(f, &live, &bound);
        lower_bound = std::min(lower_bound, *std::max_element(bound.begin(), bound.end()));
        if (!have || extent * eb < plan.arena_bytes) {
            have = true;
            plan.arena_bytes = extent * eb;
            plan.gap_rows = g;
            chosen = std::move(f);
        }
    }
    plan.lower_bound_bytes = lower_bound * eb;
    plan.tensors = chosen.tensors;

    std::vector<int64_t> live, bound;
    layer_bounds(chosen, &live, &bound);
    for (size_t i = 0; i < net.layers.size(); ++i) {
        LayerMemory m;
        m.name = net.layers[i].name;
        m.order = chosen.orders[i];
        const TensorPlacement& in = chosen.tensors[chosen.layer_inputs[i][0]];
        m.input_bytes = in.span_elements() * eb;
        m.output_bytes = chosen.tensors[i + 1].span_elements() * eb;
        if (const OverlapPtr& a = chosen.overlaps[i][0]) {
            m.overlap_bytes = a->overlap_elements() * eb;
            m.best_offset_elements = a->best_offset;
        }
        m.min_bytes = m.input_bytes + m.output_bytes - m.overlap_bytes;
        m.live_bytes = live[i] * eb;
        m.bound_bytes = bound[i] * eb;
        plan.layers.push_back(m);
    }

    // Baselines on dense tensors.
    Family dense = analyse(net, 0, options.model, false, &cache);
    plan.lifetime_bytes = place(&dense) * eb;
    int64_t largest = 0, extra = 0;
    for (const TensorPlacement& t : dense.tensors) {
        plan.sum_bytes += t.layout.elements() * eb;
        largest = std::max(largest, t.layout.elements());
    }
    for (int i = 0; i < int(net.layers.size()); ++i) {
        int64_t e = 0;
        for (int t = 0; t < int(dense.tensors.size()); ++t) {
            const TensorPlacement& T = dense.tensors[t];
            if (T.first_layer <= i && i <= T.last_layer && t != i + 1 && t != dense.layer_inputs[i][0])
                e += T.layout.elements();
        }
        extra = std::max(extra, e);
    }
    plan.pingpong_bytes = (2 * largest + extra) * eb;
    return plan;
}

std::string check_plan(const Network& net, const NetworkPlan& plan) {
    std::map<std::string, OverlapPtr> cache;
    Family f = analyse(net, plan.gap_rows, plan.model, true, &cache);
    if (f.tensors.size() != plan.tensors.size()) return "plan has " + std::to_string(plan.tensors.size()) + " tensors";
    std::vector<int64_t> offsets;
    for (const TensorPlacement& t : plan.tensors) offsets.push_back(t.offset_elements);
    for (int t = 0; t < int(f.tensors.size()); ++t) {
        if (offsets[t] < 0 || (offsets[t] + f.tensors[t].span_elements()) * plan.element_bytes > plan.arena_bytes)
            return f.tensors[t].name + " lies outside the arena";
        if (!fits(f, t, offsets[t], offsets, std::vector<bool>(offsets.size(), true)))
            return f.tensors[t].name + " overlaps a live tensor at an unsafe offset";
    }
    return {};
}

} // namespace memsched
