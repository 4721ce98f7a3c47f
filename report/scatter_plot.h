// Predicted-versus-measured scatter on log-log axes with the same range on
// both: the y = x line and the +-10% and +-20% bands around it, so that how
// far the model is off reads directly from the picture.
#pragma once

#include <string>
#include <vector>

namespace memsched::report {

struct ScatterPoint {
    double x = 0.0, y = 0.0;
    std::string series; // colour and legend entry
    std::string label;  // hover tooltip
};

struct AccuracyScatter {
    std::string title, x_label, y_label;
    std::vector<ScatterPoint> points; // non-positive values are skipped
};

std::string render_accuracy_scatter(const AccuracyScatter& chart, double size = 560);

} // namespace memsched::report
