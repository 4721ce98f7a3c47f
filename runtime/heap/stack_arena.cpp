// Implementation of StackArena (see stack_arena.h); the Halide hooks are in
// halide_stack_arena.cpp.
#include "runtime/heap/stack_arena.h"

#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <new>
#include <utility>
#include <vector>

namespace memsched {
namespace {

// Halide vectorizes over 128-byte-aligned buffers and may read 8 bytes
// before a block and past its end: a header below each block and a pad
// after it keep those reads inside the arena.
constexpr size_t kAlignBytes = 128;
constexpr size_t kHeaderBytes = 64;
constexpr size_t kTailPadBytes = 64;
constexpr size_t kNoBlock = ~size_t(0);

struct BlockHeader {
    size_t used_before; // the arena's bump offset before this block
    size_t top_before;  // the data offset of the block below it, or kNoBlock
    std::atomic<bool> freed;
};
static_assert(sizeof(BlockHeader) <= kHeaderBytes, "header must fit below the block");

size_t align_up(size_t v, size_t a) { return (v + a - 1) / a * a; }

// Every live arena's range, for a free that reaches another thread.
std::mutex registry_mutex;
std::vector<std::pair<char*, size_t>>& registry() {
    static std::vector<std::pair<char*, size_t>> ranges;
    return ranges;
}

} // namespace

StackArena::StackArena(size_t reserve_bytes) : reserve_(reserve_bytes) {
    void* p = mmap(nullptr, reserve_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    base_ = static_cast<char*>(p);
    std::lock_guard<std::mutex> lock(registry_mutex);
    registry().emplace_back(base_, reserve_);
}

StackArena::~StackArena() {
    {
        std::lock_guard<std::mutex> lock(registry_mutex);
        auto& r = registry();
        r.erase(std::remove(r.begin(), r.end(), std::make_pair(base_, reserve_)), r.end());
    }
    munmap(base_, reserve_);
}

void* StackArena::allocate(size_t bytes) {
    const size_t data = align_up(used_ + kHeaderBytes, kAlignBytes);
    const size_t end = data + align_up(std::max<size_t>(bytes, 1), kAlignBytes) + kTailPadBytes;
    if (end > reserve_) return nullptr;
    new (base_ + data - kHeaderBytes) BlockHeader{used_, top_, {false}};
    used_ = end;
    top_ = data;
    live_++;
    return base_ + data;
}

bool StackArena::release(void* p) {
    char* c = static_cast<char*>(p);
    if (c < base_ || c >= base_ + reserve_) return false;
    reinterpret_cast<BlockHeader*>(c - kHeaderBytes)->freed.store(true, std::memory_order_release);
    live_--;
    // Pop the freed blocks on top; a block freed out of order waits for
    // the ones above it.
    while (top_ != kNoBlock) {
        auto* h = reinterpret_cast<BlockHeader*>(base_ + top_ - kHeaderBytes);
        if (!h->freed.load(std::memory_order_acquire)) break;
        used_ = h->used_before;
        top_ = h->top_before;
        h->~BlockHeader();
    }
    return true;
}

bool StackArena::mark_freed_in_any(void* p) {
    char* c = static_cast<char*>(p);
    std::lock_guard<std::mutex> lock(registry_mutex);
    for (const auto& [base, size] : registry()) {
        if (c >= base && c < base + size) {
            reinterpret_cast<BlockHeader*>(c - kHeaderBytes)->freed.store(true, std::memory_order_release);
            return true;
        }
    }
    return false;
}

} // namespace memsched
