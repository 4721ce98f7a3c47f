// TensorLayout: where the elements of one NCHW activation lie in memory.
// Rows are dense (x contiguous, row stride = width); a plane (one n, c) may
// carry `gap_rows` unused rows after its last real row, so consecutive planes
// are (height + gap_rows) * width elements apart. The gap is what lets a
// row-sweeping layer overwrite its input in place with NCHW tensors: without
// it, the output's first rows of plane k would land on the last rows of input
// plane k-1, which are read last (see overlap.h).
#pragma once

#include <cstdint>

namespace memsched {

struct TensorLayout {
    int64_t n = 1, c = 1, h = 1, w = 1; // elements per axis
    int64_t gap_rows = 0;               // unused rows after each plane

    int64_t planes() const { return n * c; }
    int64_t plane_stride_elements() const { return (h + gap_rows) * w; }
    int64_t elements() const { return n * c * h * w; } // real elements, no gaps
    // Elements from the first to one past the last real element (the last
    // plane needs no trailing gap).
    int64_t span_elements() const { return (planes() - 1) * plane_stride_elements() + h * w; }
    int64_t address(int64_t in, int64_t ic, int64_t y, int64_t x) const {
        return (in * c + ic) * plane_stride_elements() + y * w + x;
    }
};

} // namespace memsched
