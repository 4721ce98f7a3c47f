// STREAM's kernels. Built with -fno-tree-loop-distribute-patterns (see
// CMakeLists.txt): otherwise GCC turns copy into memcpy, whose non-temporal
// stores would measure a different memory path than the other three kernels.
#include "bench/roofline/stream_kernels.h"

namespace memsched {

void stream_copy(double* __restrict c, const double* __restrict a, size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
        c[i] = a[i];
    }
}

void stream_scale(double* __restrict b, const double* __restrict c, size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
        b[i] = kStreamScalar * c[i];
    }
}

void stream_add(double* __restrict c, const double* __restrict a, const double* __restrict b,
                size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
        c[i] = a[i] + b[i];
    }
}

void stream_triad(double* __restrict a, const double* __restrict b, const double* __restrict c,
                  size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
        a[i] = b[i] + kStreamScalar * c[i];
    }
}

} // namespace memsched
