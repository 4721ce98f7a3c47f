// Summaries of repeated timings: the median (robust to a noisy, shared machine)
// and the best rate (the usual STREAM convention), both reported.
#pragma once

#include <algorithm>
#include <vector>

namespace memsched {

inline double median_of(std::vector<double> values) {
    if (values.empty()) {
        return 0.0;
    }
    std::sort(values.begin(), values.end());
    size_t mid = values.size() / 2;
    return values.size() % 2 == 1 ? values[mid] : 0.5 * (values[mid - 1] + values[mid]);
}

inline double max_of(const std::vector<double>& values) {
    return values.empty() ? 0.0 : *std::max_element(values.begin(), values.end());
}

inline double min_of(const std::vector<double>& values) {
    return values.empty() ? 0.0 : *std::min_element(values.begin(), values.end());
}

} // namespace memsched
