// The --fusion path of `memsched explore` (see explore_fusion.h).
#include "cli/explore_fusion.h"

#include "cli/commands.h"
#include "generators/networks/network.h"
#include "model/footprint.h"
#include "model/fusion/fused_oracle.h"
#include "model/fusion/network_fusion.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <stdexcept>

namespace memsched::cli {

namespace {

// Layer-name lists as groups: a run layer by layer is one group per layer
// (a layer with its add epilogue is one group).
std::vector<std::vector<std::string>> group_names(const NetworkFusionResult& r) {
    std::vector<std::vector<std::string>> out;
    for (const GroupPlan& g : r.groups) {
        if (g.fused || g.add_epilogue || g.pool_epilogue) out.push_back(g.layers);
        else
            for (const std::string& l : g.layers) out.push_back({l});
    }
    return out;
}

nlohmann::json group_json(const GroupPlan& g) {
    nlohmann::json j = {{"layers", g.layers},
                        {"fused", g.fused},
                        {"traffic_bytes", g.traffic_bytes},
                        {"time_s", g.time_s},
                        {"macs", g.macs},
                        {"footprint_bytes", g.footprint_bytes},
                        {"layer_by_layer_bytes", g.layer_by_layer_bytes},
                        {"add_epilogue", g.add_epilogue},
                        {"pool_epilogue", g.pool_epilogue},
                        {"epilogue_read_bytes", g.epilogue_read_bytes}};
    if (g.fused) {
        const FusedMapping& m = g.choice.mapping;
        const FusedReport& r = g.choice.report;
        j["tile_h"] = m.tile_h;
        j["tile_w"] = m.tile_w;
        j["halo"] = to_string(m.halo);
        j["weights"] = to_string(m.weights);
        nlohmann::json per_node = nlohmann::json::array(); // one policy per fused node
        const size_t fused_nodes =
            g.layers.size() - (g.add_epilogue ? 1 : 0) - (g.pool_epilogue ? 1 : 0);
        for (size_t i = 0; i < fused_nodes; ++i)
            per_node.push_back(to_string(m.weights_of(static_cast<int>(i))));
        j["layer_weights"] = per_node;
        j["tiles"] = r.tiles;
        j["exit_channel_tile"] = m.exit_channel_tile;
        j["stream_input"] = m.stream_input;
        j["split_channels"] = m.split.empty() ? 0 : m.split_channels;
        j["concat_in_place"] = m.concat_in_place;
        j["residual_channels"] = m.residual_channels; // 0: no add in place
        j["input_read_bytes"] = r.input_read_bytes;
        j["weight_read_bytes"] = r.weight_read_bytes;
        j["output_write_bytes"] = r.output_write_bytes;
    }
    return j;
}

// Where the fused plan's bytes go: fused groups' weight reads (and how much
// of that re-reads weights already read once), their input reads and exit
// writes (pool epilogues: the pool output instead), add epilogues' identity
// reads, and the bytes of the layers run alone.
struct Breakdown {
    int64_t weight_read_bytes = 0, weight_reread_bytes = 0, input_read_bytes = 0;
    int64_t output_write_bytes = 0, epilogue_read_bytes = 0, alone_bytes = 0;
};

Breakdown breakdown(const Network& net, const NetworkFusionResult& r, int64_t line) {
    Breakdown b;
    for (const GroupPlan& g : r.groups) {
        b.epilogue_read_bytes += g.epilogue_read_bytes;
        if (!g.fused) {
            b.alone_bytes += g.traffic_bytes - g.epilogue_read_bytes;
            continue;
        }
        const FusedReport& f = g.choice.report;
        int64_t once = 0; // each layer's weights once, whole lines (pools and adds have none)
        for (const std::string& name : g.layers)
            if (const NetworkLayer* l = net.find_layer(name); l && l->shape)
                once += lines_touched(0, l->shape->weight_elements() * l->shape->element_bytes,
                                      line) * line;
        b.weight_read_bytes += f.weight_read_bytes;
        b.weight_reread_bytes += f.weight_read_bytes - once;
        b.input_read_bytes += f.input_read_bytes;
        b.output_write_bytes += g.traffic_bytes - g.epilogue_read_bytes - f.weight_read_bytes -
                                f.input_read_bytes;
    }
    return b;
}

// The fused groups of a plan replayed by the trace oracle: how many, and
// the first difference from the model (empty when every one is exact).
struct OracleCheck {
    int groups = 0;
    std::string difference;
};

OracleCheck check_with_oracle(const Network& net, const NetworkFusionResult& r, int64_t line) {
    OracleCheck out;
    for (const GroupPlan& plan : r.groups) {
        if (!plan.fused) continue;
        const NetworkLayer* front = net.find_layer(plan.layers.front());
        const int first = static_cast<int>(front - net.layers.data());
        // The fused nest is the group without its add or pool epilogue.
        const int last = first + static_cast<int>(plan.layers.size()) - 1 -
                         (plan.add_epilogue ? 1 : 0) - (plan.pool_epilogue ? 1 : 0);
        FusedGroup g;
        const EvalStatus built = build_fused_group(net, first, last, &g);
        const FusedReport& model = plan.choice.report;
        // Unbounded here: the group was planned at its own budget (less a
        // pool's sums), and the footprint is compared instead.
        const FusedReport oracle = built ? simulate_fused(g, plan.choice.mapping, 0, line)
                                         : FusedReport{built};
        ++out.groups;
        const std::pair<const char*, std::pair<int64_t, int64_t>> fields[] = {
            {"input_read_bytes", {model.input_read_bytes, oracle.input_read_bytes}},
            {"weight_read_bytes", {model.weight_read_bytes, oracle.weight_read_bytes}},
            {"output_write_bytes", {model.output_write_bytes, oracle.output_write_bytes}},
            {"footprint_bytes", {model.footprint_bytes, oracle.footprint_bytes}},
            {"macs", {model.macs, oracle.macs}},
            {"tiles", {model.tiles, oracle.tiles}}};
        if (!oracle.status) out.difference = oracle.status.reason;
        for (const auto& [name, values] : fields)
            if (out.difference.empty() && values.first != values.second)
                out.difference = std::string(name) + " model " + std::to_string(values.first) +
                                 " oracle " + std::to_string(values.second);
        if (!out.difference.empty()) {
            out.difference = "group " + plan.layers.front() + ".." + plan.layers.back() + ": " +
                             out.difference;
            return out;
        }
    }
    return out;
}

double reduction(const NetworkFusionResult& r) {
    return 1.0 - double(r.fused_bytes) / double(r.layer_by_layer_bytes);
}

void print_table(const Network& net, const NetworkFusionResult& r, const ExploreFusionArgs& a) {
    std::printf("network %s, buffer %lld bytes, %lld-byte lines, objective %s\n", net.name.c_str(),
                static_cast<long long>(a.buffer_bytes), static_cast<long long>(a.line_bytes),
                to_string(a.objective));
    std::printf("%-44s %-56s %13s %13s %9s\n", "group (first..last, layers)", "tile",
                "traffic_bytes", "alone_bytes", "footprint");
    for (const GroupPlan& g : r.groups) {
        std::string name = g.layers.front();
        if (g.layers.size() > 1) name += ".." + g.layers.back();
        name += " (" + std::to_string(g.layers.size()) + ")";
        if (name.size() > 44) name = name.substr(0, 41) + "...";
        std::string how = g.fused ? describe(g.choice.mapping) : "layer by layer";
        if (g.add_epilogue) how = (g.fused ? how : "alone") + " +add";
        if (g.pool_epilogue) how = (g.fused || g.add_epilogue ? how : "alone") + " +pool";
        std::printf("%-44s %-56s %13lld %13lld %9lld\n", name.c_str(), how.c_str(),
                    static_cast<long long>(g.traffic_bytes),
                    static_cast<long long>(g.layer_by_layer_bytes),
                    static_cast<long long>(g.footprint_bytes));
    }
    std::printf("layer by layer %lld bytes (%lld conv/pool/fc as `explore --network`, %lld adds)\n",
                static_cast<long long>(r.layer_by_layer_bytes),
                static_cast<long long>(r.layer_by_layer_compute_bytes),
                static_cast<long long>(r.eltwise_bytes));
    std::printf("fused          %lld bytes: %.1f%% less; MACs %+.2f%%; roofline %.3g ms -> %.3g ms\n",
                static_cast<long long>(r.fused_bytes), 100.0 * reduction(r),
                100.0 * (double(r.fused_macs) / r.layer_by_layer_macs - 1.0),
                r.layer_by_layer_time_s * 1e3, r.fused_time_s * 1e3);
    const Breakdown b = breakdown(net, r, a.line_bytes);
    std::printf("where          fused groups: weights %lld (%lld re-read), inputs %lld, exits %lld;"
                " add epilogues %lld; layers alone %lld\n",
                static_cast<long long>(b.weight_read_bytes),
                static_cast<long long>(b.weight_reread_bytes),
                static_cast<long long>(b.input_read_bytes),
                static_cast<long long>(b.output_write_bytes),
                static_cast<long long>(b.epilogue_read_bytes), static_cast<long long>(b.alone_bytes));
    std::printf("bound          %lld bytes (weights once + input + output): at most %.1f%% less\n",
                static_cast<long long>(r.weights_once_bound_bytes),
                100.0 * (1.0 - double(r.weights_once_bound_bytes) / r.layer_by_layer_bytes));
}

// Peak buffer use over the plan's groups: the capacity the plan really needs.
int64_t peak_footprint(const NetworkFusionResult& r) {
    int64_t peak = 0;
    for (const GroupPlan& g : r.groups) peak = std::max(peak, g.footprint_bytes);
    return peak;
}

struct ParetoRow {
    int64_t budget_bytes = 0;
    NetworkFusionResult result;
    bool on_front = false; // no smaller budget reaches as little fused traffic
};

std::vector<ParetoRow> pareto_rows(const Network& net, const NetworkFusionOptions& o) {
    std::vector<ParetoRow> rows;
    for (int64_t b : pareto_budgets()) {
        ParetoRow row;
        row.budget_bytes = b;
        row.result = plan_network_fusion(net, b, o);
        if (row.result.status) rows.push_back(row);
    }
    int64_t least = -1;
    for (ParetoRow& row : rows) {
        row.on_front = least < 0 || row.result.fused_bytes < least;
        if (row.on_front) least = row.result.fused_bytes;
    }
    return rows;
}

void print_pareto(const std::vector<ParetoRow>& rows) {
    std::printf("\ncapacity/traffic front (fused plan per budget; * = on the front)\n");
    std::printf("%12s %12s %16s %16s %9s\n", "budget", "peak_used", "layer_by_layer", "fused",
                "reduction");
    for (const ParetoRow& row : rows)
        std::printf("%12lld %12lld %16lld %16lld %8.1f%%%s\n",
                    static_cast<long long>(row.budget_bytes),
                    static_cast<long long>(peak_footprint(row.result)),
                    static_cast<long long>(row.result.layer_by_layer_bytes),
                    static_cast<long long>(row.result.fused_bytes),
                    100.0 * reduction(row.result), row.on_front ? " *" : "");
}

nlohmann::json pareto_json(const std::vector<ParetoRow>& rows) {
    nlohmann::json out = nlohmann::json::array();
    for (const ParetoRow& row : rows)
        out.push_back({{"buffer_bytes", row.budget_bytes},
                       {"peak_footprint_bytes", peak_footprint(row.result)},
                       {"layer_by_layer_bytes", row.result.layer_by_layer_bytes},
                       {"fused_bytes", row.result.fused_bytes},
                       {"reduction", reduction(row.result)},
                       {"on_front", row.on_front}});
    return out;
}

} // namespace

std::vector<int64_t> pareto_budgets() {
    std::vector<int64_t> out;
    for (int64_t b = 32 * 1024; b <= 4 * 1024 * 1024; b *= 2) out.push_back(b);
    return out;
}

void run_explore_fusion(const ExploreFusionArgs& a) {
    Network net;
    try {
        net = load_builtin_network(a.network);
    } catch (const NetworkError& e) {
        throw UsageError(std::string("--network: ") + e.what());
    }
    NetworkFusionOptions o;
    o.search.objective = a.objective;
    o.search.line_bytes = a.line_bytes;
    const NetworkFusionResult r = plan_network_fusion(net, a.buffer_bytes, o);
    if (!r.status)
        throw UsageError("--buffer=" + std::to_string(a.buffer_bytes) + ": " + r.status.reason);
    const std::vector<ParetoRow> front = a.pareto ? pareto_rows(net, o) : std::vector<ParetoRow>{};
    OracleCheck checked;
    if (a.oracle) {
        checked = check_with_oracle(net, r, a.line_bytes);
        if (!checked.difference.empty())
            throw std::runtime_error("the fusion model differs from its oracle: " +
                                     checked.difference);
    }
    if (!a.json) {
        print_table(net, r, a);
        if (a.oracle)
            std::printf("oracle         %d fused groups replayed by the trace oracle: all exact\n",
                        checked.groups);
        if (a.pareto) print_pareto(front);
        return;
    }
    nlohmann::json groups = nlohmann::json::array();
    for (const GroupPlan& g : r.groups) groups.push_back(group_json(g));
    nlohmann::json out = {{"network", net.name},
                                {"buffer_bytes", a.buffer_bytes},
                                {"objective", to_string(a.objective)},
                                {"layer_by_layer_bytes", r.layer_by_layer_bytes},
                                {"layer_by_layer_compute_bytes", r.layer_by_layer_compute_bytes},
                                {"eltwise_bytes", r.eltwise_bytes},
                                {"fused_bytes", r.fused_bytes},
                                {"reduction", reduction(r)},
                                {"layer_by_layer_macs", r.layer_by_layer_macs},
                                {"fused_macs", r.fused_macs},
                                {"layer_by_layer_time_s", r.layer_by_layer_time_s},
                                {"fused_time_s", r.fused_time_s},
                                {"groups", group_names(r)},
                                {"group_details", groups},
                                {"peak_footprint_bytes", peak_footprint(r)},
                                {"weights_once_bound_bytes", r.weights_once_bound_bytes},
                                {"fused_groups_searched", r.fused_groups_searched}};
    const Breakdown b = breakdown(net, r, a.line_bytes);
    out["breakdown"] = {{"fused_weight_read_bytes", b.weight_read_bytes},
                        {"fused_weight_reread_bytes", b.weight_reread_bytes},
                        {"fused_input_read_bytes", b.input_read_bytes},
                        {"fused_output_write_bytes", b.output_write_bytes},
                        {"epilogue_read_bytes", b.epilogue_read_bytes},
                        {"alone_bytes", b.alone_bytes}};
    if (a.pareto) out["pareto"] = pareto_json(front);
    if (a.oracle) out["oracle"] = {{"fused_groups", checked.groups}, {"exact", true}};
    std::cout << out.dump(2) << "\n";
}

} // namespace memsched::cli
