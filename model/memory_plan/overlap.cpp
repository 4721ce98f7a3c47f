// Conflict intervals of output placements and the best safe one (see overlap.h).
#include "model/memory_plan/overlap.h"

#include <algorithm>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>

namespace memsched {

namespace {

// A set of disjoint address intervals [begin, end) that only grows.
class IntervalSet {
public:
    void add(int64_t b, int64_t e) {
        if (b >= e) return;
        auto it = set_.upper_bound(b);
        if (it != set_.begin()) {
            auto prev = std::prev(it);
            if (prev->second >= b) {
                b = prev->first;
                e = std::max(e, prev->second);
                it = set_.erase(prev);
            }
        }
        while (it != set_.end() && it->first <= e) {
            e = std::max(e, it->second);
            it = set_.erase(it);
        }
        set_.emplace(b, e);
    }
    const std::map<int64_t, int64_t>& items() const { return set_; }

private:
    std::map<int64_t, int64_t> set_;
};

void emit_conflicts(const IntervalSet& danger, const std::vector<WriteRange>& group,
                    std::vector<OffsetInterval>* out) {
    for (const WriteRange& w : group)
        for (const auto& [a0, a1] : danger.items()) out->push_back({a0 - (w.end - 1), (a1 - 1) - w.begin});
}

// Writes of equal time: contiguous ranges merged (they share the danger set).
std::vector<WriteRange> merged(std::vector<WriteRange> g) {
    std::sort(g.begin(), g.end(), [](const WriteRange& a, const WriteRange& b) { return a.begin < b.begin; });
    std::vector<WriteRange> m;
    for (const WriteRange& w : g) {
        if (!m.empty() && m.back().end == w.begin)
            m.back().end = w.end;
        else
            m.push_back(w);
    }
    return m;
}

// Sweeps writes by decreasing time; `danger` already holds what is unsafe for
// any write of this group of writes; reads (sorted by decreasing time) are
// added once they are later than the current write.
void sweep(std::vector<WriteRange> writes, std::vector<ReadRange> late_reads, IntervalSet danger,
           std::vector<OffsetInterval>* out) {
    std::sort(writes.begin(), writes.end(), [](const WriteRange& a, const WriteRange& b) { return a.time > b.time; });
    std::sort(late_reads.begin(), late_reads.end(),
              [](const ReadRange& a, const ReadRange& b) { return a.last_time > b.last_time; });
    size_t r = 0, i = 0;
    while (i < writes.size()) {
        size_t j = i;
        while (j < writes.size() && writes[j].time == writes[i].time) ++j;
        const int64_t w = writes[i].time;
        while (r < late_reads.size() && late_reads[r].last_time > w) {
            danger.add(late_reads[r].begin, late_reads[r].end);
            ++r;
        }
        emit_conflicts(danger, merged({writes.begin() + i, writes.begin() + j}), out);
        i = j;
    }
}

std::vector<OffsetInterval> merge_intervals(std::vector<OffsetInterval> v) {
    std::sort(v.begin(), v.end(), [](const OffsetInterval& a, const OffsetInterval& b) { return a.lo < b.lo; });
    std::vector<OffsetInterval> m;
    for (const OffsetInterval& x : v) {
        if (x.hi < x.lo) continue;
        if (!m.empty() && x.lo <= m.back().hi + 1)
            m.back().hi = std::max(m.back().hi, x.hi);
        else
            m.push_back(x);
    }
    return m;
}

// The safe offset in [lo, hi] with the smallest joint span (o outside every
// conflict interval), or nothing when [lo, hi] is all unsafe.
bool best_in(const OverlapAnalysis& a, int64_t lo, int64_t hi, int64_t* best) {
    // The joint span is convex in o, smallest on [min(0, in-out), max(0, in-out)].
    const int64_t d = a.input_span - a.output_span;
    const int64_t t0 = std::min<int64_t>(0, d), t1 = std::max<int64_t>(0, d);
    bool found = false;
    auto consider = [&](int64_t g0, int64_t g1) {
        g0 = std::max(g0, lo);
        g1 = std::min(g1, hi);
        if (g0 > g1) return;
        const int64_t o = g1 < t0 ? g1 : (g0 > t1 ? g0 : std::max(g0, t0));
        if (!found || a.span_at(o) < a.span_at(*best) ||
            (a.span_at(o) == a.span_at(*best) && std::llabs(o) < std::llabs(*best))) {
            *best = o;
            found = true;
        }
    };
    int64_t cursor = std::numeric_limits<int64_t>::min() / 4;
    for (const OffsetInterval& c : a.conflicts) {
        consider(cursor, c.lo - 1);
        cursor = c.hi + 1;
    }
    consider(cursor, std::numeric_limits<int64_t>::max() / 4);
    return found;
}

} // namespace

bool OverlapAnalysis::is_safe(int64_t o) const {
    auto it = std::upper_bound(conflicts.begin(), conflicts.end(), o,
                               [](int64_t v, const OffsetInterval& c) { return v < c.lo; });
    if (it == conflicts.begin()) return true;
    return o > std::prev(it)->hi;
}

int64_t OverlapAnalysis::span_at(int64_t o) const {
    return std::max(o + output_span, input_span) - std::min<int64_t>(o, 0);
}

OverlapAnalysis analyze_overlap(const LayerAccess& access, int input, ParallelModel model) {
    if (input < 0 || input >= int(access.reads.size()))
        throw std::invalid_argument("input=" + std::to_string(input) + " is not an input of the layer (it has " +
                                    std::to_string(access.reads.size()) + ")");
    const std::vector<ReadRange>& reads = access.reads[input];
    OverlapAnalysis a;
    a.input_span = access.input_layouts[input].span_elements();
    a.output_span = access.output_layout.span_elements();
    std::vector<OffsetInterval> conflicts;
    if (model == ParallelModel::Sequential) {
        sweep(access.writes, reads, {}, &conflicts);
    } else {
        // Per parallel iteration: everything read by another iteration is
        // unsafe throughout; its own exclusive reads become unsafe once later.
        std::map<int64_t, std::vector<WriteRange>> by_iteration;
        for (const WriteRange& w : access.writes) by_iteration[w.iteration].push_back(w);
        for (auto& [it, writes] : by_iteration) {
            IntervalSet base;
            std::vector<ReadRange> own;
            for (const ReadRange& r : reads) {
                if (r.first_iteration == it && r.last_iteration == it)
                    own.push_back(r);
                else
                    base.add(r.begin, r.end);
            }
            sweep(std::move(writes), std::move(own), std::move(base), &conflicts);
        }
    }
    a.conflicts = merge_intervals(std::move(conflicts));
    // Offsets beyond +-span never overlap, so a safe one always exists.
    best_in(a, std::numeric_limits<int64_t>::min() / 4, std::numeric_limits<int64_t>::max() / 4, &a.best_offset);
    a.min_span = a.span_at(a.best_offset);
    if (!best_in(a, std::numeric_limits<int64_t>::min() / 4, 0, &a.best_offset_below))
        a.best_offset_below = -a.output_span;
    if (!best_in(a, 0, std::numeric_limits<int64_t>::max() / 4, &a.best_offset_above))
        a.best_offset_above = a.input_span;
    return a;
}

} // namespace memsched
