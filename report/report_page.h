// The report: which inputs it was given, and the whole HTML page built from
// them. Every input is optional; a section without its input says it was not
// measured in this run.
#pragma once

#include "report/bench_results.h"
#include "report/html_page.h"
#include "report/pareto_curve.h"
#include "report/roofline_results.h"
#include "report/validation_results.h"

#include <optional>
#include <string>

namespace memsched::report {

struct ReportInputs {
    std::optional<BenchResults> bench;
    std::optional<ValidationResults> validation;
    std::optional<RooflineResults> roofline;
    std::optional<ParetoCurve> pareto;
    std::string generated_by; // the command line, shown in the page header
};

// One section per file (report/section_*.cpp).
HtmlSection summary_section(const ReportInputs& in);
HtmlSection performance_section(const ReportInputs& in);
HtmlSection traffic_section(const ReportInputs& in);
HtmlSection accuracy_section(const ReportInputs& in);
HtmlSection pareto_section(const ReportInputs& in);

std::string render_report(const ReportInputs& in);

} // namespace memsched::report
