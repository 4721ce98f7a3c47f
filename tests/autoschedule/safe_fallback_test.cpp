// The plugin's safe fallback (safe_fallback.h): a scheduler that fails half
// way, on our invariant or on a Halide directive it got wrong, leaves no
// directive behind, and the plain schedule it falls back to computes what
// the unscheduled pipeline computes, at odd sizes, for every test pipeline.
#include "autoschedule/safe_fallback.h"
#include "tests/autoschedule/test_pipelines.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace memsched::autoschedule {
namespace {

using memsched::testing::count_mismatches;
using memsched::testing::NamedBuilder;
using memsched::testing::TestPipeline;

Halide::Target jit_target() { return Halide::get_jit_target_from_environment(); }

// Odd sizes (and the estimate) so that guarded vector tails run.
std::vector<std::vector<int>> odd_sizes(const std::vector<int>& e) {
    if (e.size() == 2) return {e, {1, 1}, {7, 3}};
    return {e, {1, 1, 1, 1}, {7, 9, std::min(3, e[2]), 1}, {e[0] + 3, e[1] + 1, e[2], 2}};
}

void expect_matches_reference(const NamedBuilder& builder, TestPipeline& scheduled,
                              Halide::Pipeline& scheduled_p, const std::string& source) {
    TestPipeline reference = builder.build();
    Halide::Pipeline reference_p(reference.output);
    const Halide::Target target = jit_target();
    for (const auto& size : odd_sizes(scheduled.estimate)) {
        SCOPED_TRACE(::testing::PrintToString(size));
        Halide::Buffer<float> want = run_test_pipeline(reference, reference_p, size, target);
        Halide::Buffer<float> got = run_test_pipeline(scheduled, scheduled_p, size, target);
        std::string first;
        EXPECT_EQ(count_mismatches(want, got, &first), 0) << first << source;
    }
}

// The first Func the output calls (the output itself when it calls none).
Halide::Func first_producer(const Halide::Func& output) {
    for (const auto& [name, f] : Halide::Internal::find_transitive_calls(output.function()))
        if (name != output.name()) return Halide::Func(f);
    return output;
}

bool has_split_named(const Halide::Internal::Function& f, const std::string& var) {
    for (const auto& s : f.definition().schedule().splits())
        if (s.outer == var || s.inner == var) return true;
    return false;
}


// Applies real directives, then fails the way a broken invariant does.
ScheduleReport fail_half_way(const Halide::Pipeline& p, const Halide::Target&, const PluginParams&) {
    Halide::Func out = p.outputs()[0];
    Halide::Var x = out.args()[0], half_o("half_o"), half_i("half_i");
    out.split(x, half_o, half_i, 4, Halide::TailStrategy::GuardWithIf);
    first_producer(out).compute_at(out, half_o);
    throw std::logic_error("layer fusion: no match for conv2");
}

// Issues a directive Halide rejects (a Var the stage does not have).
ScheduleReport misuse_halide(const Halide::Pipeline& p, const Halide::Target&, const PluginParams&) {
    Halide::Func out = p.outputs()[0];
    first_producer(out).compute_root();
    out.vectorize(Halide::Var("no_such_var"), 8);
    return {};
}

// One test pipeline scheduled through schedule_with_fallback.
struct FallbackRun {
    NamedBuilder builder;
    TestPipeline pipeline;
    Halide::Pipeline halide;
    ScheduleReport report;
    FallbackRun(const std::string& name, const Scheduler& scheduler)
        : builder{name, memsched::testing::test_pipeline(name)}, pipeline(builder.build()),
          halide(pipeline.output),
          report(schedule_with_fallback(halide, jit_target(), PluginParams{}, scheduler)) {}
    void expect_matches_reference() {
        memsched::autoschedule::expect_matches_reference(builder, pipeline, halide, report.source);
    }
};

TEST(SafeFallback, UndoesAHalfAppliedScheduleAndSaysWhy) {
    FallbackRun run("conv_bias_relu", fail_half_way);
    const std::string& source = run.report.source;
    EXPECT_NE(source.find("fell back to a plain schedule"), std::string::npos) << source;
    EXPECT_NE(source.find("no match for conv2"), std::string::npos) << source;
    ASSERT_FALSE(run.report.log_lines.empty());
    // The half-applied split and compute_at are gone; the plain schedule's are there.
    const Halide::Func& out = run.pipeline.output;
    EXPECT_FALSE(has_split_named(out.function(), "half_o"));
    Halide::LoopLevel producer_level = first_producer(out).function().schedule().compute_level();
    producer_level.lock();
    EXPECT_TRUE(producer_level.is_root());
    run.expect_matches_reference();
}

TEST(SafeFallback, RecoversFromADirectiveHalideRejects) {
    FallbackRun run("residual_block", misuse_halide);
    EXPECT_NE(run.report.source.find("no_such_var"), std::string::npos) << run.report.source;
    run.expect_matches_reference();
}

TEST(SafeFallback, ReturnsTheSchedulersReportWhenItSucceeds) {
    FallbackRun run("conv_only", [](const Halide::Pipeline&, const Halide::Target&,
                                    const PluginParams&) {
        return ScheduleReport{"// tuned\n", {"conv: tuned"}};
    });
    EXPECT_EQ(run.report.source, "// tuned\n");
    EXPECT_EQ(run.report.log_lines, std::vector<std::string>{"conv: tuned"});
}

class PlainSchedule : public ::testing::TestWithParam<NamedBuilder> {};

TEST_P(PlainSchedule, MatchesTheUnscheduledPipeline) {
    TestPipeline t = GetParam().build();
    Halide::Pipeline p(t.output);
    const ScheduleReport report = schedule_plainly(p, jit_target(), "test");
    EXPECT_NE(report.source.find("compute_root"), std::string::npos) << report.source;
    expect_matches_reference(GetParam(), t, p, report.source);
}

INSTANTIATE_TEST_SUITE_P(Pipelines, PlainSchedule,
                         ::testing::ValuesIn(memsched::testing::all_test_pipelines()),
                         [](const auto& info) { return info.param.name; });

} // namespace
} // namespace memsched::autoschedule
