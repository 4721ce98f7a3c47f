// Halide's heap allocations with a guard band after each, checked when
// Halide frees them: a pipeline that writes past the end of one of its
// buffers fails its test instead of silently corrupting the heap (Halide
// 14's loop partitioning once gave SqueezeNet's 13x13 pads an unguarded
// extra row; see generators/layers/padding.cpp).
#pragma once

#include <cstdint>

namespace memsched::testing {

// Routes halide_malloc / halide_free of the AOT pipelines linked into this
// binary through the guarded allocator (idempotent).
void install_guarded_halide_allocator();

// Allocations freed so far whose guard band was written.
int64_t guarded_halide_overruns();

} // namespace memsched::testing
