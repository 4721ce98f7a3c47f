// MemoryHierarchy: the memory levels a schedule moves data between, listed
// from the innermost (registers/L1/scratchpad) to the outermost backing
// store (DRAM). Hardware-only; knows nothing of layers or schedules.
#pragma once

#include "model/eval_status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace memsched {

struct MemoryLevel {
    std::string name;
    int64_t capacity_bytes = 0;  // ignored for the outermost level (unbounded)
    int64_t line_bytes = 64;     // transfers INTO this level move whole lines
    // Rate at which this level serves the level inside it (time objective).
    double bandwidth_bytes_per_s = 0.0;
    int associativity = 8;       // for the cache oracle only; 0 = fully associative
};

struct MemoryHierarchy {
    std::vector<MemoryLevel> levels; // innermost first; the last is the backing store

    // Buffer levels a schedule tiles for: all but the backing store.
    int buffer_levels() const { return static_cast<int>(levels.size()) - 1; }

    // The embedded-accelerator view: one application-managed buffer of
    // `buffer_bytes` in front of DRAM; transfers in `line_bytes` bursts.
    static MemoryHierarchy scratchpad(int64_t buffer_bytes, int64_t line_bytes = 64,
                                      double dram_bytes_per_s = 10e9);

    // L1d, L2, ... from /sys/devices/system/cpu/cpu0/cache (data and unified
    // caches), then DRAM. Bandwidths are rough per-core defaults
    // (L1 200 GB/s, L2 100, L3 50, DRAM 10) since sysfs does not report them.
    // Throws std::runtime_error when the directory cannot be read.
    static MemoryHierarchy from_host(const std::string& sysfs_cache_dir =
                                         "/sys/devices/system/cpu/cpu0/cache");

    // Checks at least two levels, positive capacities and line sizes.
    EvalStatus validate() const;
};

} // namespace memsched
