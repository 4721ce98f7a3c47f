// `memsched measure --layer SPEC --scheduler NAME --cache LL=SIZE[,ASSOC,LINE]
// [--cache D1=...] [--calls N] [--warm] [--plan-ll SIZE] [--json]`: compiles the layer with the
// scheduler for AVX2, counts its cache misses per call under cachegrind on
// the simulated geometry, and prints them next to the model's prediction for
// the same schedule and geometry (measure/measure_layer.h).
#include "cli/commands.h"
#include "measure/measure_layer.h"
#include "model/layer_spec.h"

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace memsched::cli {

namespace {

struct MeasureCliOptions {
    std::string layer;
    std::string scheduler;
    std::vector<std::string> caches;
    int calls = 2;
    bool json = false;
    bool warm = false;
    std::string plan_ll;
};

std::string bytes_or_null(const std::optional<int64_t>& v) {
    return v ? std::to_string(*v) : std::string("null");
}

std::string percent_or_null(const std::optional<double>& v) {
    if (!v) return "null";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%+.1f%%", 100.0 * *v);
    return buf;
}

void print_text(const measure::MeasureResult& r) {
    const auto& c = r.counts.per_call;
    std::cout << "layer      " << format_layer_spec(r.request.shape) << "\n"
              << "scheduler  " << measure::to_string(r.request.scheduler) << " (x86-64-linux-avx2, "
              << r.compile_seconds << " s to compile)\n"
              << "caches     " << r.request.d1.describe() << "  " << r.request.ll.describe()
              << (r.request.plan_ll_bytes > 0 ? "  (planned for LL=" + std::to_string(r.request.plan_ll_bytes) + " B)" : "")
              << "\n"
              << "per call   Dr " << c.get("Dr") << "  Dw " << c.get("Dw") << "  D1mr " << c.get("D1mr")
              << "  D1mw " << c.get("D1mw") << "  DLmr " << c.get("DLmr") << "  DLmw " << c.get("DLmw")
              << "  (cachegrind, (" << 1 + r.counts.calls << " calls - 1 call) / " << r.counts.calls << ")\n\n";
    std::printf("%-6s %16s %16s %10s\n", "level", "measured B", "predicted B", "error");
    std::printf("%-6s %16lld %16s %10s\n", "LL", (long long)r.measured_ll_bytes,
                bytes_or_null(r.prediction.ll_bytes).c_str(), percent_or_null(r.relative_error()).c_str());
    std::printf("%-6s %16lld %16s %10s\n", "D1", (long long)r.measured_d1_bytes,
                bytes_or_null(r.prediction.d1_bytes).c_str(), percent_or_null(r.d1_relative_error()).c_str());
    std::cout << "\nprediction   " << r.prediction.source << "\n"
              << "lower bound  " << r.lower_bound_bytes << " B (measured LL is "
              << double(r.measured_ll_bytes) / double(r.lower_bound_bytes) << "x)\n"
              << "compulsory   " << r.compulsory_bytes << " B\n";
}

measure::MeasureRequest request_of(const MeasureCliOptions& opt) {
    measure::MeasureRequest req;
    try {
        req.shape = parse_layer_spec(opt.layer);
        req.scheduler = measure::parse_scheduler(opt.scheduler);
        bool have_ll = false;
        for (const std::string& text : opt.caches) {
            const measure::CacheGeometry g = measure::parse_cache_geometry(text);
            if (g.level == "LL") req.ll = g, have_ll = true;
            else req.d1 = g;
        }
        if (!have_ll) throw std::invalid_argument("--cache LL=SIZE[,ASSOC,LINE] is required");
        if (!opt.plan_ll.empty()) req.plan_ll_bytes = parse_size_bytes(opt.plan_ll, "--plan-ll");
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    }
    if (opt.calls < 1 || opt.calls > 100)
        throw UsageError("--calls=" + std::to_string(opt.calls) + " must be in 1..100");
    req.calls = opt.calls;
    req.cold = !opt.warm;
    return req;
}

void run(const MeasureCliOptions& opt) {
    const measure::MeasureRequest req = request_of(opt);
    measure::MeasureResult r;
    try {
        r = measure::measure_layer(req);
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    }
    if (opt.json) std::cout << measure::to_json(r).dump(2) << "\n";
    else print_text(r);
}

} // namespace

void register_measure_command(CLI::App& app) {
    auto opt = std::make_shared<MeasureCliOptions>();
    CLI::App* cmd = app.add_subcommand("measure", "Measure a layer's cache misses under cachegrind next to the model");
    cmd->add_option("--layer", opt->layer, "Layer spec, e.g. conv2d:n=1,c=64,h=56,w=56,k=64,r=3,s=3,stride=1,pad=1")
        ->required();
    cmd->add_option("--scheduler", opt->scheduler, "naive, manual, memsched, mullapudi2016, adams2019 or li2018")
        ->required();
    cmd->add_option("--cache", opt->caches, "LL=SIZE[,ASSOC,LINE] (required) and optionally D1=SIZE[,ASSOC,LINE]")
        ->required();
    cmd->add_option("--calls", opt->calls, "N: per-call figures are (run(1+N) - run(1)) / N (default 2)");
    cmd->add_option("--plan-ll", opt->plan_ll,
                    "LL size the schedulers and the model plan for (default: the simulated LL; headroom experiments)");
    cmd->add_flag("--warm", opt->warm, "Do not flush the caches between calls (default: every call starts cold)");
    cmd->add_flag("--json", opt->json, "JSON output");
    cmd->callback([opt]() { run(*opt); });
}

} // namespace memsched::cli
