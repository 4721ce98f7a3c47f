// StackArena (runtime/heap/stack_arena.h): blocks come back where the last
// freed one was, out-of-order frees wait for the blocks above them, and a
// request the arena cannot hold is refused.
#include "runtime/heap/stack_arena.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

namespace memsched {
namespace {

TEST(StackArena, AlignedBlocksReuseTheLastFreedPlace) {
    StackArena arena(1 << 20);
    char* a = static_cast<char*>(arena.allocate(1000));
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(a) % 128, 0u);
    std::memset(a - 8, 0, 1000 + 16); // Halide may touch 8 bytes either side
    char* b = static_cast<char*>(arena.allocate(5000));
    ASSERT_NE(b, nullptr);
    EXPECT_GE(b, a + 1000 + 8);
    EXPECT_EQ(arena.live_blocks(), 2u);
    EXPECT_TRUE(arena.release(b));
    char* c = static_cast<char*>(arena.allocate(3000));
    EXPECT_EQ(c, b); // the place b left, still in cache
    EXPECT_TRUE(arena.release(c));
    EXPECT_TRUE(arena.release(a));
    EXPECT_EQ(arena.used_bytes(), 0u);
    EXPECT_EQ(arena.live_blocks(), 0u);
}

TEST(StackArena, OutOfOrderFreeIsPoppedWithTheBlocksAboveIt) {
    StackArena arena(1 << 20);
    void* a = arena.allocate(256);
    void* b = arena.allocate(256);
    const size_t used_with_both = arena.used_bytes();
    EXPECT_TRUE(arena.release(a)); // not the top: stays until b goes
    EXPECT_EQ(arena.used_bytes(), used_with_both);
    EXPECT_TRUE(arena.release(b));
    EXPECT_EQ(arena.used_bytes(), 0u);
}

TEST(StackArena, RefusesWhatItCannotHoldAndPointersItDoesNotOwn) {
    StackArena arena(64 << 10);
    EXPECT_EQ(arena.allocate(1 << 20), nullptr);
    int outside = 0;
    EXPECT_FALSE(arena.release(&outside));
    void* a = arena.allocate(1024);
    EXPECT_NE(a, nullptr);
    EXPECT_TRUE(arena.release(a));
}

} // namespace
} // namespace memsched
