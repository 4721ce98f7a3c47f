// tensors_near: element-wise tolerance check with a precise failure report.
#include "tests/reference/compare.h"

#include <cmath>
#include <sstream>

namespace memsched::reference {

::testing::AssertionResult tensors_near(const Tensor& expected, const Tensor& actual, float atol,
                                        float rtol) {
    if (expected.n != actual.n || expected.c != actual.c || expected.h != actual.h ||
        expected.w != actual.w) {
        return ::testing::AssertionFailure() << "shape mismatch: expected "
                                             << expected.shape_string() << ", actual "
                                             << actual.shape_string();
    }
    if (static_cast<int64_t>(expected.data.size()) != expected.size() ||
        static_cast<int64_t>(actual.data.size()) != actual.size()) {
        return ::testing::AssertionFailure()
               << "data size does not match shape " << expected.shape_string()
               << ": expected.data.size() = " << expected.data.size()
               << ", actual.data.size() = " << actual.data.size();
    }
    int64_t bad = 0, first = -1;
    double max_err = 0.0;
    for (int64_t i = 0; i < expected.size(); ++i) {
        const double e = expected.data[i], a = actual.data[i];
        if (e == a) continue;  // also covers matching infinities
        const double err = std::fabs(e - a);
        // Unequal non-finite values are always bad (inf would otherwise pass
        // its own relative tolerance); NaN compares false, so it is bad too.
        const bool finite = std::isfinite(e) && std::isfinite(a);
        if (!finite || !(err <= double(atol) + double(rtol) * std::fabs(e))) {
            if (first < 0) first = i;
            ++bad;
        }
        if (std::isnan(err) || err > max_err) max_err = std::isnan(err) ? INFINITY : err;
    }
    if (bad == 0) return ::testing::AssertionSuccess();
    const int64_t x = first % expected.w, y = first / expected.w % expected.h,
                  c = first / (expected.w * expected.h) % expected.c,
                  n = first / (expected.w * expected.h * expected.c);
    std::ostringstream os;
    os.precision(9);
    os << bad << " of " << expected.size() << " elements differ (atol " << atol << ", rtol "
       << rtol << "); first at (n=" << n << ", c=" << c << ", y=" << y << ", x=" << x
       << "): expected " << expected.data[first] << ", actual " << actual.data[first]
       << "; max error " << max_err;
    return ::testing::AssertionFailure() << os.str();
}

}  // namespace memsched::reference
