// memsched_network_traffic: each whole-network variant of the netpipe_cg set
// (MEMSCHED_NETWORK_PIPELINES_CACHEGRIND, built for x86-64-linux-avx2) run
// under cachegrind at each simulated LL, printed as one markdown table row
// next to the model's layer-by-layer and fused bytes (plan_network_fusion at
// a buffer of the LL's size). Per-call figures: (run(N) - run(0)) / N, run(0)
// being the runner's set-up alone (one network call under cachegrind takes
// minutes, so the usual 1 vs 1+N scheme would cost a third more).
//   memsched_network_traffic [--config C] [--variants a,b] [--ll 256KiB,1MiB] [--calls N] [--dir D]
//                            [--heap glibc|kept|stack]   (the runner's heap: cg_runner_main.cpp)
//   memsched_network_traffic --predict NAME[:LAST][@WxH],... [--ll ...]   (model only, no valgrind)
#include "bench/networks/pipeline_args.h"
#include "measure/cache_geometry.h"
#include "measure/cachegrind_output.h"
#include "model/fusion/network_fusion.h"
#include "netpipe_cg_registry.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace {

using namespace memsched;

std::vector<std::string> split(const std::string& text) {
    std::vector<std::string> parts;
    std::stringstream s(text);
    for (std::string p; std::getline(s, p, ',');)
        if (!p.empty()) parts.push_back(p);
    return parts;
}

measure::CachegrindCounts cachegrind(const VariantEntry& e, const measure::CacheGeometry& ll, int calls,
                                     const std::string& dir, const std::string& heap) {
    const std::string stem = dir + "/" + e.config + "." + e.variant + "." + std::to_string(ll.size_bytes) +
                             "." + heap + "." + std::to_string(calls);
    std::ostringstream cmd;
    cmd << "HL_NUM_THREADS=1 valgrind --tool=cachegrind --cache-sim=yes --I1=32768,8," << ll.line_bytes
        << " --D1=" << measure::default_d1().valgrind_arg() << " --LL=" << ll.valgrind_arg()
        << " --cachegrind-out-file=" << stem << ".out " << MEMSCHED_NETWORK_CG_RUNNER << " " << e.config
        << " " << e.variant << " " << calls << " " << heap << " >" << stem << ".log 2>&1";
    if (std::system(cmd.str().c_str()) != 0)
        throw std::runtime_error("cachegrind run failed; see " + stem + ".log");
    std::ifstream in(stem + ".out");
    std::stringstream text;
    text << in.rdbuf();
    return measure::parse_cachegrind_output(text.str());
}

double mib(int64_t bytes) { return double(bytes) / (1 << 20); }

double reduction_percent(int64_t before_bytes, int64_t after_bytes) {
    return 100.0 * (1.0 - double(after_bytes) / double(before_bytes));
}

// "vgg16:pool3@112x96" -> spec.
NetworkSubsetSpec parse_spec(const std::string& text) {
    NetworkSubsetSpec spec;
    std::string rest = text;
    if (const size_t at = rest.find('@'); at != std::string::npos) {
        const std::string size = rest.substr(at + 1);
        const size_t x = size.find('x');
        if (x == std::string::npos) throw std::invalid_argument("--predict: " + text + ": size is not WxH");
        spec.input_width = std::stoll(size.substr(0, x));
        spec.input_height = std::stoll(size.substr(x + 1));
        rest = rest.substr(0, at);
    }
    if (const size_t colon = rest.find(':'); colon != std::string::npos) {
        spec.last_layer = rest.substr(colon + 1);
        rest = rest.substr(0, colon);
    }
    spec.network = rest;
    return spec;
}

void print_predictions(const std::vector<std::string>& specs, const std::vector<std::string>& lls) {
    std::cout << "| network | buffer | model layer-by-layer MiB | model fused MiB | reduction | "
                 "weights-once bound MiB | max reduction | groups |\n"
                 "|---|---|---|---|---|---|---|---|\n";
    for (const std::string& text : specs) {
        const Network net = load_network_subset(parse_spec(text));
        for (const std::string& ll_text : lls) {
            const measure::CacheGeometry ll = measure::parse_cache_geometry(ll_text, "--ll");
            const NetworkFusionResult r = plan_network_fusion(net, ll.size_bytes, NetworkFusionOptions{});
            if (!r.status) throw std::runtime_error(text + ": " + r.status.reason);
            int fused_groups = 0;
            for (const GroupPlan& g : r.groups) fused_groups += g.fused ? 1 : 0;
            std::printf("| %s | %s | %.2f | %.2f | %.1f%% | %.2f | %.1f%% | %d fused of %zu |\n",
                        text.c_str(), ll.describe().c_str(), mib(r.layer_by_layer_bytes),
                        mib(r.fused_bytes),
                        reduction_percent(r.layer_by_layer_bytes, r.fused_bytes),
                        mib(r.weights_once_bound_bytes),
                        reduction_percent(r.layer_by_layer_bytes, r.weights_once_bound_bytes),
                        fused_groups, r.groups.size());
        }
    }
}

} // namespace

int main(int argc, char** argv) {
    std::string only_config, dir = "/tmp/memsched_network_traffic", variants_text, predict_text,
                             ll_text = "256KiB,1MiB";
    int calls = 1;
    std::string heap = "kept";
    CLI::App app{"Whole-network pipelines of the netpipe_cg set under cachegrind, next to the model"};
    app.add_option("--config", only_config, "only this config (e.g. resnet18_112x112)");
    app.add_option("--variants", variants_text, "comma-separated variants (default: all built)");
    app.add_option("--ll", ll_text, "comma-separated simulated LL sizes, e.g. 256KiB,1MiB")
        ->capture_default_str();
    app.add_option("--calls", calls, "network calls measured per variant")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
    app.add_option("--dir", dir, "where cachegrind's outputs are kept")->capture_default_str();
    app.add_option("--heap", heap,
                   "kept: keep_heap_for_pipelines, as the benchmarks time pipelines; glibc: glibc's "
                   "own heap thresholds (every figure before session 23); stack: kept, and "
                   "Halide's buffers on a per-thread stack (stack_arena.h)")
        ->check(CLI::IsMember({"glibc", "kept", "stack"}))
        ->capture_default_str();
    app.add_option("--predict", predict_text,
                   "model only, no valgrind: NAME[:LAST][@WxH],... (any network, built or not)");
    CLI11_PARSE(app, argc, argv);
    const std::vector<std::string> variants = split(variants_text), predict = split(predict_text);
    std::vector<std::string> lls;
    for (const auto& v : split(ll_text)) lls.push_back("LL=" + v);
    try {
        if (lls.empty()) throw std::invalid_argument("--ll=" + ll_text + ": no LL size given");
        if (!predict.empty()) {
            print_predictions(predict, lls);
            return 0;
        }
        std::system(("mkdir -p " + dir).c_str());
        // The weights-once bound (every weight read once, the input read and
        // the output written once) is what no schedule can go below, so a
        // row's reduction is best read against it.
        std::cout << "| network | LL | variant | measured LL MiB | model layer-by-layer MiB | model fused MiB | "
                     "measured / model fused | weights-once bound MiB |\n|---|---|---|---|---|---|---|---|\n";
        for (const std::string& config : netpipe_cg_registry().configs()) {
            if (!only_config.empty() && config != only_config) continue;
            for (const std::string& ll_text : lls) {
                const measure::CacheGeometry ll = measure::parse_cache_geometry(ll_text, "--ll");
                const Network* net_ptr = nullptr;
                Network net;
                NetworkFusionResult plan;
                for (const VariantEntry& e : netpipe_cg_registry()) {
                    if (e.config != config) continue;
                    if (!variants.empty() && std::find(variants.begin(), variants.end(), e.variant) == variants.end())
                        continue;
                    if (!net_ptr) {
                        net = load_network_subset(pipeline_spec(e));
                        net_ptr = &net;
                        plan = plan_network_fusion(net, ll.size_bytes, NetworkFusionOptions{});
                        if (!plan.status) throw std::runtime_error(config + ": " + plan.status.reason);
                    }
                    const auto t0 = std::chrono::steady_clock::now();
                    const auto setup = cachegrind(e, ll, 0, dir, heap);
                    const auto many = cachegrind(e, ll, calls, dir, heap);
                    const int64_t bytes = measure::difference(many, setup).ll_misses() * ll.line_bytes / calls;
                    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
                    std::printf("| %s | %s, heap %s | %s | %.2f | %.2f | %.2f | %.2f | %.2f |\n",
                                config.c_str(), ll.describe().c_str(), heap.c_str(), e.variant,
                                mib(bytes), mib(plan.layer_by_layer_bytes), mib(plan.fused_bytes),
                                double(bytes) / double(plan.fused_bytes),
                                mib(plan.weights_once_bound_bytes));
                    std::fflush(stdout);
                    std::fprintf(stderr, "%s/%s at %s: %.0f s of valgrind\n", config.c_str(), e.variant,
                                 ll.describe().c_str(), s);
                }
            }
        }
    } catch (const std::exception& e) {
        std::cerr << "memsched_network_traffic: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
