// A blocking barrier (not a spinning one: the machines this runs on may be
// shared, and spinning threads would steal the cores being measured).
#include "bench/roofline/thread_team.h"

#include <chrono>
#include <condition_variable>
#include <ctime>
#include <mutex>
#include <thread>

namespace memsched {
namespace {

class Barrier {
public:
    explicit Barrier(int count) : count_(count) {}
    void wait() {
        std::unique_lock<std::mutex> lock(mutex_);
        int generation = generation_;
        if (++waiting_ == count_) {
            waiting_ = 0;
            ++generation_;
            cv_.notify_all();
            return;
        }
        cv_.wait(lock, [&] { return generation != generation_; });
    }

private:
    std::mutex mutex_;
    std::condition_variable cv_;
    int count_;
    int waiting_ = 0;
    int generation_ = 0;
};

} // namespace

double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

TeamTimes time_on_threads(int threads, int repetitions, const std::function<void(int)>& setup,
                          const std::function<void(int, int)>& body) {
    using Clock = std::chrono::steady_clock;
    Barrier barrier(threads);
    TeamTimes times;
    times.wall_s.assign(repetitions, 0.0);
    times.thread_cpu_s.assign(repetitions, std::vector<double>(threads, 0.0));
    auto run = [&](int thread) {
        setup(thread);
        for (int rep = 0; rep < repetitions; ++rep) {
            barrier.wait();
            Clock::time_point start = Clock::now();
            double cpu_start = thread_cpu_seconds();
            body(thread, rep);
            // Each thread writes only its own slot: no lock needed.
            times.thread_cpu_s[rep][thread] = thread_cpu_seconds() - cpu_start;
            barrier.wait(); // the repetition ends when the slowest thread does
            if (thread == 0) {
                times.wall_s[rep] = std::chrono::duration<double>(Clock::now() - start).count();
            }
        }
    };
    std::vector<std::thread> workers;
    for (int t = 1; t < threads; ++t) {
        workers.emplace_back(run, t);
    }
    run(0);
    for (std::thread& w : workers) {
        w.join();
    }
    return times;
}

} // namespace memsched
