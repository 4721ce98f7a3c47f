// Evaluation of a schedule with the closed-form footprint functions.
#include "model/traffic.h"

namespace memsched {

int64_t LevelTraffic::read_bytes() const {
    int64_t b = 0;
    for (const TensorTraffic& t : tensors) b += t.read_bytes;
    return b;
}

int64_t LevelTraffic::write_bytes() const {
    int64_t b = 0;
    for (const TensorTraffic& t : tensors) b += t.write_bytes;
    return b;
}

int64_t LevelTraffic::footprint_bytes() const {
    int64_t b = 0;
    for (const TensorTraffic& t : tensors) b += t.footprint_bytes;
    return b;
}

TrafficReport& TrafficReport::operator+=(const TrafficReport& o) {
    if (levels.empty()) {
        *this = o;
        return *this;
    }
    if (!o.status.ok && status.ok) status = o.status;
    for (size_t i = 0; i < levels.size() && i < o.levels.size(); ++i) {
        for (int t = 0; t < kNumTensors; ++t) {
            TensorTraffic& a = levels[i].tensors[t];
            const TensorTraffic& b = o.levels[i].tensors[t];
            a.read_bytes += b.read_bytes;
            a.write_bytes += b.write_bytes;
            a.fills += b.fills;
            // Layers run one after another: the buffer must hold the largest.
            a.footprint_bytes = std::max(a.footprint_bytes, b.footprint_bytes);
        }
    }
    return *this;
}

LoopGrid tensor_grid(const Problem& p, const Schedule& s, int level, Tensor t) {
    const LevelMapping& m = s.levels[level];
    LoopGrid g;
    for (int l = 0; l < kNumLoops; ++l) {
        g.enclosing[l] = level + 1 < int(s.levels.size()) ? s.levels[level + 1].tile[l]
                                                           : p.extent[l];
    }
    const int kept = m.kept_at[int(t)];
    for (int pos = 0; pos < kNumLoops; ++pos) {
        const int l = int(m.order[pos]);
        g.block[l] = pos < kept ? m.tile[l] : g.enclosing[l];
    }
    if (t == Tensor::Input && m.halo == HaloPolicy::Keep && kept > 0) {
        const Loop inner = m.order[kept - 1];
        if (inner == Loop::Y || inner == Loop::X || inner == Loop::R || inner == Loop::S)
            g.keep_loop = int(inner);
    }
    return g;
}

int64_t fill_multiplier(const Problem& p, const LoopGrid& g, Tensor t) {
    int64_t m = 1;
    for (int l = 0; l < kNumLoops; ++l) {
        if (!p.indexes[int(t)][l]) m *= (p.extent[l] + g.block[l] - 1) / g.block[l];
    }
    return m;
}

namespace {

int64_t block_positions(const Problem& p, const LoopGrid& g, Tensor t) {
    int64_t n = 1;
    for (int l = 0; l < kNumLoops; ++l)
        if (p.indexes[int(t)][l]) n *= (p.extent[l] + g.block[l] - 1) / g.block[l];
    return n;
}

} // namespace

TrafficReport evaluate(const Problem& p, const MemoryHierarchy& h, const Schedule& s) {
    TrafficReport rep;
    if (EvalStatus st = h.validate(); !st) {
        rep.status = st;
        return rep;
    }
    if (EvalStatus st = validate(s, p, h); !st) {
        rep.status = st;
        return rep;
    }
    rep.levels.resize(s.levels.size());
    for (int i = 0; i < int(s.levels.size()); ++i) {
        LevelTraffic& lt = rep.levels[i];
        lt.level_name = h.levels[i].name;
        lt.capacity_bytes = h.levels[i].capacity_bytes;
        const int64_t line = h.levels[i].line_bytes;
        for (int t = 0; t < kNumTensors; ++t) {
            const Tensor tensor = Tensor(t);
            if (!p.present[t]) continue;
            const LoopGrid g = tensor_grid(p, s, i, tensor);
            TensorTraffic& tt = lt.tensors[t];
            // Step 1: the buffer holds the largest box of the grid.
            tt.footprint_bytes = max_block_elements(p, tensor, g) * p.element_bytes;
            // Step 2: every box is filled once per iteration of the
            // non-indexing loops outside the kept position.
            const int64_t mult = fill_multiplier(p, g, tensor);
            tt.fills = mult * block_positions(p, g, tensor);
            // Step 3: bytes of one fill of every box, line-rounded.
            const int64_t once = fetched_bytes(p, tensor, g, line);
            if (once < 0) {
                rep.status = EvalStatus::failure("level '" + lt.level_name + "' line_bytes=" +
                                                 std::to_string(line) + " is too large");
                return rep;
            }
            if (tensor == Tensor::Output) {
                // Step 4: partial sums come back on all fills but the first.
                tt.write_bytes = mult * once;
                tt.read_bytes = (mult - 1) * once;
            } else {
                tt.read_bytes = mult * once;
            }
        }
    }
    for (const LevelTraffic& lt : rep.levels) {
        if (!lt.fits()) {
            rep.status = EvalStatus::failure(
                "schedule does not fit: level '" + lt.level_name + "' needs " +
                std::to_string(lt.footprint_bytes()) + " bytes, capacity_bytes=" +
                std::to_string(lt.capacity_bytes));
            break;
        }
    }
    return rep;
}

} // namespace memsched
