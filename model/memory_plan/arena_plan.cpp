// Network arena planning with layer overlaps (see arena_plan.h).
#include "model/memory_plan/arena_plan.h"

#include "model/memory_plan/layer_access.h"
#include "model/memory_plan/network_shapes.h"

#include <algorithm>
#include <array>
#include <limits>
#include <map>
#include <memory>
#include <stdexcept>

namespace memsched {

namespace {

using OverlapPtr = std::shared_ptr<const OverlapAnalysis>;
// Per sweep direction (index int(RowSweep)); Reverse is null where the layer
// has no reverse schedule.
using SweepOverlaps = std::array<OverlapPtr, 2>;
using SweepMask = unsigned; // bit int(RowSweep): that sweep is still allowed

constexpr SweepMask kForwardOnly = 1u << int(RowSweep::Forward);

// Everything the placement needs for one layout family.
struct Family {
    int64_t gap_rows = 0;
    std::vector<TensorPlacement> tensors;
    std::vector<std::array<std::string, 2>> orders;  // per layer, per sweep (empty: none)
    std::vector<std::vector<SweepOverlaps>> overlaps; // per layer, per input: set when the input dies there
    std::vector<std::vector<int>> layer_inputs;      // per layer: tensor indices
    std::vector<SweepMask> allowed;                  // per layer: the sweeps it has a schedule for
    std::vector<SweepMask> sweeps;                   // per layer: the placement's sweep (one bit)
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

// The overlap analyses of layer i's dying inputs under one execution order.
void analyse_overlaps(const Network& net, int i, const ExecutionOrder& order, RowSweep sweep, ParallelModel model,
                      std::map<std::string, OverlapPtr>* cache, Family* f) {
    std::unique_ptr<LayerAccess> access;
    for (size_t j = 0; j < f->layer_inputs[i].size(); ++j) {
        const int t = f->layer_inputs[i][j];
        const bool dies = f->tensors[t].last_layer == i &&
                          std::count(f->layer_inputs[i].begin(), f->layer_inputs[i].end(), t) == 1;
        if (!dies) continue;
        const std::string key = cache_key(order, int(j), f->gap_rows, net.layers[i]) + "|" + to_string(model);
        auto hit = cache->find(key);
        if (hit == cache->end()) {
            if (!access) {
                std::vector<TensorLayout> in_layouts;
                for (int u : f->layer_inputs[i]) in_layouts.push_back(f->tensors[u].layout);
                access = std::make_unique<LayerAccess>(
                    build_layer_access(order, in_layouts, f->tensors[i + 1].layout));
            }
            hit = cache->emplace(key, std::make_shared<OverlapAnalysis>(analyze_overlap(*access, int(j), model)))
                      .first;
        }
        f->overlaps[i][j][int(sweep)] = hit->second;
    }
}

Family analyse(const Network& net, int64_t gap_rows, ParallelModel model, bool overlaps, bool reverse,
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
    f.allowed.assign(layers, kForwardOnly);
    for (int i = 0; i < layers; ++i) {
        f.overlaps[i].resize(f.layer_inputs[i].size());
        for (RowSweep sweep : {RowSweep::Forward, RowSweep::Reverse}) {
            if (sweep == RowSweep::Reverse && !(reverse && has_reverse_sweep(net, size_t(i)))) continue;
            f.allowed[i] |= 1u << int(sweep);
            const ExecutionOrder order = manual_layer_order(net, size_t(i), sweep);
            f.orders[i][int(sweep)] = order.schedule;
            if (overlaps) analyse_overlaps(net, i, order, sweep, model, cache, &f);
        }
    }
    return f;
}

bool lifetimes_meet(const TensorPlacement& a, const TensorPlacement& b) {
    return a.first_layer <= b.last_layer && b.first_layer <= a.last_layer;
}

// The overlap rule linking tensor t and an earlier-placed tensor u: t is the
// output of `layer` and u its dying input `input` (sign +1, the analysed
// offset is t's minus u's), or the other way round (sign -1).
struct Link {
    int layer = -1, input = 0;
    int64_t sign = 1;
    bool exists() const { return layer >= 0; }
};

Link link(const Family& f, int t, int u) {
    for (int64_t sign : {int64_t(1), int64_t(-1)}) {
        const int out = sign > 0 ? t : u, in = sign > 0 ? u : t;
        if (out == 0) continue;
        const int layer = out - 1;
        for (size_t j = 0; j < f.layer_inputs[layer].size(); ++j)
            if (f.layer_inputs[layer][j] == in && f.overlaps[layer][j][0]) return {layer, int(j), sign};
    }
    return {};
}

// The sweeps in `allowed` under which the link is safe with t at p and u at q.
SweepMask safe_sweeps(const Family& f, const Link& l, int64_t p, int64_t q, SweepMask allowed) {
    SweepMask ok = 0;
    for (int s = 0; s < 2; ++s) {
        const OverlapPtr& a = f.overlaps[l.layer][l.input][s];
        if ((allowed >> s & 1u) && a && a->is_safe(l.sign * (p - q))) ok |= 1u << s;
    }
    return ok;
}

// Whether tensor t fits at p next to the placed tensors; narrows `sweeps`
// (per layer) to the directions under which every overlap it makes is safe.
bool fits(const Family& f, int t, int64_t p, const std::vector<int64_t>& offsets, const std::vector<bool>& placed,
          std::vector<SweepMask>* sweeps) {
    const TensorPlacement& T = f.tensors[t];
    for (int u = 0; u < int(f.tensors.size()); ++u) {
        const TensorPlacement& U = f.tensors[u];
        if (u == t || !placed[u] || !lifetimes_meet(T, U)) continue;
        if (const Link l = link(f, t, u); l.exists()) {
            const SweepMask ok = safe_sweeps(f, l, p, offsets[u], (*sweeps)[l.layer]);
            if (!ok) return false;
            (*sweeps)[l.layer] = ok;
        } else if (p < offsets[u] + U.span_elements() && offsets[u] < p + T.span_elements()) {
            return false;
        }
    }
    return true;
}

// Places tensors one by one in `order`, each at the fitting candidate offset
// that keeps the arena extent smallest (ties: the one nearest 0 on the
// preferred side); a layer's sweep is fixed by the first placement that
// overlaps its output with its input (forward where both are safe). Returns
// the arena extent in elements.
int64_t place_in_order(Family* f, const std::vector<int>& order, bool prefer_low) {
    std::vector<int64_t> offsets(f->tensors.size(), 0);
    std::vector<bool> placed(f->tensors.size(), false);
    std::vector<SweepMask> sweeps = f->allowed;
    int64_t lo = 0, hi = 0;
    bool first = true;
    for (int t : order) {
        const int64_t span = f->tensors[t].span_elements();
        std::vector<int64_t> cand{0};
        for (int u = 0; u < int(f->tensors.size()); ++u) {
            if (!placed[u] || !lifetimes_meet(f->tensors[t], f->tensors[u])) continue;
            cand.push_back(offsets[u] + f->tensors[u].span_elements());
            cand.push_back(offsets[u] - span);
            const Link l = link(*f, t, u);
            if (!l.exists()) continue;
            for (int s = 0; s < 2; ++s) {
                const OverlapAnalysis* x = f->overlaps[l.layer][l.input][s].get();
                if (!x || !(sweeps[l.layer] >> s & 1u)) continue;
                for (int64_t o : {x->best_offset, x->best_offset_below, x->best_offset_above})
                    cand.push_back(offsets[u] + l.sign * o);
                if (x->conflicts.size() <= 4096)
                    for (const OffsetInterval& c : x->conflicts) {
                        cand.push_back(offsets[u] + l.sign * (c.lo - 1));
                        cand.push_back(offsets[u] + l.sign * (c.hi + 1));
                    }
            }
        }
        bool found = false;
        int64_t best = 0, best_extent = 0;
        std::vector<SweepMask> best_sweeps;
        auto tie_key = [&](int64_t p) { // preferred side first, then nearest 0
            const bool side = prefer_low ? p <= 0 : p >= 0;
            return std::make_pair(side ? 0 : 1, std::llabs(p));
        };
        auto better_tie = [&](int64_t p) { return tie_key(p) < tie_key(best); };
        for (int64_t p : cand) {
            const int64_t extent = first ? span : std::max(hi, p + span) - std::min(lo, p);
            if (found && (extent > best_extent || (extent == best_extent && !better_tie(p)))) continue;
            std::vector<SweepMask> narrowed = sweeps;
            if (!fits(*f, t, p, offsets, placed, &narrowed)) continue;
            found = true;
            best = p;
            best_extent = extent;
            best_sweeps = std::move(narrowed);
        }
        if (!found) throw std::logic_error("arena placement found no offset for " + f->tensors[t].name);
        offsets[t] = best;
        placed[t] = true;
        sweeps = std::move(best_sweeps);
        lo = first ? best : std::min(lo, best);
        hi = first ? best + span : std::max(hi, best + span);
        first = false;
    }
    for (size_t t = 0; t < offsets.size(); ++t) f->tensors[t].offset_elements = offsets[t] - lo;
    // Forward wherever it is still allowed: the default schedule.
    for (SweepMask& m : sweeps) m = (m & kForwardOnly) ? kForwardOnly : m;
    f->sweeps = sweeps;
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
    std::vector<SweepMask> best_sweeps;
    for (const std::vector<int>* order : {&definition, &long_first})
        for (bool prefer_low : {false, true}) {
            const int64_t extent = place_in_order(f, *order, prefer_low);
            if (best < 0 || extent < best) {
                best = extent;
                best_tensors = f->tensors;
                best_sweeps = f->sweeps;
            }
        }
    f->tensors = best_tensors;
    f->sweeps = best_sweeps;
    return best;
}

// Per layer: live elements and the bound (live minus the largest overlap
// each dying input allows under any sweep the layer has).
void layer_bounds(const Family& f, std::vector<int64_t>* live, std::vector<int64_t>* bound) {
    const int layers = int(f.layer_inputs.size());
    live->assign(layers, 0);
    bound->assign(layers, 0);
    for (int i = 0; i < layers; ++i) {
        for (const TensorPlacement& T : f.tensors)
            if (T.first_layer <= i && i <= T.last_layer) (*live)[i] += T.span_elements();
        (*bound)[i] = (*live)[i];
        for (const SweepOverlaps& per_sweep : f.overlaps[i]) {
            int64_t most = 0;
            for (const OverlapPtr& a : per_sweep)
                if (a) most = std::max(most, a->overlap_elements());
            (*bound)[i] -= most;
        }
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
        Family f = analyse(net, g, options.model, true, options.reverse_sweeps, &cache);
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
        m.sweep = chosen.sweeps[i] == kForwardOnly ? RowSweep::Forward : RowSweep::Reverse;
        m.order = chosen.orders[i][int(m.sweep)];
        const TensorPlacement& in = chosen.tensors[chosen.layer_inputs[i][0]];
        m.input_bytes = in.span_elements() * eb;
        m.output_bytes = chosen.tensors[i + 1].span_elements() * eb;
        if (const OverlapPtr& a = chosen.overlaps[i][0][int(m.sweep)]) {
            m.overlap_bytes = a->overlap_elements() * eb;
            m.best_offset_elements = a->best_offset;
        }
        m.min_bytes = m.input_bytes + m.output_bytes - m.overlap_bytes;
        m.live_bytes = live[i] * eb;
        m.bound_bytes = bound[i] * eb;
        plan.layers.push_back(m);
    }

    // Baselines on dense tensors.
    Family dense = analyse(net, 0, options.model, false, false, &cache);
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
    Family f = analyse(net, plan.gap_rows, plan.model, true, true, &cache);
    if (f.tensors.size() != plan.tensors.size()) return "plan has " + std::to_string(plan.tensors.size()) + " tensors";
    if (plan.layers.size() != net.layers.size()) return "plan has " + std::to_string(plan.layers.size()) + " layers";
    // Each layer runs in the plan's sweep, which it must have a schedule for.
    std::vector<SweepMask> sweeps;
    for (size_t i = 0; i < plan.layers.size(); ++i) {
        const SweepMask m = 1u << int(plan.layers[i].sweep);
        if (!(f.allowed[i] & m))
            return plan.layers[i].name + " has no " + to_string(plan.layers[i].sweep) + " schedule";
        sweeps.push_back(m);
    }
    std::vector<int64_t> offsets;
    for (const TensorPlacement& t : plan.tensors) offsets.push_back(t.offset_elements);
    for (int t = 0; t < int(f.tensors.size()); ++t) {
        if (offsets[t] < 0 || (offsets[t] + f.tensors[t].span_elements()) * plan.element_bytes > plan.arena_bytes)
            return f.tensors[t].name + " lies outside the arena";
        if (!fits(f, t, offsets[t], offsets, std::vector<bool>(offsets.size(), true), &sweeps))
            return f.tensors[t].name + " overlaps a live tensor at an unsafe offset";
    }
    return {};
}

} // namespace memsched
