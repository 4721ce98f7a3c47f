// Loads libautoschedule_memsched.so once per test process, for tests that
// schedule pipelines in-process with "MemSched". MEMSCHED_PLUGIN_PATH is a
// compile definition of each such test target (tests/autoschedule/CMakeLists.txt).
#pragma once

#include "Halide.h"

namespace memsched::testing {

inline void load_plugin_once() {
    static const bool loaded = [] {
        Halide::load_plugin(MEMSCHED_PLUGIN_PATH);
        return true;
    }();
    (void)loaded;
}

} // namespace memsched::testing
