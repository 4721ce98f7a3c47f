// Summary section: the machine as each input describes it, the input files,
// and memsched's geomean speedups over the bundled autoschedulers and OpenCV.
#include "report/bench_summary.h"
#include "report/report_page.h"
#include "report/svg_scale.h"

namespace memsched::report {

namespace {

std::string machine_table(const ReportInputs& in) {
    std::vector<std::vector<std::string>> rows;
    if (in.bench)
        rows.push_back({"benchmark (" + in.bench->file + ")",
                        in.bench->machine + (in.bench->date.empty() ? "" : "; " + in.bench->date)});
    if (in.validation)
        rows.push_back({"validation (" + in.validation->file + ")", in.validation->machine});
    if (in.roofline) {
        const RooflineResults& r = *in.roofline;
        rows.push_back({"roofline (" + r.file + ")",
                        (r.cpu_model.empty() ? "" : r.cpu_model + "; ") + "peak " +
                            format_fixed(r.peak_gflops_1t, 1) + " GFLOP/s on 1 thread, " +
                            format_fixed(r.peak_gflops_all, 1) + " on all" +
                            (r.threads ? " (" + std::to_string(r.threads) + ")" : "") +
                            "; STREAM triad " + format_fixed(r.bandwidth_gbs_1t, 2) +
                            " GB/s on 1 thread, " + format_fixed(r.bandwidth_gbs_all, 2) +
                            " on all"});
    }
    if (rows.empty())
        return not_measured("No machine description: no benchmark, validation or roofline input",
                            "--bench, --validation or --roofline");
    return html_table({"source", "machine"}, rows, false);
}

std::string speedup_table(const BenchResults& bench) {
    const std::vector<SpeedupSummary> sp = memsched_speedups(bench);
    if (sp.empty())
        return not_measured("No geomean speedup: the benchmark has no memsched rows next to an "
                            "autoscheduler or OpenCV on the same layer",
                            "a --bench file with those variants");
    std::vector<std::vector<std::string>> rows;
    for (const SpeedupSummary& s : sp)
        rows.push_back({"memsched vs " + s.baseline, std::to_string(s.threads),
                        format_fixed(s.geomean, 2) + "x", std::to_string(s.layers.size())});
    return html_paragraph("Geometric mean over layers of baseline time / memsched time (above 1: "
                          "memsched is faster). The best autoscheduler is, per layer, the fastest "
                          "of mullapudi2016, adams2019 and li2018.") +
           html_table({"comparison", "threads", "geomean speedup", "layers"}, rows);
}

} // namespace

HtmlSection summary_section(const ReportInputs& in) {
    std::string body = "<h3>Machine</h3>\n" + machine_table(in) + "<h3>Speedups</h3>\n";
    body += in.bench ? speedup_table(*in.bench)
                     : not_measured("No layer benchmark", "--bench FILE.json");
    return {"summary", "Summary", body};
}

} // namespace memsched::report
