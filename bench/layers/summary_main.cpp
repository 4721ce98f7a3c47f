// memsched_bench_summary: Markdown summary of memsched_bench_layers JSON
// output (see bench_summary.h), e.g.
//   memsched_bench_summary r50.json --roofline roofline.json
#include "bench/layers/bench_summary.h"

#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>

int main(int argc, char** argv) {
    CLI::App app{"Summarise memsched_bench_layers JSON into speedup and GFLOP/s tables"};
    std::vector<std::string> files;
    std::string roofline;
    memsched::bench::PeakGflops peak;
    app.add_option("files", files, "Google Benchmark JSON files")
        ->required()
        ->check(CLI::ExistingFile);
    app.add_option("--roofline", roofline, "memsched_roofline --json output (peak FMA GFLOP/s)")
        ->check(CLI::ExistingFile);
    app.add_option("--peak-1t", peak.one_thread,
                   "peak GFLOP/s on one thread (instead of --roofline)");
    app.add_option("--peak-all", peak.all_threads,
                   "peak GFLOP/s on all threads (instead of --roofline)");
    app.add_option("--all-threads", peak.all_threads_count, "the thread count --peak-all is for")
        ->check(CLI::Range(1, 1024));
    std::string basis = "wall";
    app.add_option("--basis", basis, "times to compare: wall (default) or cpu (process CPU time)")
        ->check(CLI::IsMember({"wall", "cpu"}));
    CLI11_PARSE(app, argc, argv);
    try {
        if (!roofline.empty()) {
            const nlohmann::json r = nlohmann::json::parse(std::ifstream(roofline));
            peak.one_thread = r.at("peak_gflops_1t").get<double>();
            peak.all_threads = r.at("peak_gflops_all").get<double>();
            if (peak.all_threads_count == 0)
                peak.all_threads_count = r.at("threads").get<int>();
        }
        std::vector<memsched::bench::LayerResult> results;
        for (const auto& f : files) {
            auto part = memsched::bench::parse_bench_json(nlohmann::json::parse(std::ifstream(f)));
            results.insert(results.end(), part.begin(), part.end());
        }
        if (results.empty()) {
            std::cerr << "error: no <set>/<layer>/<variant>/threads:<N> results in the input\n";
            return 1;
        }
        std::cout << memsched::bench::summarise(results, peak,
                                                basis == "cpu" ? memsched::bench::TimeBasis::Cpu
                                                               : memsched::bench::TimeBasis::Wall);
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
