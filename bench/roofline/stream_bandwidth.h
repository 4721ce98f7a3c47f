// Sustained memory bandwidth, STREAM style: copy, scale, add and triad over
// three double arrays much larger than the last-level cache, on 1..N threads.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace memsched {

struct StreamKernelResult {
    std::string name;             // "copy", "scale", "add", "triad"
    int bytes_per_element = 0;    // STREAM's count: reads + writes, no write-allocate
    std::vector<double> wall_s;   // one per repetition
    std::vector<double> gbs_wall; // per repetition: all bytes / wall time
    // Per repetition: sum over threads of that thread's bytes / its CPU time (see TeamTimes).
    std::vector<double> gbs_cpu;
};

struct StreamResult {
    size_t elements = 0; // per array
    int threads = 1;
    std::vector<StreamKernelResult> kernels;
    bool validated = false; // the arrays hold what the kernels should have computed
    std::string validation_error;
};

// Owns the three arrays, 64-byte aligned. Pages are first touched by the thread that
// will use them in the all-threads run (NUMA placement), in parallel.
class StreamArrays {
public:
    StreamArrays(size_t elements, int threads);
    ~StreamArrays();
    StreamArrays(const StreamArrays&) = delete;
    StreamArrays& operator=(const StreamArrays&) = delete;

    size_t elements() const { return elements_; }
    double* a() { return a_; }
    double* b() { return b_; }
    double* c() { return c_; }

private:
    size_t elements_;
    double* a_ = nullptr;
    double* b_ = nullptr;
    double* c_ = nullptr;
};

// Runs the four kernels `repetitions` times on `threads` threads (static split of the
// arrays), timing each kernel separately, then checks the results. Resets the arrays first.
StreamResult measure_stream(StreamArrays& arrays, int threads, int repetitions);

} // namespace memsched
