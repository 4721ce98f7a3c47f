// What the roofline numbers were measured on: CPU model, logical CPUs, cache
// geometry (from /sys), memory available and the load at the time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace memsched {

struct CacheLevel {
    int level = 0;
    std::string type; // "Data", "Instruction", "Unified"
    uint64_t size_bytes = 0;
    std::string shared_cpu_list; // which logical CPUs share one instance
};

struct MachineInfo {
    std::string cpu_model;               // /proc/cpuinfo "model name" (or "unknown")
    int logical_cpus = 0;                // std::thread::hardware_concurrency
    std::vector<CacheLevel> caches;      // cpu0's caches, innermost first
    uint64_t memory_available_bytes = 0; // /proc/meminfo MemAvailable
};

MachineInfo read_machine_info();

// The largest data or unified cache of cpu0 (the LLC); 0 if /sys has none.
uint64_t last_level_cache_bytes(const MachineInfo& info);

// /proc/loadavg's 1-minute figure, or -1 if unreadable.
double load_average_1min();

} // namespace memsched
