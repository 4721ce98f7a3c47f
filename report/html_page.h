// HTML page assembly: one self-contained document (inline CSS, inline SVG,
// no scripts, nothing fetched), sections with headings, plain tables of the
// numbers, and the "not measured in this run" notice for absent inputs.
#pragma once

#include <string>
#include <vector>

namespace memsched::report {

struct HtmlSection {
    std::string id; // anchor for the table of contents
    std::string title;
    std::string body; // HTML fragment
};

// A table; cells are text (escaped here). `numeric` right-aligns columns
// from the second on.
std::string html_table(const std::vector<std::string>& headers,
                       const std::vector<std::vector<std::string>>& rows, bool numeric = true);
// A paragraph of escaped text.
std::string html_paragraph(const std::string& text);
// The notice for a section whose input was not given: says which option
// would have provided it.
std::string not_measured(const std::string& what, const std::string& option);
// A figure wrapping an inline <svg> element.
std::string html_figure(const std::string& svg);

std::string render_page(const std::string& title, const std::string& subtitle,
                        const std::vector<HtmlSection>& sections);

} // namespace memsched::report
