// Accuracy section: the model's predicted last-level traffic against the
// measured one, log-log with y = x and the +-10% / +-20% bands, and a table
// with each relative error and how many predictions fall within the bands.
#include "report/report_page.h"
#include "report/scatter_plot.h"
#include "report/svg_scale.h"

#include <cmath>

namespace memsched::report {

HtmlSection accuracy_section(const ReportInputs& in) {
    HtmlSection s{"accuracy", "Predicted versus measured traffic", ""};
    if (!in.validation) {
        s.body = not_measured("No measured traffic to compare predictions with",
                              "--validation FILE.json");
        return s;
    }
    AccuracyScatter chart;
    chart.title = "Predicted vs measured last-level traffic";
    chart.x_label = "measured bytes (cachegrind)";
    chart.y_label = "predicted bytes (model)";
    std::vector<std::vector<std::string>> table;
    int within10 = 0, within20 = 0;
    for (const ValidationRow& r : in.validation->rows) {
        if (!r.predicted_ll_bytes)
            continue;
        // validate's relative_error when given, else the same quantity,
        // (measured - predicted) / measured: negative when the model overestimates.
        const double err = r.relative_error ? *r.relative_error
                           : r.measured_ll_bytes > 0
                               ? (r.measured_ll_bytes - *r.predicted_ll_bytes) / r.measured_ll_bytes
                               : 0.0;
        within10 += std::fabs(err) <= 0.10;
        within20 += std::fabs(err) <= 0.20;
        const std::string name = r.layer + " / " + r.scheduler;
        chart.points.push_back({r.measured_ll_bytes, *r.predicted_ll_bytes, r.scheduler,
                                name + ": " + format_fixed(100 * err, 1) + "%"});
        table.push_back({name, format_capacity(double(r.cache_bytes)),
                         format_bytes(r.measured_ll_bytes), format_bytes(*r.predicted_ll_bytes),
                         format_fixed(100 * err, 1) + "%"});
    }
    if (table.empty()) {
        s.body = not_measured("The validation file has no predicted traffic (every "
                              "predicted_ll_bytes is null)",
                              "a --validation file with memsched rows");
        return s;
    }
    const size_t n = table.size();
    s.body = html_figure(render_accuracy_scatter(chart)) +
             html_paragraph(std::to_string(within10) + " of " + std::to_string(n) +
                            " predictions within 10%, " + std::to_string(within20) + " of " +
                            std::to_string(n) + " within 20%.") +
             html_table({"layer / scheduler", "cache", "measured", "predicted",
                         "error = (measured - predicted) / measured"},
                        table);
    return s;
}

} // namespace memsched::report
