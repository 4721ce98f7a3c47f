// autoschedule/schedule_reader: hand-written Halide schedules with known
// tiles read back into exactly the expected one-level model mapping, on the
// tiny pipelines measure compiles (measure/layer_pipeline).
#include "autoschedule/schedule_reader.h"
#include "measure/layer_pipeline.h"
#include "model/layer_spec.h"
#include "model/problem.h"

#include <gtest/gtest.h>

namespace memsched {
namespace {

using autoschedule::Placement;
using autoschedule::ReadSchedule;

ReadSchedule read(const measure::LayerPipeline& l) {
    return autoschedule::read_applied_schedule(Problem::from_shape(l.shape), l.consumer_loops, l.reduction_loops,
                                               l.padded);
}

LevelMapping mapping(std::array<int64_t, kNumLoops> tile, std::array<Loop, kNumLoops> order) {
    LevelMapping m;
    m.tile = tile;
    m.order = order;
    return m;
}

// Tiles and order indexed n, k, c, y, x, r, s.
TEST(ScheduleReader, TiledConvComputedAtOutputTiles) {
    measure::LayerPipeline l = measure::build_layer_pipeline(
        parse_layer_spec("conv2d:n=1,c=8,h=16,w=16,k=16,r=3,s=3,stride=1,pad=1"));
    Halide::Func out = l.output, conv = l.reduction;
    Halide::Var x = out.args()[0], y = out.args()[1], k = out.args()[2], n = out.args()[3];
    Halide::Var xo("xo"), xi("xi"), yo("yo"), yi("yi"), ko("ko"), ki("ki");
    out.split(x, xo, xi, 8).split(y, yo, yi, 4).split(k, ko, ki, 4).reorder(xi, yi, ki, xo, yo, ko, n);
    conv.compute_at(out, xo);
    std::vector<Halide::Var> cv = conv.args();
    std::vector<Halide::RVar> r = conv.rvars(0);
    conv.update().reorder(cv[0], cv[1], cv[2], r[0], r[1], r[2], cv[3]);
    l.padded.compute_root();

    const ReadSchedule s = read(l);
    // Nest: ko=4 yo=4 xo=2 | conv: c=8 r=3 s=3 | k=4 y=4 x=8 (cut at the second k).
    ASSERT_EQ(s.nest.size(), 9u) << describe(s);
    EXPECT_EQ(s.cut, 6) << describe(s);
    const LevelMapping expected = mapping({1, 4, 1, 4, 8, 1, 1},
                                          {Loop::K, Loop::Y, Loop::X, Loop::C, Loop::R, Loop::S, Loop::N});
    EXPECT_EQ(s.schedule.levels.size(), 1u);
    EXPECT_EQ(s.schedule.levels[0], expected) << describe(s);
    EXPECT_EQ(s.reduction, Placement::AtLoop);
    EXPECT_EQ(s.padded_input, Placement::Root);
}

TEST(ScheduleReader, RootReductionWithFusedLoopsExpandsThem) {
    measure::LayerPipeline l = measure::build_layer_pipeline(
        parse_layer_spec("conv2d:n=1,c=4,h=12,w=12,k=8,r=3,s=3,stride=1,pad=1"));
    Halide::Func conv = l.reduction;
    conv.compute_root();
    std::vector<Halide::Var> cv = conv.args();
    Halide::Var xo("xo"), xi("xi"), t("t");
    // Li2018's shape: split x, fuse the outer part with y and k into one loop.
    conv.update().split(cv[0], xo, xi, 4).fuse(xo, cv[1], t).fuse(t, cv[2], t).reorder(xi, t);
    const ReadSchedule s = read(l);
    // Update nest: t (k8, y12, xo3) xi4 c4 r3 s3 (the RVars stay innermost);
    // the cut falls at xi.
    const LevelMapping expected = mapping({1, 1, 4, 1, 4, 3, 3},
                                          {Loop::K, Loop::Y, Loop::X, Loop::N, Loop::C, Loop::R, Loop::S});
    EXPECT_EQ(s.schedule.levels[0], expected) << describe(s);
    EXPECT_EQ(s.reduction, Placement::Root);
    EXPECT_EQ(s.padded_input, Placement::Inlined);
}

TEST(ScheduleReader, UnscheduledConvIsTheNaiveNest) {
    measure::LayerPipeline l = measure::build_layer_pipeline(
        parse_layer_spec("conv2d:n=2,c=4,h=6,w=6,k=3,r=3,s=3,stride=1,pad=0"));
    const ReadSchedule s = read(l);
    const LevelMapping expected = mapping({1, 1, 1, 1, 1, 1, 1},
                                          {Loop::N, Loop::K, Loop::Y, Loop::X, Loop::C, Loop::R, Loop::S});
    EXPECT_EQ(s.schedule.levels[0], expected) << describe(s);
    // A reduction left inlined is computed at the consumer's innermost loop.
    EXPECT_EQ(s.reduction, Placement::AtLoop);
}

TEST(ScheduleReader, PoolAndFullyConnectedAxes) {
    measure::LayerPipeline pool =
        measure::build_layer_pipeline(parse_layer_spec("maxpool:n=1,c=4,h=8,w=8,r=2,s=2,stride=2"));
    Halide::Func out = pool.output;
    Halide::Var xo("xo"), xi("xi");
    out.split(out.args()[0], xo, xi, 2).reorder(xi, out.args()[2], xo, out.args()[1], out.args()[3]);
    pool.reduction.compute_at(out, xo);
    // Nest: y4 xo2 | pool: k4 x2 r2 s2 (cut at the pool's x).
    const ReadSchedule p = read(pool);
    EXPECT_EQ(p.schedule.levels[0].order[0], Loop::Y) << describe(p);
    EXPECT_EQ(p.schedule.levels[0].order[1], Loop::X) << describe(p);
    EXPECT_EQ(p.schedule.levels[0].tile_of(Loop::X), 2) << describe(p);
    EXPECT_EQ(p.schedule.levels[0].tile_of(Loop::C), 1) << describe(p); // pools have no c loop

    measure::LayerPipeline fc = measure::build_layer_pipeline(parse_layer_spec("fc:n=1,c=32,k=16"));
    Halide::Func fo = fc.output;
    Halide::Var ko("ko"), ki("ki");
    fo.split(fo.args()[0], ko, ki, 8);
    fc.reduction.compute_at(fo, ko);
    const ReadSchedule f = read(fc);
    // Nest: ko2 | fc: k8 c32 (the RVar innermost); the cut falls at the fc's k.
    EXPECT_EQ(f.schedule.levels[0].order[0], Loop::K) << describe(f);
    EXPECT_EQ(f.schedule.levels[0].tile_of(Loop::K), 8) << describe(f);
    EXPECT_EQ(f.schedule.levels[0].tile_of(Loop::C), 32) << describe(f);
}

TEST(ScheduleReader, RfactorIsRefusedWithAReason) {
    measure::LayerPipeline l =
        measure::build_layer_pipeline(parse_layer_spec("fc:n=1,c=64,k=4"));
    Halide::RVar r = l.reduction.rvars(0)[0];
    Halide::RVar ro("ro"), ri("ri");
    Halide::Var u("u");
    l.reduction.update().split(r, ro, ri, 16);
    Halide::Func intm = l.reduction.update().rfactor(ro, u);
    intm.compute_root();
    try {
        read(l);
        FAIL() << "an rfactor'd reduction was read";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("rfactor"), std::string::npos) << e.what();
    }
}

} // namespace
} // namespace memsched
