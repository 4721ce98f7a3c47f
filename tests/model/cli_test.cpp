// `memsched explore` / `memsched simulate` through the built binary: JSON
// fields, explore -> simulate round trip, and exit code 2 with a one-line
// error naming the field for bad input.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <vector>
#include <fstream>
#include <string>
#include <sys/wait.h>

namespace {

struct Result {
    int code = -1;
    std::string out; // stdout and stderr together
};

Result run(const std::string& args) {
    Result r;
    const std::string cmd = std::string(MEMSCHED_BIN) + " " + args + " 2>&1";
    FILE* f = popen(cmd.c_str(), "r");
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) r.out.append(buf, n);
    const int status = pclose(f);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

const char* kLayer = "conv2d:n=1,c=8,h=12,w=12,k=8,r=3,s=3,stride=1,pad=1";

TEST(Cli, ExploreJsonHasTheFieldsAndSimulateAgrees) {
    const Result r = run(std::string("explore --layer ") + kLayer + " --buffer 4KiB --json");
    ASSERT_EQ(r.code, 0) << r.out;
    const nlohmann::json j = nlohmann::json::parse(r.out);
    for (const char* k : {"compulsory_bytes", "lower_bound_bytes", "pareto", "best"})
        EXPECT_TRUE(j.contains(k)) << k;
    for (const char* k : {"traffic_bytes", "read_bytes", "write_bytes", "footprint_bytes", "schedule"})
        EXPECT_TRUE(j["best"].contains(k)) << k;
    const int64_t best = j["best"]["traffic_bytes"];
    EXPECT_EQ(best, j["best"]["read_bytes"].get<int64_t>() + j["best"]["write_bytes"].get<int64_t>());
    EXPECT_GE(best, j["lower_bound_bytes"].get<int64_t>());
    EXPECT_LE(j["best"]["footprint_bytes"].get<int64_t>(), 4096);
    ASSERT_FALSE(j["pareto"].empty());
    EXPECT_EQ(j["pareto"].back()["traffic_bytes"].get<int64_t>(), best);

    const std::string path = ::testing::TempDir() + "memsched_explore.json";
    std::ofstream(path) << r.out;
    const Result s = run(std::string("simulate --layer ") + kLayer + " --schedule " + path +
                         " --buffer 4KiB --json");
    ASSERT_EQ(s.code, 0) << s.out;
    const nlohmann::json sj = nlohmann::json::parse(s.out);
    EXPECT_EQ(sj["best"]["traffic_bytes"].get<int64_t>(), best);
    EXPECT_EQ(sj["best"]["footprint_bytes"], j["best"]["footprint_bytes"]);

    // The same schedule in a smaller buffer does not fit: exit 2.
    const Result small = run(std::string("simulate --layer ") + kLayer + " --schedule " + path +
                             " --buffer 256B");
    EXPECT_EQ(small.code, 2) << small.out;
    EXPECT_NE(small.out.find("does not fit"), std::string::npos) << small.out;
}

TEST(Cli, BadInputExitsTwoNamingTheField) {
    struct Case { std::string args, needle; };
    const std::vector<Case> cases = {
        {"explore --layer conv2d:c=8,h=12,w=12,k=8,r=3,s=3,bogus=1 --buffer 4KiB", "bogus"},
        {"explore --layer conv2d:c=0,h=12,w=12,k=8,r=3,s=3 --buffer 4KiB", "c=0"},
        {"explore --layer conv2d:c=8,h=12,w=12,k=-8,r=3,s=3 --buffer 4KiB", "k=-8"},
        {"explore --layer conv2d:c=8,h=2,w=12,k=8,r=5,s=3 --buffer 4KiB", "r=5"},
        {"explore --layer conv2d:c=8,h=12,w=12,k=8,r=3,s=3 --buffer 0", "--buffer=0"},
        {"explore --layer conv2d:c=8,h=12,w=12,k=8,r=3,s=3 --buffer 8B", "--buffer=8B"},
        {"explore --layer conv2d:c=8,h=12,w=12,k=8,r=3,s=3 --buffer 4KB", "--buffer=4KB"},
        {"explore --layer conv2d:c=8,h=12,w=12,k=8,r=3,s=3 --buffer 4KiB --objective fast",
         "--objective=fast"},
        {"explore --network nosuchnet --buffer 4KiB", "nosuchnet"},
    };
    for (const Case& c : cases) {
        const Result r = run(c.args);
        EXPECT_EQ(r.code, 2) << c.args << "\n" << r.out;
        EXPECT_NE(r.out.find(c.needle), std::string::npos) << c.args << "\n" << r.out;
        EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
    }
    const std::string bad = ::testing::TempDir() + "memsched_bad.json";
    std::ofstream(bad) << "{\"levels\": [{\"tile\": {\"n\": 1}}]}";
    const Result r = run(std::string("simulate --layer ") + kLayer + " --schedule " + bad +
                         " --buffer 4KiB");
    EXPECT_EQ(r.code, 2) << r.out;
    EXPECT_NE(r.out.find("levels[0].tile.k"), std::string::npos) << r.out;
    std::ofstream(bad) << "{not json";
    EXPECT_EQ(run(std::string("simulate --layer ") + kLayer + " --schedule " + bad +
                  " --buffer 4KiB").code, 2);
}

} // namespace
