// memsched_demo: runs the ResNet-18 layer set (one config per distinct
// conv/pool/fc shape, at the real sizes) through two schedules, prints per
// layer MACs, median ms, GFLOP/s and the speedup, and checks that the two
// variants' outputs agree. Exit code 1 if any layer disagrees or fails.
#include "bench/demo/layer_buffers.h"
#include "resnet18_layers_registry.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>

namespace {

using memsched::VariantEntry;
using memsched::demo::LayerBuffers;

std::string halide_error;
void record_error(void*, const char* message) {
    halide_error = message;
}

// Median wall time (ms) of `runs` calls after one warm-up call.
double median_ms(const VariantEntry& e, LayerBuffers& b, int runs) {
    std::vector<double> times;
    for (int i = 0; i <= runs; i++) {
        const auto start = std::chrono::steady_clock::now();
        if (memsched::demo::run_variant(e, b) != 0) {
            throw std::runtime_error(std::string(e.config) + "/" + e.variant + ": " + halide_error);
        }
        const auto stop = std::chrono::steady_clock::now();
        if (i > 0)
            times.push_back(std::chrono::duration<double, std::milli>(stop - start).count());
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

// Largest |a - b| relative to max(1, |a|): the two schedules sum in different orders.
double max_rel_diff(const Halide::Runtime::Buffer<float>& a,
                    const Halide::Runtime::Buffer<float>& b) {
    double worst = 0;
    const float* pa = a.data();
    const float* pb = b.data();
    for (size_t i = 0; i < a.number_of_elements(); i++) {
        worst = std::max(worst,
                         std::abs(double(pa[i]) - pb[i]) / std::max(1.0, std::abs(double(pa[i]))));
    }
    return worst;
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"memsched demo: ResNet-18 layers through two schedules"};
    std::string first = "adams2019", second = "manual";
    int runs = 5;
    app.add_option("--baseline", first, "variant the speedup is relative to");
    app.add_option("--variant", second, "variant compared with the baseline");
    app.add_option("--runs", runs, "timed runs per layer (median)")->check(CLI::Range(1, 1000));
    CLI11_PARSE(app, argc, argv);
    halide_set_error_handler(record_error);

    const memsched::VariantSet& set = resnet18_layers_registry();
    std::printf("%-18s %5s %9s %10s %10s %9s %9s %8s  %s\n", "layer", "count", "MMACs",
                (first + " ms").c_str(), (second + " ms").c_str(), "GFLOP/s", "GFLOP/s", "speedup",
                "agree");
    double total_a = 0, total_b = 0;
    int64_t total_macs = 0;
    bool all_agree = true;
    try {
        for (const std::string& config : set.configs()) {
            const VariantEntry* a = set.find(config, first);
            const VariantEntry* b = set.find(config, second);
            if (!a || !b) {
                std::cerr << "error: config " << config << " lacks variant " << (a ? second : first)
                          << "\n";
                return 2;
            }
            std::mt19937 rng(1);
            LayerBuffers buffers_a = memsched::demo::make_layer_buffers(*a, rng);
            LayerBuffers buffers_b = buffers_a; // same inputs; outputs are copied, not shared
            buffers_b.args["output"] = buffers_a.args["output"].copy();
            const double ms_a = median_ms(*a, buffers_a, runs),
                         ms_b = median_ms(*b, buffers_b, runs);
            const double diff = max_rel_diff(buffers_a.args["output"], buffers_b.args["output"]);
            const bool agree = diff <= 1e-3;
            all_agree = all_agree && agree;
            const int count = std::max<int>(1, memsched::variant_layers(*a).size());
            total_a += ms_a * count;
            total_b += ms_b * count;
            total_macs += buffers_a.macs * count;
            const double gflop = 2.0 * buffers_a.macs / 1e9;
            std::printf(
                "%-18s %5d %9.1f %10.3f %10.3f %9.1f %9.1f %7.2fx  %s (max rel diff %.1e)\n",
                config.c_str(), count, buffers_a.macs / 1e6, ms_a, ms_b, gflop / (ms_a / 1e3),
                gflop / (ms_b / 1e3), ms_a / ms_b, agree ? "yes" : "NO", diff);
        }
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
    std::printf(
        "%-18s %5s %9.1f %10.3f %10.3f %9.1f %9.1f %7.2fx  (all layers, weighted by count)\n",
        "total", "", total_macs / 1e6, total_a, total_b, 2.0 * total_macs / 1e6 / total_a,
        2.0 * total_macs / 1e6 / total_b, total_a / total_b);
    if (!all_agree) {
        std::cerr << "error: the two variants disagree on some layer\n";
        return 1;
    }
    return 0;
}
