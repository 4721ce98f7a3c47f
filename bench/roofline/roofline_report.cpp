// Table and JSON output of memsched_roofline. Every rate appears as median and
// best over repetitions, by wall clock and by per-thread CPU time.
#include "bench/roofline/roofline_report.h"

#include "bench/roofline/stats.h"

#include <cstdio>

namespace memsched {
namespace {

std::string format_bytes(uint64_t bytes) {
    char text[32];
    if (bytes >= (uint64_t{1} << 20)) {
        std::snprintf(text, sizeof(text), "%.0f MiB", bytes / 1048576.0);
    } else {
        std::snprintf(text, sizeof(text), "%.0f KiB", bytes / 1024.0);
    }
    return text;
}

uint64_t llc_bytes(const RooflineRun& run) {
    return last_level_cache_bytes(run.machine);
}

const StreamKernelResult* find_kernel(const StreamResult& result, const std::string& name) {
    for (const StreamKernelResult& k : result.kernels) {
        if (k.name == name) {
            return &k;
        }
    }
    return nullptr;
}

nlohmann::json rates(const std::vector<double>& wall, const std::vector<double>& cpu,
                     const std::vector<double>& wall_s) {
    return {{"median", median_of(wall)},         {"best", max_of(wall)},
            {"median_cpu_time", median_of(cpu)}, {"per_repetition", wall},
            {"per_repetition_cpu_time", cpu},    {"wall_seconds", wall_s}};
}

void print_row(const char* label, const std::vector<double>& w1, const std::vector<double>& c1,
               const std::vector<double>& wa, const std::vector<double>& ca) {
    std::printf("  %-28s %8.2f %8.2f %8.2f   %8.2f %8.2f %8.2f\n", label, median_of(w1), max_of(w1),
                median_of(c1), median_of(wa), max_of(wa), median_of(ca));
}

} // namespace

RooflineSummary summarize(const RooflineRun& run) {
    RooflineSummary s;
    for (const auto& [one, all] : run.fma) {
        s.peak_gflops_1t = std::max(s.peak_gflops_1t, median_of(one.gflops_wall));
        s.peak_gflops_all = std::max(s.peak_gflops_all, median_of(all.gflops_wall));
        s.peak_gflops_1t_cpu_time = std::max(s.peak_gflops_1t_cpu_time, median_of(one.gflops_cpu));
        s.peak_gflops_all_cpu_time =
            std::max(s.peak_gflops_all_cpu_time, median_of(all.gflops_cpu));
    }
    // Triad is STREAM's headline: two reads and a write, like most layer loops.
    if (const StreamKernelResult* k = find_kernel(run.stream_1t, "triad")) {
        s.bandwidth_gbs_1t = median_of(k->gbs_wall);
        s.bandwidth_gbs_1t_cpu_time = median_of(k->gbs_cpu);
    }
    if (const StreamKernelResult* k = find_kernel(run.stream_all, "triad")) {
        s.bandwidth_gbs_all = median_of(k->gbs_wall);
        s.bandwidth_gbs_all_cpu_time = median_of(k->gbs_cpu);
    }
    return s;
}

void print_table(const RooflineRun& run, const RooflineSummary& s) {
    std::printf("memsched roofline: %s, %d logical CPUs, all-threads runs use %d threads\n",
                run.machine.cpu_model.c_str(), run.machine.logical_cpus, run.threads);
    std::printf("caches:");
    for (const CacheLevel& cache : run.machine.caches) {
        std::printf(" L%d%s %s (cpus %s);", cache.level,
                    cache.type == "Data"          ? "d"
                    : cache.type == "Instruction" ? "i"
                                                  : "",
                    format_bytes(cache.size_bytes).c_str(), cache.shared_cpu_list.c_str());
    }
    std::printf(
        "\n%d repetitions; median and best by wall clock; cpu-time: median of the sum over\n"
        "threads of each thread's rate per second of its own CPU time (what the cores do\n"
        "while we run; an upper estimate when the threads were not running together)\n",
        run.repetitions);
    std::printf("\n%-30s %26s   %26s\n", "", "1 thread",
                (std::to_string(run.threads) + " threads").c_str());
    std::printf("  %-28s %8s %8s %8s   %8s %8s %8s\n", "FMA fp32 (GFLOP/s)", "median", "best",
                "cpu-time", "median", "best", "cpu-time");
    for (const auto& [one, all] : run.fma) {
        std::string label = one.kernel.isa + " (" + std::to_string(one.kernel.lanes) + " x " +
                            std::to_string(one.kernel.chains) + " chains)";
        print_row(label.c_str(), one.gflops_wall, one.gflops_cpu, all.gflops_wall, all.gflops_cpu);
    }
    uint64_t llc = llc_bytes(run);
    std::printf("  STREAM (GB/s), 3 x %s = %.1f x LLC%s%s\n", format_bytes(run.array_bytes).c_str(),
                llc > 0 ? static_cast<double>(run.array_bytes) / llc : 0.0,
                run.array_note.empty() ? "" : ", ", run.array_note.c_str());
    for (size_t k = 0; k < run.stream_1t.kernels.size(); ++k) {
        const StreamKernelResult& k1 = run.stream_1t.kernels[k];
        const StreamKernelResult& ka = run.stream_all.kernels[k];
        std::string label = k1.name + " (" + std::to_string(k1.bytes_per_element) + " B/element)";
        print_row(label.c_str(), k1.gbs_wall, k1.gbs_cpu, ka.gbs_wall, ka.gbs_cpu);
    }
    std::printf("\nroofline (medians, wall clock): peak %.1f GFLOP/s on 1 thread, %.1f on %d; "
                "bandwidth (triad) %.2f GB/s on 1 thread, %.2f on %d; balance %.1f flop/byte\n",
                s.peak_gflops_1t, s.peak_gflops_all, run.threads, s.bandwidth_gbs_1t,
                s.bandwidth_gbs_all, run.threads, s.balance_flops_per_byte());
    // A load above the thread count means other processes took cores from the runs.
    bool busy = run.load_start > 0.5 || run.load_end > 0.5;
    std::printf("load average (1 min): %.2f at start, %.2f at end%s\n", run.load_start,
                run.load_end,
                busy ? ": the machine was busy, wall-clock figures are our share of it" : "");
}

nlohmann::json to_json(const RooflineRun& run, const RooflineSummary& s) {
    nlohmann::json caches = nlohmann::json::array();
    for (const CacheLevel& cache : run.machine.caches) {
        caches.push_back({{"level", cache.level},
                          {"type", cache.type},
                          {"size_bytes", cache.size_bytes},
                          {"shared_cpu_list", cache.shared_cpu_list}});
    }
    nlohmann::json fma = nlohmann::json::array();
    for (const auto& [one, all] : run.fma) {
        fma.push_back({{"isa", one.kernel.isa},
                       {"lanes", one.kernel.lanes},
                       {"chains", one.kernel.chains},
                       {"flops_per_iteration", one.kernel.flops_per_iteration()},
                       {"iterations_per_thread", one.iterations},
                       {"gflops_1t", rates(one.gflops_wall, one.gflops_cpu, one.wall_s)},
                       {"gflops_all", rates(all.gflops_wall, all.gflops_cpu, all.wall_s)}});
    }
    nlohmann::json stream = nlohmann::json::array();
    for (size_t k = 0; k < run.stream_1t.kernels.size(); ++k) {
        const StreamKernelResult& k1 = run.stream_1t.kernels[k];
        const StreamKernelResult& ka = run.stream_all.kernels[k];
        stream.push_back({{"name", k1.name},
                          {"bytes_per_element", k1.bytes_per_element},
                          {"gbs_1t", rates(k1.gbs_wall, k1.gbs_cpu, k1.wall_s)},
                          {"gbs_all", rates(ka.gbs_wall, ka.gbs_cpu, ka.wall_s)}});
    }
    uint64_t llc = llc_bytes(run);
    return {{"peak_gflops_1t", s.peak_gflops_1t},
            {"peak_gflops_all", s.peak_gflops_all},
            {"bandwidth_gbs_1t", s.bandwidth_gbs_1t},
            {"bandwidth_gbs_all", s.bandwidth_gbs_all},
            {"peak_gflops_1t_cpu_time", s.peak_gflops_1t_cpu_time},
            {"peak_gflops_all_cpu_time", s.peak_gflops_all_cpu_time},
            {"bandwidth_gbs_1t_cpu_time", s.bandwidth_gbs_1t_cpu_time},
            {"bandwidth_gbs_all_cpu_time", s.bandwidth_gbs_all_cpu_time},
            {"balance_flops_per_byte", s.balance_flops_per_byte()},
            {"threads", run.threads},
            {"repetitions", run.repetitions},
            {"statistic", "median over repetitions (best = highest rate)"},
            {"cpu_time_note",
             "*_cpu_time: sum over threads of each thread's work per second of its own CPU time; "
             "equals the wall-clock rate on an idle machine, an upper estimate when threads were "
             "time-shared"},
            {"command", run.command},
            {"machine",
             {{"cpu_model", run.machine.cpu_model},
              {"logical_cpus", run.machine.logical_cpus},
              {"caches", caches},
              {"last_level_cache_bytes", llc},
              {"memory_available_bytes", run.machine.memory_available_bytes}}},
            {"load_average_1min", {{"start", run.load_start}, {"end", run.load_end}}},
            {"fma", {{"precision", "fp32"}, {"kernels", fma}}},
            {"stream",
             {{"array_bytes", run.array_bytes},
              {"arrays", 3},
              {"array_to_llc_ratio", llc > 0 ? static_cast<double>(run.array_bytes) / llc : 0.0},
              {"array_note", run.array_note},
              {"headline_kernel", "triad"},
              {"bytes_counted", "STREAM convention: reads + writes, write-allocate not counted"},
              {"validated", run.stream_1t.validated && run.stream_all.validated},
              {"kernels", stream}}}};
}

} // namespace memsched
