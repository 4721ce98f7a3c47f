// Real execution: the manual AOT layers of dncnn, tinyyolov2 (chains) and
// resnet18 (a DAG with residual adds and downsample branches) run at small
// spatial sizes with every activation in one arena at the planned offsets;
// the final output must equal a run with separate buffers bit for bit, with
// one thread (sequential plan) and with several (plan for any interleaving).
// The sequential plans of the chains run conv layers bottom-up (the
// `manualrev` variants) as well as top-down. A plan that overlaps two rows
// more than allowed, or runs a layer in the other direction than planned,
// must corrupt the output.
#include "model/memory_plan/arena_plan.h"
#include "model/memory_plan/network_shapes.h"
#include "runtime/network_runner/network_runner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
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
    int reverse = 0;
    for (const LayerMemory& m : seq.layers) reverse += m.sweep == RowSweep::Reverse;
    if (std::string(s.name) != "resnet18") EXPECT_GT(reverse, 0) << s.name << ": the chain zig-zags";
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

class NetworkRunnerCorruption : public ::testing::Test {
protected:
    const Network net = resize_network(load_builtin_network("dncnn"), 48, 64);
    const VariantSet& variants = runner_variants("dncnn");
    NetworkPlan plan = plan_network(net, {});
    static constexpr int conv2 = 2, conv3 = 3; // tensors; conv3 is layer 2
    int64_t offset() const { return plan.tensors[conv3].offset_elements - plan.tensors[conv2].offset_elements; }

    // A tampered tensor may leave the arena: shift and grow the arena so the
    // run stays inside its memory (the overlaps are unchanged).
    void rebase() {
        int64_t lo = 0, hi = 0;
        for (const TensorPlacement& t : plan.tensors) {
            lo = std::min(lo, t.offset_elements);
            hi = std::max(hi, t.offset_elements + t.span_elements());
        }
        for (TensorPlacement& t : plan.tensors) t.offset_elements -= lo;
        plan.arena_bytes = std::max(plan.arena_bytes, (hi - lo) * plan.element_bytes);
    }

    void expect_corrupted() {
        rebase();
        EXPECT_NE(check_plan(net, plan), "");
        const RunResult reference = run_network(net, variants, nullptr, 1);
        ASSERT_EQ(reference.error, "");
        const RunResult bad = run_network(net, variants, &plan, 1);
        ASSERT_EQ(bad.error, "");
        EXPECT_FALSE(same_bits(bad.output, reference.output));
    }
};

// conv3's output sits one row (64 elements) beside conv2's, below it when
// conv3 runs top-down and above it bottom-up (its largest safe overlap); two
// rows further in it overwrites conv2 rows that later row blocks still read.
TEST_F(NetworkRunnerCorruption, OverOverlapIsCaught) {
    ASSERT_EQ(check_plan(net, plan), "");
    ASSERT_EQ(std::llabs(offset()), 64);
    ASSERT_EQ(offset() > 0, plan.layers[2].sweep == RowSweep::Reverse);
    plan.tensors[conv3].offset_elements -= 2 * offset();
    expect_corrupted();
}

// The same placement run in the other direction: a bottom-up layer's output
// above its input is overwritten top-down before the rows below are read.
TEST_F(NetworkRunnerCorruption, WrongSweepIsCaught) {
    ASSERT_EQ(check_plan(net, plan), "");
    ASSERT_EQ(std::llabs(offset()), 64);
    plan.layers[2].sweep = plan.layers[2].sweep == RowSweep::Reverse ? RowSweep::Forward : RowSweep::Reverse;
    expect_corrupted();
}

} // namespace
} // namespace memsched
