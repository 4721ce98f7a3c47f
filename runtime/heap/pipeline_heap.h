// keep_heap_for_pipelines: makes glibc keep the memory Halide pipelines free
// between calls instead of handing it back to the kernel.
//
// An AOT pipeline mallocs its intermediate buffers on every call. glibc
// returns the top of its heap to the kernel once more than its trim
// threshold is free there, and serves large blocks with fresh mmaps; both
// thresholds move with the allocation history. A pipeline whose frees
// happen to leave a large free top then faults every page back in on the
// next call: GoogLeNet @224 planned for 1 MiB took 1110 page faults per call
// against 210 layer by layer and spent 10% of its time in the kernel
// (74.7 ms against 67.3; with the heap kept, 65.7 against 69.3, bench/RESULTS.md
// session 23). Benchmarks and runners call this once, before any pipeline,
// so that every scheduler's pipelines run under the same allocator.
#pragma once

#include <string>

namespace memsched {

// Sets glibc's trim threshold beyond any network's working set and its mmap
// threshold to its maximum (32 MiB), so freed blocks are reused. Returns
// what it set, or why nothing was set (not glibc); throws
// std::runtime_error if glibc refuses a setting.
std::string keep_heap_for_pipelines();

} // namespace memsched
