// `memsched plan --network NAME`: per-layer minimum memory (input + output -
// largest safe overlap under the layer's execution order), the arena plan of
// the whole network and its comparison with every activation in its own
// buffer, ping-pong, a lifetime-only planner and the lower bound.
// --schedule manual analyses the hand schedules' loop order (the only one
// modelled today); --schedule memsched is rejected with a reason. Each conv
// layer runs top-down or bottom-up (row_order=reverse) as the plan chooses;
// --forward-only keeps every layer top-down (the plan before that choice).
#include "cli/commands.h"
#include "generators/networks/network.h"
#include "model/memory_plan/arena_plan.h"
#include "model/memory_plan/network_shapes.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

namespace memsched::cli {

namespace {

struct PlanCliOptions {
    std::string network;
    std::string schedule = "manual";
    std::string parallel = "sequential";
    int64_t height = 0, width = 0; // 0: the table's size
    int64_t gap_rows = -1;         // -1: try 0, 1, 2
    bool json = false;
    bool forward_only = false;
};

std::string mib(int64_t bytes) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f MiB", double(bytes) / (1024.0 * 1024.0));
    return buf;
}

std::string percent_less(int64_t ours, int64_t base) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f%%", base > 0 ? 100.0 * double(base - ours) / double(base) : 0.0);
    return buf;
}

void print_text(const NetworkPlan& p) {
    std::cout << "network " << p.network << ", execution " << to_string(p.model) << ", layout: " << p.gap_rows
              << " gap row(s) per plane\n\n";
    std::printf("%-20s %8s %12s %12s %12s %12s %14s\n", "layer", "sweep", "input", "output", "overlap", "min",
                "offset(elem)");
    for (const LayerMemory& m : p.layers)
        std::printf("%-20s %8s %12lld %12lld %12lld %12lld %14lld\n", m.name.c_str(), to_string(m.sweep),
                    (long long)m.input_bytes, (long long)m.output_bytes, (long long)m.overlap_bytes,
                    (long long)m.min_bytes, (long long)m.best_offset_elements);
    std::cout << "\narena (offsets in bytes):\n";
    for (const TensorPlacement& t : p.tensors)
        std::printf("  %-20s offset %12lld  bytes %12lld  live layers %d..%d\n", t.name.c_str(),
                    (long long)(t.offset_elements * p.element_bytes), (long long)(t.span_elements() * p.element_bytes),
                    t.first_layer, t.last_layer);
    std::cout << "\narena        " << p.arena_bytes << " B (" << mib(p.arena_bytes) << ")\n"
              << "lower bound  " << p.lower_bound_bytes << " B (" << mib(p.lower_bound_bytes) << ")\n"
              << "ping-pong    " << p.pingpong_bytes << " B (" << mib(p.pingpong_bytes) << "), arena is "
              << percent_less(p.arena_bytes, p.pingpong_bytes) << " less\n"
              << "lifetime     " << p.lifetime_bytes << " B (" << mib(p.lifetime_bytes) << "), arena is "
              << percent_less(p.arena_bytes, p.lifetime_bytes) << " less\n"
              << "sum          " << p.sum_bytes << " B (" << mib(p.sum_bytes) << "), arena is "
              << percent_less(p.arena_bytes, p.sum_bytes) << " less\n";
}

void print_json(const NetworkPlan& p, const PlanCliOptions& opt) {
    nlohmann::json j;
    j["network"] = p.network;
    j["schedule"] = opt.schedule;
    j["parallel_model"] = to_string(p.model);
    j["gap_rows"] = p.gap_rows;
    j["element_bytes"] = p.element_bytes;
    j["arena_bytes"] = p.arena_bytes;
    j["pingpong_bytes"] = p.pingpong_bytes;
    j["lower_bound_bytes"] = p.lower_bound_bytes;
    j["lifetime_bytes"] = p.lifetime_bytes;
    j["sum_bytes"] = p.sum_bytes;
    j["reduction_vs_pingpong"] = p.pingpong_bytes > 0 ? double(p.pingpong_bytes - p.arena_bytes) / double(p.pingpong_bytes) : 0.0;
    for (const LayerMemory& m : p.layers)
        j["layers"].push_back({{"name", m.name},
                               {"sweep", to_string(m.sweep)},
                               {"order", m.order},
                               {"input_bytes", m.input_bytes},
                               {"output_bytes", m.output_bytes},
                               {"overlap_bytes", m.overlap_bytes},
                               {"min_bytes", m.min_bytes},
                               {"best_offset_elements", m.best_offset_elements},
                               {"live_bytes", m.live_bytes},
                               {"bound_bytes", m.bound_bytes}});
    for (const TensorPlacement& t : p.tensors)
        j["tensors"].push_back({{"name", t.name},
                                {"offset_bytes", t.offset_elements * p.element_bytes},
                                {"bytes", t.span_elements() * p.element_bytes},
                                {"first_layer", t.first_layer},
                                {"last_layer", t.last_layer}});
    std::cout << j.dump(2) << "\n";
}

void run(const PlanCliOptions& opt) {
    if (opt.schedule == "memsched")
        throw UsageError("--schedule memsched: the plugin's loop order is not modelled by the planner yet "
                         "(only the hand schedules are); use --schedule manual");
    if (opt.schedule != "manual")
        throw UsageError("--schedule=" + opt.schedule + " must be manual or memsched");
    PlanOptions po;
    if (opt.parallel == "sequential")
        po.model = ParallelModel::Sequential;
    else if (opt.parallel == "unordered")
        po.model = ParallelModel::Unordered;
    else
        throw UsageError("--parallel=" + opt.parallel + " must be sequential or unordered");
    po.reverse_sweeps = !opt.forward_only;
    if (opt.gap_rows >= 0) po.gap_rows = {opt.gap_rows};
    else if (opt.gap_rows != -1) throw UsageError("--gap-rows=" + std::to_string(opt.gap_rows) + " must be >= 0");
    if ((opt.height == 0) != (opt.width == 0))
        throw UsageError("--height and --width go together (height=" + std::to_string(opt.height) +
                         " width=" + std::to_string(opt.width) + ")");
    Network net;
    try {
        net = load_builtin_network(opt.network);
        if (opt.height != 0) net = resize_network(net, opt.height, opt.width);
    } catch (const NetworkError& e) {
        throw UsageError(e.what());
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    }
    const NetworkPlan plan = plan_network(net, po);
    if (opt.json) print_json(plan, opt);
    else print_text(plan);
}

} // namespace

void register_plan_command(CLI::App& app) {
    auto opt = std::make_shared<PlanCliOptions>();
    CLI::App* cmd = app.add_subcommand("plan", "Plan activation memory: layer overlaps and a network arena");
    cmd->add_option("--network", opt->network, "Built-in network name")->required();
    cmd->add_option("--schedule", opt->schedule, "Execution order analysed: manual (hand schedules) or memsched");
    cmd->add_option("--parallel", opt->parallel,
                    "sequential (parallel loops run in order: one thread) or unordered (any interleaving)");
    cmd->add_option("--height", opt->height, "Input height (default: the table's)");
    cmd->add_option("--width", opt->width, "Input width (default: the table's)");
    cmd->add_option("--gap-rows", opt->gap_rows, "Only this layout family (unused rows per plane)");
    cmd->add_flag("--json", opt->json, "JSON output");
    cmd->add_flag("--forward-only", opt->forward_only, "Every layer sweeps rows top-down (no bottom-up convs)");
    cmd->callback([opt]() { run(*opt); });
}

} // namespace memsched::cli
