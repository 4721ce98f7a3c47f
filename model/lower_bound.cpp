// Traffic lower bounds; the argument is stated above capacity_bound().
#include "model/lower_bound.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

namespace memsched {

namespace {

// For one window axis (rows: y with r, or columns: x with s): how many
// coordinates are touched, how many (out, tap) pairs read a real element,
// the most pairs reading one element, and how many taps are ever used.
struct WindowStats {
    int64_t touched = 0, pairs = 0, max_pairs_per_element = 0, taps_used = 0;
};

WindowStats window_stats(int64_t in, int64_t out, int64_t taps, int64_t stride,
                         int64_t dilation, int64_t pad) {
    std::vector<int64_t> per(in, 0);
    std::vector<char> tap_used(taps, 0);
    WindowStats w;
    for (int64_t o = 0; o < out; ++o)
        for (int64_t t = 0; t < taps; ++t) {
            const int64_t i = o * stride + t * dilation - pad;
            if (i < 0 || i >= in) continue;
            ++per[i];
            ++w.pairs;
            tap_used[t] = 1;
        }
    for (int64_t c : per) {
        w.touched += c > 0;
        w.max_pairs_per_element = std::max(w.max_pairs_per_element, c);
    }
    for (char u : tap_used) w.taps_used += u;
    return w;
}

// Hong-Kung / Irony-Toledo-Tiskin segment argument with the Loomis-Whitney
// inequality, as used for convolutions by Demmel & Dinh ("Communication-
// Optimal Convolutional Neural Nets", arXiv:1802.06905, 2018):
//
// Let S = on-chip capacity in elements. Cut the sequence of MACs into
// segments during each of which exactly S elements cross the boundary (loads
// plus stores; the last segment may have fewer). Every MAC needs its input,
// weight and output element on chip. An element touched in a segment was on
// chip at its start (<= S), or crossed during it (<= S), or is an output
// created on chip and still there at its end (<= S): at most 3S distinct
// elements: a outputs, b weights, c inputs with a + b + c <= 3S.
// Write a valid MAC as (p, k, q), p = (n, y, x), q = (c, r, s). Within one
// group, output = (p, k), weight = (k, q) are one-to-one, and (p, q) maps to
// an input element at most rho = rho_h * rho_w to one, where rho_h is the most
// (y, r) pairs reading one input row. Discrete Loomis-Whitney gives
// |V_g| <= sqrt(a_g * b_g * rho * c_g); summing over groups with
// Cauchy-Schwarz, |V| <= sqrt(rho * a * b * c) with a, b, c the totals, which
// is largest when a = b = c = S (or capped at the tensor sizes, the rest
// shared equally). With V valid MACs there are at least ceil(V / Vmax)
// segments, all but the last moving S elements: traffic >= S * (ceil(V/Vmax) - 1)
// elements, each at least element_bytes. Line rounding only adds bytes.
// This holds for every schedule the model can express (its buffers never
// hold more than S elements) and for any other execution order as well.
int64_t capacity_bound(const Problem& p, int64_t on_chip_bytes, int64_t macs_valid,
                       int64_t rho, std::array<int64_t, 3> caps) {
    const int64_t S = on_chip_bytes / p.element_bytes;
    if (S <= 0 || macs_valid == 0) return 0;
    // Maximize a*b*c with a+b+c <= 3S and each under its cap: fill the
    // smallest caps first, share the rest equally.
    std::sort(caps.begin(), caps.end());
    long double budget = 3.0L * S, product = 1.0L;
    for (int i = 0; i < 3; ++i) {
        const long double share = budget / (3 - i);
        const long double v = std::min<long double>(share, caps[i]);
        product *= v;
        budget -= v;
    }
    const long double vmax = std::sqrt(static_cast<long double>(rho) * product);
    if (vmax <= 0) return 0;
    // Floor of the segment count is safe against rounding in vmax.
    const long double segments = std::ceil(static_cast<long double>(macs_valid) / vmax);
    const long double elements = static_cast<long double>(S) * std::max<long double>(0, segments - 1);
    return static_cast<int64_t>(elements) * p.element_bytes;
}

} // namespace

TrafficLowerBound traffic_lower_bound(const Problem& p, int64_t on_chip_bytes) {
    const LayerShape& s = p.shape;
    TrafficLowerBound lb;
    lb.compulsory_bytes = s.compulsory_bytes();
    const WindowStats rows = window_stats(s.in_height, p.extent[int(Loop::Y)], s.kernel_h,
                                          p.stride, p.dilation, p.pad);
    const WindowStats cols = window_stats(s.in_width, p.extent[int(Loop::X)], s.kernel_w,
                                          p.stride, p.dilation, p.pad);
    const int64_t N = p.extent[int(Loop::N)], K = p.extent[int(Loop::K)],
                  cg = p.extent[int(Loop::C)];
    const int64_t inputs = N * s.in_channels * rows.touched * cols.touched;
    const int64_t weights = p.present[int(Tensor::Weights)]
                                ? K * cg * rows.taps_used * cols.taps_used : 0;
    const int64_t outputs = p.tensor_elements(Tensor::Output);
    lb.needed_bytes = (inputs + weights + outputs) * p.element_bytes;
    if (p.present[int(Tensor::Weights)]) {
        const int64_t macs_valid = N * K * cg * rows.pairs * cols.pairs;
        const int64_t rho = rows.max_pairs_per_element * cols.max_pairs_per_element;
        lb.capacity_bytes_bound =
            capacity_bound(p, on_chip_bytes, macs_valid, rho, {outputs, weights, inputs});
    }
    return lb;
}

} // namespace memsched
