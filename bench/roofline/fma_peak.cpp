// The FMA kernels. Each is compiled for its ISA through a target attribute and
// picked at run time, so the project's baseline flags need not include them.
// Chain counts: FMA latency (4-5 cycles) times FMA ports (2) needs >= 10 chains;
// AVX-512 and NEON have 32 registers, AVX2 16 (12 chains + 2 constants).
#include "bench/roofline/fma_peak.h"

#include "bench/roofline/thread_team.h"

#include <algorithm>
#include <chrono>

#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>
#endif

namespace memsched {
namespace {

// x = x*a + b converges (|a| < 1), so no chain overflows or goes denormal.
constexpr float kA = 0.99999994f;
constexpr float kB = 1e-7f;

#if defined(__x86_64__)
constexpr int kAvx512Chains = 16;
__attribute__((target("avx512f"))) float fma_avx512(int64_t iterations, float a, float b) {
    __m512 acc[kAvx512Chains];
    for (int c = 0; c < kAvx512Chains; ++c) {
        acc[c] = _mm512_set1_ps(static_cast<float>(c));
    }
    const __m512 va = _mm512_set1_ps(a);
    const __m512 vb = _mm512_set1_ps(b);
    for (int64_t i = 0; i < iterations; ++i) {
        for (int c = 0; c < kAvx512Chains; ++c) {
            acc[c] = _mm512_fmadd_ps(acc[c], va, vb);
        }
    }
    __m512 sum = acc[0];
    for (int c = 1; c < kAvx512Chains; ++c) {
        sum = _mm512_add_ps(sum, acc[c]);
    }
    return _mm512_reduce_add_ps(sum);
}

constexpr int kAvx2Chains = 12;
__attribute__((target("avx2,fma"))) float fma_avx2(int64_t iterations, float a, float b) {
    __m256 acc[kAvx2Chains];
    for (int c = 0; c < kAvx2Chains; ++c) {
        acc[c] = _mm256_set1_ps(static_cast<float>(c));
    }
    const __m256 va = _mm256_set1_ps(a);
    const __m256 vb = _mm256_set1_ps(b);
    for (int64_t i = 0; i < iterations; ++i) {
        for (int c = 0; c < kAvx2Chains; ++c) {
            acc[c] = _mm256_fmadd_ps(acc[c], va, vb);
        }
    }
    __m256 sum = acc[0];
    for (int c = 1; c < kAvx2Chains; ++c) {
        sum = _mm256_add_ps(sum, acc[c]);
    }
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, sum);
    float total = 0.0f;
    for (float v : lanes) {
        total += v;
    }
    return total;
}
#endif

#if defined(__aarch64__)
constexpr int kNeonChains = 16;
float fma_neon(int64_t iterations, float a, float b) {
    float32x4_t acc[kNeonChains];
    for (int c = 0; c < kNeonChains; ++c) {
        acc[c] = vdupq_n_f32(static_cast<float>(c));
    }
    const float32x4_t va = vdupq_n_f32(a);
    const float32x4_t vb = vdupq_n_f32(b);
    for (int64_t i = 0; i < iterations; ++i) {
        for (int c = 0; c < kNeonChains; ++c) {
            acc[c] = vfmaq_f32(vb, acc[c], va);
        }
    }
    float32x4_t sum = acc[0];
    for (int c = 1; c < kNeonChains; ++c) {
        sum = vaddq_f32(sum, acc[c]);
    }
    return vaddvq_f32(sum);
}
#endif

// Plain C++ multiply-add, vectorised (or not) as the baseline flags allow: a floor for
// CPUs none of the kernels above fits, not a peak. lanes=1 counts each chain once.
constexpr int kScalarChains = 8;
float fma_portable(int64_t iterations, float a, float b) {
    float acc[kScalarChains];
    for (int c = 0; c < kScalarChains; ++c) {
        acc[c] = static_cast<float>(c);
    }
    for (int64_t i = 0; i < iterations; ++i) {
        for (int c = 0; c < kScalarChains; ++c) {
            acc[c] = acc[c] * a + b;
        }
    }
    float total = 0.0f;
    for (float v : acc) {
        total += v;
    }
    return total;
}

// Stops the compiler from discarding the kernels' results.
volatile float g_sink = 0.0f;

} // namespace

std::vector<FmaKernel> supported_fma_kernels() {
    std::vector<FmaKernel> kernels;
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) {
        kernels.push_back({"avx512f", 16, kAvx512Chains, &fma_avx512});
    }
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        kernels.push_back({"avx2-fma", 8, kAvx2Chains, &fma_avx2});
    }
#elif defined(__aarch64__)
    kernels.push_back({"neon", 4, kNeonChains, &fma_neon});
#endif
    kernels.push_back({"portable", 1, kScalarChains, &fma_portable});
    return kernels;
}

int64_t calibrate_fma_iterations(const FmaKernel& kernel, double seconds) {
    using Clock = std::chrono::steady_clock;
    int64_t iterations = 1 << 14;
    // Double until one run takes long enough to time reliably, then scale.
    for (;;) {
        Clock::time_point start = Clock::now();
        g_sink = g_sink + kernel.run(iterations, kA, kB);
        double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
        if (elapsed > 0.02 || elapsed > seconds) {
            return std::max<int64_t>(1, static_cast<int64_t>(iterations * seconds / elapsed));
        }
        iterations *= 2;
    }
}

FmaResult measure_fma(const FmaKernel& kernel, int64_t iterations, int threads, int repetitions) {
    FmaResult result;
    result.kernel = kernel;
    result.iterations = iterations;
    result.threads = threads;
    std::vector<float> sinks(threads, 0.0f);
    TeamTimes times = time_on_threads(
        threads, repetitions, [](int) {},
        [&](int thread, int) { sinks[thread] += kernel.run(iterations, kA, kB); });
    double flops_per_thread = kernel.flops_per_iteration() * static_cast<double>(iterations);
    result.wall_s = times.wall_s;
    for (int rep = 0; rep < repetitions; ++rep) {
        result.gflops_wall.push_back(flops_per_thread * threads / times.wall_s[rep] / 1e9);
        double cpu_rate = 0.0;
        for (double cpu_s : times.thread_cpu_s[rep]) {
            cpu_rate += flops_per_thread / cpu_s / 1e9;
        }
        result.gflops_cpu.push_back(cpu_rate);
    }
    for (float s : sinks) {
        g_sink = g_sink + s;
    }
    return result;
}

} // namespace memsched
