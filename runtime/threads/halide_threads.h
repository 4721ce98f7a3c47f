// set_halide_threads: how many threads AOT Halide pipelines use from now on.
// Halide 14's halide_set_num_threads(1) alone does not make a pipeline run
// on one thread once the pool has workers: measured here, a "1-thread" run
// used 2 cores (process CPU time twice the wall time, above the 1-core FMA
// peak), and a 1-thread run after a 4-thread one still interleaved parallel
// iterations. For 1 thread this also installs a do_par_for that runs the
// iterations in order on the calling thread.
#pragma once

namespace memsched {

// threads >= 1; throws std::invalid_argument otherwise.
void set_halide_threads(int threads);

} // namespace memsched
