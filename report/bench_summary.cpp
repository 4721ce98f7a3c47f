// Totals and geomean speedups from the layer benchmark (see bench_summary.h).
#include "report/bench_summary.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace memsched::report {

int variant_rank(const std::string& v) {
    static const std::vector<std::string> order = {
        "naive", "manual", "mullapudi2016", "adams2019", "li2018", "memsched", "opencv"};
    auto it = std::find(order.begin(), order.end(), v);
    return it == order.end() ? static_cast<int>(order.size())
                             : static_cast<int>(it - order.begin());
}

bool is_bundled_autoscheduler(const std::string& v) {
    return v == "mullapudi2016" || v == "adams2019" || v == "li2018";
}

std::vector<SchedulerTotal> scheduler_totals(const BenchResults& bench) {
    std::map<std::pair<int, std::string>, SchedulerTotal> totals;
    std::map<std::pair<int, std::string>, double> flops;
    std::set<std::pair<int, std::string>> missing_macs;
    for (const BenchRow& r : bench.rows) {
        const auto key = std::make_pair(r.threads, r.variant);
        SchedulerTotal& t = totals[key];
        t.variant = r.variant;
        t.threads = r.threads;
        t.layers += 1;
        t.network_layers += r.layer_count;
        t.total_time_s += r.layer_count * r.real_time_s;
        // Without a MAC count, the GFLOP/s counter times the time gives the flops.
        if (r.macs)
            flops[key] += r.layer_count * 2.0 * *r.macs;
        else if (r.gflops)
            flops[key] += r.layer_count * *r.gflops * 1e9 * r.real_time_s;
        else
            missing_macs.insert(key);
    }
    std::vector<SchedulerTotal> out;
    for (auto& [key, t] : totals) {
        if (!missing_macs.count(key) && t.total_time_s > 0)
            t.gflops = flops[key] / t.total_time_s * 1e-9;
        out.push_back(t);
    }
    std::sort(out.begin(), out.end(), [](const SchedulerTotal& a, const SchedulerTotal& b) {
        if (a.threads != b.threads)
            return a.threads < b.threads;
        if (variant_rank(a.variant) != variant_rank(b.variant))
            return variant_rank(a.variant) < variant_rank(b.variant);
        return a.variant < b.variant;
    });
    return out;
}

namespace {

SpeedupSummary speedups_against(const BenchResults& bench, int threads, bool autoschedulers) {
    SpeedupSummary s;
    s.threads = threads;
    s.baseline = autoschedulers ? "best autoscheduler" : "opencv";
    // Per layer: memsched's time and the fastest baseline.
    std::map<std::string, double> ours;
    std::map<std::string, std::pair<double, std::string>> base;
    std::vector<std::string> order;
    for (const BenchRow& r : bench.rows) {
        if (r.threads != threads || r.real_time_s <= 0)
            continue;
        if (std::find(order.begin(), order.end(), r.layer) == order.end())
            order.push_back(r.layer);
        if (r.variant == "memsched")
            ours[r.layer] = r.real_time_s;
        const bool is_base =
            autoschedulers ? is_bundled_autoscheduler(r.variant) : r.variant == "opencv";
        if (!is_base)
            continue;
        auto it = base.find(r.layer);
        if (it == base.end() || r.real_time_s < it->second.first)
            base[r.layer] = {r.real_time_s, r.variant};
    }
    double log_sum = 0.0;
    for (const std::string& layer : order) {
        if (!ours.count(layer) || !base.count(layer))
            continue;
        const double sp = base[layer].first / ours[layer];
        s.layers.push_back({layer, base[layer].second, sp});
        log_sum += std::log(sp);
    }
    if (!s.layers.empty())
        s.geomean = std::exp(log_sum / s.layers.size());
    return s;
}

} // namespace

std::vector<SpeedupSummary> memsched_speedups(const BenchResults& bench) {
    std::set<int> threads;
    for (const BenchRow& r : bench.rows)
        threads.insert(r.threads);
    std::vector<SpeedupSummary> out;
    for (int t : threads)
        for (bool autos : {true, false}) {
            SpeedupSummary s = speedups_against(bench, t, autos);
            if (!s.layers.empty())
                out.push_back(std::move(s));
        }
    return out;
}

} // namespace memsched::report
