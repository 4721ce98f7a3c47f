// Exhaustive-with-pruning search per buffer level (see search.h for the
// space, the pruning arguments and the fallback).
#include "model/search.h"

#include "model/footprint.h"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <numeric>
#include <set>

namespace memsched {

std::vector<int64_t> tile_candidates(const Problem& p, Loop l, int64_t enclosing,
                                     int64_t multiple) {
    const int64_t extent = p.extent[int(l)];
    std::set<int64_t> c;
    auto add = [&](int64_t t) {
        if (t < 1 || t > enclosing) return;
        // Nested tiles must lie on the enclosing level's grid.
        if (enclosing != extent && enclosing % t != 0) return;
        if (t % multiple != 0 && t != extent) return;
        c.insert(t);
    };
    for (int64_t d = 1; d * d <= enclosing; ++d)
        if (enclosing % d == 0) { add(d); add(enclosing / d); }
    for (int64_t t = 1; t < enclosing; t *= 2) add(t);
    for (int64_t m = 1; m <= 8; ++m) add((enclosing + m - 1) / m);
    add(enclosing);
    if (c.empty()) c.insert(enclosing); // the multiple cannot be met: leave untiled
    return {c.begin(), c.end()};
}

namespace {

bool is_window(Loop l) { return l == Loop::Y || l == Loop::X || l == Loop::R || l == Loop::S; }

struct LevelSpace {
    const Problem& p;
    std::array<int64_t, kNumLoops> enclosing{};
    int64_t capacity = 0, line = 64;
    bool keep_halo = true;
    std::array<std::vector<int64_t>, kNumLoops> cands;
    int top_k = 5;
    bool pareto = true;
};

struct Found {
    int64_t traffic = 0, footprint = 0;
    LevelMapping mapping;
};

// Scratch and results of one thread.
struct ThreadState {
    struct Memo { uint32_t stamp = 0; int64_t footprint = 0, traffic = 0; };
    std::vector<Memo> memo = std::vector<Memo>(kNumTensors * 128 * 8);
    uint32_t generation = 0;
    std::vector<Found> top;
    std::vector<std::pair<int64_t, int64_t>> front; // (footprint, traffic), traffic decreasing
    int64_t evaluated = 0;
};

void add_to_front(std::vector<std::pair<int64_t, int64_t>>* f, int64_t fp, int64_t traffic) {
    // First point with footprint > fp; its predecessor dominates if its traffic <= ours.
    auto it = std::upper_bound(f->begin(), f->end(), std::make_pair(fp, INT64_MAX));
    if (it != f->begin() && std::prev(it)->second <= traffic) return;
    // Points with footprint >= fp and traffic >= ours are dominated now.
    auto from = std::lower_bound(f->begin(), f->end(), std::make_pair(fp, INT64_MIN));
    auto end = from;
    while (end != f->end() && end->second >= traffic) ++end;
    from = f->erase(from, end);
    f->insert(from, {fp, traffic});
}

void add_to_top(std::vector<Found>* top, int k, const Found& f) {
    auto worse = [](const Found& a, const Found& b) {
        return a.traffic != b.traffic ? a.traffic < b.traffic : a.footprint < b.footprint;
    };
    if (int(top->size()) == k && !worse(f, top->back())) return;
    for (const Found& t : *top)
        if (t.traffic == f.traffic && t.footprint == f.footprint) return; // a tie: keep one
    top->insert(std::upper_bound(top->begin(), top->end(), f, worse), f);
    if (int(top->size()) > k) top->pop_back();
}

struct Option { int64_t footprint, traffic; int kept; };

void explore_tiles(const LevelSpace& s, const std::array<int64_t, kNumLoops>& tile,
                   ThreadState& ts) {
    const Problem& p = s.p;
    LoopGrid g;
    g.enclosing = s.enclosing;
    g.block = tile;
    int64_t min_fp = 0;
    for (int t = 0; t < kNumTensors; ++t)
        min_fp += max_block_elements(p, Tensor(t), g) * p.element_bytes;
    if (min_fp > s.capacity) return;

    std::vector<Loop> active, idle;
    for (int l = 0; l < kNumLoops; ++l)
        (tile[l] < s.enclosing[l] ? active : idle).push_back(Loop(l));
    ++ts.generation;
    const int na = static_cast<int>(active.size());
    std::array<std::vector<Option>, kNumTensors> opts;
    LevelMapping m;
    m.tile = tile;
    m.halo = s.keep_halo ? HaloPolicy::Keep : HaloPolicy::Refetch;
    do {
        for (int i = 0; i < na; ++i) m.order[i] = active[i];
        for (size_t i = 0; i < idle.size(); ++i) m.order[na + i] = idle[i];
        for (int t = 0; t < kNumTensors; ++t) {
            opts[t].clear();
            if (!p.present[t]) { opts[t].push_back({0, 0, 0}); continue; }
            unsigned mask = 0;
            for (int kept = 0; kept <= na; ++kept) {
                if (kept > 0) mask |= 1u << int(m.order[kept - 1]);
                if (kept > 0 && !p.indexes[t][int(m.order[kept - 1])]) continue;
                int keep = -1;
                if (t == int(Tensor::Input) && s.keep_halo && kept > 0 &&
                    is_window(m.order[kept - 1]))
                    keep = int(m.order[kept - 1]);
                ThreadState::Memo& e = ts.memo[(t * 128 + mask) * 8 + (keep + 1)];
                if (e.stamp != ts.generation) {
                    LoopGrid tg;
                    tg.enclosing = s.enclosing;
                    for (int l = 0; l < kNumLoops; ++l)
                        tg.block[l] = (mask >> l) & 1u ? tile[l] : s.enclosing[l];
                    tg.keep_loop = keep;
                    e.footprint = max_block_elements(p, Tensor(t), tg) * p.element_bytes;
                    const int64_t mult = fill_multiplier(p, tg, Tensor(t));
                    const int64_t once = fetched_bytes(p, Tensor(t), tg, s.line);
                    e.traffic = t == int(Tensor::Output) ? (2 * mult - 1) * once : mult * once;
                    e.stamp = ts.generation;
                }
                opts[t].push_back({e.footprint, e.traffic, kept});
            }
        }
        for (const Option& a : opts[0])
            for (const Option& b : opts[1]) {
                if (a.footprint + b.footprint > s.capacity) continue;
                for (const Option& c : opts[2]) {
                    ++ts.evaluated;
                    const int64_t fp = a.footprint + b.footprint + c.footprint;
                    if (fp > s.capacity) continue;
                    const int64_t traffic = a.traffic + b.traffic + c.traffic;
                    if (s.pareto) add_to_front(&ts.front, fp, traffic);
                    if (int(ts.top.size()) == s.top_k && traffic > ts.top.back().traffic) continue;
                    m.kept_at = {a.kept, b.kept, c.kept};
                    add_to_top(&ts.top, s.top_k, {traffic, fp, m});
                }
            }
    } while (std::next_permutation(active.begin(), active.end()));
}

int64_t factorial(int n) { return n <= 1 ? 1 : n * factorial(n - 1); }

int64_t space_size(const LevelSpace& s) {
    int64_t combos = 1;
    int varying = 0;
    for (const auto& c : s.cands) {
        combos *= static_cast<int64_t>(c.size());
        varying += c.size() > 1;
    }
    return combos * factorial(varying);
}

// Thins the candidate lists until the space fits the budget; returns what was done.
std::string thin(LevelSpace* s, int64_t budget) {
    std::string note;
    if (space_size(*s) <= budget) return note;
    for (Loop l : {Loop::R, Loop::S}) s->cands[int(l)] = {s->enclosing[int(l)]};
    note = "kernel loops r,s left untiled";
    if (space_size(*s) <= budget) return note;
    for (int l = 0; l < kNumLoops; ++l) {
        std::vector<int64_t> kept;
        for (int64_t t : s->cands[l])
            if (s->enclosing[l] % t == 0) kept.push_back(t);
        s->cands[l] = kept;
    }
    note += "; non-divisor tile sizes dropped";
    while (space_size(*s) > budget) {
        auto longest = std::max_element(s->cands.begin(), s->cands.end(),
                                        [](const auto& a, const auto& b) { return a.size() < b.size(); });
        if (longest->size() <= 2) break;
        std::vector<int64_t> kept;
        for (size_t i = 0; i < longest->size(); ++i)
            if (i % 2 == 0 || i + 1 == longest->size()) kept.push_back((*longest)[i]);
        *longest = kept;
    }
    note += "; every other tile size dropped until under max_evaluations";
    return note;
}

struct LevelResult {
    std::vector<Found> top;
    std::vector<std::pair<int64_t, int64_t>> front;
    int64_t evaluated = 0;
    bool exhaustive = true;
    std::string note;
};

LevelResult search_level(const Problem& p, const MemoryHierarchy& h, int level,
                         const std::array<int64_t, kNumLoops>& enclosing,
                         const SearchOptions& o, int top_k) {
    LevelSpace s{p};
    s.enclosing = enclosing;
    s.capacity = h.levels[level].capacity_bytes;
    s.line = h.levels[level].line_bytes;
    s.keep_halo = !o.constraints.halo || *o.constraints.halo == HaloPolicy::Keep;
    s.top_k = std::max(1, top_k);
    s.pareto = o.pareto;
    for (int l = 0; l < kNumLoops; ++l)
        s.cands[l] = tile_candidates(p, Loop(l), enclosing[l], o.constraints.tile_multiple[l]);
    LevelResult r;
    r.note = thin(&s, o.max_evaluations);
    r.exhaustive = r.note.empty();

    int64_t combos = 1;
    for (const auto& c : s.cands) combos *= static_cast<int64_t>(c.size());
    tbb::enumerable_thread_specific<ThreadState> states;
    auto body = [&](const tbb::blocked_range<int64_t>& range) {
        ThreadState& ts = states.local();
        for (int64_t i = range.begin(); i != range.end(); ++i) {
            std::array<int64_t, kNumLoops> tile{};
            int64_t rest = i;
            for (int l = 0; l < kNumLoops; ++l) {
                const int64_t n = static_cast<int64_t>(s.cands[l].size());
                tile[l] = s.cands[l][rest % n];
                rest /= n;
            }
            explore_tiles(s, tile, ts);
        }
    };
    if (o.parallel) tbb::parallel_for(tbb::blocked_range<int64_t>(0, combos, 16), body);
    else body(tbb::blocked_range<int64_t>(0, combos));
    for (ThreadState& ts : states) {
        r.evaluated += ts.evaluated;
        for (const Found& f : ts.top) add_to_top(&r.top, s.top_k, f);
        for (auto [fp, t] : ts.front) add_to_front(&r.front, fp, t);
    }
    return r;
}

} // namespace

SearchResult search(const Problem& p, const MemoryHierarchy& h, const SearchOptions& o) {
    SearchResult res;
    if (EvalStatus st = h.validate(); !st) { res.status = st; return res; }
    const int L = h.buffer_levels();
    // The outermost buffer level first, exhaustively (up to the budget) ...
    LevelResult outer = search_level(p, h, L - 1, p.extent, o, o.top_k);
    res.evaluated += outer.evaluated;
    res.exhaustive = outer.exhaustive && L == 1;
    res.note = outer.note;
    if (L > 1) res.note += std::string(res.note.empty() ? "" : "; ") +
                           "inner levels chosen greedily inside the outer tiles";
    for (auto [fp, t] : outer.front) res.pareto.push_back({fp, t});
    if (outer.top.empty()) {
        res.status = EvalStatus::failure(
            "no schedule fits: level '" + h.levels[L - 1].name + "' capacity_bytes=" +
            std::to_string(h.levels[L - 1].capacity_bytes) +
            " is smaller than the smallest tiles of this layer");
        return res;
    }
    // ... then each candidate completed greedily inwards.
    for (const Found& f : outer.top) {
        Schedule sched;
        sched.levels.resize(L);
        sched.levels[L - 1] = f.mapping;
        bool ok = true;
        for (int i = L - 2; i >= 0 && ok; --i) {
            LevelResult inner = search_level(p, h, i, sched.levels[i + 1].tile, o, 1);
            res.evaluated += inner.evaluated;
            if (inner.top.empty()) ok = false;
            else sched.levels[i] = inner.top.front().mapping;
        }
        if (!ok) continue;
        RankedSchedule rs;
        rs.schedule = sched;
        rs.report = evaluate(p, h, sched);
        rs.traffic_bytes = rs.report.outer_traffic_bytes();
        rs.time_s = roofline_time_s(p, h, o.compute, rs.report);
        res.ranked.push_back(rs);
    }
    if (res.ranked.empty()) {
        res.status = EvalStatus::failure("no schedule fits: an inner level is smaller than "
                                         "the smallest tiles of this layer");
        return res;
    }
    std::stable_sort(res.ranked.begin(), res.ranked.end(),
                     [&](const RankedSchedule& a, const RankedSchedule& b) {
                         if (o.objective == Objective::Time && a.time_s != b.time_s)
                             return a.time_s < b.time_s;
                         return a.traffic_bytes < b.traffic_bytes;
                     });
    return res;
}

} // namespace memsched
