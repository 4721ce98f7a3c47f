// Oracle (b): element trace through LRU caches (see cache_oracle.h).
#include "model/cache_oracle.h"

#include <algorithm>
#include <array>
#include <functional>
#include <vector>

namespace memsched {

namespace {

struct Way {
    int64_t tag = -1;
    uint64_t last_use = 0;
    bool dirty = false;
};

class Cache {
public:
    Cache(int64_t capacity, int64_t line, int assoc) : line_(line) {
        const int64_t lines = std::max<int64_t>(1, capacity / line);
        ways_ = assoc <= 0 ? lines : std::min<int64_t>(assoc, lines);
        sets_ = std::max<int64_t>(1, lines / ways_);
        data_.assign(sets_ * ways_, Way{});
    }
    int64_t line() const { return line_; }

    // Accesses the line holding `addr`. Returns true on a hit. On a miss the
    // evicted dirty line (if any) is returned through *evicted_addr.
    bool access(int64_t addr, bool write, int64_t* evicted_addr) {
        const int64_t ln = addr / line_;
        Way* set = &data_[(ln % sets_) * ways_];
        ++clock_;
        for (int64_t w = 0; w < ways_; ++w) {
            if (set[w].tag == ln) {
                set[w].last_use = clock_;
                set[w].dirty |= write;
                return true;
            }
        }
        Way* victim = set;
        for (int64_t w = 1; w < ways_; ++w)
            if (set[w].last_use < victim->last_use) victim = &set[w];
        *evicted_addr = (victim->tag >= 0 && victim->dirty) ? victim->tag * line_ : -1;
        *victim = Way{ln, clock_, write};
        return false;
    }

    template <typename Fn>
    void flush(Fn&& write_back) {
        for (Way& w : data_)
            if (w.tag >= 0 && w.dirty) write_back(w.tag * line_);
    }

private:
    int64_t line_, ways_, sets_;
    uint64_t clock_ = 0;
    std::vector<Way> data_;
};

struct Sim {
    const Problem& p;
    std::vector<Cache> caches;
    std::array<int64_t, kNumTensors + 1> base{}; // tensor address ranges, 4 KiB aligned
    TrafficReport* rep;

    Tensor tensor_of(int64_t addr) const {
        for (int t = kNumTensors - 1; t >= 0; --t)
            if (addr >= base[t]) return Tensor(t);
        return Tensor::Input;
    }

    // A request into cache level i (read, or write-back / write).
    void request(size_t i, int64_t addr, bool write, bool fetch_on_miss) {
        if (i == caches.size()) return; // the backing store
        int64_t evicted = -1;
        const bool hit = caches[i].access(addr, write, &evicted);
        const Tensor t = tensor_of(addr);
        if (!hit && fetch_on_miss) {
            rep->levels[i].tensors[int(t)].read_bytes += caches[i].line();
            request(i + 1, addr, false, true);
        }
        if (evicted >= 0) {
            rep->levels[i].tensors[int(tensor_of(evicted))].write_bytes += caches[i].line();
            // A whole dirty line is written: no fetch needed below.
            request(i + 1, evicted, true, false);
        }
    }
};

} // namespace

TrafficReport simulate_caches(const Problem& p, const MemoryHierarchy& h, const Schedule& s) {
    TrafficReport rep;
    if (EvalStatus st = h.validate(); !st) { rep.status = st; return rep; }
    if (EvalStatus st = validate(s, p, h); !st) { rep.status = st; return rep; }
    const int L = static_cast<int>(s.levels.size());
    rep.levels.resize(L);
    Sim sim{p, {}, {}, &rep};
    for (int i = 0; i < L; ++i) {
        rep.levels[i].level_name = h.levels[i].name;
        rep.levels[i].capacity_bytes = h.levels[i].capacity_bytes;
        sim.caches.emplace_back(h.levels[i].capacity_bytes, h.levels[i].line_bytes,
                                h.levels[i].associativity);
    }
    const int64_t eb = p.element_bytes;
    int64_t next = 0;
    for (int t = 0; t < kNumTensors; ++t) {
        sim.base[t] = next;
        next += (p.tensor_elements(Tensor(t)) * eb + 4095) / 4096 * 4096 + 4096;
    }
    sim.base[kNumTensors] = next;
    std::vector<char> written(p.tensor_elements(Tensor::Output), 0);

    // Flatten the nest: all tile loops (outer levels first), then the points
    // of the innermost tile in level-0 order.
    struct NestLoop { Loop loop; int64_t tile; };
    std::vector<NestLoop> nest;
    for (int j = L - 1; j >= 0; --j)
        for (Loop l : s.levels[j].order) nest.push_back({l, s.levels[j].tile_of(l)});
    for (Loop l : s.levels[0].order) nest.push_back({l, 1});

    std::array<std::pair<int64_t, int64_t>, kNumLoops> range;
    for (int l = 0; l < kNumLoops; ++l) range[l] = {0, p.extent[l]};
    std::array<int64_t, kNumLoops> idx{};
    const LayerShape& sh = p.shape;
    const int64_t H = sh.in_height, W = sh.in_width, C = sh.in_channels;
    const int64_t cg = p.extent[int(Loop::C)], R = sh.kernel_h, S = sh.kernel_w;
    const int64_t K = p.extent[int(Loop::K)], OH = p.extent[int(Loop::Y)],
                  OW = p.extent[int(Loop::X)];

    auto point = [&]() {
        const int64_t n = idx[0], k = idx[1], c = idx[2], y = idx[3], x = idx[4], r = idx[5],
                      q = idx[6];
        const int64_t hh = y * p.stride + r * p.dilation - p.pad;
        const int64_t ww = x * p.stride + q * p.dilation - p.pad;
        if (hh >= 0 && hh < H && ww >= 0 && ww < W) {
            const int64_t ch = (k / p.k_per_group) * cg + c;
            sim.request(0, sim.base[0] + (((n * C + ch) * H + hh) * W + ww) * eb, false, true);
        }
        if (p.present[int(Tensor::Weights)])
            sim.request(0, sim.base[1] + (((k * cg + c) * R + r) * S + q) * eb, false, true);
        const int64_t o = ((n * K + k) * OH + y) * OW + x;
        // Read-modify-write of the accumulator; the first touch only writes
        // (a write miss still allocates the line: write-allocate).
        if (written[o]) sim.request(0, sim.base[2] + o * eb, false, true);
        sim.request(0, sim.base[2] + o * eb, true, true);
        written[o] = 1;
    };

    std::function<void(size_t)> run = [&](size_t d) {
        if (d == nest.size()) { point(); return; }
        const int l = int(nest[d].loop);
        const auto saved = range[l];
        for (int64_t x = saved.first; x < saved.second; x += nest[d].tile) {
            range[l] = {x, std::min(saved.second, x + nest[d].tile)};
            if (nest[d].tile == 1) idx[l] = x;
            run(d + 1);
        }
        range[l] = saved;
    };
    run(0);
    // Write back what is still dirty, innermost first, so that the outer
    // levels see the final lines.
    for (int i = 0; i < L; ++i) {
        sim.caches[i].flush([&](int64_t addr) {
            rep.levels[i].tensors[int(sim.tensor_of(addr))].write_bytes += sim.caches[i].line();
            sim.request(i + 1, addr, true, false);
        });
    }
    return rep;
}

} // namespace memsched
