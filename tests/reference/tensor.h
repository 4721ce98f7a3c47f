// Dense float tensor in NCHW order, the common currency of the reference
// implementations and of the tests that compare Halide layers against them.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace memsched::reference {

// x is fastest, then y, c, n: the same memory order as a Halide buffer with
// dims (x, y, c, n), so data() can back a Halide::Buffer directly.
struct Tensor {
    int64_t n = 1, c = 1, h = 1, w = 1;
    // Sized to match the default 1x1x1x1 shape so a default Tensor is valid.
    std::vector<float> data = std::vector<float>(1, 0.f);

    Tensor() = default;
    // Zero-filled; every extent must be >= 1 (throws std::invalid_argument).
    Tensor(int64_t n, int64_t c, int64_t h, int64_t w);

    // Bounds-checked (throws std::out_of_range naming the index): references
    // trade speed for never reading outside the tensor.
    float& at(int64_t n, int64_t c, int64_t y, int64_t x);
    float at(int64_t n, int64_t c, int64_t y, int64_t x) const;

    int64_t size() const { return n * c * h * w; }
    // Flat index of (n, c, y, x), unchecked.
    int64_t index(int64_t in, int64_t ic, int64_t y, int64_t x) const {
        return ((in * c + ic) * h + y) * w + x;
    }
    // "n×c×h×w", for error messages.
    std::string shape_string() const;
    // Throws std::invalid_argument if data.size() disagrees with the shape
    // (a hand-built Tensor whose fields were edited inconsistently).
    void check_consistent(const std::string& what) const;

    // Uniform values in [lo, hi).
    static Tensor random(int64_t n, int64_t c, int64_t h, int64_t w, std::mt19937& rng,
                         float lo = -1.f, float hi = 1.f);
};

}  // namespace memsched::reference
