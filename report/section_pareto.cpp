// Pareto section: least traffic the model's search finds for each buffer
// capacity of one layer, against the lower bound at that capacity and the
// compulsory traffic; log-log, with the points in a table.
#include "report/line_plot.h"
#include "report/report_page.h"
#include "report/svg_scale.h"

namespace memsched::report {

HtmlSection pareto_section(const ReportInputs& in) {
    HtmlSection s{"pareto", "Buffer capacity versus traffic", ""};
    if (!in.pareto || in.pareto->points.empty()) {
        s.body = not_measured("No Pareto front", "--pareto-layer SPEC --pareto-buffer SIZE");
        return s;
    }
    const ParetoCurve& c = *in.pareto;
    LineSeries front{"least traffic found (search)", {}, true, true, "", "#e6550d"};
    LineSeries bound{"lower bound at that capacity", {}, false, false, "6,4", "#d62728"};
    LineSeries compulsory{"compulsory (each element once)", {}, false, false, "2,3", "#555"};
    std::vector<std::vector<std::string>> table;
    for (const ParetoCurvePoint& p : c.points) {
        front.points.push_back({double(p.buffer_bytes), double(p.traffic_bytes)});
        bound.points.push_back({double(p.buffer_bytes), double(p.lower_bound_bytes)});
        table.push_back({format_capacity(double(p.buffer_bytes)),
                         format_bytes(double(p.traffic_bytes)),
                         format_bytes(double(p.lower_bound_bytes)),
                         format_fixed(double(p.traffic_bytes) / p.lower_bound_bytes, 2) + "x"});
    }
    compulsory.points = {{double(c.points.front().buffer_bytes), double(c.compulsory_bytes)},
                         {double(c.points.back().buffer_bytes), double(c.compulsory_bytes)}};
    LogLogChart chart{"Pareto front: " + c.layer_spec,
                      "buffer capacity (bytes, log)",
                      "DRAM traffic (bytes, log)",
                      {front, bound, compulsory}};
    s.body = html_paragraph("Model search of " + c.layer_spec + " with a single buffer of up to " +
                            format_capacity(double(c.max_buffer_bytes)) + " in front of DRAM, " +
                            std::to_string(c.evaluated) + " schedules scored" +
                            (c.exhaustive ? " (exhaustive)." : " (" + c.note + ").")) +
             html_figure(render_log_log_chart(chart)) +
             html_table({"buffer", "traffic", "lower bound", "traffic / bound"}, table);
    return s;
}

} // namespace memsched::report
