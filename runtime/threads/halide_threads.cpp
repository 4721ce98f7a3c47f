// Implementation of set_halide_threads (see halide_threads.h).
#include "runtime/threads/halide_threads.h"

#include <HalideRuntime.h>

#include <stdexcept>
#include <string>

namespace memsched {
namespace {

extern "C" int run_iterations_in_order(void* user_context, halide_task_t f, int min, int size,
                                       uint8_t* closure) {
    for (int i = min; i < min + size; ++i)
        if (int r = f(user_context, i, closure)) return r;
    return 0;
}

} // namespace

void set_halide_threads(int threads) {
    if (threads < 1)
        throw std::invalid_argument("threads=" + std::to_string(threads) + " must be >= 1");
    halide_set_num_threads(threads);
    halide_set_custom_do_par_for(threads == 1 ? run_iterations_in_order : halide_default_do_par_for);
}

} // namespace memsched
