// The measured program: NOT built by CMake. measure/cachegrind_run.cpp
// compiles it with the system c++ at run time and links it with one layer's
// static library (layer_compile.h), then runs it under cachegrind.
//
//   layer_runner CALLS SETS FLUSH_BYTES W H C N S R CPG K OW OH [fc]
//
// Allocates SETS independent sets of input (W,H,C,N), weights (S,R,CPG,K)
// and output (OW,OH,K,N) (with `fc`: weights (CPG,K) and output (K,N)), fills the inputs with pseudo-random values (fixed
// seed, so runs take the same path), then reads a FLUSH_BYTES buffer once
// (0: no flush) so that no set is cached, and calls the pipeline CALLS times,
// call i on set i % SETS. With SETS >= CALLS every call finds its own
// tensors cold (the model's assumption) while the Halide runtime, the stack
// and the allocator's state stay warm, as in a network of layers. Two runs
// with the same SETS and FLUSH_BYTES differ only by the extra calls.
// Prints a checksum of the last call's output (see below); exit 1 on a
// Halide error.
#include "HalideBuffer.h"

#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

extern "C" int layer(halide_buffer_t* input, halide_buffer_t* weights, halide_buffer_t* output);

namespace {

using Buffer = Halide::Runtime::Buffer<float>;

void fill(Buffer& b, unsigned seed) {
    unsigned state = seed;
    b.for_each_value([&](float& v) {
        state = state * 1664525u + 1013904223u;
        v = float(state >> 8) / float(1u << 24) - 0.5f;
    });
}

struct TensorSet {
    Buffer input, weights, output;
};

} // namespace

int main(int argc, char** argv) {
    // Every allocation from the heap, never returned to the system: glibc
    // otherwise serves a large scratch buffer (a root reduction or padded
    // copy) with mmap on the first call and, its threshold raised by that
    // free, from fresh heap on the next, so the measured call would find its
    // scratch at new, cold addresses. Here call i+1 reuses call i's scratch,
    // as a layer does in a network run.
    mallopt(M_MMAP_THRESHOLD, 1 << 30);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    const bool fc = argc == 15 && std::string(argv[14]) == "fc";
    if (argc != 14 && !fc) {
        std::fprintf(stderr, "usage: layer_runner CALLS SETS FLUSH_BYTES W H C N S R CPG K OW OH [fc]\n");
        return 2;
    }
    const int calls = std::atoi(argv[1]), sets = std::atoi(argv[2]);
    const long flush_bytes = std::atol(argv[3]);
    int a[10];
    for (int i = 0; i < 10; i++) a[i] = std::atoi(argv[i + 4]);
    if (calls < 0 || sets < 1) return 2;
    std::vector<TensorSet> t;
    for (int i = 0; i < sets; i++) {
        if (fc)
            t.push_back({Buffer(a[0], a[1], a[2], a[3]), Buffer(a[6], a[7]), Buffer(a[7], a[3])});
        else
            t.push_back({Buffer(a[0], a[1], a[2], a[3]), Buffer(a[4], a[5], a[6], a[7]),
                         Buffer(a[8], a[9], a[7], a[3])});
        fill(t.back().input, 1 + i);
        fill(t.back().weights, 1001 + i);
        t.back().output.fill(0.0f);
    }
    std::vector<char> flush(size_t(flush_bytes > 0 ? flush_bytes : 0), 1);
    volatile long sink = 0;
    long acc = 0;
    for (size_t off = 0; off < flush.size(); off += 16) acc += flush[off];
    sink = acc;
    for (int i = 0; i < calls; i++) {
        TensorSet& s = t[size_t(i % sets)];
        if (layer(s.input, s.weights, s.output) != 0) {
            std::fprintf(stderr, "layer_runner: pipeline failed on call %d\n", i);
            return 1;
        }
    }
    // The checksum reads the output the LAST call wrote: in the 1-call and the
    // (1+N)-call run alike it is the output just written, so its reads hit or
    // miss the same way in both and cancel in the per-call difference.
    // (Reading set 0's output instead charged the N-call run for re-reading an
    // output its later calls had evicted: up to one output per call, e.g.
    // +50 KB on a 50 KB-output pool at LL 256 KiB.)
    double sum = 0;
    if (calls > 0) t[size_t((calls - 1) % sets)].output.for_each_value([&](float v) { sum += v; });
    std::printf("checksum %.6g %ld\n", sum, long(sink));
    return 0;
}
