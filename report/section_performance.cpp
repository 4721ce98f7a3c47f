// Performance section: GFLOP/s (or time, when the benchmark has neither a
// gflops nor a macs counter) per layer and scheduler, one grouped bar chart
// per thread count, with the roofline peak as a reference line; the numbers
// in a layer x scheduler table under each chart.
#include "report/bar_chart.h"
#include "report/bench_summary.h"
#include "report/report_page.h"
#include "report/svg_scale.h"

#include <algorithm>
#include <map>
#include <set>

namespace memsched::report {

namespace {

std::vector<std::string> ordered_variants(const std::vector<const BenchRow*>& rows) {
    std::vector<std::string> v;
    for (const BenchRow* r : rows)
        if (std::find(v.begin(), v.end(), r->variant) == v.end())
            v.push_back(r->variant);
    std::stable_sort(v.begin(), v.end(), [](const std::string& a, const std::string& b) {
        return variant_rank(a) < variant_rank(b);
    });
    return v;
}

std::vector<std::string> ordered_layers(const std::vector<const BenchRow*>& rows) {
    std::vector<std::string> v;
    for (const BenchRow* r : rows)
        if (std::find(v.begin(), v.end(), r->layer) == v.end())
            v.push_back(r->layer);
    return v;
}

std::string threads_block(const ReportInputs& in, int threads,
                          const std::vector<const BenchRow*>& rows) {
    const std::vector<std::string> variants = ordered_variants(rows);
    const std::vector<std::string> layers = ordered_layers(rows);
    const bool all_gflops = std::all_of(rows.begin(), rows.end(),
                                        [](const BenchRow* r) { return r->gflops.has_value(); });
    std::map<std::pair<std::string, std::string>, const BenchRow*> at;
    for (const BenchRow* r : rows)
        at[{r->variant, r->layer}] = r;

    GroupedBarChart chart;
    chart.title = std::string(all_gflops ? "Throughput" : "Run time") + " per layer, " +
                  std::to_string(threads) + (threads == 1 ? " thread" : " threads");
    chart.y_label = all_gflops ? "GFLOP/s (higher is better)" : "ms per run (lower is better)";
    chart.value_unit = all_gflops ? " GFLOP/s" : " ms";
    chart.categories = layers;
    chart.series = variants;
    for (const std::string& v : variants) {
        std::vector<std::optional<double>> vals;
        for (const std::string& l : layers) {
            auto it = at.find({v, l});
            if (it == at.end())
                vals.push_back(std::nullopt);
            else
                vals.push_back(all_gflops ? *it->second->gflops : it->second->real_time_s * 1e3);
        }
        chart.values.push_back(vals);
    }
    if (all_gflops && in.roofline) {
        const double peak =
            threads == 1 ? in.roofline->peak_gflops_1t : in.roofline->peak_gflops_all;
        chart.references.push_back(
            {peak, "FMA peak (" + format_fixed(peak, 0) + " GFLOP/s, roofline)"});
    }

    std::vector<std::string> headers = {"layer"};
    for (const std::string& v : variants)
        headers.push_back(v);
    std::vector<std::vector<std::string>> table;
    for (const std::string& l : layers) {
        std::vector<std::string> row = {l};
        for (const std::string& v : variants) {
            auto it = at.find({v, l});
            if (it == at.end()) {
                row.push_back("-");
                continue;
            }
            const BenchRow& r = *it->second;
            row.push_back(format_fixed(r.real_time_s * 1e3, 3) + " ms" +
                          (r.gflops ? " / " + format_fixed(*r.gflops, 1) + " GF/s" : ""));
        }
        table.push_back(row);
    }
    int reps = rows.front()->repetitions;
    for (const BenchRow* r : rows)
        reps = std::min(reps, r->repetitions);
    return html_figure(render_bar_chart(chart)) +
           html_paragraph("Wall-clock time per run / GFLOP/s, " + std::to_string(threads) +
                          " thread(s); " +
                          (reps > 1 ? "medians of at least " + std::to_string(reps) + " repetitions"
                                    : "single runs (no repetitions)") +
                          ":") +
           html_table(headers, table);
}

std::string totals_table(const BenchResults& bench) {
    std::vector<std::vector<std::string>> rows;
    for (const SchedulerTotal& t : scheduler_totals(bench))
        rows.push_back({t.variant, std::to_string(t.threads), std::to_string(t.layers),
                        std::to_string(t.network_layers), format_fixed(t.total_time_s * 1e3, 3),
                        t.gflops ? format_fixed(*t.gflops, 1) : "-"});
    return "<h3>Totals per scheduler</h3>\n" +
           html_paragraph("Sum over the layer shapes each scheduler ran, each counted as often "
                          "as the network has it (a scheduler that skipped a layer has a smaller "
                          "total: compare the layer counts).") +
           html_table({"scheduler", "threads", "shapes", "network layers", "total ms", "GFLOP/s"},
                      rows);
}

std::string errors_table(const BenchResults& bench) {
    if (bench.errors.empty())
        return "";
    std::vector<std::vector<std::string>> rows;
    for (const BenchError& e : bench.errors)
        rows.push_back({e.name, e.message});
    return "<h3>Benchmarks that reported an error</h3>\n" +
           html_table({"benchmark", "message"}, rows, false);
}

} // namespace

HtmlSection performance_section(const ReportInputs& in) {
    HtmlSection s{"performance", "Run time per layer and scheduler", ""};
    if (!in.bench) {
        s.body = not_measured("No layer benchmark results", "--bench FILE.json");
        return s;
    }
    std::map<int, std::vector<const BenchRow*>> by_threads;
    for (const BenchRow& r : in.bench->rows)
        by_threads[r.threads].push_back(&r);
    for (const auto& [threads, rows] : by_threads)
        s.body += threads_block(in, threads, rows);
    if (!in.roofline)
        s.body += not_measured("No machine peak line: no roofline", "--roofline FILE.json");
    s.body += totals_table(*in.bench) + errors_table(*in.bench);
    return s;
}

} // namespace memsched::report
