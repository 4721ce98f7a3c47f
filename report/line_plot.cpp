// Log-log line plot rendering (see line_plot.h).
#include "report/line_plot.h"

#include "report/chart_frame.h"

#include <algorithm>

namespace memsched::report {

std::string render_log_log_chart(const LogLogChart& chart, double width, double height) {
    std::vector<LegendEntry> legend;
    double xlo = 0, xhi = 0, ylo = 0, yhi = 0;
    for (const LineSeries& s : chart.series) {
        legend.push_back({s.name, s.color, s.dash, true});
        for (const auto& [x, y] : s.points) {
            if (x <= 0 || y <= 0)
                continue;
            xlo = xlo == 0 ? x : std::min(xlo, x);
            ylo = ylo == 0 ? y : std::min(ylo, y);
            xhi = std::max(xhi, x);
            yhi = std::max(yhi, y);
        }
    }
    const double left = 90, right = 20;
    const double legend_h = legend_height(width - left - right, legend);
    PlotArea a{left, 44 + legend_h + 6, width - left - right, height};
    SvgCanvas c(width, a.bottom() + 60);
    draw_title(c, chart.title);
    draw_legend(c, left, 36, a.width, legend);
    const LogScale sx = nice_log(xlo, xhi, a.left, a.right());
    const LogScale sy = nice_log(ylo, yhi, a.bottom(), a.top);
    draw_x_axis(c, a, sx.ticks(), chart.x_label);
    draw_y_axis(c, a, sy.ticks(), chart.y_label);
    for (const LineSeries& s : chart.series) {
        std::vector<std::pair<double, double>> px;
        for (size_t i = 0; i < s.points.size(); ++i) {
            const auto [x, y] = s.points[i];
            if (x <= 0 || y <= 0)
                continue;
            // A step holds the previous traffic until the next capacity.
            if (s.steps && !px.empty())
                px.push_back({sx(x), px.back().second});
            px.push_back({sx(x), sy(y)});
        }
        c.polyline(px, s.color, 2.0, s.dash);
        if (!s.markers)
            continue;
        for (const auto& [x, y] : s.points)
            if (x > 0 && y > 0)
                c.circle(sx(x), sy(y), 3.5, s.color,
                         s.name + ": " + format_capacity(x) + " -> " + format_bytes(y));
    }
    return c.str();
}

} // namespace memsched::report
