// Hand-computed traffic for schedules whose answer is known on paper:
// a one-tile schedule moves the compulsory bytes; reuse across a loop that
// does not index a tensor; partial sums; kept vs re-fetched halos; padding;
// line granularity.
#include "model/buffer_oracle.h"
#include "model/traffic.h"

#include <gtest/gtest.h>

namespace memsched {
namespace {

LayerShape conv(int64_t c, int64_t h, int64_t w, int64_t k, int64_t r, int64_t s,
                int64_t pad = 0) {
    LayerShape l;
    l.in_channels = c; l.in_height = h; l.in_width = w; l.out_channels = k;
    l.kernel_h = r; l.kernel_w = s; l.pad = pad;
    return l;
}

LevelMapping mapping(const Problem& p, std::array<int64_t, 7> tile,
                     std::array<Loop, 7> order, std::array<int, 3> kept,
                     HaloPolicy halo = HaloPolicy::Refetch) {
    LevelMapping m;
    m.tile = tile; m.order = order; m.kept_at = kept; m.halo = halo;
    for (int l = 0; l < kNumLoops; ++l) m.tile[l] = std::min(m.tile[l], p.extent[l]);
    return m;
}

constexpr std::array<Loop, 7> kNKCYXRS{Loop::N, Loop::K, Loop::C, Loop::Y, Loop::X, Loop::R, Loop::S};
constexpr int64_t kAll = 1 << 20; // "full extent" (clipped by mapping())

TrafficReport run(const Problem& p, int64_t line, const LevelMapping& m) {
    const MemoryHierarchy h = MemoryHierarchy::scratchpad(1 << 20, line);
    Schedule s;
    s.levels = {m};
    const TrafficReport model = evaluate(p, h, s);
    const TrafficReport oracle = simulate_buffers(p, h, s);
    EXPECT_EQ(model.outer_traffic_bytes(), oracle.outer_traffic_bytes());
    return model;
}

TEST(HandCases, OneTileMovesCompulsoryBytes) {
    const Problem p = Problem::from_shape(conv(3, 7, 5, 4, 3, 3));
    const MemoryHierarchy h = MemoryHierarchy::scratchpad(1 << 20, 4);
    const TrafficReport r = evaluate(p, h, whole_problem_schedule(p, h));
    ASSERT_TRUE(r.status.ok) << r.status.reason;
    EXPECT_EQ(r.outer_traffic_bytes(), p.shape.compulsory_bytes());
    EXPECT_EQ(r.levels[0].tensors[2].read_bytes, 0); // no partial sums come back
    EXPECT_EQ(r.levels[0].footprint_bytes(), p.shape.compulsory_bytes());
}

TEST(HandCases, PaddingIsNeverFetched) {
    const Problem p = Problem::from_shape(conv(2, 6, 6, 3, 3, 3, /*pad=*/1));
    const TrafficReport r = run(p, 4, mapping(p, {kAll, kAll, kAll, kAll, kAll, kAll, kAll}, kNKCYXRS, {0, 0, 0}));
    EXPECT_EQ(r.levels[0].tensors[0].read_bytes, 2 * 6 * 6 * 4);
}

TEST(HandCases, InputRefetchedPerOutputChannelTileWhenKeptInsideK) {
    // 1x1 conv, c=4, k=8, 8x8. k tiled by 1 and outermost; the input is kept
    // inside k, which does not index it: the whole input comes in 8 times.
    const Problem p = Problem::from_shape(conv(4, 8, 8, 8, 1, 1));
    const TrafficReport r = run(p, 4, mapping(p, {1, 1, kAll, kAll, kAll, 1, 1}, kNKCYXRS, {2, 2, 2}));
    EXPECT_EQ(r.levels[0].tensors[0].read_bytes, 8 * 4 * 64 * 4);
    EXPECT_EQ(r.levels[0].tensors[1].read_bytes, 8 * 4 * 4);   // weights once
    EXPECT_EQ(r.levels[0].tensors[2].write_bytes, 8 * 64 * 4); // output once
    // Kept outside k instead: the input comes in once.
    const TrafficReport once = run(p, 4, mapping(p, {1, 1, kAll, kAll, kAll, 1, 1}, kNKCYXRS, {0, 2, 2}));
    EXPECT_EQ(once.levels[0].tensors[0].read_bytes, 4 * 64 * 4);
}

TEST(HandCases, PartialSumsWhenReductionIsOutside) {
    // c tiled by 1 outermost, output kept inside c: each of the 4 channel
    // steps writes the output; all but the first read it back.
    const Problem p = Problem::from_shape(conv(4, 5, 5, 2, 1, 1));
    const std::array<Loop, 7> order{Loop::C, Loop::N, Loop::K, Loop::Y, Loop::X, Loop::R, Loop::S};
    const TrafficReport r = run(p, 4, mapping(p, {1, kAll, 1, kAll, kAll, 1, 1}, order, {1, 1, 1}));
    const int64_t out = 2 * 25 * 4;
    EXPECT_EQ(r.levels[0].tensors[2].write_bytes, 4 * out);
    EXPECT_EQ(r.levels[0].tensors[2].read_bytes, 3 * out);
}

TEST(HandCases, KeptHaloFetchesEachColumnOnce) {
    // One row, w=10, 1x3 kernel: 8 outputs in x-tiles of 2. Each tile needs
    // 4 columns; refetching moves 4 x 4 = 16 columns, keeping the overlap 10.
    const Problem p = Problem::from_shape(conv(1, 1, 10, 1, 1, 3));
    const std::array<Loop, 7> order{Loop::X, Loop::N, Loop::K, Loop::C, Loop::Y, Loop::R, Loop::S};
    const std::array<int64_t, 7> tile{1, 1, 1, 1, 2, 1, 3};
    const TrafficReport re = run(p, 4, mapping(p, tile, order, {1, 1, 1}, HaloPolicy::Refetch));
    const TrafficReport keep = run(p, 4, mapping(p, tile, order, {1, 1, 1}, HaloPolicy::Keep));
    EXPECT_EQ(re.levels[0].tensors[0].read_bytes, 16 * 4);
    EXPECT_EQ(keep.levels[0].tensors[0].read_bytes, 10 * 4);
    EXPECT_EQ(keep.levels[0].tensors[0].footprint_bytes, 4 * 4);
}

TEST(HandCases, LineGranularityRoundsEachBurst) {
    // A 1x1 conv over one row of 8 floats in x-tiles of 2 (8 bytes) with
    // 16-byte lines: each tile's run lies inside one line, so 4 fills move
    // 4 lines = 64 bytes for 32 bytes of data. With x-tiles of 3 (12 bytes
    // at offsets 0, 12, 24) the runs touch 1, 2 and 1 lines.
    const Problem p = Problem::from_shape(conv(1, 1, 8, 1, 1, 1));
    const std::array<Loop, 7> order{Loop::X, Loop::N, Loop::K, Loop::C, Loop::Y, Loop::R, Loop::S};
    EXPECT_EQ(run(p, 16, mapping(p, {1, 1, 1, 1, 2, 1, 1}, order, {1, 1, 1})).levels[0].tensors[0].read_bytes, 64);
    EXPECT_EQ(run(p, 16, mapping(p, {1, 1, 1, 1, 3, 1, 1}, order, {1, 1, 1})).levels[0].tensors[0].read_bytes, 4 * 16);
}

TEST(HandCases, IllegalSchedulesAreValuesWithReasons) {
    const Problem p = Problem::from_shape(conv(2, 4, 4, 2, 3, 3));
    const MemoryHierarchy h = MemoryHierarchy::scratchpad(64);
    Schedule s = whole_problem_schedule(p, h);
    s.levels[0].tile[int(Loop::Y)] = 0;
    EXPECT_FALSE(evaluate(p, h, s).status.ok);
    EXPECT_NE(evaluate(p, h, s).status.reason.find("tile.y=0"), std::string::npos);
    const TrafficReport big = evaluate(p, h, whole_problem_schedule(p, h));
    EXPECT_FALSE(big.status.ok);
    EXPECT_NE(big.status.reason.find("does not fit"), std::string::npos);
}

} // namespace
} // namespace memsched
