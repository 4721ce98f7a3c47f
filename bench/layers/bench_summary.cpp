// Geometric means and totals over layer benchmark results (see bench_summary.h).
#include "bench/layers/bench_summary.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>
#include <tuple>

namespace memsched::bench {

namespace {

// The bundled autoschedulers memsched is compared with as a group.
const std::vector<std::string> peer_variants = {"mullapudi2016", "adams2019", "li2018"};
const std::vector<std::string> column_order = {"naive",  "manual", "mullapudi2016", "adams2019",
                                               "li2018", "opencv", "memsched"};

bool parse_name(const std::string& name, LayerResult& r) {
    std::vector<std::string> parts;
    std::stringstream s(name);
    for (std::string part; std::getline(s, part, '/');)
        parts.push_back(part);
    if (parts.size() != 4 || parts[3].rfind("threads:", 0) != 0)
        return false;
    r.set = parts[0], r.layer = parts[1], r.variant = parts[2];
    r.threads = std::stoi(parts[3].substr(8));
    return true;
}

double to_ms(double value, const std::string& unit) {
    if (unit == "ns")
        return value / 1e6;
    if (unit == "us")
        return value / 1e3;
    if (unit == "s")
        return value * 1e3;
    return value;
}

std::string fmt(const char* format, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

struct Geomean {
    double log_sum = 0;
    int count = 0;
    void add(double ratio) { log_sum += std::log(ratio), count++; }
    std::string text() const {
        return count ? fmt("%.2fx", std::exp(log_sum / count)) + " (" + std::to_string(count) + ")"
                     : "-";
    }
};

using Key = std::tuple<std::string, int>; // set, threads
using Times =
    std::map<std::string, std::map<std::string, const LayerResult*>>; // layer -> variant ->

} // namespace

std::vector<LayerResult> parse_bench_json(const nlohmann::json& json) {
    std::vector<LayerResult> iterations, medians;
    for (const auto& b : json.value("benchmarks", nlohmann::json::array())) {
        if (b.value("error_occurred", false))
            continue;
        LayerResult r;
        if (!parse_name(b.value("run_name", b.value("name", "")), r))
            continue;
        r.real_ms = to_ms(b.value("real_time", 0.0), b.value("time_unit", "ns"));
        r.macs = b.value("macs", 0.0);
        r.layer_count = int(b.value("layer_count", 1.0));
        if (const double cpu_gflops = b.value("cpu_gflops", 0.0); cpu_gflops > 0)
            r.cpu_ms = 2 * r.macs / cpu_gflops / 1e6;
        const std::string type = b.value("run_type", "iteration");
        if (type == "aggregate" && b.value("aggregate_name", "") == "median")
            medians.push_back(r);
        else if (type == "iteration")
            iterations.push_back(r);
    }
    if (!medians.empty())
        return medians;
    return iterations;
}

std::string summarise(const std::vector<LayerResult>& all, const PeakGflops& peak,
                      TimeBasis basis) {
    // The chosen time becomes real_ms of a copy, so the rest reads one field.
    std::vector<LayerResult> results;
    for (LayerResult r : all) {
        if (basis == TimeBasis::Cpu)
            r.real_ms = r.cpu_ms;
        if (r.real_ms > 0)
            results.push_back(r);
    }
    const std::string basis_text = basis == TimeBasis::Wall ? "wall-clock" : "process CPU time";
    std::map<Key, Times> groups;
    std::set<std::string> present;
    for (const auto& r : results) {
        groups[{r.set, r.threads}][r.layer][r.variant] = &r;
        present.insert(r.variant);
    }
    std::vector<std::string> columns;
    for (const auto& v : column_order)
        if (present.count(v))
            columns.push_back(v);
    for (const auto& v : present)
        if (std::find(columns.begin(), columns.end(), v) == columns.end())
            columns.push_back(v);

    std::ostringstream out, summary, losses;
    summary
        << "| set | threads | layers | vs best of mullapudi2016/adams2019/li2018 | vs OpenCV DNN | "
           "vs manual | memsched GFLOP/s | best-peer GFLOP/s | OpenCV GFLOP/s | memsched % of peak "
           "|\n"
        << "|---|---|---|---|---|---|---|---|---|---|\n";
    for (const auto& [key, layers] : groups) {
        const auto& [set, threads] = key;
        out << "\n### " << set << ", " << threads << " thread" << (threads > 1 ? "s" : "") << ", "
            << basis_text
            << " (median ms per layer; speedup = other / memsched)\n\n| layer | count | MFLOP |";
        for (const auto& c : columns)
            out << " " << c << " |";
        out << " memsched vs best peer | vs opencv |\n|---|---|---|";
        for (size_t i = 0; i < columns.size() + 2; i++)
            out << "---|";
        out << "\n";
        Geomean vs_peer, vs_opencv, vs_manual;
        // Totals over the layers where memsched and the compared one both ran, weighted by count.
        double flop_ms = 0, ms_ms = 0, flop_peer = 0, ms_peer = 0, flop_cv = 0, ms_cv = 0;
        for (const auto& layer_entry : layers) {
            const std::string& layer = layer_entry.first;
            const auto& variants = layer_entry.second; // captured below: not a structured binding
            const LayerResult* any = variants.begin()->second;
            out << "| " << layer << " | " << any->layer_count << " | "
                << fmt("%.1f", 2 * any->macs / 1e6) << " |";
            for (const auto& c : columns) {
                auto it = variants.find(c);
                out << " " << (it == variants.end() ? "-" : fmt("%.3f", it->second->real_ms))
                    << " |";
            }
            auto time_of = [&](const std::string& v) {
                auto it = variants.find(v);
                return it == variants.end() ? 0.0 : it->second->real_ms;
            };
            const double ms = time_of("memsched"), cv = time_of("opencv"),
                         manual = time_of("manual");
            double best_peer = 0;
            std::string best_name;
            for (const auto& p : peer_variants)
                if (double t = time_of(p); t > 0 && (best_peer == 0 || t < best_peer))
                    best_peer = t, best_name = p;
            const double flop = 2 * any->macs * any->layer_count;
            out << " "
                << (ms > 0 && best_peer > 0 ? fmt("%.2fx", best_peer / ms) + " (" + best_name + ")"
                                            : "-")
                << " | " << (ms > 0 && cv > 0 ? fmt("%.2fx", cv / ms) : "-") << " |\n";
            if (ms <= 0)
                continue;
            flop_ms += flop, ms_ms += ms * any->layer_count;
            if (best_peer > 0) {
                vs_peer.add(best_peer / ms);
                flop_peer += flop, ms_peer += best_peer * any->layer_count;
            }
            if (cv > 0) {
                vs_opencv.add(cv / ms);
                flop_cv += flop, ms_cv += cv * any->layer_count;
            }
            if (manual > 0)
                vs_manual.add(manual / ms);
            // A clear loss: some other candidate is more than 10% faster.
            double best_other = 0;
            std::string other;
            for (const auto& [v, r] : variants)
                if (v != "memsched" && (best_other == 0 || r->real_ms < best_other))
                    best_other = r->real_ms, other = v;
            if (best_other > 0 && ms > 1.1 * best_other)
                losses << "- " << set << "/" << layer << "/threads:" << threads << ": memsched "
                       << fmt("%.3f", ms) << " ms, " << other << " " << fmt("%.3f", best_other)
                       << " ms (" << fmt("%.2fx", ms / best_other) << " slower)\n";
        }
        auto rate = [](double flop, double ms) {
            return ms > 0 ? fmt("%.1f", flop / ms / 1e6) : "-";
        };
        // CPU-time rates are per core-second whatever the thread count: compare
        // them with one core's peak. Wall-clock rates use the peak at that count.
        const double p = threads == 1 || basis == TimeBasis::Cpu ? peak.one_thread
                         : threads == peak.all_threads_count     ? peak.all_threads
                                                                 : 0;
        summary << "| " << set << " | " << threads << " | " << layers.size() << " | "
                << vs_peer.text() << " | " << vs_opencv.text() << " | " << vs_manual.text() << " | "
                << rate(flop_ms, ms_ms) << " | " << rate(flop_peer, ms_peer) << " | "
                << rate(flop_cv, ms_cv) << " | "
                << (p > 0 && ms_ms > 0 ? fmt("%.1f%%", 100 * flop_ms / ms_ms / 1e6 / p) : "-")
                << " |\n";
    }
    std::string loss_text = losses.str();
    return "## Summary, " + basis_text +
           " (geometric means over layers, (n) = layers compared; GFLOP/s totals weighted by "
           "layer count)\n\n" +
           summary.str() +
           "\n## Layers where memsched is clearly slower (> 1.1x the fastest other)\n\n" +
           (loss_text.empty() ? "none\n" : loss_text) + out.str();
}

} // namespace memsched::bench
