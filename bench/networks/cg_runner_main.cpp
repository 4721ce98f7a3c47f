// memsched_network_cg_runner CONFIG VARIANT CALLS: builds the arguments of
// one whole-network variant of the netpipe_cg set and calls it CALLS times
// on one thread (CALLS = 0: only the set-up). memsched_network_traffic runs
// it under cachegrind with 0 and N calls and takes the difference, so the
// argument set-up (filling tens of MB of weights) cancels out.
#include "bench/networks/pipeline_args.h"
#include "netpipe_cg_registry.h"
#include "runtime/heap/pipeline_heap.h"
#include "runtime/threads/halide_threads.h"

#include <cstdlib>
#include <exception>
#include <iostream>

int main(int argc, char** argv) {
    if (argc != 4) {
        std::cerr << "usage: memsched_network_cg_runner CONFIG VARIANT CALLS\n";
        return 2;
    }
    try {
        const memsched::VariantEntry* entry = netpipe_cg_registry().find(argv[1], argv[2]);
        if (!entry) throw std::invalid_argument(std::string("no variant ") + argv[1] + "/" + argv[2]);
        const int calls = std::atoi(argv[3]);
        if (calls < 0) throw std::invalid_argument(std::string("CALLS=") + argv[3] + " must be >= 0");
        memsched::set_halide_threads(1);
        memsched::keep_heap_for_pipelines(); // as timed (pipeline_heap.h)
        const memsched::Network net = memsched::load_network_subset(memsched::pipeline_spec(*entry));
        memsched::PipelineArgs args = memsched::make_pipeline_args(*entry, net);
        for (int i = 0; i < calls; i++)
            if (int rc = memsched::run_pipeline(*entry, args); rc != 0)
                throw std::runtime_error("Halide error " + std::to_string(rc));
    } catch (const std::exception& e) {
        std::cerr << "memsched_network_cg_runner: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
