// Debian's ONNX operator test cases through memsched's Halide layer builders.
#include <gtest/gtest.h>

#include "tests/onnx/case_check.h"
#include "tests/onnx/halide_runner.h"

namespace memsched::onnx_cases {
namespace {

Tally& tally() {
    static Tally t{"Halide layers"};
    return t;
}

TEST(OnnxTestData, IsInstalled) { expect_data_installed(); }

class OnnxHalide : public ::testing::TestWithParam<CaseDir> {};

TEST_P(OnnxHalide, MatchesExpectedOutput) {
    const std::string skip = check_case(GetParam(), run_halide, tally());
    if (!skip.empty()) GTEST_SKIP() << skip;
}

INSTANTIATE_TEST_SUITE_P(Debian, OnnxHalide, ::testing::ValuesIn(discover_cases()),
                         [](const auto& info) { return info.param.test_name(); });
// With the data missing there are no cases; OnnxTestData.IsInstalled says why.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(OnnxHalide);

const bool registered = (print_summary_at_exit(tally()), true);

}  // namespace
}  // namespace memsched::onnx_cases
