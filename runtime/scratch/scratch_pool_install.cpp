// Routing Halide's halide_malloc / halide_free to the scratch pool (see
// scratch_pool.h); apart so the pool links without a Halide runtime.
#include "runtime/scratch/scratch_pool.h"

#include <HalideRuntime.h>

#include <cstdlib>
#include <cstring>

namespace memsched {
namespace {

void* pool_malloc(void*, size_t size) { return scratch_pool_allocate(size); }
void pool_free(void*, void* block) { scratch_pool_release(block); }

} // namespace

void install_scratch_pool() {
    halide_set_custom_malloc(pool_malloc);
    halide_set_custom_free(pool_free);
}

bool install_scratch_pool_from_env() {
    const char* v = std::getenv("MEMSCHED_SCRATCH_POOL");
    if (!v || std::strcmp(v, "1") != 0) return false;
    install_scratch_pool();
    return true;
}

} // namespace memsched
