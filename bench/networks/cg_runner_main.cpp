// memsched_network_cg_runner CONFIG VARIANT CALLS [HEAP]: builds the
// arguments of one whole-network variant of the netpipe_cg set and calls it
// CALLS times on one thread (CALLS = 0: only the set-up). memsched_network_traffic
// runs it under cachegrind with 0 and N calls and takes the difference, so
// the argument set-up (filling tens of MB of weights) cancels out.
// HEAP: `kept` (the default, as the benchmarks time pipelines:
// keep_heap_for_pipelines), `stack` (kept, and Halide's buffers on a
// per-thread stack: stack_arena.h) or `glibc` (glibc's own thresholds, under which
// every traffic figure before session 23 was measured; cachegrind does not
// see the page faults a trimmed heap costs, and where blocks land changes
// the simulated misses: bench/RESULTS.md, session 23).
#include "bench/networks/pipeline_args.h"
#include "netpipe_cg_registry.h"
#include "runtime/heap/pipeline_heap.h"
#include "runtime/heap/stack_arena.h"
#include "runtime/threads/halide_threads.h"

#include <cmath>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>

int main(int argc, char** argv) {
    if (argc != 4 && argc != 5) {
        std::cerr << "usage: memsched_network_cg_runner CONFIG VARIANT CALLS [kept|stack|glibc]\n";
        return 2;
    }
    try {
        const memsched::VariantEntry* entry = netpipe_cg_registry().find(argv[1], argv[2]);
        if (!entry) throw std::invalid_argument(std::string("no variant ") + argv[1] + "/" + argv[2]);
        const int calls = std::atoi(argv[3]);
        if (calls < 0) throw std::invalid_argument(std::string("CALLS=") + argv[3] + " must be >= 0");
        const std::string heap = argc == 5 ? argv[4] : "kept";
        if (heap != "kept" && heap != "stack" && heap != "glibc")
            throw std::invalid_argument("HEAP=" + heap + " must be kept, stack or glibc");
        memsched::set_halide_threads(1);
        if (heap != "glibc") memsched::keep_heap_for_pipelines();
        if (heap == "stack") memsched::use_stack_arena_for_halide();
        const memsched::Network net = memsched::load_network_subset(memsched::pipeline_spec(*entry));
        memsched::PipelineArgs args = memsched::make_pipeline_args(*entry, net);
        for (int i = 0; i < calls; i++)
            if (int rc = memsched::run_pipeline(*entry, args); rc != 0)
                throw std::runtime_error("Halide error " + std::to_string(rc));
        // A fingerprint of the output, to compare variants and heaps by.
        if (calls > 0) {
            double sum = 0, abs_sum = 0;
            args.output().for_each_value([&](float v) { sum += v, abs_sum += std::fabs(v); });
            std::cout << "output sum " << sum << " abs sum " << abs_sum << "\n";
        }
    } catch (const std::exception& e) {
        std::cerr << "memsched_network_cg_runner: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
