// The plugin's parameters: sizes, precedence (sysfs < config < env),
// rejection of unknown keys and of inconsistent hierarchies.
#include "autoschedule/plugin_params.h"

#include <gtest/gtest.h>

namespace memsched::autoschedule {
namespace {

ParamSources host_like() {
    ParamSources s;
    s.sysfs_cache_bytes = {{1, 48 << 10}, {2, 2 << 20}};
    s.sysfs_line_bytes = 64;
    s.machine_parallelism = 8;
    s.machine_llc_bytes = 32 << 20;
    return s;
}

TEST(ParseByteSize, UnitsAndErrors) {
    EXPECT_EQ(parse_byte_size("65536"), 65536);
    EXPECT_EQ(parse_byte_size("48KiB"), 48 << 10);
    EXPECT_EQ(parse_byte_size("2MiB"), 2 << 20);
    EXPECT_EQ(parse_byte_size("1G"), int64_t(1) << 30);
    EXPECT_THROW(parse_byte_size("4X"), std::invalid_argument);
    EXPECT_THROW(parse_byte_size("KiB"), std::invalid_argument);
    EXPECT_THROW(parse_byte_size("0"), std::invalid_argument);
}

TEST(ResolveParams, DefaultsFromSysfsAndMachineParams) {
    PluginParams p = resolve_plugin_params(host_like());
    ASSERT_EQ(p.levels.size(), 3u);
    EXPECT_EQ(p.levels[0].capacity_bytes, 48 << 10);
    EXPECT_EQ(p.levels[1].capacity_bytes, 2 << 20);
    EXPECT_EQ(p.levels[2].capacity_bytes, 32 << 20);
    EXPECT_EQ(p.parallelism, 8);
}

TEST(ResolveParams, EnvOverridesConfigOverridesSysfs) {
    ParamSources s = host_like();
    s.memsched_config_path = "/some/file";
    s.config_text = "# inner levels\nl1=32KiB\nl2 = 1MiB\n";
    s.memsched_params = "l2=512KiB,vector=8";
    PluginParams p = resolve_plugin_params(s);
    EXPECT_EQ(p.levels[0].capacity_bytes, 32 << 10);
    EXPECT_EQ(p.levels[1].capacity_bytes, 512 << 10);
    EXPECT_EQ(p.vector_width_override, 8);
}

// MEMSCHED_PARAMS=`params` is rejected with an error naming `expected`.
void expect_rejected(ParamSources s, const std::string& params, const std::string& expected) {
    s.memsched_params = params;
    try {
        resolve_plugin_params(s);
        ADD_FAILURE() << "accepted " << params;
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
    }
}

TEST(ResolveParams, UnknownKeyIsAClearError) {
    expect_rejected(host_like(), "l1=32KiB,l4=1GiB", "unknown key 'l4'");
}

TEST(ResolveParams, RejectsMalformedAndInconsistent) {
    ParamSources s = host_like();
    s.memsched_params = "l1";
    EXPECT_THROW(resolve_plugin_params(s), std::invalid_argument);
    s.memsched_params = "l1=4MiB"; // larger than L2
    EXPECT_THROW(resolve_plugin_params(s), std::invalid_argument);
    s.memsched_params = "gflops=-3";
    EXPECT_THROW(resolve_plugin_params(s), std::invalid_argument);
}

TEST(ResolveParams, CacheFillFractionDefaultOverrideAndRange) {
    ParamSources s = host_like();
    EXPECT_DOUBLE_EQ(resolve_plugin_params(s).cache_fill_fraction, 0.5);
    s.memsched_params = "cache_fill_fraction=0.75";
    EXPECT_DOUBLE_EQ(resolve_plugin_params(s).cache_fill_fraction, 0.75);
    s.memsched_params = "cache_fill_fraction=1";
    EXPECT_DOUBLE_EQ(resolve_plugin_params(s).cache_fill_fraction, 1.0);
    for (const char* bad : {"cache_fill_fraction=0", "cache_fill_fraction=1.5",
                            "cache_fill_fraction=half", "cache_fill_fraction=-0.5"})
        expect_rejected(s, bad, "cache_fill_fraction=");
}

TEST(ResolveParams, FusionTilesDefaultOverrideAndErrors) {
    ParamSources s = host_like();
    EXPECT_FALSE(resolve_plugin_params(s).fused_2d_tiles);
    s.memsched_params = "fusion_tiles=bands";
    EXPECT_FALSE(resolve_plugin_params(s).fused_2d_tiles);
    s.memsched_params = "fusion_tiles=2d";
    EXPECT_TRUE(resolve_plugin_params(s).fused_2d_tiles);
    expect_rejected(s, "fusion_tiles=columns", "fusion_tiles=columns");
}

TEST(ResolveParams, FusionMinTimeGainDefaultOverrideAndRange) {
    ParamSources s = host_like();
    const double fallback = resolve_plugin_params(s).fusion_min_time_gain;
    EXPECT_GT(fallback, -1.0);
    EXPECT_LT(fallback, 1.0);
    s.memsched_params = "fusion_min_time_gain=0.05";
    EXPECT_DOUBLE_EQ(resolve_plugin_params(s).fusion_min_time_gain, 0.05);
    s.memsched_params = "fusion_min_time_gain=-0.2";
    EXPECT_DOUBLE_EQ(resolve_plugin_params(s).fusion_min_time_gain, -0.2);
    expect_rejected(s, "fusion_min_time_gain=1", "fusion_min_time_gain=1");
    expect_rejected(s, "fusion_min_time_gain=-1.5", "fusion_min_time_gain=-1.5");
    expect_rejected(s, "fusion_min_time_gain=fast", "fusion_min_time_gain=fast");
    expect_rejected(s, "fusion_min_time_gain=0.1x", "fusion_min_time_gain=0.1x");
}

} // namespace
} // namespace memsched::autoschedule
