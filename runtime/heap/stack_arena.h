// A per-thread stack for the buffers Halide pipelines allocate on each
// call (halide_malloc), so that a buffer lands where the last one freed
// was: still in cache.
//
// Halide frees a pipeline's buffers at the end of the scope that allocated
// them, on the thread that allocated them, so they come and go last in,
// first out. glibc places them by best fit among its free chunks instead,
// which after the first call are often cold: cachegrind measured a fused
// GoogLeNet @224 (time objective, 1 MiB) at 73.36 MiB per call under a
// heap kept between calls (keep_heap_for_pipelines), 67.01 on this stack.
// Not the benchmarks' default: timed, layer-by-layer pipelines ran 5-20%
// slower on it than on the kept heap (bench/RESULTS.md, session 23); the
// cachegrind runner offers it (HEAP=stack).
#pragma once

#include <cstddef>
#include <cstdint>

namespace memsched {

// One thread's stack: a reserved range of address space (pages are
// faulted in once and kept). A free that is not of the top block marks it
// free; it is popped with the blocks above it. A request the range cannot
// hold goes to halide_default_malloc.
class StackArena {
public:
    explicit StackArena(size_t reserve_bytes);
    ~StackArena();
    StackArena(const StackArena&) = delete;
    StackArena& operator=(const StackArena&) = delete;

    void* allocate(size_t bytes);
    // false if `p` is not a live block of this arena.
    bool release(void* p);
    // A block of any thread's arena freed on another thread: marked free,
    // popped by its own thread. false if `p` is in no arena.
    static bool mark_freed_in_any(void* p);
    size_t used_bytes() const { return used_; }
    size_t live_blocks() const { return live_; }

private:
    char* base_ = nullptr;
    size_t reserve_ = 0, used_ = 0, live_ = 0;
    size_t top_ = ~size_t(0); // data offset of the top block; ~0: none
};

// Installs halide_set_custom_malloc/free with one StackArena per thread
// (256 MiB of address space each). Returns what it installed. In
// halide_stack_arena.cpp: it needs a Halide runtime linked in.
const char* use_stack_arena_for_halide();

} // namespace memsched
