// Peak floating-point throughput: many independent FMA chains per core, in the
// widest vector ISA the CPU offers (AVX-512, AVX2+FMA, NEON; plain C++ otherwise).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace memsched {

// One FMA kernel the running CPU can execute.
struct FmaKernel {
    std::string isa; // "avx512f", "avx2-fma", "neon", "portable"
    int lanes = 1;   // fp32 lanes per vector
    int chains = 1;  // independent accumulators: enough to cover FMA latency x FMA ports
    // Runs `iterations` rounds of `chains` vector FMAs; returns a value the caller must use.
    float (*run)(int64_t iterations, float a, float b) = nullptr;

    // Two flops (multiply and add) per lane per FMA.
    double flops_per_iteration() const { return 2.0 * lanes * chains; }
};

// The kernels this CPU supports, widest first (checked at run time, so one binary
// serves all x86-64 machines).
std::vector<FmaKernel> supported_fma_kernels();

struct FmaResult {
    FmaKernel kernel;
    int64_t iterations = 0; // per thread per repetition
    int threads = 1;
    std::vector<double> wall_s;      // one per repetition
    std::vector<double> gflops_wall; // per repetition: all threads' flops / wall time
    // Per repetition: sum over threads of flops / that thread's CPU time (see TeamTimes).
    std::vector<double> gflops_cpu;
};

// Picks an iteration count that runs about `seconds` on one thread.
int64_t calibrate_fma_iterations(const FmaKernel& kernel, double seconds);

FmaResult measure_fma(const FmaKernel& kernel, int64_t iterations, int threads, int repetitions);

} // namespace memsched
