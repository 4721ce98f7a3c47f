// Grouped bar chart rendering (see bar_chart.h).
#include "report/bar_chart.h"

#include "report/chart_frame.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace memsched::report {

namespace {

constexpr double kCharWidth = 7.0;

// Longest category label, to decide whether labels must be slanted.
size_t longest_label(const std::vector<std::string>& labels) {
    size_t n = 0;
    for (const auto& l : labels)
        n = std::max(n, l.size());
    return n;
}

} // namespace

std::string render_bar_chart(const GroupedBarChart& chart, double width) {
    std::vector<LegendEntry> legend;
    for (size_t s = 0; s < chart.series.size(); ++s)
        legend.push_back({chart.series[s], series_color(chart.series[s], s)});
    for (const ReferenceLine& r : chart.references)
        legend.push_back({r.label, r.color, "6,4", true});

    const double left = 80, right = 20;
    const double legend_h = legend_height(width - left - right, legend);
    const double group_w = (width - left - right) / std::max<size_t>(1, chart.categories.size());
    // Slant the category labels when they would not fit side by side.
    const bool slant = kCharWidth * longest_label(chart.categories) > group_w - 4;
    const double label_h = slant ? 12 + 0.6 * kCharWidth * longest_label(chart.categories) : 24;
    PlotArea a{left, 40 + legend_h + 8, width - left - right, 300};
    SvgCanvas c(width, a.bottom() + label_h + 20);
    draw_title(c, chart.title);
    draw_legend(c, left, 36, a.width, legend);

    double lo = 0, hi = 0;
    bool any = false;
    for (const auto& row : chart.values)
        for (const auto& v : row)
            if (v && (!chart.log_y || *v > 0)) {
                lo = any ? std::min(lo, *v) : *v;
                hi = any ? std::max(hi, *v) : *v;
                any = true;
            }
    for (const ReferenceLine& r : chart.references) {
        hi = std::max(hi, r.value);
        lo = any ? std::min(lo, r.value) : r.value;
        any = true;
    }
    std::function<double(double)> y;
    std::vector<Tick> ticks;
    double base = a.bottom();
    if (chart.log_y) {
        const LogScale s = nice_log(lo, hi, a.bottom(), a.top);
        y = s;
        ticks = s.ticks();
    } else {
        const LinearScale s = nice_linear_from_zero(hi * 1.02, a.bottom(), a.top);
        y = s;
        ticks = s.ticks();
        base = s(0);
    }
    draw_y_axis(c, a, ticks, chart.y_label);

    const size_t ns = std::max<size_t>(1, chart.series.size());
    const double bar_w = std::min(28.0, (group_w * 0.8) / ns);
    for (size_t k = 0; k < chart.categories.size(); ++k) {
        const double g0 = a.left + k * group_w + (group_w - bar_w * ns) / 2;
        for (size_t s = 0; s < chart.series.size(); ++s) {
            const double x = g0 + s * bar_w;
            const auto& v = chart.values[s][k];
            if (!v || (chart.log_y && *v <= 0)) {
                c.text(x + bar_w / 2 + 4, base - 4, "n/a", "start", 11, -90);
                continue;
            }
            const double top = y(*v);
            c.rect(x + 1, std::min(top, base), bar_w - 2, std::fabs(base - top),
                   series_color(chart.series[s], s),
                   chart.series[s] + ", " + chart.categories[k] + ": " + format_si(*v) +
                       chart.value_unit);
        }
        const double cx = a.left + (k + 0.5) * group_w;
        c.line(cx, a.bottom(), cx, a.bottom() + 4, "#333");
        if (slant)
            c.text(cx + 4, a.bottom() + 14, chart.categories[k], "end", 12, -35);
        else
            c.text(cx, a.bottom() + 18, chart.categories[k], "middle", 12);
    }
    c.line(a.left, a.bottom(), a.right(), a.bottom(), "#333");
    for (const ReferenceLine& r : chart.references)
        c.line(a.left, y(r.value), a.right(), y(r.value), r.color, 2, "6,4");
    return c.str();
}

} // namespace memsched::report
