// Driving the STREAM kernels: array ownership and first touch, the per-kernel
// timing on a thread team, and STREAM's result check.
#include "bench/roofline/stream_bandwidth.h"

#include "bench/roofline/stream_kernels.h"
#include "bench/roofline/thread_team.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <new>
#include <thread>

namespace memsched {
namespace {

struct Range {
    size_t begin;
    size_t end;
};

// Thread t's share, rounded to 8 doubles (a cache line) so threads never share a line.
Range share(size_t elements, int threads, int t) {
    size_t lines = (elements + 7) / 8;
    size_t begin = std::min(elements, lines * t / threads * 8);
    size_t end = std::min(elements, lines * (t + 1) / threads * 8);
    return {begin, end};
}

double* allocate(size_t elements) {
    void* p = std::aligned_alloc(64, ((elements * sizeof(double) + 63) / 64) * 64);
    if (p == nullptr) {
        throw std::bad_alloc();
    }
    return static_cast<double*>(p);
}

void fill(StreamArrays& arrays, size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
        arrays.a()[i] = 1.0;
        arrays.b()[i] = 2.0;
        arrays.c()[i] = 0.0;
    }
}

// Replays the kernels on scalars, as STREAM's checkSTREAMresults does.
std::string check(StreamArrays& arrays, int repetitions) {
    double a = 1.0, b = 2.0, c = 0.0;
    for (int rep = 0; rep < repetitions; ++rep) {
        c = a;
        b = kStreamScalar * c;
        c = a + b;
        a = b + kStreamScalar * c;
    }
    const double expected[3] = {a, b, c};
    double* arrays_[3] = {arrays.a(), arrays.b(), arrays.c()};
    const char* names[3] = {"a", "b", "c"};
    size_t n = arrays.elements();
    // A sample spread over the arrays (every thread's share) is enough to catch a skipped range.
    size_t step = std::max<size_t>(1, n / 4099);
    for (int k = 0; k < 3; ++k) {
        for (size_t i = 0; i < n; i += step) {
            if (std::abs(arrays_[k][i] - expected[k]) > 1e-13 * std::abs(expected[k])) {
                return std::string("array ") + names[k] + "[" + std::to_string(i) +
                       "] = " + std::to_string(arrays_[k][i]) + ", expected " +
                       std::to_string(expected[k]);
            }
        }
    }
    return "";
}

} // namespace

StreamArrays::StreamArrays(size_t elements, int threads)
    : elements_(elements), a_(allocate(elements)), b_(allocate(elements)), c_(allocate(elements)) {
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([this, elements, threads, t] {
            Range r = share(elements, threads, t);
            fill(*this, r.begin, r.end);
        });
    }
    for (std::thread& w : workers) {
        w.join();
    }
}

StreamArrays::~StreamArrays() {
    std::free(a_);
    std::free(b_);
    std::free(c_);
}

StreamResult measure_stream(StreamArrays& arrays, int threads, int repetitions) {
    StreamResult result;
    result.elements = arrays.elements();
    result.threads = threads;
    result.kernels = {{"copy", 16}, {"scale", 16}, {"add", 24}, {"triad", 24}};
    double* a = arrays.a();
    double* b = arrays.b();
    double* c = arrays.c();
    size_t n = arrays.elements();
    // Each kernel is a step of its own, timed between the team's barriers.
    std::vector<Range> ranges;
    for (int t = 0; t < threads; ++t) {
        ranges.push_back(share(n, threads, t));
    }
    const int kernels = 4;
    TeamTimes times = time_on_threads(
        threads, repetitions * kernels,
        [&](int t) { fill(arrays, ranges[t].begin, ranges[t].end); },
        [&](int t, int step) {
            Range r = ranges[t];
            switch (step % kernels) {
            case 0:
                stream_copy(c, a, r.begin, r.end);
                break;
            case 1:
                stream_scale(b, c, r.begin, r.end);
                break;
            case 2:
                stream_add(c, a, b, r.begin, r.end);
                break;
            default:
                stream_triad(a, b, c, r.begin, r.end);
                break;
            }
        });
    // Steps run kernel after kernel, so repetitions of each kernel come in order.
    for (int step = 0; step < repetitions * kernels; ++step) {
        StreamKernelResult& k = result.kernels[step % kernels];
        double bytes = static_cast<double>(k.bytes_per_element) * static_cast<double>(n);
        k.wall_s.push_back(times.wall_s[step]);
        k.gbs_wall.push_back(bytes / times.wall_s[step] / 1e9);
        double cpu_rate = 0.0;
        for (int t = 0; t < threads; ++t) {
            double thread_bytes = static_cast<double>(k.bytes_per_element) *
                                  static_cast<double>(ranges[t].end - ranges[t].begin);
            cpu_rate += thread_bytes / times.thread_cpu_s[step][t] / 1e9;
        }
        k.gbs_cpu.push_back(cpu_rate);
    }
    result.validation_error = check(arrays, repetitions);
    result.validated = result.validation_error.empty();
    return result;
}

} // namespace memsched
