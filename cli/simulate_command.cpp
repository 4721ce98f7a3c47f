// `memsched simulate`: runs the trace-driven oracle on a schedule file (as
// printed by `memsched explore --json`, or a bare schedule object) and
// prints the same fields as explore, measured instead of predicted:
// oracle "buffers" (application-managed tiles, the model's exact reference)
// or "cache" (set-associative LRU lines). Bad input is UsageError (exit 2).
#include "cli/commands.h"
#include "model/buffer_oracle.h"
#include "model/cache_oracle.h"
#include "model/layer_spec.h"
#include "model/lower_bound.h"
#include "model/schedule_json.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>
#include <memory>

namespace memsched::cli {

namespace {

struct SimulateOptions {
    std::string layer, schedule_file, buffer, oracle = "buffers";
    int64_t line_bytes = 64;
    bool json = false;
};

// The trace walks every MAC; beyond this it would take minutes.
constexpr int64_t kMaxOracleMacs = int64_t(4) << 30;

Schedule read_schedule(const std::string& path) {
    std::ifstream f(path);
    if (!f) throw UsageError("--schedule=" + path + " cannot be opened");
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(f);
    } catch (const nlohmann::json::exception& e) {
        throw UsageError("--schedule=" + path + " is not valid JSON: " + e.what());
    }
    try {
        if (j.is_object() && j.contains("best") && j["best"].contains("schedule"))
            return schedule_from_json(j["best"]["schedule"]);
        return schedule_from_json(j);
    } catch (const std::invalid_argument& e) {
        throw UsageError("--schedule=" + path + ": " + e.what());
    }
}

void run(const SimulateOptions& o) {
    LayerShape shape;
    int64_t buffer = 0;
    try {
        shape = parse_layer_spec(o.layer);
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string("--layer: ") + e.what());
    }
    try {
        buffer = parse_size_bytes(o.buffer, "--buffer");
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    }
    if (o.oracle != "buffers" && o.oracle != "cache")
        throw UsageError("--oracle=" + o.oracle + " must be buffers or cache");
    if (o.line_bytes <= 0)
        throw UsageError("--line-bytes=" + std::to_string(o.line_bytes) + " must be positive");
    const Problem p = Problem::from_shape(shape);
    const MemoryHierarchy h = MemoryHierarchy::scratchpad(buffer, o.line_bytes);
    const Schedule s = read_schedule(o.schedule_file);
    if (EvalStatus st = validate(s, p, h); !st) throw UsageError("--schedule: " + st.reason);
    // Fit is a property of the schedule, checked before any simulation.
    const TrafficReport model = evaluate(p, h, s);
    if (!model.status) throw UsageError("--schedule: " + model.status.reason);
    if (p.macs() > kMaxOracleMacs)
        throw UsageError("--layer has " + std::to_string(p.macs()) +
                         " MACs; the trace oracle is limited to " + std::to_string(kMaxOracleMacs));
    const TrafficReport sim =
        o.oracle == "cache" ? simulate_caches(p, h, s) : simulate_buffers(p, h, s);
    const LevelTraffic& outer = sim.levels.back();
    const TrafficLowerBound bound = traffic_lower_bound(p, buffer);
    const int64_t footprint =
        o.oracle == "cache" ? model.levels.back().footprint_bytes() : outer.footprint_bytes();
    if (o.json) {
        nlohmann::json out = {
            {"layer", format_layer_spec(shape)},
            {"buffer_bytes", buffer},
            {"oracle", o.oracle},
            {"compulsory_bytes", bound.compulsory_bytes},
            {"lower_bound_bytes", bound.bytes()},
            {"model_traffic_bytes", model.outer_traffic_bytes()},
            {"best",
             {{"traffic_bytes", outer.traffic_bytes()},
              {"read_bytes", outer.read_bytes()},
              {"write_bytes", outer.write_bytes()},
              {"footprint_bytes", footprint},
              {"schedule", schedule_to_json(s)},
              {"report", report_to_json(sim)}}}};
        std::cout << out.dump(2) << "\n";
        return;
    }
    std::cout << "layer        " << format_layer_spec(shape) << "\n"
              << "oracle       " << o.oracle << "\n"
              << "compulsory   " << bound.compulsory_bytes << " bytes\n"
              << "lower bound  " << bound.bytes() << " bytes\n"
              << "simulated    " << outer.traffic_bytes() << " bytes (read " << outer.read_bytes()
              << ", write " << outer.write_bytes() << "), footprint " << footprint << " bytes\n"
              << "model        " << model.outer_traffic_bytes() << " bytes\n";
}

} // namespace

void register_simulate_command(CLI::App& app) {
    auto opt = std::make_shared<SimulateOptions>();
    CLI::App* cmd = app.add_subcommand(
        "simulate", "Run the trace-driven oracle on a schedule printed by explore");
    cmd->add_option("--layer", opt->layer, "Layer spec, as for explore")->required();
    cmd->add_option("--schedule", opt->schedule_file, "Schedule JSON file")->required();
    cmd->add_option("--buffer", opt->buffer, "Buffer in front of DRAM: 64KiB, 1MiB, 4096B")
        ->required();
    cmd->add_option("--oracle", opt->oracle, "buffers (default, exact reference) or cache");
    cmd->add_option("--line-bytes", opt->line_bytes, "DRAM burst / line size (default 64)");
    cmd->add_flag("--json", opt->json, "Print one JSON object");
    cmd->callback([opt] { run(*opt); });
}

} // namespace memsched::cli
