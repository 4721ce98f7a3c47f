// Log-log line plot of one or more series of (x, y) points, drawn as steps
// (a Pareto front: the traffic stays at a level until more capacity buys the
// next schedule) or as straight segments, with markers at the points.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace memsched::report {

struct LineSeries {
    std::string name;
    std::vector<std::pair<double, double>> points; // increasing x, positive values
    bool steps = false;
    bool markers = true;
    std::string dash; // "" = solid
    std::string color;
};

struct LogLogChart {
    std::string title, x_label, y_label;
    std::vector<LineSeries> series;
};

std::string render_log_log_chart(const LogLogChart& chart, double width = 1000,
                                 double height = 420);

} // namespace memsched::report
