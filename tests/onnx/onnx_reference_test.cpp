// Debian's ONNX operator test cases through the plain C++ references.
#include <gtest/gtest.h>

#include "tests/onnx/case_check.h"
#include "tests/onnx/reference_runner.h"

namespace memsched::onnx_cases {
namespace {

Tally& tally() {
    static Tally t{"plain references"};
    return t;
}

TEST(OnnxTestData, IsInstalled) { expect_data_installed(); }

class OnnxReference : public ::testing::TestWithParam<CaseDir> {};

TEST_P(OnnxReference, MatchesExpectedOutput) {
    const std::string skip = check_case(
        GetParam(),
        [](const Layer& l, const DataSet& d, const std::vector<int64_t>&) { return run_reference(l, d); },
        tally());
    if (!skip.empty()) GTEST_SKIP() << skip;
}

INSTANTIATE_TEST_SUITE_P(Debian, OnnxReference, ::testing::ValuesIn(discover_cases()),
                         [](const auto& info) { return info.param.test_name(); });
// With the data missing there are no cases; OnnxTestData.IsInstalled says why.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(OnnxReference);

const bool registered = (print_summary_at_exit(tally()), true);

}  // namespace
}  // namespace memsched::onnx_cases
