// Grouped bar chart: one group per category (layer), one bar per series
// (scheduler) inside each group, linear or log y axis, optional horizontal
// reference lines (a machine peak, the lower bound). A missing value leaves
// a gap with a small "n/a" so that an absent measurement is visible.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace memsched::report {

struct ReferenceLine {
    double value = 0.0;
    std::string label;
    std::string color = "#d62728";
};

struct GroupedBarChart {
    std::string title;
    std::string y_label;
    bool log_y = false;
    std::vector<std::string> categories;
    std::vector<std::string> series;
    // values[s][c]: series s in category c.
    std::vector<std::vector<std::optional<double>>> values;
    std::vector<ReferenceLine> references;
    // Formats a value for the hover tooltip.
    std::string value_unit;
};

// The whole <svg> element, `width` pixels wide.
std::string render_bar_chart(const GroupedBarChart& chart, double width = 1000);

} // namespace memsched::report
