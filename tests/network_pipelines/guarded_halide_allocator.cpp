// Guard-band allocator for Halide's AOT runtime (see guarded_halide_allocator.h).
#include "tests/network_pipelines/guarded_halide_allocator.h"

#include <HalideRuntime.h>

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace memsched::testing {
namespace {

// Halide wants vector-aligned buffers (the widest AVX-512 vector here), and
// may read, never write, a few bytes past the end: the guard band is far
// wider than any vector, so an overrunning vector store lands in it.
constexpr size_t kAlignment = 128;
constexpr size_t kGuardBytes = 256;
constexpr unsigned char kGuardByte = 0xA5;

struct Header {
    void* base;  // what std::malloc returned
    size_t size; // what Halide asked for
};

std::atomic<int64_t> overruns{0};

void* guarded_malloc(void*, size_t size) {
    const size_t total = sizeof(Header) + kAlignment + size + kGuardBytes;
    void* base = std::malloc(total);
    if (!base) return nullptr;
    // The header sits just before the aligned pointer.
    const uintptr_t aligned = (reinterpret_cast<uintptr_t>(base) + sizeof(Header) + kAlignment - 1) &
                              ~uintptr_t(kAlignment - 1);
    auto* header = reinterpret_cast<Header*>(aligned) - 1;
    header->base = base;
    header->size = size;
    std::memset(reinterpret_cast<unsigned char*>(aligned) + size, kGuardByte, kGuardBytes);
    return reinterpret_cast<void*>(aligned);
}

void guarded_free(void*, void* ptr) {
    if (!ptr) return;
    const Header* header = static_cast<const Header*>(ptr) - 1;
    const unsigned char* guard = static_cast<const unsigned char*>(ptr) + header->size;
    for (size_t i = 0; i < kGuardBytes; i++) {
        if (guard[i] != kGuardByte) {
            overruns++;
            break;
        }
    }
    std::free(header->base);
}

} // namespace

void install_guarded_halide_allocator() {
    halide_set_custom_malloc(guarded_malloc);
    halide_set_custom_free(guarded_free);
}

int64_t guarded_halide_overruns() { return overruns.load(); }

} // namespace memsched::testing
