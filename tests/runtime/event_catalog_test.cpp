// Tests of event-name resolution: generic perf events, vendor-specific names
// and sysfs PMU syntax, each either encoded or refused with a reason.
#include "runtime/counters/event_catalog.h"

#include <gtest/gtest.h>

#include <linux/perf_event.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace memsched {
namespace {

TEST(EventCatalog, GenericHardwareEvents) {
    ResolvedEvent cycles = resolve_event("cycles");
    EXPECT_TRUE(cycles.reason.empty());
    ASSERT_EQ(cycles.parts.size(), 1u);
    EXPECT_EQ(cycles.parts[0].type, uint32_t{PERF_TYPE_HARDWARE});
    EXPECT_EQ(cycles.parts[0].config, uint64_t{PERF_COUNT_HW_CPU_CYCLES});
    EXPECT_EQ(cycles.parts[0].cpu, -1);
    EXPECT_FALSE(cycles.software);

    ResolvedEvent l1d = resolve_event("l1d-misses");
    ASSERT_EQ(l1d.parts.size(), 1u);
    EXPECT_EQ(l1d.parts[0].type, uint32_t{PERF_TYPE_HW_CACHE});
    EXPECT_EQ(l1d.parts[0].config, uint64_t{PERF_COUNT_HW_CACHE_L1D} |
                                       (uint64_t{PERF_COUNT_HW_CACHE_OP_READ} << 8) |
                                       (uint64_t{PERF_COUNT_HW_CACHE_RESULT_MISS} << 16));
}

TEST(EventCatalog, SoftwareEvents) {
    ResolvedEvent clock = resolve_event("task-clock");
    EXPECT_TRUE(clock.software);
    EXPECT_EQ(clock.unit, "ns");
    ASSERT_EQ(clock.parts.size(), 1u);
    EXPECT_EQ(clock.parts[0].type, uint32_t{PERF_TYPE_SOFTWARE});
}

// Every default event either resolves to something to open or says why not.
TEST(EventCatalog, DefaultEventsResolveOrExplain) {
    for (const std::string& name : default_hardware_event_names()) {
        ResolvedEvent event = resolve_event(name);
        EXPECT_EQ(event.name, name);
        EXPECT_NE(event.parts.empty(), event.reason.empty()) << name << ": " << event.reason;
    }
}

TEST(EventCatalog, DramEventsAreBytesOrExplainWhy) {
    for (const char* name : {"dram-read-bytes", "dram-write-bytes"}) {
        ResolvedEvent event = resolve_event(name);
        if (event.reason.empty()) {
            EXPECT_EQ(event.unit, "bytes");
            for (const EventPart& part : event.parts) {
                EXPECT_GE(part.cpu, 0) << "uncore events are counted per CPU";
            }
        } else {
            EXPECT_NE(event.reason.find("uncore"), std::string::npos) << event.reason;
        }
    }
}

TEST(EventCatalog, UnknownNamesAreRefusedWithReason) {
    ResolvedEvent unknown = resolve_event("NO_SUCH_EVENT_ANYWHERE");
    EXPECT_TRUE(unknown.parts.empty());
    EXPECT_NE(unknown.reason.find("NO_SUCH_EVENT_ANYWHERE"), std::string::npos) << unknown.reason;

    ResolvedEvent no_pmu = resolve_event("no_such_pmu/event=1/");
    EXPECT_TRUE(no_pmu.parts.empty());
    EXPECT_NE(no_pmu.reason.find("no_such_pmu"), std::string::npos) << no_pmu.reason;
}

TEST(EventCatalog, SysfsSyntaxReachesRealPmu) {
    // The software PMU exists wherever perf does; config 1 is PERF_COUNT_SW_TASK_CLOCK.
    ResolvedEvent event = resolve_event("software/config=1/");
    if (!event.reason.empty()) {
        // The software PMU publishes no format/ directory on most kernels.
        EXPECT_NE(event.reason.find("software"), std::string::npos) << event.reason;
        return;
    }
    ASSERT_EQ(event.parts.size(), 1u);
    EXPECT_EQ(event.parts[0].type, uint32_t{PERF_TYPE_SOFTWARE});
}

// A fake sysfs tree with two memory controllers, optionally also free-running counters.
class FakeImcSysfs : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = std::filesystem::temp_directory_path() /
                ("memsched_imc_" + std::to_string(getpid()) + "_" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(root_);
        for (const char* imc : {"uncore_imc_0", "uncore_imc_1"}) {
            write(std::string(imc) + "/type", "14");
            write(std::string(imc) + "/cpumask", "0,36");
            write(std::string(imc) + "/format/event", "config:0-7");
            write(std::string(imc) + "/format/umask", "config:8-15");
            for (const char* event : {"cas_count_read", "cas_count_write"}) {
                std::string umask = std::string(event) == "cas_count_read" ? "0x0f" : "0x30";
                write(std::string(imc) + "/events/" + event, "event=0x04,umask=" + umask);
                write(std::string(imc) + "/events/" + event + ".scale", "6.103515625e-5");
                write(std::string(imc) + "/events/" + event + ".unit", "MiB");
            }
        }
        write("software/type", "1");
    }
    void TearDown() override { std::filesystem::remove_all(root_); }
    void write(const std::string& relative, const std::string& text) {
        std::filesystem::path path = root_ / relative;
        std::filesystem::create_directories(path.parent_path());
        std::ofstream(path) << text << "\n";
    }
    std::filesystem::path root_;
};

TEST_F(FakeImcSysfs, DramBytesSumAllControllersOnEverySocket) {
    ResolvedEvent reads = resolve_event("dram-read-bytes", root_.string());
    ASSERT_TRUE(reads.reason.empty()) << reads.reason;
    EXPECT_EQ(reads.unit, "bytes");
    EXPECT_DOUBLE_EQ(reads.scale, 64.0); // one CAS = one 64-byte line
    ASSERT_EQ(reads.parts.size(), 4u);   // 2 controllers x 2 sockets (cpumask 0,36)
    EXPECT_EQ(reads.parts[0].type, 14u);
    EXPECT_EQ(reads.parts[0].config, 0x0f04u);
    EXPECT_EQ(reads.parts[0].cpu, 0);
    EXPECT_EQ(reads.parts[1].cpu, 36);
    ResolvedEvent writes = resolve_event("dram-write-bytes", root_.string());
    ASSERT_TRUE(writes.reason.empty()) << writes.reason;
    EXPECT_EQ(writes.parts[0].config, 0x3004u);
}

TEST_F(FakeImcSysfs, FreeRunningCountersArePreferred) {
    write("uncore_imc_free_running_0/type", "15");
    write("uncore_imc_free_running_0/cpumask", "0");
    write("uncore_imc_free_running_0/format/event", "config:0-7");
    write("uncore_imc_free_running_0/format/umask", "config:8-15");
    write("uncore_imc_free_running_0/events/data_read", "event=0xff,umask=0x20");
    write("uncore_imc_free_running_0/events/data_read.scale", "6.103515625e-5");
    write("uncore_imc_free_running_0/events/data_read.unit", "MiB");
    ResolvedEvent reads = resolve_event("dram-read-bytes", root_.string());
    ASSERT_TRUE(reads.reason.empty()) << reads.reason;
    ASSERT_EQ(reads.parts.size(), 1u);
    EXPECT_EQ(reads.parts[0].type, 15u);
    EXPECT_EQ(reads.parts[0].config, 0x20ffu);
    // No free-running write counter in this tree: writes fall back to CAS counts.
    EXPECT_EQ(resolve_event("dram-write-bytes", root_.string()).parts.size(), 4u);
}

TEST_F(FakeImcSysfs, ControllersWithoutByteEventsAreExplained) {
    std::filesystem::remove(root_ / "uncore_imc_0/events/cas_count_read");
    ResolvedEvent reads = resolve_event("dram-read-bytes", root_.string());
    EXPECT_TRUE(reads.parts.empty()) << "a partial sum over controllers would undercount";
    EXPECT_NE(reads.reason.find("cas_count_read"), std::string::npos) << reads.reason;
    EXPECT_NE(reads.reason.find("uncore_imc_free_running"), std::string::npos) << reads.reason;
}

TEST_F(FakeImcSysfs, ExplicitPmuSyntaxUsesTheSameTree) {
    ResolvedEvent event = resolve_event("uncore_imc/event=0x1,umask=0x2/", root_.string());
    ASSERT_TRUE(event.reason.empty()) << event.reason;
    EXPECT_EQ(event.parts.size(), 4u);
    EXPECT_EQ(event.parts[0].config, 0x0201u);
    EXPECT_EQ(event.unit, "count");
}

} // namespace
} // namespace memsched
