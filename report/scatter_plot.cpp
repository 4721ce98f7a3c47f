// Accuracy scatter rendering (see scatter_plot.h).
#include "report/scatter_plot.h"

#include "report/chart_frame.h"

#include <algorithm>

namespace memsched::report {

namespace {

// The band y in [x (1 - f), x (1 + f)] over the axis range, as a polygon.
std::vector<std::pair<double, double>> band(const LogScale& sx, const LogScale& sy, double f) {
    const double lo = sx.domain_min(), hi = sx.domain_max();
    return {{sx(lo), sy(lo * (1 + f))},
            {sx(hi), sy(hi * (1 + f))},
            {sx(hi), sy(hi * (1 - f))},
            {sx(lo), sy(lo * (1 - f))}};
}

} // namespace

std::string render_accuracy_scatter(const AccuracyScatter& chart, double size) {
    std::vector<std::string> series;
    double lo = 0, hi = 0;
    for (const ScatterPoint& p : chart.points) {
        if (p.x <= 0 || p.y <= 0)
            continue;
        if (std::find(series.begin(), series.end(), p.series) == series.end())
            series.push_back(p.series);
        const double a = std::min(p.x, p.y), b = std::max(p.x, p.y);
        lo = lo == 0 ? a : std::min(lo, a);
        hi = std::max(hi, b);
    }
    std::vector<LegendEntry> legend;
    for (size_t s = 0; s < series.size(); ++s)
        legend.push_back({series[s], series_color(series[s], s)});
    legend.push_back({"y = x", "#333", "", true});
    legend.push_back({"\u00b110%", "#9ecae1"});
    legend.push_back({"\u00b120%", "#deebf7"});

    const double left = 90, side = size - left - 20;
    const double legend_h = legend_height(side, legend);
    PlotArea a{left, 44 + legend_h + 6, side, side};
    SvgCanvas c(size, a.bottom() + 60);
    draw_title(c, chart.title);
    draw_legend(c, left, 36, side, legend);

    const LogScale sx = nice_log(lo, hi, a.left, a.right());
    const LogScale sy(sx.domain_min(), sx.domain_max(), a.bottom(), a.top);
    c.polygon(band(sx, sy, 0.2), "#deebf7", 1.0);
    c.polygon(band(sx, sy, 0.1), "#9ecae1", 1.0);
    draw_x_axis(c, a, sx.ticks(), chart.x_label);
    draw_y_axis(c, a, sy.ticks(), chart.y_label);
    c.line(a.left, a.bottom(), a.right(), a.top, "#333", 1.5);
    for (const ScatterPoint& p : chart.points) {
        if (p.x <= 0 || p.y <= 0)
            continue;
        const size_t s = std::find(series.begin(), series.end(), p.series) - series.begin();
        c.circle(sx(p.x), sy(p.y), 5, series_color(p.series, s), p.label);
    }
    return c.str();
}

} // namespace memsched::report
