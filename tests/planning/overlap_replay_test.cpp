// The overlap analysis against the element-level replay: on random layers,
// layouts and both parallel models, every offset the analysis calls safe
// replays without overwriting a live input element and every offset it calls
// unsafe is caught by the replay; the best overlap plus one element fails.
// Conv cases sweep rows top-down or bottom-up.
#include "model/memory_plan/execution_order.h"
#include "model/memory_plan/layer_access.h"
#include "model/memory_plan/overlap.h"
#include "model/memory_plan/replay.h"

#include <gtest/gtest.h>

#include <random>

namespace memsched {
namespace {

struct Case {
    ExecutionOrder order;
    std::vector<TensorLayout> ins;
    TensorLayout out;
};

TensorLayout layout(const TensorDims& d, int64_t gap) { return {d.n, d.c, d.h, d.w, gap}; }

Case random_case(std::mt19937& rng) {
    auto pick = [&](int lo, int hi) { return int64_t(std::uniform_int_distribution<int>(lo, hi)(rng)); };
    const int64_t gap = pick(0, 2), kind = pick(0, 2);
    TensorDims in{pick(1, 2), pick(1, 4), pick(3, 9), pick(1, 7)};
    Case c;
    if (kind == 0) { // conv
        const int64_t kernel = pick(1, 3), stride = pick(1, 2), pad = pick(0, kernel - 1);
        const int64_t oh = (in.h + 2 * pad - kernel) / stride + 1, ow = (in.w + 2 * pad - kernel) / stride + 1;
        TensorDims out{in.n, pick(1, 4), oh, std::max<int64_t>(ow, 1)};
        const RowSweep sweep = pick(0, 1) ? RowSweep::Reverse : RowSweep::Forward;
        c.order = manual_conv_order(in, out, {kernel, stride, pad, 1}, pick(1, 3), sweep);
    } else if (kind == 1) { // pool
        const int64_t kernel = pick(1, 3), stride = pick(1, 2);
        TensorDims out{in.n, in.c, (in.h - kernel) / stride + 1, std::max<int64_t>((in.w - kernel) / stride + 1, 1)};
        c.order = manual_pool_order(in, out, {kernel, stride, 0, 1}, {kernel, stride, 0, 1});
    } else { // add
        c.order = manual_pointwise_order({in, in}, in);
    }
    for (const TensorDims& d : c.order.inputs) c.ins.push_back(layout(d, gap));
    c.out = layout(c.order.output, gap);
    return c;
}

// Input 0 at 0, input 1 (if any) far away, output at o.
ReplayResult replay_at(const Case& c, int64_t o, ParallelModel m) {
    std::vector<int64_t> bases{0};
    if (c.ins.size() > 1) bases.push_back(1'000'000);
    return replay_placement(c.order, c.ins, c.out, bases, o, m);
}

TEST(OverlapReplay, AnalysisAgreesWithReplayAtEveryOffset) {
    std::mt19937 rng(7);
    int unsafe_seen = 0, overlapping_safe_seen = 0;
    for (int iter = 0; iter < 120; ++iter) {
        const Case c = random_case(rng);
        const LayerAccess access = build_layer_access(c.order, c.ins, c.out);
        for (ParallelModel m : {ParallelModel::Sequential, ParallelModel::Unordered}) {
            const OverlapAnalysis a = analyze_overlap(access, 0, m);
            for (int64_t o = -a.output_span - 2; o <= a.input_span + 2; ++o) {
                const ReplayResult r = replay_at(c, o, m);
                ASSERT_EQ(a.is_safe(o), r.ok()) << c.order.schedule << " model " << to_string(m) << " offset " << o
                                               << ": " << r.first;
                if (!r.ok()) ++unsafe_seen;
                if (r.ok() && o > -a.output_span && o < a.input_span) ++overlapping_safe_seen;
            }
            EXPECT_TRUE(a.is_safe(a.best_offset));
            EXPECT_LE(a.min_span, a.input_span + a.output_span);
        }
    }
    // The test exercises both outcomes.
    EXPECT_GT(unsafe_seen, 1000);
    EXPECT_GT(overlapping_safe_seen, 100);
}

TEST(OverlapReplay, OneMoreElementOfOverlapIsCaught) {
    std::mt19937 rng(11);
    int checked = 0;
    for (int iter = 0; iter < 200; ++iter) {
        const Case c = random_case(rng);
        const LayerAccess access = build_layer_access(c.order, c.ins, c.out);
        const OverlapAnalysis a = analyze_overlap(access, 0, ParallelModel::Sequential);
        // The joint span is smallest (max(in, out), full containment) on
        // [t0, t1]; left of it, moving the output up one element overlaps one
        // more element, right of it moving it down does.
        const int64_t t0 = std::min<int64_t>(0, a.input_span - a.output_span);
        const int64_t t1 = std::max<int64_t>(0, a.input_span - a.output_span);
        const int64_t below = a.best_offset_below, above = a.best_offset_above;
        if (below < t0) {
            ASSERT_EQ(a.span_at(below + 1), a.span_at(below) - 1);
            EXPECT_TRUE(replay_at(c, below, ParallelModel::Sequential).ok());
            EXPECT_FALSE(replay_at(c, below + 1, ParallelModel::Sequential).ok()) << c.order.schedule;
            ++checked;
        }
        if (above > t1) {
            ASSERT_EQ(a.span_at(above - 1), a.span_at(above) - 1);
            EXPECT_TRUE(replay_at(c, above, ParallelModel::Sequential).ok());
            EXPECT_FALSE(replay_at(c, above - 1, ParallelModel::Sequential).ok()) << c.order.schedule;
            ++checked;
        }
    }
    EXPECT_GT(checked, 50);
}

// Hand-derived: a 3x3 pad-1 conv swept in blocks of 2 rows writes row y'
// after its block staged input rows up to 2*floor(y'/2)+2, so output row y'
// may only cover input rows <= y'-1 (odd y'): the output sits one row below
// the input. One gap row per plane keeps the first rows of plane k off the
// last rows of input plane k-1; without it only about one plane overlaps.
TEST(OverlapReplay, ConvRowSweepClosedForm) {
    const TensorDims in{1, 8, 16, 10}, out{1, 8, 16, 10};
    const ExecutionOrder order = manual_conv_order(in, out, {3, 1, 1, 1}, 2);
    const LayerAccess gap1 = build_layer_access(order, {layout(in, 1)}, layout(out, 1));
    const OverlapAnalysis a = analyze_overlap(gap1, 0, ParallelModel::Sequential);
    EXPECT_EQ(a.best_offset_below, -10);
    EXPECT_EQ(a.min_span, a.input_span + 10);
    const LayerAccess dense = build_layer_access(order, {layout(in, 0)}, layout(out, 0));
    const OverlapAnalysis d = analyze_overlap(dense, 0, ParallelModel::Sequential);
    EXPECT_LE(d.overlap_elements(), 16 * 10 + 10);
    // Parallel row blocks share halo rows: no overlap survives any interleaving.
    const OverlapAnalysis u = analyze_overlap(gap1, 0, ParallelModel::Unordered);
    EXPECT_EQ(u.overlap_elements(), 0);
}

// The mirror image: swept bottom-up, output row y' is written after the
// staged input rows down to y'-1 of its block are read, so the output may
// cover input rows >= y'+1: it sits one row above the input, and the
// top-down placement (one row below) is unsafe, and vice versa.
TEST(OverlapReplay, ConvReverseSweepClosedForm) {
    const TensorDims in{1, 8, 16, 10}, out{1, 8, 16, 10};
    const ExecutionOrder up = manual_conv_order(in, out, {3, 1, 1, 1}, 2, RowSweep::Reverse);
    const ExecutionOrder down = manual_conv_order(in, out, {3, 1, 1, 1}, 2, RowSweep::Forward);
    const OverlapAnalysis r =
        analyze_overlap(build_layer_access(up, {layout(in, 1)}, layout(out, 1)), 0, ParallelModel::Sequential);
    const OverlapAnalysis f =
        analyze_overlap(build_layer_access(down, {layout(in, 1)}, layout(out, 1)), 0, ParallelModel::Sequential);
    EXPECT_EQ(r.best_offset_above, 10);
    EXPECT_EQ(r.min_span, r.input_span + 10);
    EXPECT_EQ(r.overlap_elements(), f.overlap_elements());
    EXPECT_FALSE(r.is_safe(-10));
    EXPECT_FALSE(f.is_safe(10));
    // Odd height: the tail block is the top one (rows [-1, 1) computed, row 0 written).
    const ExecutionOrder odd = manual_conv_order({1, 1, 5, 3}, {1, 1, 5, 3}, {3, 1, 1, 1}, 2, RowSweep::Reverse);
    ASSERT_EQ(odd.steps.size(), 3u);
    EXPECT_EQ(odd.steps[0].write.y0, 3);
    EXPECT_EQ(odd.steps[2].write.y0, 0);
    EXPECT_EQ(odd.steps[2].write.y1, 1);
    EXPECT_EQ(odd.steps[2].reads[0].box.y1, 2);
}

TEST(OverlapReplay, PointwiseAddRunsInPlace) {
    const TensorDims d{1, 3, 4, 5};
    const ExecutionOrder order = manual_pointwise_order({d, d}, d);
    const LayerAccess access = build_layer_access(order, {layout(d, 0), layout(d, 0)}, layout(d, 0));
    for (ParallelModel m : {ParallelModel::Sequential, ParallelModel::Unordered}) {
        const OverlapAnalysis a = analyze_overlap(access, 1, m);
        EXPECT_EQ(a.best_offset, 0);
        EXPECT_EQ(a.overlap_elements(), d.elements());
        EXPECT_FALSE(a.is_safe(1));
    }
}

TEST(OverlapReplay, BadInputIndexIsRejected) {
    const TensorDims d{1, 1, 2, 2};
    const ExecutionOrder order = manual_pointwise_order({d}, d);
    const LayerAccess access = build_layer_access(order, {layout(d, 0)}, layout(d, 0));
    EXPECT_THROW(analyze_overlap(access, 3, ParallelModel::Sequential), std::invalid_argument);
    EXPECT_THROW(build_layer_access(order, {layout({1, 2, 2, 2}, 0)}, layout(d, 0)), std::invalid_argument);
}

} // namespace
} // namespace memsched
