// HTML page assembly (see html_page.h).
#include "report/html_page.h"

#include "report/svg_canvas.h"

namespace memsched::report {

namespace {

// Inline so the page stays one file; sized for reading on screen and print.
const char* kStyle = R"(
body { font-family: sans-serif; margin: 24px auto; max-width: 1060px; color: #222; }
h1 { font-size: 24px; margin-bottom: 4px; }
h2 { font-size: 19px; border-bottom: 1px solid #ccc; padding-bottom: 4px; margin-top: 36px; }
h3 { font-size: 15px; margin-top: 22px; }
.subtitle { color: #555; margin-top: 0; }
nav a { margin-right: 14px; }
figure { margin: 12px 0; }
table { border-collapse: collapse; margin: 10px 0 18px 0; font-size: 12px; }
th, td { border: 1px solid #ccc; padding: 3px 8px; }
th { background: #f2f2f2; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.scroll { max-height: 340px; overflow-y: auto; display: inline-block; border-bottom: 1px solid #ccc; }
.missing { background: #fff4e5; border-left: 4px solid #e6a23c; padding: 8px 12px; }
)";

} // namespace

std::string html_table(const std::vector<std::string>& headers,
                       const std::vector<std::vector<std::string>>& rows, bool numeric) {
    std::string s = "<table>\n<tr>";
    for (const auto& h : headers)
        s += "<th>" + escape_xml(h) + "</th>";
    s += "</tr>\n";
    for (const auto& row : rows) {
        s += "<tr>";
        for (size_t i = 0; i < row.size(); ++i)
            s += (numeric && i > 0 ? "<td class=\"num\">" : "<td>") + escape_xml(row[i]) + "</td>";
        s += "</tr>\n";
    }
    s += "</table>\n";
    // Long tables scroll inside a bounded box so the page stays readable.
    return rows.size() > 16 ? "<div class=\"scroll\">" + s + "</div>\n" : s;
}

std::string html_paragraph(const std::string& text) {
    return "<p>" + escape_xml(text) + "</p>\n";
}

std::string not_measured(const std::string& what, const std::string& option) {
    return "<p class=\"missing\"><strong>Not measured in this run.</strong> " + escape_xml(what) +
           " (give " + escape_xml(option) + " to include it).</p>\n";
}

std::string html_figure(const std::string& svg) {
    return "<figure>\n" + svg + "</figure>\n";
}

std::string render_page(const std::string& title, const std::string& subtitle,
                        const std::vector<HtmlSection>& sections) {
    std::string s = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<title>" +
                    escape_xml(title) + "</title>\n<style>" + kStyle +
                    "</style>\n</head>\n<body>\n<h1>" + escape_xml(title) + "</h1>\n" +
                    "<p class=\"subtitle\">" + escape_xml(subtitle) + "</p>\n<nav>";
    for (const HtmlSection& sec : sections)
        s += "<a href=\"#" + sec.id + "\">" + escape_xml(sec.title) + "</a>";
    s += "</nav>\n";
    for (const HtmlSection& sec : sections)
        s += "<section id=\"" + sec.id + "\">\n<h2>" + escape_xml(sec.title) + "</h2>\n" +
             sec.body + "</section>\n";
    return s + "</body>\n</html>\n";
}

} // namespace memsched::report
