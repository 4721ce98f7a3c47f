// `memsched explore`: the best schedule (least outer traffic, or roofline
// time) of one layer (--layer SPEC) or of every layer of a built-in network
// (--network NAME) under a buffer budget, with the compulsory traffic, the
// lower bound, the naive (untiled) traffic and the capacity/traffic Pareto
// front. Bad input becomes UsageError (exit code 2).
#include "cli/commands.h"
#include "cli/explore_fusion.h"
#include "generators/networks/network.h"
#include "model/layer_spec.h"
#include "model/lower_bound.h"
#include "model/schedule_json.h"
#include "model/search.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <map>
#include <memory>

namespace memsched::cli {

namespace {

struct ExploreOptions {
    std::string layer, network, buffer, objective = "traffic";
    int64_t line_bytes = 64;
    bool json = false;
    bool fusion = false; // --fusion: partition --network into fusion groups
    bool pareto = false; // --pareto (with --fusion): the network's capacity/traffic front
    bool oracle = false; // --oracle (with --fusion): replay the fused groups in the oracle
};

std::string fmt(const char* f, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}

struct LayerResult {
    LayerShape shape;
    TrafficLowerBound bound;
    int64_t naive_bytes = 0;
    SearchResult search;
};

// Checks the budget can hold one element per tensor, then searches.
LayerResult explore_layer(const LayerShape& shape, int64_t buffer, const ExploreOptions& o,
                          Objective objective) {
    const Problem p = Problem::from_shape(shape);
    const int tensors = p.present[int(Tensor::Weights)] ? 3 : 2;
    if (buffer < tensors * shape.element_bytes)
        throw UsageError("--buffer=" + o.buffer + " is smaller than one element per tensor (" +
                         std::to_string(tensors * shape.element_bytes) + " bytes)");
    const MemoryHierarchy h = MemoryHierarchy::scratchpad(buffer, o.line_bytes);
    LayerResult r;
    r.shape = shape;
    r.bound = traffic_lower_bound(p, buffer);
    r.naive_bytes = evaluate(p, h, naive_schedule(p, h)).outer_traffic_bytes();
    SearchOptions so;
    so.objective = objective;
    r.search = search(p, h, so);
    if (!r.search.status)
        throw UsageError(format_layer_spec(shape) + ": " + r.search.status.reason);
    return r;
}

nlohmann::json layer_json(const LayerResult& r, int64_t buffer) {
    const RankedSchedule& b = r.search.ranked.front();
    const LevelTraffic& outer = b.report.levels.back();
    nlohmann::json pareto = nlohmann::json::array();
    for (const ParetoPoint& pt : r.search.pareto)
        pareto.push_back({{"buffer_bytes", pt.buffer_bytes}, {"traffic_bytes", pt.traffic_bytes}});
    return {{"layer", format_layer_spec(r.shape)},
            {"buffer_bytes", buffer},
            {"compulsory_bytes", r.bound.compulsory_bytes},
            {"needed_bytes", r.bound.needed_bytes},
            {"lower_bound_bytes", r.bound.bytes()},
            {"naive_traffic_bytes", r.naive_bytes},
            {"best",
             {{"traffic_bytes", b.traffic_bytes},
              {"read_bytes", outer.read_bytes()},
              {"write_bytes", outer.write_bytes()},
              {"footprint_bytes", outer.footprint_bytes()},
              {"time_s", b.time_s},
              {"schedule", schedule_to_json(b.schedule)},
              {"report", report_to_json(b.report)}}},
            {"pareto", pareto},
            {"evaluated", r.search.evaluated},
            {"exhaustive", r.search.exhaustive},
            {"note", r.search.note}};
}

void print_layer(const LayerResult& r, int64_t buffer, const ExploreOptions& o) {
    const RankedSchedule& b = r.search.ranked.front();
    const LevelTraffic& outer = b.report.levels.back();
    const double best = static_cast<double>(b.traffic_bytes);
    std::cout << "layer        " << format_layer_spec(r.shape) << "\n"
              << "buffer       " << buffer << " bytes, " << o.line_bytes << "-byte lines\n"
              << "compulsory   " << r.bound.compulsory_bytes << " bytes\n"
              << "lower bound  " << r.bound.bytes() << " bytes\n"
              << "naive        " << r.naive_bytes << " bytes (untiled nest n,k,y,x,c,r,s)\n"
              << "best         " << b.traffic_bytes << " bytes (read " << outer.read_bytes()
              << ", write " << outer.write_bytes() << "), footprint " << outer.footprint_bytes()
              << " bytes, " << fmt("%.3g", b.time_s * 1e3) << " ms roofline\n"
              << "             " << fmt("%.2f", best / r.bound.bytes()) << "x lower bound, "
              << fmt("%.1f", r.naive_bytes / best) << "x less than naive\n"
              << "schedule     " << describe(b.schedule.levels.back()) << "\n";
    for (int t = 0; t < kNumTensors; ++t) {
        const TensorTraffic& tt = outer.tensors[t];
        std::cout << "  " << to_string(Tensor(t)) << ": read " << tt.read_bytes << ", write "
                  << tt.write_bytes << ", footprint " << tt.footprint_bytes << ", fills "
                  << tt.fills << "\n";
    }
    std::cout << "searched     " << r.search.evaluated << " schedules"
              << (r.search.exhaustive ? " (exhaustive)" : " (" + r.search.note + ")") << "\n";
}

void run_network(const ExploreOptions& o, int64_t buffer, Objective objective) {
    Network net;
    try {
        net = load_builtin_network(o.network);
    } catch (const NetworkError& e) {
        throw UsageError(std::string("--network: ") + e.what());
    }
    struct Row { std::string names; LayerResult r; int64_t count; };
    std::vector<Row> rows;
    for (const LayerSetEntry& e : distinct_layer_shapes(net)) {
        std::string names;
        for (const std::string& n : e.layer_names) names += (names.empty() ? "" : ",") + n;
        rows.push_back({names, explore_layer(e.shape, buffer, o, objective),
                        static_cast<int64_t>(e.layer_names.size())});
    }
    int64_t best = 0, naive = 0, bound = 0, compulsory = 0;
    for (const Row& r : rows) {
        best += r.count * r.r.search.ranked.front().traffic_bytes;
        naive += r.count * r.r.naive_bytes;
        bound += r.count * r.r.bound.bytes();
        compulsory += r.count * r.r.bound.compulsory_bytes;
    }
    if (o.json) {
        nlohmann::json layers = nlohmann::json::array();
        for (const Row& r : rows) {
            nlohmann::json j = layer_json(r.r, buffer);
            j["layer_names"] = r.names;
            j["count"] = r.count;
            layers.push_back(j);
        }
        nlohmann::json out = {{"network", net.name},
                              {"buffer_bytes", buffer},
                              {"layers", layers},
                              {"totals",
                               {{"traffic_bytes", best},
                                {"naive_traffic_bytes", naive},
                                {"lower_bound_bytes", bound},
                                {"compulsory_bytes", compulsory}}}};
        std::cout << out.dump(2) << "\n";
        return;
    }
    std::printf("%-28s %5s %14s %14s %16s %9s %8s\n", "layers (xcount)", "", "best_bytes",
                "bound_bytes", "naive_bytes", "naive/best", "best/lb");
    for (const Row& r : rows) {
        const double b = static_cast<double>(r.r.search.ranked.front().traffic_bytes);
        std::string names = r.names.size() > 28 ? r.names.substr(0, 25) + "..." : r.names;
        std::printf("%-28s x%-4lld %14lld %14lld %16lld %9.1f %8.2f\n", names.c_str(),
                    static_cast<long long>(r.count), static_cast<long long>(b),
                    static_cast<long long>(r.r.bound.bytes()),
                    static_cast<long long>(r.r.naive_bytes), r.r.naive_bytes / b,
                    b / r.r.bound.bytes());
    }
    std::printf("%-28s %5s %14lld %14lld %16lld %9.1f %8.2f\n", "total", "",
                static_cast<long long>(best), static_cast<long long>(bound),
                static_cast<long long>(naive), double(naive) / best, double(best) / bound);
    std::printf("compulsory total %lld bytes; buffer %lld bytes\n",
                static_cast<long long>(compulsory), static_cast<long long>(buffer));
}

void run(const ExploreOptions& o) {
    int64_t buffer = 0;
    try {
        buffer = parse_size_bytes(o.buffer, "--buffer");
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    }
    const auto objective = objective_from_string(o.objective);
    if (!objective)
        throw UsageError("--objective=" + o.objective + " must be traffic or time");
    if (o.line_bytes <= 0)
        throw UsageError("--line-bytes=" + std::to_string(o.line_bytes) + " must be positive");
    if (o.fusion) {
        if (o.network.empty()) throw UsageError("--fusion needs --network NAME");
        run_explore_fusion(
            {o.network, buffer, o.line_bytes, *objective, o.json, o.pareto, o.oracle});
        return;
    }
    if (!o.network.empty()) {
        run_network(o, buffer, *objective);
        return;
    }
    LayerShape shape;
    try {
        shape = parse_layer_spec(o.layer);
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string("--layer: ") + e.what());
    }
    const LayerResult r = explore_layer(shape, buffer, o, *objective);
    if (o.json) std::cout << layer_json(r, buffer).dump(2) << "\n";
    else print_layer(r, buffer, o);
}

} // namespace

void register_explore_command(CLI::App& app) {
    auto opt = std::make_shared<ExploreOptions>();
    CLI::App* cmd = app.add_subcommand(
        "explore", "Find the schedule with least memory traffic for a layer or a network");
    auto* layer = cmd->add_option("--layer", opt->layer,
                                  "Layer, e.g. conv2d:n=1,c=64,h=56,w=56,k=64,r=3,s=3,stride=1,pad=1");
    auto* network = cmd->add_option("--network", opt->network, "Built-in network, e.g. resnet50");
    layer->excludes(network);
    cmd->add_option("--buffer", opt->buffer, "Buffer in front of DRAM: 64KiB, 1MiB, 4096B")
        ->required();
    cmd->add_option("--objective", opt->objective, "traffic (default) or time");
    cmd->add_option("--line-bytes", opt->line_bytes, "DRAM burst / line size (default 64)");
    cmd->add_flag("--json", opt->json, "Print one JSON object");
    cmd->add_flag("--fusion", opt->fusion, "Partition --network into fusion groups");
    cmd->add_flag("--pareto", opt->pareto,
                  "With --fusion: fused and layer-by-layer traffic at budgets 32KiB..4MiB");
    cmd->add_flag("--oracle", opt->oracle,
                  "With --fusion: replay every fused group in the trace-driven oracle");
    cmd->callback([opt] {
        if (opt->pareto && !opt->fusion) throw UsageError("--pareto needs --fusion");
        if (opt->oracle && !opt->fusion) throw UsageError("--oracle needs --fusion");
        if (opt->layer.empty() && opt->network.empty())
            throw UsageError("explore needs --layer SPEC or --network NAME");
        run(*opt);
    });
}

} // namespace memsched::cli
