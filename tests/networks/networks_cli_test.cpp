// `memsched networks` end to end: runs the built binary and checks its exit
// code and output.
#include "generators/networks/network.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <sys/wait.h>

namespace memsched {
namespace {

struct RunResult {
    int exit_code = -1;
    std::string output; // stdout and stderr together
    std::string stdout_only;
};

RunResult run(const std::string& args, bool merge_stderr = true) {
    const std::string cmd =
        std::string(MEMSCHED_BINARY) + " " + args + (merge_stderr ? " 2>&1" : " 2>/dev/null");
    RunResult r;
    FILE* pipe = ::popen(cmd.c_str(), "r");
    if (!pipe) return r;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) r.output.append(buf, n);
    const int status = ::pclose(pipe);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

TEST(NetworksCli, TableListsEveryBuiltin) {
    const RunResult r = run("networks");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    for (const auto& name : builtin_network_names())
        EXPECT_NE(r.output.find("\n" + name + " "), std::string::npos) << name << "\n" << r.output;
    EXPECT_NE(r.output.find("1.814"), std::string::npos) << "resnet18 GMACs";
}

TEST(NetworksCli, JsonMatchesLibrary) {
    const RunResult r = run("networks --json", /*merge_stderr=*/false);
    ASSERT_EQ(r.exit_code, 0);
    const auto j = nlohmann::json::parse(r.output);
    ASSERT_EQ(j.size(), builtin_network_names().size());
    const Network resnet50 = load_builtin_network("resnet50");
    EXPECT_EQ(j[1]["name"], "resnet50");
    EXPECT_EQ(j[1]["macs"].get<int64_t>(), resnet50.total_macs());
    EXPECT_EQ(j[1]["parameter_bytes"].get<int64_t>(), resnet50.parameter_bytes());
    EXPECT_EQ(j[1]["compute_layers"].get<size_t>(), resnet50.compute_layers().size());
}

TEST(NetworksCli, ShowPrintsEveryLayer) {
    const RunResult r = run("networks --show squeezenet");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    for (const NetworkLayer& l : load_builtin_network("squeezenet").layers)
        EXPECT_NE(r.output.find(l.name), std::string::npos) << l.name;
    EXPECT_NE(r.output.find("conv2d:n=1,c=3,h=224,w=224,k=64,r=3,s=3,stride=2,pad=0"),
              std::string::npos);
}

TEST(NetworksCli, UnknownNameIsUsageError) {
    const RunResult r = run("networks --show nope");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.output.find('\n'), r.output.size() - 1) << "one line expected: " << r.output;
    EXPECT_NE(r.output.find("unknown network 'nope'"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("resnet18"), std::string::npos) << r.output;
}

TEST(NetworksCli, BadFileIsUsageError) {
    const RunResult r = run("networks --file /nonexistent/net.json");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.output.find("/nonexistent/net.json"), std::string::npos) << r.output;
}

TEST(NetworksCli, FileShowsLayers) {
    const RunResult r = run("networks --file " + builtin_network_dir() + "/vgg16.json");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("fc8"), std::string::npos);
}

} // namespace
} // namespace memsched
