// The SVG primitives every plot draws with: shapes and text appended to one
// <svg> element, attribute values escaped, coordinates in pixels. Plots build
// their picture here so that no plot writes markup by hand.
#pragma once

#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace memsched::report {

// Escapes &, <, >, " and ' for HTML/SVG text and attribute values.
std::string escape_xml(const std::string& text);

class SvgCanvas {
public:
    SvgCanvas(double width, double height);
    double width() const { return width_; }
    double height() const { return height_; }

    // `title` (optional) becomes a hover tooltip with the exact value.
    void rect(double x, double y, double w, double h, const std::string& fill,
              const std::string& title = "");
    void line(double x1, double y1, double x2, double y2, const std::string& stroke,
              double width = 1.0, const std::string& dash = "");
    void polyline(const std::vector<std::pair<double, double>>& points, const std::string& stroke,
                  double width = 2.0, const std::string& dash = "");
    void polygon(const std::vector<std::pair<double, double>>& points, const std::string& fill,
                 double opacity);
    void circle(double cx, double cy, double r, const std::string& fill,
                const std::string& title = "");
    // anchor: start, middle or end; rotate: degrees about (x, y).
    void text(double x, double y, const std::string& text, const std::string& anchor = "start",
              double size = 12.0, double rotate = 0.0, const std::string& weight = "normal");

    std::string str() const; // the whole <svg> element

private:
    double width_, height_;
    std::ostringstream body_;
};

} // namespace memsched::report
