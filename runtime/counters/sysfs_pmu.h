// Reads the kernel's PMU descriptions under /sys/bus/event_source/devices so
// that perf-style "pmu/event/" names (e.g. uncore_imc_0/data_reads/) can be
// turned into perf_event_attr fields without hard-coding any encoding.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace memsched {

// Where the kernel lists its PMUs; tests point the functions below at a fake tree.
inline constexpr const char* kSysfsPmuRoot = "/sys/bus/event_source/devices";

// One PMU event resolved from sysfs.
struct SysfsEvent {
    std::string pmu;   // e.g. "uncore_imc_0"
    uint32_t type = 0; // perf_event_attr.type of this PMU (sysfs "type" file)
    uint64_t config = 0;
    uint64_t config1 = 0;
    uint64_t config2 = 0;
    // Multiply raw counts by this to get `unit` (sysfs "<event>.scale"); 1 if absent.
    double scale = 1.0;
    std::string unit; // sysfs "<event>.unit", e.g. "MiB"; empty for plain counts
    std::vector<int>
        cpus; // the PMU's cpumask (uncore PMUs: one CPU per socket); empty for core PMUs
};

// Names of all PMUs the kernel exposes, sorted.
std::vector<std::string> list_pmus(const std::string& root = kSysfsPmuRoot);

// PMUs named exactly `name`, or `name` followed by "_<digits>" (uncore_imc -> uncore_imc_0,
// uncore_imc_1, ...), so that one logical event can be summed over all its instances.
std::vector<std::string> pmus_matching(const std::string& name,
                                       const std::string& root = kSysfsPmuRoot);

// Resolves `event` on `pmu`. `event` is either an alias listed in <pmu>/events/ or a
// comma-separated term list ("event=0x3c,umask=0x1"); terms are placed into config
// fields through <pmu>/format/. On failure returns nullopt and says why in *reason.
std::optional<SysfsEvent> resolve_sysfs_event(const std::string& pmu, const std::string& event,
                                              std::string* reason,
                                              const std::string& root = kSysfsPmuRoot);

// Bytes per unit for the units sysfs uses on memory-traffic events ("MiB", "MB", "KiB",
// "bytes", ...); nullopt when `unit` is not a byte unit.
std::optional<double> bytes_per_unit(const std::string& unit);

} // namespace memsched
