// Unit tests of the roofline pieces on small sizes: the thread team runs every
// (thread, repetition) once, STREAM covers every element on odd splits, the FMA
// kernels run, and the machine description is read.
#include "bench/roofline/fma_peak.h"
#include "bench/roofline/machine_info.h"
#include "bench/roofline/stats.h"
#include "bench/roofline/stream_bandwidth.h"
#include "bench/roofline/thread_team.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>

namespace memsched {
namespace {

TEST(Stats, MedianAndExtremes) {
    EXPECT_EQ(median_of({3.0, 1.0, 2.0}), 2.0);
    EXPECT_EQ(median_of({4.0, 1.0, 3.0, 2.0}), 2.5);
    EXPECT_EQ(max_of({1.0, 5.0, 2.0}), 5.0);
    EXPECT_EQ(min_of({1.0, 5.0, 2.0}), 1.0);
}

TEST(ThreadTeam, RunsEveryThreadEveryRepetitionOnce) {
    const int threads = 3, reps = 4;
    std::atomic<int> calls[threads][reps] = {};
    std::atomic<int> setups{0};
    TeamTimes times = time_on_threads(
        threads, reps, [&](int) { ++setups; }, [&](int t, int rep) { ++calls[t][rep]; });
    EXPECT_EQ(setups.load(), threads);
    for (int t = 0; t < threads; ++t) {
        for (int rep = 0; rep < reps; ++rep) {
            EXPECT_EQ(calls[t][rep].load(), 1) << t << "," << rep;
        }
    }
    ASSERT_EQ(times.wall_s.size(), size_t(reps));
    ASSERT_EQ(times.thread_cpu_s.size(), size_t(reps));
    for (int rep = 0; rep < reps; ++rep) {
        EXPECT_GT(times.wall_s[rep], 0.0);
        EXPECT_EQ(times.thread_cpu_s[rep].size(), size_t(threads));
    }
}

TEST(Stream, ValidatesOnUnevenSplits) {
    // 1001 elements over 3 threads: shares are rounded to cache lines and must still cover all.
    for (int threads : {1, 3}) {
        StreamArrays arrays(1001, threads);
        StreamResult result = measure_stream(arrays, threads, 3);
        EXPECT_TRUE(result.validated) << result.validation_error;
        ASSERT_EQ(result.kernels.size(), 4u);
        for (const StreamKernelResult& k : result.kernels) {
            ASSERT_EQ(k.gbs_wall.size(), 3u);
            EXPECT_GT(median_of(k.gbs_wall), 0.0) << k.name;
        }
        // STREAM's state after 3 repetitions: a = 15^3 (each repetition multiplies a by 15).
        EXPECT_DOUBLE_EQ(arrays.a()[1000], 3375.0);
    }
}

TEST(Fma, EveryKernelRunsAndCountsFlops) {
    std::vector<FmaKernel> kernels = supported_fma_kernels();
    ASSERT_FALSE(kernels.empty());
    EXPECT_EQ(kernels.back().isa, "portable");
    for (const FmaKernel& kernel : kernels) {
        EXPECT_TRUE(std::isfinite(kernel.run(1000, 0.5f, 1.0f))) << kernel.isa;
        EXPECT_EQ(kernel.flops_per_iteration(), 2.0 * kernel.lanes * kernel.chains);
        FmaResult result = measure_fma(kernel, 20000, 2, 2);
        ASSERT_EQ(result.gflops_wall.size(), 2u);
        EXPECT_GT(median_of(result.gflops_wall), 0.0) << kernel.isa;
        EXPECT_GT(median_of(result.gflops_cpu), 0.0) << kernel.isa;
    }
    EXPECT_GT(calibrate_fma_iterations(kernels.front(), 0.001), 0);
}

TEST(MachineInfo, DescribesThisMachine) {
    MachineInfo info = read_machine_info();
    EXPECT_GE(info.logical_cpus, 1);
    EXPECT_FALSE(info.cpu_model.empty());
    if (info.caches.empty()) {
        GTEST_SKIP() << "no /sys/devices/system/cpu/cpu0/cache on this machine";
    }
    EXPECT_GT(last_level_cache_bytes(info), info.caches.front().size_bytes - 1);
    for (const CacheLevel& cache : info.caches) {
        EXPECT_GT(cache.size_bytes, 0u);
    }
}

} // namespace
} // namespace memsched
