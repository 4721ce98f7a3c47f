// Page order: the summary first (machine, speedups), then the plots from
// time to traffic to the model's own accuracy and its trade-off curve.
#include "report/report_page.h"

namespace memsched::report {

std::string render_report(const ReportInputs& in) {
    return render_page("memsched report", in.generated_by,
                       {summary_section(in), performance_section(in), traffic_section(in),
                        accuracy_section(in), pareto_section(in)});
}

} // namespace memsched::report
