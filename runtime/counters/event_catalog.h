// Maps the event names memsched uses ("cycles", "l2-misses", "dram-read-bytes",
// "uncore_imc/data_reads/", libpfm names) to the perf_event_open calls that
// count them, or to the reason they cannot be counted on this machine.
#pragma once

#include "runtime/counters/sysfs_pmu.h"

#include <cstdint>
#include <string>
#include <vector>

namespace memsched {

// One perf_event_open call. Several parts of one event are summed (one per IMC, per socket).
struct EventPart {
    uint32_t type = 0; // perf_event_attr.type (PERF_TYPE_* or a sysfs PMU type)
    uint64_t config = 0;
    uint64_t config1 = 0;
    uint64_t config2 = 0;
    // -1: count the calling process (and threads it creates later); >= 0: count this CPU
    // system-wide, as uncore PMUs require.
    int cpu = -1;
};

struct ResolvedEvent {
    std::string name; // as requested
    std::vector<EventPart> parts;
    double scale = 1.0;         // multiply the summed raw count by this to get `unit`
    std::string unit = "count"; // "count", "ns" or "bytes"
    bool software = false;      // PERF_TYPE_SOFTWARE: works without a PMU
    std::string reason;         // non-empty: the name cannot be encoded on this machine
};

// The names every benchmark asks for: cycles, instructions, l1d-misses, l2-misses,
// llc-misses, dram-read-bytes, dram-write-bytes.
std::vector<std::string> default_hardware_event_names();

// Resolves a name. Built-in names are listed in event_catalog.cpp; "pmu/terms/" reads the
// sysfs PMU (summed over pmu_0, pmu_1, ...); anything else goes to libpfm.
// `sysfs_root` is where PMUs are listed (tests pass a fake tree).
ResolvedEvent resolve_event(const std::string& name, const std::string& sysfs_root = kSysfsPmuRoot);

} // namespace memsched
