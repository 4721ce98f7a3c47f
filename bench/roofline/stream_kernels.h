// The four STREAM loops over a sub-range of the arrays, in a file of their own
// so that they can be compiled without loop-to-memcpy conversion.
#pragma once

#include <cstddef>

namespace memsched {

inline constexpr double kStreamScalar = 3.0;

void stream_copy(double* c, const double* a, size_t begin, size_t end);
void stream_scale(double* b, const double* c, size_t begin, size_t end);
void stream_add(double* c, const double* a, const double* b, size_t begin, size_t end);
void stream_triad(double* a, const double* b, const double* c, size_t begin, size_t end);

} // namespace memsched
