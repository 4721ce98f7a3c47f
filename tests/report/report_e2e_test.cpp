// End to end: `memsched report` on the checked-in fixtures writes one
// self-contained page with every section, says "not measured in this run"
// for inputs left out, rejects bad input with one line and exit code 2, and
// the page renders in a real browser (headless Chromium from Debian's
// `chromium` package) to a PNG that is not blank.
#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

const std::string kBin = MEMSCHED_BIN;
const std::string kFixtures = MEMSCHED_REPORT_FIXTURES;
const std::string kOut = MEMSCHED_REPORT_OUT;

struct CommandResult {
    int code = -1;
    std::string output; // stdout and stderr together
};

CommandResult run(const std::string& command) {
    CommandResult r;
    FILE* p = popen((command + " 2>&1").c_str(), "r");
    if (!p)
        return r;
    std::array<char, 4096> buf{};
    while (size_t n = fread(buf.data(), 1, buf.size(), p))
        r.output.append(buf.data(), n);
    const int status = pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

size_t count(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1))
        ++n;
    return n;
}

// The chromium binary on PATH, or "" when Debian's package is not installed.
std::string find_chromium() {
    for (const char* name : {"chromium", "chromium-browser"}) {
        const CommandResult r = run(std::string("command -v ") + name);
        if (r.code == 0 && !r.output.empty())
            return r.output.substr(0, r.output.find('\n'));
    }
    return "";
}

TEST(ReportCli, FullReportHasEverySection) {
    const std::string html = kOut + "/full.html";
    const CommandResult r =
        run(kBin + " report --bench " + kFixtures + "/bench.json --validation " + kFixtures +
            "/validation.json --roofline " + kFixtures +
            "/roofline.json --pareto-buffer 256KiB --out " + html);
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("report: " + html), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("memsched vs best autoscheduler"), std::string::npos) << r.output;
    const std::string page = read_file(html);
    EXPECT_EQ(count(page, "Not measured in this run"), 0u);
    // Grouped bars per thread count (2), traffic (1 cache size), scatter, Pareto.
    EXPECT_EQ(count(page, "<svg"), 5u);
    for (const char* id : {"summary", "performance", "traffic", "accuracy", "pareto"})
        EXPECT_NE(page.find("<section id=\"" + std::string(id) + "\">"), std::string::npos) << id;
    // Numbers from the inputs appear in the tables: the roofline peak and a layer.
    EXPECT_NE(page.find("147.9"), std::string::npos);
    EXPECT_NE(page.find("conv1x1_28_128_s2"), std::string::npos);
    EXPECT_NE(page.find("li2018 cannot schedule this layer"), std::string::npos);
    // Self-contained: nothing is fetched.
    EXPECT_EQ(page.find("<script"), std::string::npos);
    EXPECT_EQ(page.find("src="), std::string::npos);
    EXPECT_EQ(page.find("href=\"http"), std::string::npos);
}

TEST(ReportCli, AbsentInputsSayNotMeasured) {
    const std::string html = kOut + "/bench_only.html";
    const CommandResult r =
        run(kBin + " report --bench " + kFixtures + "/bench.json --no-pareto --out " + html);
    ASSERT_EQ(r.code, 0) << r.output;
    const std::string page = read_file(html);
    // Traffic, accuracy, Pareto and the roofline peak line.
    EXPECT_EQ(count(page, "Not measured in this run"), 4u);
    EXPECT_NE(page.find("--validation FILE.json"), std::string::npos);
}

TEST(ReportCli, BadInputIsOneLineAndExitTwo) {
    const CommandResult missing =
        run(kBin + " report --bench /nonexistent.json --out " + kOut + "/x.html");
    EXPECT_EQ(missing.code, 2);
    EXPECT_EQ(missing.output, "error: /nonexistent.json: cannot be read (missing file?)\n");
    const CommandResult trunc = run(kBin + " report --bench " + kFixtures +
                                    "/bench_truncated.json --out " + kOut + "/x.html");
    EXPECT_EQ(trunc.code, 2);
    EXPECT_NE(trunc.output.find("bench_truncated.json: malformed JSON"), std::string::npos);
    EXPECT_EQ(count(trunc.output, "\n"), 1u);
    const CommandResult swapped = run(kBin + " report --bench " + kFixtures +
                                      "/validation.json --no-pareto --out " + kOut + "/x.html");
    EXPECT_EQ(swapped.code, 2);
    EXPECT_NE(swapped.output.find("validation.json: benchmarks: missing"), std::string::npos)
        << swapped.output;
    const CommandResult layer =
        run(kBin + " report --pareto-layer conv2d:n=1 --out " + kOut + "/x.html");
    EXPECT_EQ(layer.code, 2);
    EXPECT_NE(layer.output.find("--pareto-layer"), std::string::npos) << layer.output;
}

TEST(ReportCli, RendersInHeadlessChromium) {
    const std::string chromium = find_chromium();
    ASSERT_FALSE(chromium.empty())
        << "chromium not found: install Debian's `chromium` package (scripts/install_deps.sh "
           "does, ./test.sh runs it)";
    const std::string html = kOut + "/render.html";
    const CommandResult r =
        run(kBin + " report --bench " + kFixtures + "/bench.json --validation " + kFixtures +
            "/validation.json --roofline " + kFixtures +
            "/roofline.json --pareto-buffer 256KiB --out " + html);
    ASSERT_EQ(r.code, 0) << r.output;
    const std::string png = kOut + "/render.png";
    std::filesystem::remove(png);
    const CommandResult shot = run("timeout 180 " + chromium +
                                   " --headless --no-sandbox --disable-gpu --hide-scrollbars "
                                   "--window-size=1200,2400 --screenshot=" +
                                   png + " file://" + html);
    ASSERT_TRUE(std::filesystem::exists(png)) << shot.output;
    EXPECT_GT(std::filesystem::file_size(png), 50'000u) << "a near-empty screenshot";
    const cv::Mat img = cv::imread(png, cv::IMREAD_COLOR);
    ASSERT_FALSE(img.empty()) << png << " does not decode as an image";
    EXPECT_EQ(img.cols, 1200);
    EXPECT_EQ(img.rows, 2400);
    // Not one colour: the plots' colours and text vary the pixels a lot.
    cv::Scalar mean, stddev;
    cv::meanStdDev(img, mean, stddev);
    EXPECT_GT(stddev[0] + stddev[1] + stddev[2], 30.0);
    // memsched's orange bars (#e6550d: B 13, G 85, R 230) are on the page.
    cv::Mat orange;
    cv::inRange(img, cv::Scalar(0, 60, 200), cv::Scalar(40, 110, 255), orange);
    EXPECT_GT(cv::countNonZero(orange), 500);
}

} // namespace
