// Axes, title, legend and colours shared by the plots (see chart_frame.h).
#include "report/chart_frame.h"

#include <map>

namespace memsched::report {

namespace {

constexpr double kLegendRow = 20.0;
constexpr double kCharWidth = 7.0; // 12px sans-serif, average glyph width

double entry_width(const LegendEntry& e) {
    return 30.0 + kCharWidth * static_cast<double>(e.name.size()) + 16.0;
}

} // namespace

std::string series_color(const std::string& name, size_t index) {
    // memsched stands out (strong orange); the others are muted and distinct.
    static const std::map<std::string, std::string> known = {
        {"memsched", "#e6550d"},      {"manual", "#3182bd"}, {"adams2019", "#31a354"},
        {"mullapudi2016", "#756bb1"}, {"li2018", "#c49c94"}, {"opencv", "#636363"},
        {"naive", "#bdbdbd"}};
    static const std::vector<std::string> palette = {"#1f77b4", "#2ca02c", "#9467bd", "#8c564b",
                                                     "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"};
    auto it = known.find(name);
    return it != known.end() ? it->second : palette[index % palette.size()];
}

void draw_title(SvgCanvas& c, const std::string& title) {
    c.text(c.width() / 2, 22, title, "middle", 15, 0, "bold");
}

void draw_y_axis(SvgCanvas& c, const PlotArea& a, const std::vector<Tick>& ticks,
                 const std::string& label) {
    for (const Tick& t : ticks) {
        c.line(a.left, t.pixel, a.right(), t.pixel, "#e0e0e0");
        c.line(a.left - 5, t.pixel, a.left, t.pixel, "#333");
        c.text(a.left - 8, t.pixel + 4, t.label, "end", 12);
    }
    c.line(a.left, a.top, a.left, a.bottom(), "#333");
    c.text(a.left - 52, a.top + a.height / 2, label, "middle", 13, -90);
}

void draw_x_axis(SvgCanvas& c, const PlotArea& a, const std::vector<Tick>& ticks,
                 const std::string& label) {
    for (const Tick& t : ticks) {
        c.line(t.pixel, a.top, t.pixel, a.bottom(), "#e0e0e0");
        c.line(t.pixel, a.bottom(), t.pixel, a.bottom() + 5, "#333");
        c.text(t.pixel, a.bottom() + 19, t.label, "middle", 12);
    }
    c.line(a.left, a.bottom(), a.right(), a.bottom(), "#333");
    c.text(a.left + a.width / 2, a.bottom() + 42, label, "middle", 13);
}

double legend_height(double width, const std::vector<LegendEntry>& entries) {
    if (entries.empty())
        return 0.0;
    double x = 0, rows = 1;
    for (const LegendEntry& e : entries) {
        const double w = entry_width(e);
        if (x > 0 && x + w > width) {
            rows += 1;
            x = 0;
        }
        x += w;
    }
    return rows * kLegendRow;
}

double draw_legend(SvgCanvas& c, double x0, double y0, double width,
                   const std::vector<LegendEntry>& entries) {
    double x = x0, y = y0;
    for (const LegendEntry& e : entries) {
        const double w = entry_width(e);
        if (x > x0 && x + w > x0 + width) {
            x = x0;
            y += kLegendRow;
        }
        if (e.line)
            c.line(x, y + 7, x + 24, y + 7, e.color, 2.5, e.dash);
        else
            c.rect(x + 6, y + 1, 12, 12, e.color);
        c.text(x + 30, y + 12, e.name, "start", 12);
        x += w;
    }
    return legend_height(width, entries);
}

} // namespace memsched::report
