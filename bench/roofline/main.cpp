// memsched_roofline: measures the two roofs of this machine (peak FMA
// throughput and sustained memory bandwidth) on one thread and on all threads,
// prints a table and optionally writes them as JSON for the traffic model.
#include "bench/roofline/fma_peak.h"
#include "bench/roofline/machine_info.h"
#include "bench/roofline/stats.h"
#include "bench/roofline/stream_bandwidth.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>

namespace memsched {
namespace {

struct Options {
    std::string json_path;
    int threads = 0;          // 0: all logical CPUs
    int repetitions = 5;
    double array_mib = 0;     // 0: automatic (4 x LLC)
    double fma_seconds = 0.2; // per repetition, one thread
};

// STREAM's rule: each array at least 4x the LLC, so no kernel is served from cache.
// Capped so the three arrays take at most half of the memory available now.
size_t stream_elements(const Options &options, const MachineInfo &info, std::string *note) {
    double bytes = options.array_mib * 1024 * 1024;
    if (bytes <= 0) {
        bytes = std::max<double>(4.0 * last_level_cache_bytes(info), 64.0 * 1024 * 1024);
        double cap = info.memory_available_bytes / 2.0 / 3.0;
        if (info.memory_available_bytes > 0 && bytes > cap) {
            *note = "arrays capped by available memory";
            bytes = cap;
        }
    }
    return std::max<size_t>(64, static_cast<size_t>(bytes / sizeof(double)));
}

std::string format_bytes(uint64_t bytes) {
    char text[32];
    if (bytes >= (1u << 20)) {
        std::snprintf(text, sizeof(text), "%.0f MiB", bytes / 1048576.0);
    } else {
        std::snprintf(text, sizeof(text), "%.0f KiB", bytes / 1024.0);
    }
    return text;
}

nlohmann::json seconds_summary(const std::vector<double> &seconds) {
    return {{"seconds", seconds}, {"median_s", median_of(seconds)}, {"best_s", min_of(seconds)}};
}

int run(const Options &options, const std::string &command) {
    MachineInfo info = read_machine_info();
    int threads = options.threads > 0 ? options.threads : info.logical_cpus;
    double load_start = load_average_1min();

    std::printf("memsched roofline: %s, %d logical CPUs, measuring with %d threads\n",
                info.cpu_model.c_str(), info.logical_cpus, threads);
    std::printf("caches:");
    for (const CacheLevel &cache : info.caches) {
        std::printf(" L%d%s %s (cpus %s);", cache.level,
                    cache.type == "Data" ? "d" : cache.type == "Instruction" ? "i" : "",
                    format_bytes(cache.size_bytes).c_str(), cache.shared_cpu_list.c_str());
    }
    std::printf("\n\nFMA peak, fp32, median of %d (best)         1 thread GFLOP/s   %d threads GFLOP/s\n",
                options.repetitions, threads);

    nlohmann::json fma_json = nlohmann::json::array();
    double peak_1t = 0.0, peak_all = 0.0;
    for (const FmaKernel &kernel : supported_fma_kernels()) {
        int64_t iterations = calibrate_fma_iterations(kernel, options.fma_seconds);
        FmaResult one = measure_fma(kernel, iterations, 1, options.repetitions);
        FmaResult all = measure_fma(kernel, iterations, threads, options.repetitions);
        double g1 = one.gflops(median_of(one.seconds));
        double ga = all.gflops(median_of(all.seconds));
        peak_1t = std::max(peak_1t, g1);
        peak_all = std::max(peak_all, ga);
        std::printf("  %-9s %2d lanes x %2d chains          %8.1f (%7.1f)   %8.1f (%7.1f)\n",
                    kernel.isa.c_str(), kernel.lanes, kernel.chains, g1,
                    one.gflops(min_of(one.seconds)), ga, all.gflops(min_of(all.seconds)));
        fma_json.push_back({{"isa", kernel.isa},
                            {"lanes", kernel.lanes},
                            {"chains", kernel.chains},
                            {"flops_per_iteration", kernel.flops_per_iteration()},
                            {"iterations_per_thread", iterations},
                            {"gflops_1t", g1},
                            {"gflops_1t_best", one.gflops(min_of(one.seconds))},
                            {"gflops_all", ga},
                            {"gflops_all_best", all.gflops(min_of(all.seconds))},
                            {"timing_1t", seconds_summary(one.seconds)},
                            {"timing_all", seconds_summary(all.seconds)}});
    }

    std::string size_note;
    size_t elements = stream_elements(options, info, &size_note);
    uint64_t array_bytes = elements * sizeof(double);
    uint64_t llc = last_level_cache_bytes(info);
    double llc_ratio = llc > 0 ? static_cast<double>(array_bytes) / llc : 0.0;
    std::printf("\nSTREAM, 3 arrays of %s (%.1f x LLC%s%s), median of %d (best)\n",
                format_bytes(array_bytes).c_str(), llc_ratio, size_note.empty() ? "" : "; ",
                size_note.c_str(), options.repetitions);
    std::printf("                                         1 thread GB/s      %d threads GB/s\n",
                threads);
    StreamArrays arrays(elements, threads);
    StreamResult one = measure_stream(arrays, 1, options.repetitions);
    StreamResult all = measure_stream(arrays, threads, options.repetitions);
    for (const StreamResult *r : {&one, &all}) {
        if (!r->validated) {
            std::fprintf(stderr, "STREAM results are wrong (%d threads): %s\n", r->threads,
                         r->validation_error.c_str());
            return 1;
        }
    }
    nlohmann::json stream_json = nlohmann::json::array();
    double bandwidth_1t = 0.0, bandwidth_all = 0.0;
    for (size_t k = 0; k < one.kernels.size(); ++k) {
        const StreamKernelResult &k1 = one.kernels[k];
        const StreamKernelResult &ka = all.kernels[k];
        double b1 = one.gbs(k1, median_of(k1.seconds));
        double ba = all.gbs(ka, median_of(ka.seconds));
        std::printf("  %-6s %2d bytes/element                %8.2f (%7.2f)   %8.2f (%7.2f)\n",
                    k1.name.c_str(), k1.bytes_per_element, b1, one.gbs(k1, min_of(k1.seconds)),
                    ba, all.gbs(ka, min_of(ka.seconds)));
        // Triad is STREAM's headline: two reads and a write, like most layer loops.
        if (k1.name == "triad") {
            bandwidth_1t = b1;
            bandwidth_all = ba;
        }
        stream_json.push_back({{"name", k1.name},
                               {"bytes_per_element", k1.bytes_per_element},
                               {"gbs_1t", b1},
                               {"gbs_1t_best", one.gbs(k1, min_of(k1.seconds))},
                               {"gbs_all", ba},
                               {"gbs_all_best", all.gbs(ka, min_of(ka.seconds))},
                               {"timing_1t", seconds_summary(k1.seconds)},
                               {"timing_all", seconds_summary(ka.seconds)}});
    }
    double load_end = load_average_1min();
    double balance = bandwidth_all > 0 ? peak_all / bandwidth_all : 0.0;
    std::printf("\nroofline: peak %.1f GFLOP/s (1 thread), %.1f GFLOP/s (%d threads); "
                "bandwidth %.2f GB/s (1 thread), %.2f GB/s (%d threads, triad); "
                "balance %.1f flop/byte\n",
                peak_1t, peak_all, threads, bandwidth_1t, bandwidth_all, threads, balance);
    std::printf("load average (1 min): %.2f at start, %.2f at end%s\n", load_start, load_end,
                load_end > 0.5 ? " - the machine was busy, expect noise" : "");

    if (!options.json_path.empty()) {
        nlohmann::json caches = nlohmann::json::array();
        for (const CacheLevel &cache : info.caches) {
            caches.push_back({{"level", cache.level},
                              {"type", cache.type},
                              {"size_bytes", cache.size_bytes},
                              {"shared_cpu_list", cache.shared_cpu_list}});
        }
        nlohmann::json out = {
            {"peak_gflops_1t", peak_1t},
            {"peak_gflops_all", peak_all},
            {"bandwidth_gbs_1t", bandwidth_1t},
            {"bandwidth_gbs_all", bandwidth_all},
            {"balance_flops_per_byte", balance},
            {"threads", threads},
            {"repetitions", options.repetitions},
            {"statistic", "median"},
            {"command", command},
            {"machine",
             {{"cpu_model", info.cpu_model},
              {"logical_cpus", info.logical_cpus},
              {"caches", caches},
              {"last_level_cache_bytes", llc},
              {"memory_available_bytes", info.memory_available_bytes}}},
            {"load_average_1min", {{"start", load_start}, {"end", load_end}}},
            {"fma", {{"precision", "fp32"}, {"kernels", fma_json}}},
            {"stream",
             {{"array_bytes", array_bytes},
              {"arrays", 3},
              {"array_to_llc_ratio", llc_ratio},
              {"headline_kernel", "triad"},
              {"bytes_counted", "STREAM convention: reads + writes, write-allocate not counted"},
              {"validated", true},
              {"kernels", stream_json}}}};
        std::ofstream file(options.json_path);
        file << out.dump(2) << "\n";
        if (!file) {
            std::fprintf(stderr, "cannot write %s\n", options.json_path.c_str());
            return 1;
        }
        std::printf("wrote %s\n", options.json_path.c_str());
    }
    return 0;
}

} // namespace
} // namespace memsched

int main(int argc, char **argv) {
    memsched::Options options;
    CLI::App app{"Measures peak FMA throughput and sustained memory bandwidth (the roofline)."};
    app.add_option("--json", options.json_path, "Write the results as JSON to this file");
    app.add_option("--threads", options.threads, "Threads for the all-threads runs (default: all)")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--repetitions", options.repetitions, "Repetitions per measurement")
        ->check(CLI::PositiveNumber);
    app.add_option("--array-mib", options.array_mib,
                   "MiB per STREAM array (default: 4x the LLC, capped by free memory)")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--fma-seconds", options.fma_seconds,
                   "Target seconds per single-thread FMA repetition")
        ->check(CLI::PositiveNumber);
    CLI11_PARSE(app, argc, argv);
    std::string command;
    for (int i = 0; i < argc; ++i) {
        command += (i ? " " : "") + std::string(argv[i]);
    }
    try {
        return memsched::run(options, command);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "memsched_roofline: %s\n", e.what());
        return 1;
    }
}
