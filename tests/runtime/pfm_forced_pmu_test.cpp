// libpfm's vendor tables, exercised on any x86 machine by forcing the Skylake-X
// table (LIBPFM_FORCE_PMU): names encode to raw events even without a PMU,
// and opening them then fails with a reason rather than a value.
#include "runtime/counters/counter_set.h"
#include "runtime/counters/event_catalog.h"

#include <gtest/gtest.h>

#include <linux/perf_event.h>

#include <cstdlib>

namespace memsched {
namespace {

TEST(PfmForcedPmu, IntelL2MissEncodesThroughLibpfm) {
#if !defined(__x86_64__)
    GTEST_SKIP() << "the forced table is an x86 one";
#else
    // Must happen before the first libpfm call in this process.
    setenv("LIBPFM_FORCE_PMU", "skx", 1);
    ResolvedEvent l2 = resolve_event("l2-misses");
    ASSERT_TRUE(l2.reason.empty()) << l2.reason;
    ASSERT_EQ(l2.parts.size(), 1u);
    EXPECT_EQ(l2.parts[0].type, uint32_t{PERF_TYPE_RAW});
    // L2_RQSTS is event 0x24; the MISS umask is 0x3f on Skylake-X.
    EXPECT_EQ(l2.parts[0].config & 0xffff, 0x3f24u);

    CounterSet counters({"l2-misses"});
    counters.start();
    counters.stop();
    CounterReading reading = counters.read().at(0);
    if (!reading.available()) {
        EXPECT_FALSE(reading.reason.empty());
    }
#endif
}

} // namespace
} // namespace memsched
