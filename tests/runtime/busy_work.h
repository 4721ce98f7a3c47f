// Work whose amount the counter tests control: a dependent floating-point chain
// the compiler cannot remove or shorten.
#pragma once

#include <cstdint>

namespace memsched::testing {

inline double busy_work(int64_t iterations) {
    volatile double sink = 0.0;
    double x = 1.0;
    for (int64_t i = 0; i < iterations; ++i) {
        x = x * 1.0000001 + 1e-9;
        if ((i & 1023) == 0) {
            sink = x; // a volatile store keeps the loop alive
        }
    }
    return sink + x;
}

} // namespace memsched::testing
