// Implementation of keep_heap_for_pipelines (see pipeline_heap.h).
#include "runtime/heap/pipeline_heap.h"

#include <stdexcept>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace memsched {

std::string keep_heap_for_pipelines() {
#if defined(__GLIBC__)
    // glibc caps the mmap threshold at 4 MiB * sizeof(long) (32 MiB on
    // 64-bit); setting either threshold also stops their dynamic adjustment.
    constexpr int kMmapThresholdBytes = 32 << 20;
    constexpr int kTrimThresholdBytes = 1 << 30;
    if (mallopt(M_MMAP_THRESHOLD, kMmapThresholdBytes) != 1)
        throw std::runtime_error("glibc refused mallopt(M_MMAP_THRESHOLD, 32 MiB)");
    if (mallopt(M_TRIM_THRESHOLD, kTrimThresholdBytes) != 1)
        throw std::runtime_error("glibc refused mallopt(M_TRIM_THRESHOLD, 1 GiB)");
    return "glibc heap kept between pipeline calls (mmap threshold 32 MiB, trim threshold 1 GiB)";
#else
    return "heap left as the C library sets it (not glibc)";
#endif
}

} // namespace memsched
