// Turns a failed perf_event_open into a sentence a user can act on: which
// errno, what it means on Linux, and the machine facts behind it (exposed
// PMUs, perf_event_paranoid).
#pragma once

#include <optional>
#include <string>

namespace memsched {

// /proc/sys/kernel/perf_event_paranoid, or nullopt when unreadable (no perf support at all).
std::optional<int> perf_event_paranoid();

// Why perf_event_open failed with `err`. The event's name is not repeated: readings carry
// it, and reasons without it group into one line for many events.
// `system_wide` is true for events opened per CPU (uncore), which need more privilege.
std::string describe_perf_open_error(int err, bool system_wide);

} // namespace memsched
