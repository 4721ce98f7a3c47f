// Layer spec and size parsing, schedule JSON round trips, and their errors.
#include "model/layer_spec.h"
#include "model/schedule_json.h"

#include <gtest/gtest.h>

namespace memsched {
namespace {

std::string error_of(const std::string& spec) {
    try {
        parse_layer_spec(spec);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

TEST(LayerSpec, ParsesAllKindsAndRoundTrips) {
    const LayerShape c = parse_layer_spec("conv2d:n=1,c=64,h=56,w=56,k=64,r=3,s=3,stride=1,pad=1");
    EXPECT_EQ(c.in_channels, 64);
    EXPECT_EQ(c.out_height(), 56);
    EXPECT_EQ(parse_layer_spec(format_layer_spec(c)), c);
    const LayerShape d = parse_layer_spec("conv2d:c=32,h=9,w=9,k=32,r=3,s=3,dilation=2,groups=32");
    EXPECT_EQ(d.groups, 32);
    EXPECT_EQ(parse_layer_spec(format_layer_spec(d)), d);
    const LayerShape m = parse_layer_spec("maxpool:n=1,c=64,h=112,w=112,r=3,s=3,stride=2,pad=1");
    EXPECT_EQ(m.out_channels, 64);
    EXPECT_EQ(parse_layer_spec(format_layer_spec(m)), m);
    const LayerShape f = parse_layer_spec("fc:n=1,c=2048,k=1000");
    EXPECT_EQ(f.kind, LayerKind::FullyConnected);
    EXPECT_EQ(parse_layer_spec(format_layer_spec(f)), f);
}

// The rows of padded input a run of output rows reads: the last window's
// end less the first's start. A whole layer's output reads all of its
// padded input rows that any window touches.
TEST(LayerShape, InputRowsSpanTheWindows) {
    const LayerShape c = parse_layer_spec("conv2d:c=3,h=224,w=224,k=64,r=7,s=7,stride=2,pad=3");
    EXPECT_EQ(c.input_rows(1), 7);
    EXPECT_EQ(c.input_rows(3), 11);
    EXPECT_EQ(c.input_rows(c.out_height()), 229); // of 230 padded rows: the last is never read
    const LayerShape d = parse_layer_spec("conv2d:c=32,h=9,w=9,k=32,r=3,s=3,dilation=2,groups=32");
    EXPECT_EQ(d.input_rows(1), 5);
    EXPECT_EQ(d.input_rows(d.out_height()), 9);
    const LayerShape m = parse_layer_spec("maxpool:c=64,h=112,w=112,r=3,s=3,stride=2,pad=1");
    EXPECT_EQ(m.input_rows(2), 5);
}

TEST(LayerSpec, ErrorsNameTheField) {
    EXPECT_NE(error_of("conv2d:c=1,h=5,w=5,k=1,r=3,s=3,foo=1").find("'foo'"), std::string::npos);
    EXPECT_NE(error_of("conv2d:c=0,h=5,w=5,k=1,r=3,s=3").find("c=0"), std::string::npos);
    EXPECT_NE(error_of("conv2d:c=1,h=5,w=5,k=1,r=-3,s=3").find("r=-3"), std::string::npos);
    EXPECT_NE(error_of("conv2d:c=1,h=2,w=5,k=1,r=5,s=3").find("r=5"), std::string::npos);
    EXPECT_NE(error_of("conv2d:c=1,h=5,w=5,k=1,r=3").find("'s'"), std::string::npos);
    EXPECT_NE(error_of("conv2d:c=x,h=5,w=5,k=1,r=3,s=3").find("c=x"), std::string::npos);
    EXPECT_NE(error_of("relu:c=1").find("relu"), std::string::npos);
}

TEST(SizeSpec, UnitsAndErrors) {
    EXPECT_EQ(parse_size_bytes("64KiB"), 65536);
    EXPECT_EQ(parse_size_bytes("1MiB"), 1 << 20);
    EXPECT_EQ(parse_size_bytes("4096B"), 4096);
    EXPECT_EQ(parse_size_bytes("123"), 123);
    EXPECT_THROW(parse_size_bytes("0"), std::invalid_argument);
    EXPECT_THROW(parse_size_bytes("-5KiB"), std::invalid_argument);
    EXPECT_THROW(parse_size_bytes("64KB"), std::invalid_argument);
    try {
        parse_size_bytes("12XB", "--buffer");
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("--buffer=12XB"), std::string::npos);
    }
}

TEST(ScheduleJson, RoundTripsAndRejectsMalformed) {
    Schedule s;
    LevelMapping m;
    m.tile = {1, 32, 4, 7, 56, 3, 3};
    m.order = {Loop::K, Loop::Y, Loop::C, Loop::X, Loop::N, Loop::R, Loop::S};
    m.kept_at = {3, 3, 2};
    m.halo = HaloPolicy::Keep;
    s.levels = {m};
    EXPECT_EQ(schedule_from_json(schedule_to_json(s)), s);
    nlohmann::json bad = schedule_to_json(s);
    bad["levels"][0]["tile"]["y"] = "seven";
    try {
        schedule_from_json(bad);
        FAIL();
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("levels[0].tile.y"), std::string::npos);
    }
    bad = schedule_to_json(s);
    bad["levels"][0]["order"][2] = "q";
    EXPECT_THROW(schedule_from_json(bad), std::invalid_argument);
    EXPECT_THROW(schedule_from_json(nlohmann::json::object()), std::invalid_argument);
}

} // namespace
} // namespace memsched
