// memsched_roofline: measures the two roofs of this machine (peak FMA
// throughput and sustained memory bandwidth) on one thread and on all threads,
// prints a table and optionally writes them as JSON for the traffic model.
#include "bench/roofline/roofline_report.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>

namespace memsched {
namespace {

struct Options {
    std::string json_path;
    int threads = 0; // 0: all logical CPUs
    int repetitions = 5;
    double array_mib = 0;     // 0: automatic (4 x LLC)
    double fma_seconds = 0.2; // per repetition, one thread
};

// STREAM's rule: each array at least 4x the LLC, so no kernel is served from cache.
// Capped so the three arrays take at most half of the memory available now.
size_t stream_elements(const Options& options, const MachineInfo& info, std::string* note) {
    double bytes = options.array_mib * 1024 * 1024;
    if (bytes <= 0) {
        bytes = std::max<double>(4.0 * last_level_cache_bytes(info), 64.0 * 1024 * 1024);
        double cap = info.memory_available_bytes / 2.0 / 3.0;
        if (info.memory_available_bytes > 0 && bytes > cap) {
            *note = "capped by available memory";
            bytes = cap;
        }
    } else if (bytes < 4.0 * last_level_cache_bytes(info)) {
        *note = "below 4 x LLC (--array-mib): caches inflate these figures";
    }
    return std::max<size_t>(64, static_cast<size_t>(bytes / sizeof(double)));
}

int run(const Options& options, const std::string& command) {
    RooflineRun run;
    run.command = command;
    run.machine = read_machine_info();
    run.threads = options.threads > 0 ? options.threads : run.machine.logical_cpus;
    run.repetitions = options.repetitions;
    run.load_start = load_average_1min();

    for (const FmaKernel& kernel : supported_fma_kernels()) {
        int64_t iterations = calibrate_fma_iterations(kernel, options.fma_seconds);
        run.fma.emplace_back(measure_fma(kernel, iterations, 1, options.repetitions),
                             measure_fma(kernel, iterations, run.threads, options.repetitions));
    }

    size_t elements = stream_elements(options, run.machine, &run.array_note);
    run.array_bytes = elements * sizeof(double);
    {
        StreamArrays arrays(elements, run.threads);
        run.stream_1t = measure_stream(arrays, 1, options.repetitions);
        run.stream_all = measure_stream(arrays, run.threads, options.repetitions);
    }
    run.load_end = load_average_1min();
    for (const StreamResult* r : {&run.stream_1t, &run.stream_all}) {
        if (!r->validated) {
            std::fprintf(stderr, "STREAM results are wrong (%d threads): %s\n", r->threads,
                         r->validation_error.c_str());
            return 1;
        }
    }

    RooflineSummary summary = summarize(run);
    print_table(run, summary);
    if (!options.json_path.empty()) {
        std::ofstream file(options.json_path);
        file << to_json(run, summary).dump(2) << "\n";
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

int main(int argc, char** argv) {
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
    } catch (const std::exception& e) {
        std::fprintf(stderr, "memsched_roofline: %s\n", e.what());
        return 1;
    }
}
