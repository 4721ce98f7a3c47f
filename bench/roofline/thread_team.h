// Runs the same work on N threads started together, repetition after
// repetition, and times each repetition from release to the last finisher.
// Threads live across repetitions so each keeps touching its own part of memory.
#pragma once

#include <functional>
#include <vector>

namespace memsched {

struct TeamTimes {
    // Wall time of each repetition, from release to the last thread's finish.
    std::vector<double> wall_s;
    // CPU time each thread spent in body, [repetition][thread]. On a shared machine a
    // thread can be descheduled mid-repetition: wall time then measures our share of the
    // machine, CPU time what the hardware did while we ran. Idle machine: the two agree.
    std::vector<std::vector<double>> thread_cpu_s;
};

// Calls setup(thread) once on each thread, then body(thread, repetition) on all threads
// together `repetitions` times. Thread 0 is the calling thread.
TeamTimes time_on_threads(int threads, int repetitions, const std::function<void(int)>& setup,
                          const std::function<void(int, int)>& body);

// Wall time of the calling thread's CPU use so far (CLOCK_THREAD_CPUTIME_ID), in seconds.
double thread_cpu_seconds();

} // namespace memsched
