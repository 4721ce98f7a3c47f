// Linear and log scales, tick choice and number formatting (see svg_scale.h).
#include "report/svg_scale.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace memsched::report {

namespace {

// The 1/2/5 x 10^k step closest to span / target.
double nice_step(double span, int target) {
    const double raw = span / std::max(1, target);
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    const double f = raw / mag;
    const double nice = f < 1.5 ? 1.0 : f < 3.5 ? 2.0 : f < 7.5 ? 5.0 : 10.0;
    return nice * mag;
}

} // namespace

LinearScale::LinearScale(double d0, double d1, double r0, double r1)
    : d0_(d0), d1_(d1 > d0 ? d1 : d0 + 1.0), r0_(r0), r1_(r1) {}

double LinearScale::operator()(double v) const {
    return r0_ + (v - d0_) / (d1_ - d0_) * (r1_ - r0_);
}

std::vector<Tick> LinearScale::ticks(int target) const {
    const double step = nice_step(d1_ - d0_, target);
    std::vector<Tick> out;
    // A small tolerance so that a domain ending exactly on a step keeps its last tick.
    const double eps = step * 1e-9;
    for (double v = std::ceil((d0_ - eps) / step) * step; v <= d1_ + eps; v += step) {
        const double clean = std::fabs(v) < eps ? 0.0 : v;
        out.push_back({clean, (*this)(clean), format_si(clean)});
    }
    return out;
}

LinearScale nice_linear_from_zero(double max, double r0, double r1) {
    if (!(max > 0))
        return LinearScale(0.0, 1.0, r0, r1);
    const double step = nice_step(max, 5);
    return LinearScale(0.0, std::ceil(max / step - 1e-9) * step, r0, r1);
}

LogScale::LogScale(double d0, double d1, double r0, double r1)
    : d0_(d0 > 0 ? d0 : 1.0), d1_(d1 > d0_ ? d1 : d0_ * 10.0), r0_(r0), r1_(r1) {}

double LogScale::operator()(double v) const {
    const double c = std::max(v, d0_);
    return r0_ +
           (std::log10(c) - std::log10(d0_)) / (std::log10(d1_) - std::log10(d0_)) * (r1_ - r0_);
}

std::vector<Tick> LogScale::ticks() const {
    const double decades = std::log10(d1_) - std::log10(d0_);
    // Few decades: 1, 2, 5 per decade; many: every decade (or every other one).
    std::vector<double> mult =
        decades < 3.0 ? std::vector<double>{1, 2, 5} : std::vector<double>{1};
    const int every = decades > 8.0 ? 2 : 1;
    std::vector<Tick> out;
    const int e0 = static_cast<int>(std::floor(std::log10(d0_) + 1e-9));
    const int e1 = static_cast<int>(std::ceil(std::log10(d1_) - 1e-9));
    for (int e = e0; e <= e1; ++e) {
        if ((e - e0) % every)
            continue;
        for (double m : mult) {
            const double v = m * std::pow(10.0, e);
            if (v < d0_ * (1 - 1e-9) || v > d1_ * (1 + 1e-9))
                continue;
            out.push_back({v, (*this)(v), format_si(v)});
        }
    }
    return out;
}

LogScale nice_log(double min, double max, double r0, double r1) {
    if (!(min > 0))
        min = max > 0 ? max / 10 : 1.0;
    if (!(max > 0))
        max = min * 10;
    double lo = std::pow(10.0, std::floor(std::log10(min) + 1e-9));
    double hi = std::pow(10.0, std::ceil(std::log10(max) - 1e-9));
    if (hi <= lo)
        hi = lo * 10.0;
    return LogScale(lo, hi, r0, r1);
}

std::string format_si(double v) {
    const double a = std::fabs(v);
    const char* suffix = "";
    double s = v;
    if (a >= 1e12) {
        s = v / 1e12;
        suffix = "T";
    } else if (a >= 1e9) {
        s = v / 1e9;
        suffix = "G";
    } else if (a >= 1e6) {
        s = v / 1e6;
        suffix = "M";
    } else if (a >= 1e3) {
        s = v / 1e3;
        suffix = "k";
    }
    char buf[32];
    // %g drops trailing zeros: 1.5k, 20M, 0.25.
    std::snprintf(buf, sizeof buf, "%.3g%s", s, suffix);
    return buf;
}

std::string format_bytes(double v) {
    const double a = std::fabs(v);
    char buf[32];
    if (a < 1e3)
        std::snprintf(buf, sizeof buf, "%.0f B", v);
    else if (a < 1e6)
        std::snprintf(buf, sizeof buf, "%.3g KB", v / 1e3);
    else if (a < 1e9)
        std::snprintf(buf, sizeof buf, "%.3g MB", v / 1e6);
    else
        std::snprintf(buf, sizeof buf, "%.3g GB", v / 1e9);
    return buf;
}

std::string format_capacity(double v) {
    const double a = std::fabs(v);
    char buf[32];
    if (a < 1024)
        std::snprintf(buf, sizeof buf, "%.0f B", v);
    else if (a < 1024.0 * 1024)
        std::snprintf(buf, sizeof buf, "%.4g KiB", v / 1024);
    else if (a < 1024.0 * 1024 * 1024)
        std::snprintf(buf, sizeof buf, "%.4g MiB", v / 1048576);
    else
        std::snprintf(buf, sizeof buf, "%.4g GiB", v / 1073741824);
    return buf;
}

std::string format_fixed(double v, int decimals) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

} // namespace memsched::report
