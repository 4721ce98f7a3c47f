// Traffic section: measured last-level traffic of each layer and scheduler
// divided by the layer's lower bound (1 = no schedule could move less), on a
// log axis, one chart per simulated cache size; the bytes in a table.
#include "report/bar_chart.h"
#include "report/bench_summary.h"
#include "report/report_page.h"
#include "report/svg_scale.h"

#include <algorithm>
#include <map>

namespace memsched::report {

namespace {

template <typename F>
std::vector<std::string> distinct(const std::vector<const ValidationRow*>& rows, F key) {
    std::vector<std::string> v;
    for (const ValidationRow* r : rows)
        if (std::find(v.begin(), v.end(), key(*r)) == v.end())
            v.push_back(key(*r));
    return v;
}

std::string cache_block(int64_t cache, const std::vector<const ValidationRow*>& rows) {
    std::vector<std::string> layers =
        distinct(rows, [](const ValidationRow& r) { return r.layer; });
    std::vector<std::string> scheds =
        distinct(rows, [](const ValidationRow& r) { return r.scheduler; });
    std::stable_sort(scheds.begin(), scheds.end(), [](const std::string& a, const std::string& b) {
        return variant_rank(a) < variant_rank(b);
    });
    std::map<std::pair<std::string, std::string>, const ValidationRow*> at;
    for (const ValidationRow* r : rows)
        at[{r->scheduler, r->layer}] = r;

    GroupedBarChart chart;
    chart.title = "Measured traffic / lower bound, " + format_capacity(double(cache)) +
                  " last-level cache (log scale)";
    chart.y_label = "measured / lower bound";
    chart.value_unit = "x lower bound";
    chart.log_y = true;
    chart.categories = layers;
    chart.series = scheds;
    for (const std::string& s : scheds) {
        std::vector<std::optional<double>> vals;
        for (const std::string& l : layers) {
            auto it = at.find({s, l});
            if (it == at.end())
                vals.push_back(std::nullopt);
            else
                vals.push_back(it->second->measured_ll_bytes / it->second->lower_bound_bytes);
        }
        chart.values.push_back(vals);
    }
    chart.references.push_back({1.0, "lower bound (1x)", "#d62728"});

    std::vector<std::vector<std::string>> table;
    for (const ValidationRow* r : rows)
        table.push_back({r->layer + " / " + r->scheduler, r->spec,
                         format_bytes(r->measured_ll_bytes), format_bytes(r->lower_bound_bytes),
                         format_bytes(r->compulsory_bytes),
                         format_fixed(r->measured_ll_bytes / r->lower_bound_bytes, 2) + "x"});
    return html_figure(render_bar_chart(chart)) +
           html_table({"layer / scheduler", "spec (as validated)", "measured", "lower bound",
                       "compulsory", "measured / bound"},
                      table);
}

} // namespace

HtmlSection traffic_section(const ReportInputs& in) {
    HtmlSection s{"traffic", "Traffic against the lower bound", ""};
    if (!in.validation) {
        s.body = not_measured("No cache-simulated traffic", "--validation FILE.json");
        return s;
    }
    if (in.validation->rows.empty()) {
        s.body = not_measured("The validation file has no rows", "a --validation file with rows");
        return s;
    }
    std::map<int64_t, std::vector<const ValidationRow*>> by_cache;
    for (const ValidationRow& r : in.validation->rows)
        by_cache[r.cache_bytes].push_back(&r);
    s.body = html_paragraph("Bytes past the last-level cache, measured with cachegrind, divided "
                            "by the layer's traffic lower bound at that cache size; log scale, "
                            "1 is the bound.");
    for (const auto& [cache, rows] : by_cache)
        s.body += cache_block(cache, rows);
    return s;
}

} // namespace memsched::report
