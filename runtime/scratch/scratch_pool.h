// A reuse pool for the scratch buffers Halide's generated code allocates
// while it runs (halide_malloc / halide_free): a fused group allocates its
// producers' boxes once per band, and glibc serves the large ones with
// fresh mmaps, page faults and trims band after band (SqueezeNet @224's
// fused variant spent 5x the layer-by-layer kernel time in them;
// bench/RESULTS.md, session 19). Freed blocks are kept per exact size and
// handed out again, as an embedded runtime's scratch arena would; nothing
// goes back to the system until the process ends. Installed by the
// whole-network runners for every variant alike when
// MEMSCHED_SCRATCH_POOL=1 (a runner's choice, not the pipelines').
#pragma once

#include <cstddef>
#include <cstdint>

namespace memsched {

// Routes halide_malloc / halide_free of the AOT pipelines in this process
// to the pool.
void install_scratch_pool();

// Installs the pool when the environment variable MEMSCHED_SCRATCH_POOL is
// "1"; true when it did.
bool install_scratch_pool_from_env();

// The pool's own entry points: a block of at least `size` bytes, aligned
// to 128 (nullptr when the system has none), and its release to the pool.
void* scratch_pool_allocate(size_t size);
void scratch_pool_release(void* block);

struct ScratchPoolStats {
    int64_t allocations = 0; // halide_malloc calls
    int64_t reused = 0;      // served from a freed block
    int64_t held_bytes = 0;  // bytes the pool holds, in use or free
};
ScratchPoolStats scratch_pool_stats();

} // namespace memsched
