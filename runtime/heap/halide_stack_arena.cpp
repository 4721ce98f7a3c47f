// use_stack_arena_for_halide (see stack_arena.h): one StackArena per
// thread behind Halide's malloc and free hooks.
#include "runtime/heap/stack_arena.h"

#include <HalideRuntime.h>

namespace memsched {
namespace {

constexpr size_t kArenaReserveBytes = size_t(256) << 20;

StackArena& this_thread_arena() {
    thread_local StackArena arena(kArenaReserveBytes);
    return arena;
}

void* arena_malloc(void* user_context, size_t bytes) {
    if (void* p = this_thread_arena().allocate(bytes)) return p;
    return halide_default_malloc(user_context, bytes);
}

void arena_free(void* user_context, void* p) {
    if (!p) return;
    if (this_thread_arena().release(p)) return;
    // Freed on another thread than it was allocated on: its own thread
    // pops it with the blocks above it.
    if (StackArena::mark_freed_in_any(p)) return;
    halide_default_free(user_context, p);
}

} // namespace

const char* use_stack_arena_for_halide() {
    halide_set_custom_malloc(arena_malloc);
    halide_set_custom_free(arena_free);
    return "Halide buffers on a per-thread stack (256 MiB of address space per thread)";
}

} // namespace memsched
