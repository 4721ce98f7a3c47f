// Scales from data values to SVG pixels, with readable tick positions and
// labels: linear scales pick 1/2/5 x 10^k steps, log scales put ticks at
// powers of ten (and 2x, 5x when the range spans fewer than three decades).
#pragma once

#include <string>
#include <vector>

namespace memsched::report {

struct Tick {
    double value = 0.0; // data value
    double pixel = 0.0; // where it lands
    std::string label;
};

class LinearScale {
public:
    // Maps [d0, d1] onto [r0, r1]; r1 < r0 is fine (SVG's y grows downwards).
    LinearScale(double d0, double d1, double r0, double r1);
    double operator()(double v) const;
    // About `target` ticks at 1/2/5 x 10^k steps inside the domain.
    std::vector<Tick> ticks(int target = 5) const;
    double domain_min() const { return d0_; }
    double domain_max() const { return d1_; }

private:
    double d0_, d1_, r0_, r1_;
};

// Domain [0, max] extended to the next 1/2/5 x 10^k step above max, so the
// top tick closes the axis; a max of 0 (or less) gives [0, 1].
LinearScale nice_linear_from_zero(double max, double r0, double r1);

class LogScale {
public:
    // Domain must be positive; d0 < d1.
    LogScale(double d0, double d1, double r0, double r1);
    double operator()(double v) const; // values <= 0 clamp to the domain start
    std::vector<Tick> ticks() const;
    double domain_min() const { return d0_; }
    double domain_max() const { return d1_; }

private:
    double d0_, d1_, r0_, r1_;
};

// [min, max] widened to whole powers of ten (at least one decade), for log axes.
LogScale nice_log(double min, double max, double r0, double r1);

// Short number labels: 0.5, 12, 1.5k, 20M, 3G (decimal SI).
std::string format_si(double v);
// Byte counts: 512 B, 1.5 KB, 20 MB (decimal SI, as bandwidths are quoted).
std::string format_bytes(double v);
// Capacities in binary units, as caches and buffers are sized: 64 B, 48 KiB, 2 MiB.
std::string format_capacity(double v);
// Fixed decimals, e.g. format_fixed(1.234, 2) == "1.23".
std::string format_fixed(double v, int decimals);

} // namespace memsched::report
