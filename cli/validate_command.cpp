// `memsched validate --set NETWORK|none [--layer SPEC]... [--caches 32KiB,256KiB,1MiB] [--schedulers
// a,b] [--scale S] [--max-layers M] [--calls N] [--json FILE]`: runs
// `measure` for every scheduler on the distinct layers (conv, depthwise,
// pools, fc) of a built-in
// network at several LL sizes, then prints the model's prediction error
// (median |relative error| per scheduler) and each scheduler's measured
// traffic as a multiple of the lower bound, per layer and cache.
#include "cli/commands.h"
#include "generators/networks/network.h"
#include "measure/measure_layer.h"
#include "model/layer_spec.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace memsched::cli {

namespace {

struct ValidateCliOptions {
    std::string set = "resnet18";
    std::string caches = "32KiB,256KiB,1MiB";
    std::string schedulers = "naive,manual,memsched,mullapudi2016,adams2019,li2018";
    int scale = 1;
    int max_layers = 0; // 0: all
    int calls = 2;
    std::string json_path;
    std::vector<std::string> layers; // extra layer specs, measured after the set's
};

struct Case {
    std::string name; // first layer with this shape
    LayerShape shape;
};

std::vector<std::string> split(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream in(text);
    std::string part;
    while (std::getline(in, part, ',')) out.push_back(part);
    return out;
}

// Spatial sizes divided by `scale` (rounded up), kept legal for the kernel;
// a global pool's window follows the plane.
LayerShape scaled(LayerShape s, int scale) {
    if (scale == 1) return s;
    LayerShape t = s;
    t.in_height = (s.in_height + scale - 1) / scale;
    t.in_width = (s.in_width + scale - 1) / scale;
    if (s.kind == LayerKind::GlobalAvgPool) t.kernel_h = t.in_height, t.kernel_w = t.in_width;
    return t.validate() ? s : t;
}

std::vector<Case> layer_cases(const ValidateCliOptions& opt) {
    std::vector<Case> out;
    for (const std::string& spec : opt.layers) {
        try {
            out.push_back({spec, scaled(parse_layer_spec(spec), opt.scale)});
        } catch (const std::invalid_argument& e) {
            throw UsageError(std::string("--layer: ") + e.what());
        }
    }
    if (opt.set == "none") return out;
    Network net;
    try {
        net = load_builtin_network(opt.set);
    } catch (const NetworkError& e) {
        throw UsageError(std::string("--set: ") + e.what());
    }
    for (const LayerSetEntry& e : distinct_layer_shapes(net)) {
        if (opt.max_layers > 0 && int(out.size()) == opt.max_layers + int(opt.layers.size())) break;
        out.push_back({e.layer_names.front(), scaled(e.shape, opt.scale)});
    }
    return out;
}

std::string machine_description() {
    return "cachegrind (valgrind) cache simulation on the build host; layers compiled for x86-64-linux-avx2, "
           "HL_NUM_THREADS=1, cold caches per call";
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

void print_summary(const std::vector<measure::MeasureResult>& results, const std::vector<std::string>& names) {
    std::map<std::string, std::vector<double>> errors;
    std::map<std::string, int> missing;
    for (const auto& r : results) {
        const std::string s = measure::to_string(r.request.scheduler);
        if (auto e = r.relative_error()) errors[s].push_back(std::fabs(*e));
        else missing[s]++;
    }
    std::printf("\nprediction error (LL bytes, |measured - predicted| / measured)\n");
    std::printf("%-14s %8s %10s %10s %12s\n", "scheduler", "rows", "median", "max", "no predict.");
    for (const auto& [s, v] : errors)
        std::printf("%-14s %8zu %9.1f%% %9.1f%% %12d\n", s.c_str(), v.size(), 100 * median(v),
                    100 * *std::max_element(v.begin(), v.end()), missing[s]);
    for (const auto& [s, n] : missing)
        if (!errors.count(s)) std::printf("%-14s %8d %10s %10s %12d\n", s.c_str(), 0, "-", "-", n);

    // Measured LL traffic / lower bound, one column per scheduler.
    std::map<std::pair<std::string, int64_t>, std::map<std::string, double>> table;
    std::vector<std::string> schedulers;
    for (const auto& r : results) {
        const std::string s = measure::to_string(r.request.scheduler);
        if (std::find(schedulers.begin(), schedulers.end(), s) == schedulers.end()) schedulers.push_back(s);
        table[{format_layer_spec(r.request.shape), r.request.ll.size_bytes}][s] =
            double(r.measured_ll_bytes) / double(r.lower_bound_bytes);
    }
    std::printf("\nmeasured LL bytes / lower bound\n%-8s %-60s", "LL KiB", "layer");
    for (const auto& s : schedulers) std::printf(" %13s", s.c_str());
    std::printf("\n");
    for (const auto& [key, row] : table) {
        std::printf("%-8lld %-60s", (long long)(key.second >> 10), key.first.c_str());
        for (const auto& s : schedulers) {
            auto it = row.find(s);
            if (it == row.end()) std::printf(" %13s", "failed");
            else std::printf(" %13.2f", it->second);
        }
        std::printf("\n");
    }
    (void)names;
}

void write_json(const std::string& path, const std::vector<measure::MeasureResult>& results,
                const std::vector<std::string>& names, const std::vector<std::string>& failures) {
    nlohmann::json j;
    j["machine"] = machine_description();
    j["rows"] = nlohmann::json::array();
    for (size_t i = 0; i < results.size(); i++) {
        const measure::MeasureResult& r = results[i];
        const nlohmann::json m = measure::to_json(r);
        j["rows"].push_back({{"layer", names[i]},
                             {"spec", format_layer_spec(r.request.shape)},
                             {"scheduler", measure::to_string(r.request.scheduler)},
                             {"cache_bytes", r.request.ll.size_bytes},
                             {"measured_ll_bytes", r.measured_ll_bytes},
                             {"predicted_ll_bytes", m["predicted_ll_bytes"]},
                             {"relative_error", m["relative_error"]},
                             {"lower_bound_bytes", r.lower_bound_bytes},
                             {"compulsory_bytes", r.compulsory_bytes},
                             {"measured_d1_bytes", r.measured_d1_bytes},
                             {"predicted_d1_bytes", m["predicted_d1_bytes"]},
                             {"prediction_source", r.prediction.source},
                             {"reader_predicted_ll_bytes", m["reader_predicted_ll_bytes"]}});
    }
    j["failures"] = failures;
    std::ofstream out(path);
    if (!out) throw UsageError("--json=" + path + " cannot be written");
    out << j.dump(2) << "\n";
}

void run(const ValidateCliOptions& opt) {
    if (opt.scale < 1) throw UsageError("--scale=" + std::to_string(opt.scale) + " must be >= 1");
    if (opt.max_layers < 0) throw UsageError("--max-layers=" + std::to_string(opt.max_layers) + " must be >= 0");
    if (opt.calls < 1 || opt.calls > 100) throw UsageError("--calls=" + std::to_string(opt.calls) + " must be in 1..100");
    std::vector<measure::CacheGeometry> lls;
    std::vector<measure::Scheduler> schedulers;
    try {
        for (const std::string& c : split(opt.caches)) lls.push_back(measure::parse_cache_geometry("LL=" + c, "--caches"));
        for (const std::string& s : split(opt.schedulers)) schedulers.push_back(measure::parse_scheduler(s, "--schedulers"));
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    }
    const std::vector<Case> cases = layer_cases(opt);
    std::vector<measure::MeasureResult> results;
    std::vector<std::string> names, failures;
    for (const Case& c : cases)
        for (const measure::CacheGeometry& ll : lls)
            for (measure::Scheduler s : schedulers) {
                measure::MeasureRequest req;
                req.shape = c.shape;
                req.scheduler = s;
                req.ll = ll;
                req.calls = opt.calls;
                // Cachegrind's LL sees only D1 misses, so an LL no larger than D1
                // holds nothing D1 does not: keep D1 at most a quarter of the LL.
                req.d1.size_bytes = std::min<int64_t>(req.d1.size_bytes, ll.size_bytes / 4);
                const std::string what = c.name + " " + format_layer_spec(c.shape) + " " + measure::to_string(s) +
                                         " " + ll.describe();
                try {
                    results.push_back(measure::measure_layer(req));
                    names.push_back(c.name);
                    const auto e = results.back().relative_error();
                    std::fprintf(stderr, "validate: %s: measured %lld B, predicted %s, error %s\n", what.c_str(),
                                 (long long)results.back().measured_ll_bytes,
                                 results.back().prediction.ll_bytes
                                     ? std::to_string(*results.back().prediction.ll_bytes).c_str()
                                     : "null",
                                 e ? (std::to_string(int(std::lround(100 * *e))) + "%").c_str() : "null");
                } catch (const std::exception& e) {
                    failures.push_back(what + ": " + e.what());
                    std::fprintf(stderr, "validate: %s: FAILED: %s\n", what.c_str(), e.what());
                }
            }
    print_summary(results, names);
    if (!failures.empty()) {
        std::printf("\nfailed measurements (%zu):\n", failures.size());
        for (const auto& f : failures) std::printf("  %s\n", f.substr(0, 300).c_str());
    }
    if (!opt.json_path.empty()) write_json(opt.json_path, results, names, failures);
}

} // namespace

void register_validate_command(CLI::App& app) {
    auto opt = std::make_shared<ValidateCliOptions>();
    CLI::App* cmd = app.add_subcommand("validate", "Model vs cachegrind on a network's distinct layers");
    cmd->add_option("--set", opt->set, "Built-in network (default resnet18; none: only --layer)");
    cmd->add_option("--layer", opt->layers, "Extra layer spec (repeatable), measured before the set's layers");
    cmd->add_option("--caches", opt->caches, "LL sizes, comma-separated (SIZE or SIZE,ASSOC,LINE is not split)");
    cmd->add_option("--schedulers", opt->schedulers, "Comma-separated schedulers (default: all six)");
    cmd->add_option("--scale", opt->scale, "Divide spatial sizes by this (rounded up) to keep runs short");
    cmd->add_option("--max-layers", opt->max_layers, "Only the first M distinct layers (0: all)");
    cmd->add_option("--calls", opt->calls, "N calls per measurement (default 2)");
    cmd->add_option("--json", opt->json_path, "Write the rows as JSON to this file");
    cmd->callback([opt]() { run(*opt); });
}

} // namespace memsched::cli
