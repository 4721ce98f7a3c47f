// `memsched networks`: lists the built-in networks (table or --json), or
// shows every layer of one network (--show NAME, or --file PATH for a user
// network file). Loader errors become UsageError (exit code 2).
#include "cli/commands.h"
#include "generators/networks/network.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

namespace memsched::cli {

namespace {

struct NetworksOptions {
    bool json = false;
    std::string show;
    std::string file;
};

std::string fixed(double value, int digits) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, value);
    return buf;
}

double giga(int64_t v) { return static_cast<double>(v) / 1e9; }
double mebi(int64_t v) { return static_cast<double>(v) / (1024.0 * 1024.0); }

// The layer-spec form used across memsched, e.g.
// conv2d:n=1,c=64,h=56,w=56,k=64,r=3,s=3,stride=1,pad=1,dilation=1,groups=1
std::string layer_spec(const LayerShape& s) {
    auto kv = [](const char* key, int64_t v) { return std::string(key) + "=" + std::to_string(v); };
    return std::string(to_string(s.kind)) + ":" + kv("n", s.batch) + "," + kv("c", s.in_channels) +
           "," + kv("h", s.in_height) + "," + kv("w", s.in_width) + "," +
           kv("k", s.out_channels) + "," + kv("r", s.kernel_h) + "," + kv("s", s.kernel_w) + "," +
           kv("stride", s.stride) + "," + kv("pad", s.pad) + "," + kv("dilation", s.dilation) +
           "," + kv("groups", s.groups);
}

Network load(const NetworksOptions& opt) {
    try {
        return opt.file.empty() ? load_builtin_network(opt.show) : load_network_file(opt.file);
    } catch (const NetworkError& e) {
        throw UsageError(e.what());
    }
}

std::vector<Network> load_all_builtin() {
    std::vector<Network> nets;
    try {
        for (const std::string& name : builtin_network_names())
            nets.push_back(load_builtin_network(name));
    } catch (const NetworkError& e) {
        // A broken built-in table is a defect of the installation, not usage.
        throw std::runtime_error(e.what());
    }
    return nets;
}

nlohmann::json summary_json(const Network& net) {
    return {{"name", net.name},
            {"description", net.description},
            {"compute_layers", net.compute_layers().size()},
            {"total_layers", net.layers.size()},
            {"macs", net.total_macs()},
            {"pool_ops", net.total_pool_ops()},
            {"parameters", net.parameter_count()},
            {"parameter_bytes", net.parameter_bytes()},
            {"distinct_layer_shapes", distinct_layer_shapes(net).size()},
            {"input", {{"n", net.input.n}, {"c", net.input.c}, {"h", net.input.h}, {"w", net.input.w}}}};
}

void print_table(const std::vector<Network>& nets) {
    std::printf("%-12s %9s %9s %10s %-14s %s\n", "name", "layers", "GMACs", "params MiB",
                "input", "description");
    for (const Network& net : nets) {
        const std::string layers =
            std::to_string(net.compute_layers().size()) + "/" + std::to_string(net.layers.size());
        std::printf("%-12s %9s %9s %10s %-14s %s\n", net.name.c_str(), layers.c_str(),
                    fixed(giga(net.total_macs()), 3).c_str(),
                    fixed(mebi(net.parameter_bytes()), 2).c_str(),
                    to_string(net.input).c_str(), net.description.c_str());
    }
    std::printf("layers: compute (conv/pool/gap/fc) / total. GMACs: conv and fc only. "
                "params: deployed float32, BN folded into biases.\n");
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& s : items) out += (out.empty() ? "" : ",") + s;
    return out;
}

void print_layers(const Network& net) {
    std::printf("%s: %s\n", net.name.c_str(), net.description.c_str());
    std::printf("input %s, %zu layers (%zu compute, %zu distinct shapes), %s GMACs, "
                "%s M pool ops, %lld parameters (%s MiB)\n",
                to_string(net.input).c_str(), net.layers.size(), net.compute_layers().size(),
                distinct_layer_shapes(net).size(), fixed(giga(net.total_macs()), 3).c_str(),
                fixed(static_cast<double>(net.total_pool_ops()) / 1e6, 2).c_str(),
                static_cast<long long>(net.parameter_count()),
                fixed(mebi(net.parameter_bytes()), 2).c_str());
    // Work is MACs for conv/fc and window elements read for pools.
    std::printf("%-4s %-28s %-17s %-16s %14s  %s  <- %s\n", "#", "layer", "op", "output",
                "MACs|pool ops", "shape", "inputs");
    for (size_t i = 0; i < net.layers.size(); ++i) {
        const NetworkLayer& l = net.layers[i];
        std::string op = to_string(l.op);
        if (l.activation != Activation::None) op += "+" + std::string(to_string(l.activation));
        std::string shape = l.shape ? layer_spec(*l.shape) : "-";
        if (l.pad_end > 0) shape += " (pad_end=" + std::to_string(l.pad_end) + " in h,w)";
        const int64_t work = l.shape ? l.shape->macs() : 0;
        std::printf("%-4zu %-28s %-17s %-16s %14lld  %s  <- %s\n", i + 1, l.name.c_str(),
                    op.c_str(), to_string(l.output).c_str(), static_cast<long long>(work),
                    shape.c_str(), join(l.inputs).c_str());
    }
}

void run(const NetworksOptions& opt) {
    if (!opt.show.empty() || !opt.file.empty()) {
        const Network net = load(opt);
        if (opt.json) {
            nlohmann::json j = summary_json(net);
            for (const NetworkLayer& l : net.layers) {
                nlohmann::json layer = {{"name", l.name},
                                        {"op", to_string(l.op)},
                                        {"inputs", l.inputs},
                                        {"activation", to_string(l.activation)},
                                        {"output", to_string(l.output)},
                                        {"macs", l.macs()},
                                        {"pool_ops", l.pool_ops()}};
                if (l.shape) layer["shape"] = layer_spec(*l.shape);
                j["layers"].push_back(layer);
            }
            std::cout << j.dump(2) << "\n";
        } else {
            print_layers(net);
        }
        return;
    }
    const std::vector<Network> nets = load_all_builtin();
    if (opt.json) {
        nlohmann::json j = nlohmann::json::array();
        for (const Network& net : nets) j.push_back(summary_json(net));
        std::cout << j.dump(2) << "\n";
    } else {
        print_table(nets);
    }
}

} // namespace

void register_networks_command(CLI::App& app) {
    auto opt = std::make_shared<NetworksOptions>();
    CLI::App* cmd = app.add_subcommand(
        "networks", "List the built-in networks, or show the layers of one");
    cmd->add_flag("--json", opt->json, "Print JSON instead of a table");
    auto* show = cmd->add_option("--show", opt->show,
                                 "Print every layer of this built-in network (e.g. " +
                                     std::string(default_network_name) + ")");
    auto* file = cmd->add_option("--file", opt->file,
                                 "Load a network JSON file and print its layers");
    show->excludes(file);
    cmd->callback([opt] { run(*opt); });
}

} // namespace memsched::cli
