// Tensor construction, checked element access and random filling.
#include "tests/reference/tensor.h"

#include <stdexcept>

namespace memsched::reference {

namespace {

void check_extent(const char* field, int64_t value) {
    if (value < 1) {
        throw std::invalid_argument("Tensor: " + std::string(field) + " = " +
                                    std::to_string(value) + " must be >= 1");
    }
}

}  // namespace

Tensor::Tensor(int64_t n_, int64_t c_, int64_t h_, int64_t w_) : n(n_), c(c_), h(h_), w(w_) {
    check_extent("n", n);
    check_extent("c", c);
    check_extent("h", h);
    check_extent("w", w);
    data.assign(static_cast<size_t>(n * c * h * w), 0.f);
}

static void check_index(const Tensor& t, int64_t in, int64_t ic, int64_t y, int64_t x) {
    if (in < 0 || in >= t.n || ic < 0 || ic >= t.c || y < 0 || y >= t.h || x < 0 || x >= t.w) {
        throw std::out_of_range("Tensor::at: index (n=" + std::to_string(in) +
                                ", c=" + std::to_string(ic) + ", y=" + std::to_string(y) +
                                ", x=" + std::to_string(x) + ") outside " + t.shape_string());
    }
}

float& Tensor::at(int64_t in, int64_t ic, int64_t y, int64_t x) {
    check_index(*this, in, ic, y, x);
    return data[static_cast<size_t>(index(in, ic, y, x))];
}

float Tensor::at(int64_t in, int64_t ic, int64_t y, int64_t x) const {
    check_index(*this, in, ic, y, x);
    return data[static_cast<size_t>(index(in, ic, y, x))];
}

std::string Tensor::shape_string() const {
    return std::to_string(n) + "x" + std::to_string(c) + "x" + std::to_string(h) + "x" +
           std::to_string(w);
}

void Tensor::check_consistent(const std::string& what) const {
    if (n < 1 || c < 1 || h < 1 || w < 1 || static_cast<int64_t>(data.size()) != size()) {
        throw std::invalid_argument(what + ": tensor shape " + shape_string() +
                                    " does not match data.size() = " +
                                    std::to_string(data.size()));
    }
}

Tensor Tensor::random(int64_t n, int64_t c, int64_t h, int64_t w, std::mt19937& rng, float lo,
                      float hi) {
    if (!(lo < hi)) {
        throw std::invalid_argument("Tensor::random: lo = " + std::to_string(lo) +
                                    " must be < hi = " + std::to_string(hi));
    }
    Tensor t(n, c, h, w);
    std::uniform_real_distribution<float> dist(lo, hi);
    for (float& v : t.data) v = dist(rng);
    return t;
}

}  // namespace memsched::reference
