// Correctness checks and benchmark registration (see layer_benchmarks.h).
#include "bench/layers/layer_benchmarks.h"

#include "bench/demo/layer_buffers.h"
#include "bench/layers/opencv_layer.h"
#include "bench/layers/predicted_traffic.h"
#include "runtime/counters/benchmark_counters.h"
#include "runtime/threads/halide_threads.h"

#include <HalideRuntime.h>
#include <benchmark/benchmark.h>
#include <opencv2/core.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <map>
#include <memory>
#include <random>

namespace memsched::bench {

namespace {

std::string halide_error;
void record_error(void*, const char* message) {
    halide_error = message;
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

// Largest |a - b| relative to max(1, |a|): schedules sum in different orders.
double max_rel_diff(const float* a, const float* b, size_t count) {
    double worst = 0;
    for (size_t i = 0; i < count; i++)
        worst =
            std::max(worst, std::abs(double(a[i]) - b[i]) / std::max(1.0, std::abs(double(a[i]))));
    return worst;
}

// One timed candidate of a layer: a Halide variant or OpenCV DNN.
struct Candidate {
    std::string variant;
    const VariantEntry* entry = nullptr;         // Halide variant; null for OpenCV
    std::shared_ptr<demo::LayerBuffers> buffers; // inputs shared with the other variants
    std::shared_ptr<OpenCvLayer> opencv;
    std::string error; // set: the check failed, the benchmark reports this
    std::map<std::string, double> extra_counters;
};

// Runs the candidate once; "" or the error.
std::string run_once(Candidate& c) {
    if (c.opencv) {
        try {
            run_opencv_layer(*c.opencv);
        } catch (const cv::Exception& e) {
            return "OpenCV DNN failed: " + e.msg;
        }
        return "";
    }
    halide_error.clear();
    const int rc = demo::run_variant(*c.entry, *c.buffers);
    return rc == 0 ? "" : "Halide error " + std::to_string(rc) + ": " + halide_error;
}

double wall_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

double process_cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

void set_threads(int threads) {
    set_halide_threads(threads); // 1 really means one (see halide_threads.h)
    cv::setNumThreads(threads);
}

// The benchmark body: one warm-up call, then timed calls under the counters.
void time_candidate(benchmark::State& state, Candidate& c, int threads, int64_t macs, int count) {
    if (!c.error.empty()) {
        state.SkipWithError(c.error.c_str());
        return;
    }
    set_threads(threads);
    if (std::string err = run_once(c); !err.empty()) {
        state.SkipWithError(err.c_str());
        return;
    }
    std::string err;
    const double wall_start = wall_seconds(), cpu_start = process_cpu_seconds();
    run_with_counters(state, [&] {
        if (err.empty())
            err = run_once(c);
    });
    const double wall = wall_seconds() - wall_start, cpu = process_cpu_seconds() - cpu_start;
    if (!err.empty()) {
        state.SkipWithError(err.c_str());
        return;
    }
    // The rates are computed here, not with Counter::kIsRate: without
    // UseRealTime() Google Benchmark would divide by the main thread's CPU
    // time, and UseRealTime()/MeasureProcessCPUTime() append "/real_time" to
    // the names, which must stay <set>/<layer>/<variant>/threads:<N>.
    const double flop = 2.0 * double(macs) * double(state.iterations());
    state.counters["gflops"] = flop / 1e9 / wall; // per wall-clock second
    // Per second of CPU time summed over the process's threads: what the
    // cores did while we ran, less sensitive to other processes' load.
    state.counters["cpu_gflops"] = flop / 1e9 / cpu;
    state.counters["macs"] = double(macs);
    state.counters["layer_count"] = count; // network layers sharing this shape
    for (const auto& [name, value] : c.extra_counters)
        state.counters[name] = value;
}

// Checks c's output against manual's; "" when they agree.
std::string check_against(Candidate& c, const Halide::Runtime::Buffer<float>& expected) {
    if (std::string err = run_once(c); !err.empty())
        return err;
    const float* got = nullptr;
    size_t count = 0;
    cv::Mat out;
    if (c.opencv) {
        out = run_opencv_layer(*c.opencv);
        if (!out.isContinuous())
            out = out.clone();
        got = out.ptr<float>(), count = out.total();
    } else {
        const auto& b = c.buffers->args.at("output");
        got = b.data(), count = b.number_of_elements();
    }
    if (count != expected.number_of_elements())
        return "output has " + std::to_string(count) + " elements, manual's " +
               std::to_string(expected.number_of_elements());
    const double diff = max_rel_diff(expected.data(), got, count);
    if (diff > 1e-3)
        return "output differs from manual's: max rel diff " + std::to_string(diff);
    return "";
}

// The memsched variant's predicted bytes into each level, as counters.
void add_predicted_counters(Candidate& c, const LayerBenchOptions& o, std::ostream& log) {
    std::string why;
    const auto shape = plugin_layer_shape(*c.entry, &why);
    if (!shape) {
        log << "  " << c.entry->config << "/memsched: no predicted traffic (" << why << ")\n";
        return;
    }
    const auto plan = predicted_plan(*shape, o.machine_parallelism, o.machine_llc_bytes);
    for (const auto& t : plan.traffic)
        c.extra_counters["predicted_" + t.level + "_bytes"] = t.bytes;
    c.extra_counters["predicted_seconds"] = plan.predicted_seconds;
}

} // namespace

RegistrationResult register_layer_benchmarks(const NamedLayerSet& set, const LayerBenchOptions& o,
                                             std::ostream& log) {
    halide_set_error_handler(record_error);
    RegistrationResult result;
    const int check_threads = *std::max_element(o.threads.begin(), o.threads.end());
    set_threads(check_threads);
    for (const std::string& config : set.set->configs()) {
        if (!o.layers.empty() && !contains(o.layers, config))
            continue;
        const VariantEntry* manual = set.set->find(config, "manual");
        if (!manual) {
            log << "ERROR: " << config << " has no manual variant to check against; skipped\n";
            result.failed_checks++;
            continue;
        }
        std::mt19937 rng(1);
        auto inputs = std::make_shared<demo::LayerBuffers>(demo::make_layer_buffers(*manual, rng));
        Candidate reference{"manual", manual, inputs};
        if (std::string err = run_once(reference); !err.empty()) {
            log << "ERROR: " << config << "/manual failed (" << err << "); layer skipped\n";
            result.failed_checks++;
            continue;
        }
        const Halide::Runtime::Buffer<float> expected = inputs->args.at("output").copy();
        const int count = std::max<int>(1, variant_layers(*manual).size());

        std::vector<Candidate> candidates;
        for (const VariantEntry& e : *set.set) {
            if (e.config != config)
                continue;
            const std::string v = e.variant;
            if (o.variants.empty() ? v == "naive" : !contains(o.variants, v))
                continue;
            auto buffers = std::make_shared<demo::LayerBuffers>(*inputs); // shares the inputs
            buffers->args["output"] = expected.copy();
            buffers->args["output"].fill(0.f);
            candidates.push_back({v, &e, buffers});
        }
        if (o.variants.empty() || contains(o.variants, "opencv")) {
            std::string why;
            if (auto cv_layer = make_opencv_layer(*manual, *inputs, &why)) {
                Candidate c{"opencv", nullptr, inputs};
                c.opencv = std::make_shared<OpenCvLayer>(std::move(*cv_layer));
                candidates.push_back(std::move(c));
            } else {
                log << "  " << config << "/opencv skipped: " << why << "\n";
            }
        }
        for (Candidate& c : candidates) {
            c.error = check_against(c, expected);
            if (!c.error.empty()) {
                log << "ERROR: " << set.network << "/" << config << "/" << c.variant
                    << " FAILED its check: " << c.error << "\n";
                result.failed_checks++;
            }
            if (c.variant == "memsched")
                add_predicted_counters(c, o, log);
        }
        // Registered layer by layer, thread count by thread count, so the
        // variants of one layer run next to each other (same machine load).
        for (int threads : o.threads) {
            for (const Candidate& c : candidates) {
                auto shared = std::make_shared<Candidate>(c);
                const std::string name = set.network + "/" + config + "/" + c.variant +
                                         "/threads:" + std::to_string(threads);
                benchmark::RegisterBenchmark(name.c_str(), [shared, threads, macs = inputs->macs,
                                                            count](benchmark::State& state) {
                    time_candidate(state, *shared, threads, macs, count);
                })->Unit(benchmark::kMillisecond);
                result.registered++;
            }
        }
    }
    return result;
}

} // namespace memsched::bench
