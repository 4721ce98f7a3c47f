// Scheduler names and plugin locations (see scheduler_choice.h). Plugin
// paths are fixed at configure time by measure/CMakeLists.txt.
#include "measure/scheduler_choice.h"

#include <cstdlib>
#include <stdexcept>

namespace memsched::measure {

const char* to_string(Scheduler s) {
    switch (s) {
    case Scheduler::Naive: return "naive";
    case Scheduler::Manual: return "manual";
    case Scheduler::MemSched: return "memsched";
    case Scheduler::Mullapudi2016: return "mullapudi2016";
    case Scheduler::Adams2019: return "adams2019";
    case Scheduler::Li2018: return "li2018";
    }
    return "?";
}

std::vector<Scheduler> all_schedulers() {
    return {Scheduler::Naive, Scheduler::Manual, Scheduler::MemSched,
            Scheduler::Mullapudi2016, Scheduler::Adams2019, Scheduler::Li2018};
}

Scheduler parse_scheduler(const std::string& name, const std::string& field) {
    std::string known;
    for (Scheduler s : all_schedulers()) {
        if (name == to_string(s)) return s;
        known += (known.empty() ? "" : ", ") + std::string(to_string(s));
    }
    throw std::invalid_argument(field + "=" + name + " is unknown (known: " + known + ")");
}

bool is_plugin(Scheduler s) { return s != Scheduler::Naive && s != Scheduler::Manual; }

const char* plugin_name(Scheduler s) {
    switch (s) {
    case Scheduler::MemSched: return "MemSched";
    case Scheduler::Mullapudi2016: return "Mullapudi2016";
    case Scheduler::Adams2019: return "Adams2019";
    case Scheduler::Li2018: return "Li2018";
    default: return "";
    }
}

std::string plugin_path(Scheduler s) {
    switch (s) {
    case Scheduler::MemSched: {
        // Another build of the plugin (e.g. one of a clean checkout, while
        // the build tree holds work in progress).
        const char* other = std::getenv("MEMSCHED_MEASURE_PLUGIN");
        return other && *other ? other : MEMSCHED_PLUGIN_MEMSCHED;
    }
    case Scheduler::Mullapudi2016: return MEMSCHED_PLUGIN_MULLAPUDI2016;
    case Scheduler::Adams2019: return MEMSCHED_PLUGIN_ADAMS2019;
    case Scheduler::Li2018: return MEMSCHED_PLUGIN_LI2018;
    default: return "";
    }
}

} // namespace memsched::measure
