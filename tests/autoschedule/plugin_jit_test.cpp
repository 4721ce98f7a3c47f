// Loads libautoschedule_memsched.so with Halide::load_plugin, schedules
// each test pipeline with "MemSched" and checks its JIT results against
// the unscheduled pipeline below, at and above the estimates.
#include "tests/autoschedule/plugin_loader.h"
#include "tests/autoschedule/test_pipelines.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

namespace memsched::testing {
namespace {

// Output sizes: at the estimate, tiny odd ones, and above.
std::vector<std::vector<int>> test_sizes(const std::vector<int>& e) {
    if (e.size() == 2) return {e, {1, 1}, {3, 1}, {7, 3}, {2 * e[0] + 3, e[1] + 1}};
    const int ch = e[2];
    return {e, {1, 1, 1, 1}, {3, 5, std::min(3, ch), 1}, {7, 9, ch, 1}, {2 * e[0] + 3, e[1] + 7, ch, e[3] + 1}};
}

class PluginJit : public ::testing::TestWithParam<NamedBuilder> {};

TEST_P(PluginJit, MatchesUnscheduledAtEverySize) {
    load_plugin_once();
    const Halide::Target target = Halide::get_jit_target_from_environment();
    TestPipeline reference = GetParam().build();
    TestPipeline scheduled = GetParam().build();
    Halide::Pipeline ref_p(reference.output), sch_p(scheduled.output);

    const auto start = std::chrono::steady_clock::now();
    Halide::AutoSchedulerResults results =
        sch_p.auto_schedule("MemSched", target, Halide::MachineParams(2, 16 << 20, 40));
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_LT(seconds, 1.0) << "scheduling took " << seconds << " s";
    EXPECT_EQ(results.scheduler_name, "MemSched");
    ASSERT_FALSE(results.schedule_source.empty());
    if (GetParam().name == "unmodeled") {
        EXPECT_NE(results.schedule_source.find("not modeled"), std::string::npos);
    } else {
        EXPECT_NE(results.schedule_source.find("predicted"), std::string::npos)
            << results.schedule_source;
    }

    // Narrow maps take the channel-vectorized block (x86 targets have >= 8 lanes).
    if (GetParam().name.rfind("narrow", 0) == 0 && target.arch == Halide::Target::X86)
        EXPECT_NE(results.schedule_source.find("channel vectors"), std::string::npos)
            << results.schedule_source;

    for (const auto& size : test_sizes(scheduled.estimate)) {
        SCOPED_TRACE(::testing::PrintToString(size));
        Halide::Buffer<float> want = run_test_pipeline(reference, ref_p, size, target);
        Halide::Buffer<float> got = run_test_pipeline(scheduled, sch_p, size, target);
        std::string first;
        EXPECT_EQ(count_mismatches(want, got, &first), 0) << first << results.schedule_source;
    }
}

INSTANTIATE_TEST_SUITE_P(Pipelines, PluginJit, ::testing::ValuesIn(all_test_pipelines()),
                         [](const auto& info) { return info.param.name; });

} // namespace
} // namespace memsched::testing
