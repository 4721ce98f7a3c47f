// Unit tests of the measurement library's parsers: a cachegrind output file
// captured on this machine (fixtures/cachegrind.out.tiny: valgrind 3.19,
// a program writing then reading 1 MiB once per line), and the --cache
// geometry spelling.
#include "measure/cache_geometry.h"
#include "measure/cachegrind_output.h"
#include "measure/scheduler_choice.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace memsched::measure {
namespace {

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(MEMSCHED_MEASURE_FIXTURES) + "/" + name);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(CachegrindOutput, ReadsTheSummaryOfACapturedRun) {
    const CachegrindCounts c = parse_cachegrind_output(fixture("cachegrind.out.tiny"));
    EXPECT_EQ(c.get("Ir"), 258184);
    EXPECT_EQ(c.get("Dr"), 45266);
    EXPECT_EQ(c.get("D1mr"), 17630);
    EXPECT_EQ(c.get("DLmr"), 17428);
    EXPECT_EQ(c.get("Dw"), 26774);
    EXPECT_EQ(c.get("D1mw"), 16775);
    EXPECT_EQ(c.get("DLmw"), 16745);
    EXPECT_EQ(c.ll_misses(), 17428 + 16745);
    EXPECT_EQ(c.d1_misses(), 17630 + 16775);
    // 1 MiB written once per 64 B line: 16384 write misses, all of them in LL too.
    EXPECT_GE(c.get("DLmw"), 16384);
}

TEST(CachegrindOutput, DifferenceIsPerEvent) {
    const CachegrindCounts a = parse_cachegrind_output("events: Dr DLmr\nsummary: 10 7\n");
    const CachegrindCounts b = parse_cachegrind_output("events: Dr DLmr\nsummary: 4 2\n");
    const CachegrindCounts d = difference(a, b);
    EXPECT_EQ(d.get("Dr"), 6);
    EXPECT_EQ(d.get("DLmr"), 5);
}

TEST(CachegrindOutput, RejectsMalformedFiles) {
    EXPECT_THROW(parse_cachegrind_output("summary: 1 2\n"), std::runtime_error);
    EXPECT_THROW(parse_cachegrind_output("events: Ir Dr\n"), std::runtime_error);
    EXPECT_THROW(parse_cachegrind_output("events: Ir Dr\nsummary: 1\n"), std::runtime_error);
    EXPECT_THROW(parse_cachegrind_output("events: Ir Dr\nsummary: 1 x\n"), std::runtime_error);
    // Without --cache-sim=yes there are no miss events.
    const CachegrindCounts c = parse_cachegrind_output("events: Ir\nsummary: 5\n");
    EXPECT_THROW(c.ll_misses(), std::runtime_error);
}

TEST(CacheGeometry, ParsesSizeAssocLine) {
    CacheGeometry g = parse_cache_geometry("LL=256KiB");
    EXPECT_EQ(g.level, "LL");
    EXPECT_EQ(g.size_bytes, 256 << 10);
    EXPECT_EQ(g.associativity, 16);
    EXPECT_EQ(g.line_bytes, 64);
    EXPECT_EQ(g.valgrind_arg(), "262144,16,64");
    g = parse_cache_geometry("D1=4KiB,4,32");
    EXPECT_EQ(g.level, "D1");
    EXPECT_EQ(g.associativity, 4);
    EXPECT_EQ(g.line_bytes, 32);
    EXPECT_EQ(g.describe(), "D1=4KiB,4,32");
}

TEST(CacheGeometry, RejectsBadInputNamingTheField) {
    for (const char* bad : {"256KiB", "L2=256KiB", "LL=", "LL=12QB", "LL=256KiB,16", "LL=256KiB,0,64",
                            "LL=256KiB,16,48", "LL=96KiB,16,64", "LL=256KiB,x,64"}) {
        try {
            parse_cache_geometry(bad);
            ADD_FAILURE() << bad << " was accepted";
        } catch (const std::invalid_argument& e) {
            EXPECT_NE(std::string(e.what()).find("--cache"), std::string::npos) << e.what();
        }
    }
}

TEST(SchedulerChoice, NamesRoundTripAndUnknownIsRejected) {
    for (Scheduler s : all_schedulers()) EXPECT_EQ(parse_scheduler(to_string(s)), s);
    EXPECT_THROW(parse_scheduler("tvm"), std::invalid_argument);
}

} // namespace
} // namespace memsched::measure
