// runtime/scratch: the reuse pool behind Halide's scratch allocations
// (install_scratch_pool routes halide_malloc / halide_free here).
#include "runtime/scratch/scratch_pool.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

namespace memsched {
namespace {

TEST(ScratchPool, ReusesFreedBlocksOfTheSameSizeAndAlignsThem) {
    const ScratchPoolStats before = scratch_pool_stats();
    void* a = scratch_pool_allocate(300000);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(a) % 128, 0u);
    std::memset(a, 1, 300000);
    void* b = scratch_pool_allocate(300000);
    EXPECT_NE(a, b) << "a block in use was handed out twice";
    scratch_pool_release(a);
    void* c = scratch_pool_allocate(300000);
    EXPECT_EQ(c, a) << "the freed block of that size was not reused";
    void* d = scratch_pool_allocate(17); // another size: a block of its own
    EXPECT_NE(d, a);
    EXPECT_NE(d, b);
    const ScratchPoolStats after = scratch_pool_stats();
    EXPECT_EQ(after.allocations - before.allocations, 4);
    EXPECT_EQ(after.reused - before.reused, 1);
    scratch_pool_release(b), scratch_pool_release(c), scratch_pool_release(d);
}

TEST(ScratchPool, ThreadsNeverShareALiveBlock) {
    constexpr int kThreads = 4, kRounds = 2000;
    std::vector<std::thread> threads;
    std::vector<int> corrupted(kThreads, 0);
    for (int t = 0; t < kThreads; t++)
        threads.emplace_back([t, &corrupted] {
            for (int i = 0; i < kRounds; i++) {
                const size_t n = 4096 * (1 + (i % 3));
                auto* p = static_cast<unsigned char*>(scratch_pool_allocate(n));
                std::memset(p, t + 1, n);
                for (size_t j = 0; j < n; j += 512) corrupted[t] += p[j] != t + 1;
                scratch_pool_release(p);
            }
        });
    for (auto& th : threads) th.join();
    for (int t = 0; t < kThreads; t++) EXPECT_EQ(corrupted[t], 0) << "thread " << t;
}

} // namespace
} // namespace memsched
