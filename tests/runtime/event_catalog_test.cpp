// Tests of event-name resolution: generic perf events, vendor-specific names
// and sysfs PMU syntax, each either encoded or refused with a reason.
#include "runtime/counters/event_catalog.h"

#include <gtest/gtest.h>

#include <linux/perf_event.h>

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

} // namespace
} // namespace memsched
