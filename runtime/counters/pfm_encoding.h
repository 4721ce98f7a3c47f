// Event-name lookup through libpfm4 (pfm_get_os_event_encoding), kept in its
// own file because libpfm's perf_event.h clashes with <linux/perf_event.h>.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace memsched {

// The perf_event_attr fields libpfm chose for an event name.
struct PfmEncoding {
    uint32_t type = 0;
    uint64_t config = 0;
    uint64_t config1 = 0;
    uint64_t config2 = 0;
    std::string canonical_name; // libpfm's fully qualified name, e.g. "skx::L2_RQSTS:MISS"
};

// Encodes `name` (e.g. "L2_RQSTS:MISS", "INST_RETIRED:ANY_P") for user-level counting on
// the PMUs libpfm detected; nullopt with *reason when libpfm cannot.
std::optional<PfmEncoding> pfm_encode(const std::string& name, std::string* reason);

} // namespace memsched
