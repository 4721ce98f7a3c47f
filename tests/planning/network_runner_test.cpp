// Real execution: the manual AOT layers of dncnn, tinyyolov2 (chains) and
// resnet18 (a DAG with residual adds and downsample branches) run at small
// spatial sizes with every activation in one arena at the planned offsets;
// the final output must equal a run with separate buffers bit for bit, with
// one thread (sequential plan) and with several (plan for any interleaving).
// A plan that overlaps two rows more than allowed must corrupt the output.
#include "model/memory_plan/arena_plan.h"
#include "model/memory_plan/network_shapes.h"
#include "runtime/network_runner/network_runner.h"

#include <gtest/gtest.h>

#include <cstring>

namespace memsched {
namespace {

struct Sized {
    const char* name;
    int64_t h, w;
};

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

class NetworkRunner : public ::testing::TestWithParam<Sized> {};

TEST_P(NetworkRunner, ArenaRunMatchesSeparateBuffersBitExactly) {
    const Sized s = GetParam();
    const Network net = resize_network(load_builtin_network(s.name), s.h, s.w);
    const VariantSet& variants = runner_variants(s.name);
    const RunResult reference = run_network(net, variants, nullptr, 1);
    ASSERT_EQ(reference.error, "");
    ASSERT_FALSE(reference.output.empty());

    PlanOptions sequential;
    const NetworkPlan seq = plan_network(net, sequential);
    ASSERT_EQ(check_plan(net, seq), "");
    EXPECT_LT(seq.arena_bytes, seq.lifetime_bytes) << "the sequential plan overlaps layers";
    const RunResult one = run_network(net, variants, &seq, 1);
    ASSERT_EQ(one.error, "");
    EXPECT_TRUE(same_bits(one.output, reference.output)) << s.name << " sequential plan, 1 thread";

    PlanOptions unordered;
    unordered.model = ParallelModel::Unordered;
    const NetworkPlan par = plan_network(net, unordered);
    ASSERT_EQ(check_plan(net, par), "");
    for (int threads : {2, 4}) {
        const RunResult many = run_network(net, variants, &par, threads);
        ASSERT_EQ(many.error, "");
        EXPECT_TRUE(same_bits(many.output, reference.output)) << s.name << " unordered plan, " << threads << " threads";
    }
}

INSTANTIATE_TEST_SUITE_P(Networks, NetworkRunner,
                         ::testing::Values(Sized{"dncnn", 48, 64}, Sized{"tinyyolov2", 64, 64},
                                           Sized{"resnet18", 64, 64}),
                         [](const auto& info) { return std::string(info.param.name); });

// conv3's output sits one row below conv2's (its largest safe overlap); two
// rows higher it overwrites conv2 rows that later row blocks still read.
TEST(NetworkRunnerCorruption, OverOverlapIsCaught) {
    const Network net = resize_network(load_builtin_network("dncnn"), 48, 64);
    const VariantSet& variants = runner_variants("dncnn");
    const RunResult reference = run_network(net, variants, nullptr, 1);
    ASSERT_EQ(reference.error, "");
    NetworkPlan plan = plan_network(net, {});
    const int conv2 = 2, conv3 = 3;
    ASSERT_EQ(plan.tensors[conv3].offset_elements - plan.tensors[conv2].offset_elements, -64);
    plan.tensors[conv3].offset_elements += 2 * 64;
    EXPECT_NE(check_plan(net, plan), "");
    const RunResult bad = run_network(net, variants, &plan, 1);
    ASSERT_EQ(bad.error, "");
    EXPECT_FALSE(same_bits(bad.output, reference.output));
}

} // namespace
} // namespace memsched
