// The scratch reuse pool itself, knowing nothing of Halide (see scratch_pool.h).
#include "runtime/scratch/scratch_pool.h"

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace memsched {
namespace {

// Wider than any vector Halide stores (AVX-512), and a whole cache line.
constexpr size_t kAlignment = 128;

struct Pool {
    std::mutex mutex;
    std::unordered_map<size_t, std::vector<void*>> free_by_size;
    std::unordered_map<void*, size_t> size_of; // every block handed out or kept
    ScratchPoolStats stats;
};

Pool& pool() {
    static Pool* p = new Pool; // never destroyed: pipelines may free at exit
    return *p;
}

} // namespace

void* scratch_pool_allocate(size_t size) {
    // Halide may read (never write) a little past the end of a buffer.
    const size_t rounded = (size + kAlignment + kAlignment - 1) / kAlignment * kAlignment;
    Pool& p = pool();
    {
        std::lock_guard<std::mutex> lock(p.mutex);
        p.stats.allocations++;
        auto it = p.free_by_size.find(rounded);
        if (it != p.free_by_size.end() && !it->second.empty()) {
            void* block = it->second.back();
            it->second.pop_back();
            p.stats.reused++;
            return block;
        }
    }
    void* block = std::aligned_alloc(kAlignment, rounded);
    if (!block) return nullptr;
    std::lock_guard<std::mutex> lock(p.mutex);
    p.size_of[block] = rounded;
    p.stats.held_bytes += int64_t(rounded);
    return block;
}

void scratch_pool_release(void* block) {
    if (!block) return;
    Pool& p = pool();
    std::lock_guard<std::mutex> lock(p.mutex);
    auto it = p.size_of.find(block);
    if (it == p.size_of.end()) return; // not ours: Halide never frees what it did not allocate
    p.free_by_size[it->second].push_back(block);
}

ScratchPoolStats scratch_pool_stats() {
    Pool& p = pool();
    std::lock_guard<std::mutex> lock(p.mutex);
    return p.stats;
}

} // namespace memsched
