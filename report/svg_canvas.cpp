// SvgCanvas: markup for shapes and text (see svg_canvas.h).
#include "report/svg_canvas.h"

#include <cstdio>

namespace memsched::report {

namespace {

// Two decimals are enough for pixels and keep the page small.
std::string px(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    return buf;
}

std::string points_attr(const std::vector<std::pair<double, double>>& points) {
    std::string s;
    for (const auto& [x, y] : points)
        s += px(x) + "," + px(y) + " ";
    return s;
}

std::string title_element(const std::string& title) {
    return title.empty() ? "" : "<title>" + escape_xml(title) + "</title>";
}

} // namespace

std::string escape_xml(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

SvgCanvas::SvgCanvas(double width, double height) : width_(width), height_(height) {}

void SvgCanvas::rect(double x, double y, double w, double h, const std::string& fill,
                     const std::string& title) {
    body_ << "<rect x=\"" << px(x) << "\" y=\"" << px(y) << "\" width=\"" << px(w) << "\" height=\""
          << px(h) << "\" fill=\"" << escape_xml(fill) << "\">" << title_element(title)
          << "</rect>\n";
}

void SvgCanvas::line(double x1, double y1, double x2, double y2, const std::string& stroke,
                     double width, const std::string& dash) {
    body_ << "<line x1=\"" << px(x1) << "\" y1=\"" << px(y1) << "\" x2=\"" << px(x2) << "\" y2=\""
          << px(y2) << "\" stroke=\"" << escape_xml(stroke) << "\" stroke-width=\"" << px(width)
          << "\"" << (dash.empty() ? "" : " stroke-dasharray=\"" + dash + "\"") << "/>\n";
}

void SvgCanvas::polyline(const std::vector<std::pair<double, double>>& points,
                         const std::string& stroke, double width, const std::string& dash) {
    body_ << "<polyline fill=\"none\" points=\"" << points_attr(points) << "\" stroke=\""
          << escape_xml(stroke) << "\" stroke-width=\"" << px(width) << "\""
          << (dash.empty() ? "" : " stroke-dasharray=\"" + dash + "\"") << "/>\n";
}

void SvgCanvas::polygon(const std::vector<std::pair<double, double>>& points,
                        const std::string& fill, double opacity) {
    body_ << "<polygon points=\"" << points_attr(points) << "\" fill=\"" << escape_xml(fill)
          << "\" fill-opacity=\"" << px(opacity) << "\" stroke=\"none\"/>\n";
}

void SvgCanvas::circle(double cx, double cy, double r, const std::string& fill,
                       const std::string& title) {
    body_ << "<circle cx=\"" << px(cx) << "\" cy=\"" << px(cy) << "\" r=\"" << px(r) << "\" fill=\""
          << escape_xml(fill) << "\" stroke=\"#222\" stroke-width=\"0.6\">" << title_element(title)
          << "</circle>\n";
}

void SvgCanvas::text(double x, double y, const std::string& text, const std::string& anchor,
                     double size, double rotate, const std::string& weight) {
    body_ << "<text x=\"" << px(x) << "\" y=\"" << px(y) << "\" text-anchor=\"" << anchor
          << "\" font-size=\"" << px(size) << "\" font-weight=\"" << weight << "\"";
    if (rotate != 0.0)
        body_ << " transform=\"rotate(" << px(rotate) << " " << px(x) << " " << px(y) << ")\"";
    body_ << ">" << escape_xml(text) << "</text>\n";
}

std::string SvgCanvas::str() const {
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + px(width_) + "\" height=\"" +
           px(height_) + "\" viewBox=\"0 0 " + px(width_) + " " + px(height_) +
           "\" font-family=\"sans-serif\" role=\"img\">\n" + body_.str() + "</svg>\n";
}

} // namespace memsched::report
