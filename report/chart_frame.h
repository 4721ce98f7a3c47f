// What every plot shares: the plot area inside the margins, title, axes with
// tick labels and grid lines, the legend, and the colour of each scheduler
// (the same scheduler has the same colour in every plot of the page).
#pragma once

#include "report/svg_canvas.h"
#include "report/svg_scale.h"

#include <string>
#include <vector>

namespace memsched::report {

struct PlotArea {
    double left = 0, top = 0, width = 0, height = 0;
    double right() const { return left + width; }
    double bottom() const { return top + height; }
};

struct LegendEntry {
    std::string name;
    std::string color;
    std::string dash;  // for line entries; "" = solid
    bool line = false; // a line sample instead of a filled box
};

// Scheduler (variant) colours; unknown names get the palette in order.
std::string series_color(const std::string& name, size_t index);

void draw_title(SvgCanvas& c, const std::string& title);
// Horizontal grid lines and labels at the ticks; `label` rotated on the left.
void draw_y_axis(SvgCanvas& c, const PlotArea& a, const std::vector<Tick>& ticks,
                 const std::string& label);
// Vertical grid lines and labels at the ticks; `label` centred below.
void draw_x_axis(SvgCanvas& c, const PlotArea& a, const std::vector<Tick>& ticks,
                 const std::string& label);
// One row (wrapping) of legend entries starting at (x, y), no wider than `width`;
// returns the height used.
double draw_legend(SvgCanvas& c, double x, double y, double width,
                   const std::vector<LegendEntry>& entries);
// Height draw_legend would use, to reserve room before drawing.
double legend_height(double width, const std::vector<LegendEntry>& entries);

} // namespace memsched::report
