// keep_heap_for_pipelines (runtime/heap/pipeline_heap.h): a block freed at
// the top of the heap stays there for the next pipeline call. Its own
// executable: mallopt settings are process-wide.
#include "runtime/heap/pipeline_heap.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace {

TEST(PipelineHeap, FreedBlocksStayInTheHeap) {
    const std::string what = memsched::keep_heap_for_pipelines();
#if defined(__GLIBC__)
    EXPECT_NE(what.find("kept"), std::string::npos) << what;
    constexpr size_t kBytes = 8 << 20; // an intermediate buffer of a large layer
    char* const start = static_cast<char*>(sbrk(0));
    char* block = static_cast<char*>(std::malloc(kBytes));
    ASSERT_NE(block, nullptr);
    std::memset(block, 1, kBytes); // the pages a call faults in
    char* const top = static_cast<char*>(sbrk(0));
    // Served from the heap, not a fresh mmap (glibc's default past 128 KiB).
    EXPECT_GE(block, start - (64 << 20)) << "block outside the heap";
    EXPECT_LE(block + kBytes, top) << "block outside the heap";
    std::free(block);
    // Not trimmed: the next call finds its pages mapped.
    EXPECT_EQ(static_cast<char*>(sbrk(0)), top);
    // Reused as it is.
    char* again = static_cast<char*>(std::malloc(kBytes));
    EXPECT_EQ(again, block);
    std::free(again);
#else
    EXPECT_NE(what.find("not glibc"), std::string::npos) << what;
#endif
}

} // namespace
