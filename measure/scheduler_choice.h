// The schedulers `memsched measure` can compile a layer with, and where each
// one's code lives: the hand schedule (generators/manual_schedules), no
// schedule at all, or an autoscheduler plugin loaded at run time.
#pragma once

#include <string>
#include <vector>

namespace memsched::measure {

enum class Scheduler { Naive, Manual, MemSched, Mullapudi2016, Adams2019, Li2018 };

// "naive", "manual", "memsched", "mullapudi2016", "adams2019", "li2018".
const char* to_string(Scheduler s);
std::vector<Scheduler> all_schedulers();
// Throws std::invalid_argument "--scheduler=NAME is unknown (known: ...)".
Scheduler parse_scheduler(const std::string& name, const std::string& field = "--scheduler");

bool is_plugin(Scheduler s);
// Halide's registered name ("MemSched", "Adams2019", ...); only for plugins.
const char* plugin_name(Scheduler s);
// The plugin's shared object (the build tree's for memsched, or
// $MEMSCHED_MEASURE_PLUGIN when set; Debian's for the others).
std::string plugin_path(Scheduler s);

} // namespace memsched::measure
