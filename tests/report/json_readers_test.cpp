// The report's JSON readers: the fixtures read as documented (medians chosen,
// errors kept, nulls allowed), and every kind of bad input ends in one
// InputError naming the file and the field.
#include "report/bench_results.h"
#include "report/json_input.h"
#include "report/roofline_results.h"
#include "report/validation_results.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace memsched::report {
namespace {

const std::string kFixtures = MEMSCHED_REPORT_FIXTURES;

// Writes `text` to a temporary file and returns its path.
std::string temp_file(const std::string& name, const std::string& text) {
    const std::string path = ::testing::TempDir() + "/" + name;
    std::ofstream(path) << text;
    return path;
}

// The message of the InputError `f` throws ("" when it throws none).
template <typename F> std::string error_of(F f) {
    try {
        f();
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

TEST(BenchResults, ReadsFixtureMediansAndErrors) {
    const BenchResults b = read_bench_results(kFixtures + "/bench.json");
    // 3 layers x 2 thread counts x 6 variants, less li2018 on the last layer.
    EXPECT_EQ(b.rows.size(), 3u * 2u * 6u - 2u);
    ASSERT_EQ(b.errors.size(), 1u);
    EXPECT_NE(b.errors[0].message.find("li2018"), std::string::npos);
    EXPECT_NE(b.machine.find("fixture-host"), std::string::npos);
    const BenchRow& r = b.rows.front();
    EXPECT_EQ(r.set, "resnet18");
    EXPECT_EQ(r.layer, "conv3x3_56_64");
    EXPECT_EQ(r.variant, "manual");
    EXPECT_EQ(r.threads, 1);
    EXPECT_EQ(r.repetitions, 3);
    EXPECT_EQ(r.layer_count, 4);
    ASSERT_TRUE(r.gflops && r.macs);
    // ms in the file, seconds here; the median aggregate, not the mean.
    EXPECT_GT(r.real_time_s, 1e-3);
    EXPECT_LT(r.real_time_s, 1e-2);
    for (const BenchRow& row : b.rows)
        if (row.variant == "memsched")
            EXPECT_EQ(row.predicted_bytes.count("ll"), 1u);
}

TEST(BenchResults, MedianOfRepetitionsWithoutAggregates) {
    const std::string path = temp_file("reps.json", R"({"benchmarks": [
        {"name": "s/l/v/threads:2", "run_type": "iteration", "real_time": 3, "time_unit": "us", "macs": 1000},
        {"name": "s/l/v/threads:2", "run_type": "iteration", "real_time": 1, "time_unit": "us", "macs": 1000},
        {"name": "s/l/v/threads:2", "run_type": "iteration", "real_time": 2, "time_unit": "us", "macs": 1000}]})");
    const BenchResults b = read_bench_results(path);
    ASSERT_EQ(b.rows.size(), 1u);
    EXPECT_EQ(b.rows[0].threads, 2);
    EXPECT_DOUBLE_EQ(b.rows[0].real_time_s, 2e-6);
    // No gflops counter: 2 x MACs / time.
    ASSERT_TRUE(b.rows[0].gflops);
    EXPECT_DOUBLE_EQ(*b.rows[0].gflops, 1.0);
}

TEST(BenchResults, MalformedInputsNameFileAndField) {
    EXPECT_EQ(error_of([] { read_bench_results("/nonexistent/bench.json"); }),
              "/nonexistent/bench.json: cannot be read (missing file?)");
    const std::string trunc = kFixtures + "/bench_truncated.json";
    EXPECT_NE(error_of([&] { read_bench_results(trunc); }).find(trunc + ": malformed JSON"),
              std::string::npos);
    const std::string no_list = temp_file("nolist.json", R"({"context": {}})");
    EXPECT_EQ(error_of([&] { read_bench_results(no_list); }), no_list + ": benchmarks: missing");
    const std::string bad_time = temp_file("badtime.json", R"({"benchmarks": [
        {"name": "s/l/v/threads:1", "real_time": "fast", "time_unit": "ms"}]})");
    EXPECT_EQ(error_of([&] { read_bench_results(bad_time); }),
              bad_time + ": benchmarks[0].real_time: must be a number");
    const std::string bad_counter = temp_file("badcounter.json", R"({"benchmarks": [
        {"name": "s/l/v/threads:1", "real_time": 1, "time_unit": "ms", "gflops": [1]}]})");
    EXPECT_EQ(error_of([&] { read_bench_results(bad_counter); }),
              bad_counter + ": benchmarks[0].gflops: must be a number");
    const std::string bad_name = temp_file("badname.json", R"({"benchmarks": [
        {"name": "BM_Foo", "real_time": 1, "time_unit": "ms"}]})");
    EXPECT_NE(
        error_of([&] { read_bench_results(bad_name); }).find(bad_name + ": benchmarks[0].name"),
        std::string::npos);
    const std::string bad_unit = temp_file("badunit.json", R"({"benchmarks": [
        {"name": "s/l/v/threads:1", "real_time": 1, "time_unit": "fortnights"}]})");
    EXPECT_NE(error_of([&] { read_bench_results(bad_unit); }).find(": benchmarks[0].time_unit"),
              std::string::npos);
}

TEST(ValidationResults, ReadsFixtureWithNullPredictions) {
    const ValidationResults v = read_validation_results(kFixtures + "/validation.json");
    EXPECT_EQ(v.rows.size(), 12u);
    EXPECT_FALSE(v.machine.empty());
    int predicted = 0;
    for (const ValidationRow& r : v.rows) {
        EXPECT_GT(r.lower_bound_bytes, 0);
        EXPECT_EQ(r.predicted_ll_bytes.has_value(), r.relative_error.has_value());
        predicted += r.predicted_ll_bytes.has_value();
    }
    EXPECT_EQ(predicted, 6);
}

TEST(ValidationResults, MalformedInputsNameFileAndField) {
    const std::string row = R"("layer": "l", "spec": "conv2d:n=1", "scheduler": "memsched",
        "cache_bytes": 1024, "predicted_ll_bytes": null, "relative_error": null,
        "lower_bound_bytes": 10, "compulsory_bytes": 10)";
    const std::string missing = temp_file("vmissing.json", "{\"rows\": [{" + row + "}]}");
    EXPECT_EQ(error_of([&] { read_validation_results(missing); }),
              missing + ": rows[0].measured_ll_bytes: missing");
    const std::string wrong =
        temp_file("vwrong.json", "{\"rows\": [{" + row + ", \"measured_ll_bytes\": \"many\"}]}");
    EXPECT_EQ(error_of([&] { read_validation_results(wrong); }),
              wrong + ": rows[0].measured_ll_bytes: must be a number");
    const std::string not_array = temp_file("vnotarray.json", R"({"rows": {}})");
    EXPECT_EQ(error_of([&] { read_validation_results(not_array); }),
              not_array + ": rows: must be an array");
    const std::string cache =
        temp_file("vcache.json",
                  "{\"rows\": [{" + row + ", \"measured_ll_bytes\": 5, \"cache_bytes\": 1.5}]}");
    // A duplicate key: nlohmann keeps the last, 1.5, which is not an integer.
    EXPECT_EQ(error_of([&] { read_validation_results(cache); }),
              cache + ": rows[0].cache_bytes: must be an integer");
}

TEST(RooflineResults, ReadsFixtureAndRejectsBadPeaks) {
    const RooflineResults r = read_roofline_results(kFixtures + "/roofline.json");
    EXPECT_DOUBLE_EQ(r.peak_gflops_1t, 147.95);
    EXPECT_DOUBLE_EQ(r.bandwidth_gbs_all, 9.68);
    EXPECT_EQ(r.threads, 2);
    const std::string zero = temp_file("rzero.json", R"({"peak_gflops_1t": 0,
        "peak_gflops_all": 1, "bandwidth_gbs_1t": 1, "bandwidth_gbs_all": 1})");
    EXPECT_EQ(error_of([&] { read_roofline_results(zero); }),
              zero + ": peak_gflops_1t: must be positive");
    const std::string arr = temp_file("rarr.json", "[1, 2]");
    EXPECT_EQ(error_of([&] { read_roofline_results(arr); }), arr + ": document: must be an object");
}

} // namespace
} // namespace memsched::report
