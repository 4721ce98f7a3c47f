// Tests of the sysfs PMU parser against a fake /sys/bus/event_source/devices tree
// shaped like an Intel machine with two memory controllers.
#include "runtime/counters/sysfs_pmu.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace memsched {
namespace {

namespace fs = std::filesystem;

class FakeSysfs : public ::testing::Test {
protected:
    void SetUp() override {
        root_ =
            fs::temp_directory_path() /
            ("memsched_sysfs_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
             "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(root_);
        for (const char* imc : {"uncore_imc_0", "uncore_imc_1"}) {
            write(std::string(imc) + "/type", "17\n");
            write(std::string(imc) + "/cpumask", "0,28\n");
            write(std::string(imc) + "/format/event", "config:0-7\n");
            write(std::string(imc) + "/format/umask", "config:8-15\n");
            write(std::string(imc) + "/events/data_reads", "event=0x04,umask=0x03\n");
            write(std::string(imc) + "/events/data_reads.scale", "6.103515625e-5\n");
            write(std::string(imc) + "/events/data_reads.unit", "MiB\n");
        }
        write("uncore_imc_free_running_0/type", "18\n");
        write("cpu/type", "4\n");
        write("cpu/format/event", "config:0-7\n");
        write("cpu/format/cmask", "config:24-31\n");
        write("cpu/format/ldlat", "config1:0-15\n");
        write("cpu/format/split", "config:0-3,32-35\n");
    }
    void TearDown() override { fs::remove_all(root_); }

    void write(const std::string& relative, const std::string& text) {
        fs::path path = root_ / relative;
        fs::create_directories(path.parent_path());
        std::ofstream(path) << text;
    }

    fs::path root_;
};

TEST_F(FakeSysfs, ListsPmusSorted) {
    EXPECT_EQ(list_pmus(root_.string()),
              (std::vector<std::string>{"cpu", "uncore_imc_0", "uncore_imc_1",
                                        "uncore_imc_free_running_0"}));
}

TEST_F(FakeSysfs, MatchesNumberedInstancesOnly) {
    EXPECT_EQ(pmus_matching("uncore_imc", root_.string()),
              (std::vector<std::string>{"uncore_imc_0", "uncore_imc_1"}));
    EXPECT_EQ(pmus_matching("cpu", root_.string()), (std::vector<std::string>{"cpu"}));
    EXPECT_TRUE(pmus_matching("uncore", root_.string()).empty());
}

TEST_F(FakeSysfs, ResolvesAliasWithScaleUnitAndCpumask) {
    std::string reason;
    auto event = resolve_sysfs_event("uncore_imc_1", "data_reads", &reason, root_.string());
    ASSERT_TRUE(event) << reason;
    EXPECT_EQ(event->type, 17u);
    EXPECT_EQ(event->config, 0x0304u);
    EXPECT_DOUBLE_EQ(event->scale, 6.103515625e-5);
    EXPECT_EQ(event->unit, "MiB");
    EXPECT_EQ(event->cpus, (std::vector<int>{0, 28}));
    // One count is one 64-byte cache line.
    EXPECT_DOUBLE_EQ(event->scale * *bytes_per_unit(event->unit), 64.0);
}

TEST_F(FakeSysfs, PlacesTermsThroughFormats) {
    std::string reason;
    auto event = resolve_sysfs_event("cpu", "event=0x3c,cmask=2,ldlat=300,split=0x2f", &reason,
                                     root_.string());
    ASSERT_TRUE(event) << reason;
    // split=0x2f: low nibble 0xf into bits 0-3, next nibble 0x2 into bits 32-35.
    EXPECT_EQ(event->config,
              (uint64_t{0x3c} | uint64_t{0x0f}) | (uint64_t{2} << 24) | (uint64_t{0x2} << 32));
    EXPECT_EQ(event->config1, 300u);
    EXPECT_TRUE(event->cpus.empty());
    EXPECT_EQ(event->unit, "");
}

TEST_F(FakeSysfs, ExplainsFailures) {
    std::string reason;
    EXPECT_FALSE(resolve_sysfs_event("uncore_imc_0", "data_writes", &reason, root_.string()));
    EXPECT_NE(reason.find("data_writes"), std::string::npos) << reason;
    EXPECT_FALSE(resolve_sysfs_event("cpu", "umask=1", &reason, root_.string()));
    EXPECT_NE(reason.find("umask"), std::string::npos) << reason;
    EXPECT_FALSE(resolve_sysfs_event("cpu", "event=0x1ff", &reason, root_.string()));
    EXPECT_NE(reason.find("does not fit"), std::string::npos) << reason;
    EXPECT_FALSE(resolve_sysfs_event("gpu", "x", &reason, root_.string()));
    EXPECT_NE(reason.find("gpu"), std::string::npos) << reason;
}

TEST(SysfsUnits, ByteUnits) {
    EXPECT_EQ(bytes_per_unit("MiB"), 1048576.0);
    EXPECT_EQ(bytes_per_unit("MB"), 1e6);
    EXPECT_EQ(bytes_per_unit("Joules"), std::nullopt);
}

TEST(RealSysfs, SoftwarePmuIsListedWhenPerfExists) {
    if (!fs::exists(kSysfsPmuRoot)) {
        GTEST_SKIP() << kSysfsPmuRoot << " does not exist: kernel without perf events";
    }
    std::vector<std::string> pmus = list_pmus();
    EXPECT_NE(std::find(pmus.begin(), pmus.end(), "software"), pmus.end());
}

} // namespace
} // namespace memsched
