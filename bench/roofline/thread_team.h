// Runs the same work on N threads started together, repetition after
// repetition, and times each repetition from release to the last finisher.
// Threads live across repetitions so each keeps touching its own part of memory.
#pragma once

#include <functional>
#include <vector>

namespace memsched {

// Calls setup(thread) once on each thread, then body(thread, repetition) on all threads
// together `repetitions` times; returns the wall time of each repetition in seconds.
// Thread 0 is the calling thread.
std::vector<double> time_on_threads(int threads, int repetitions,
                                    const std::function<void(int)> &setup,
                                    const std::function<void(int, int)> &body);

} // namespace memsched
