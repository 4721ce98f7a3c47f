// Implementation of the shared ONNX case driver (see case_check.h).
#include "tests/onnx/case_check.h"

#include <filesystem>
#include <iostream>

#include "tests/reference/compare.h"

namespace memsched::onnx_cases {

namespace {

// The expected outputs come from numpy (float32 or float64); our results
// accumulate in double (references) or float (Halide).
constexpr float kAtol = 1e-4f, kRtol = 1e-4f;

std::vector<int64_t> dims_of(const DataSet& d, size_t i) {
    return i < d.inputs.size() && d.inputs[i] ? d.inputs[i]->dims : std::vector<int64_t>{};
}

class SummaryPrinter : public ::testing::Environment {
public:
    explicit SummaryPrinter(Tally& t) : tally_(t) {}
    void TearDown() override {
        std::cout << "[onnx] " << tally_.label << ": " << tally_.run << " cases run, "
                  << tally_.matched << " matched, " << tally_.skipped << " skipped" << std::endl;
    }

private:
    Tally& tally_;
};

}  // namespace

std::string check_case(const CaseDir& dir, const Runner& runner, Tally& tally) {
    try {
        const OnnxCase c = load_case(dir);
        bool all_match = true;
        for (const DataSet& ds : c.data_sets) {
            const Layer layer = translate(c.node, dims_of(ds, 0), dims_of(ds, 1));
            const OnnxTensor& expected = ds.outputs.at(0);
            const OnnxTensor actual = runner(layer, ds, expected.dims);
            if (actual.dims != expected.dims) {
                ADD_FAILURE() << dir.test_name() << "/" << ds.name << ": output dims "
                              << actual.dims_string() << " differ from expected "
                              << expected.dims_string();
                all_match = false;
                continue;
            }
            const ::testing::AssertionResult near =
                reference::tensors_near(as_nchw(expected), as_nchw(actual), kAtol, kRtol);
            if (!near) {
                ADD_FAILURE() << dir.test_name() << "/" << ds.name << " (" << c.node.op_type()
                              << "): " << near.message();
                all_match = false;
            }
        }
        ++tally.run;
        if (all_match) ++tally.matched;
        return "";
    } catch (const Unsupported& e) {
        ++tally.skipped;
        std::cout << "[onnx] skipped " << dir.test_name() << " (" << tally.label
                  << "): " << e.what() << std::endl;
        return e.what();
    } catch (const std::exception& e) {
        ++tally.run;
        ADD_FAILURE() << dir.test_name() << ": " << e.what();
        return "";
    }
}

void print_summary_at_exit(Tally& tally) {
    ::testing::AddGlobalTestEnvironment(new SummaryPrinter(tally));
}

void expect_data_installed() {
    ASSERT_TRUE(std::filesystem::is_directory(data_root()))
        << "ONNX test data not found at " << data_root()
        << ": install the Debian package libonnx-testdata (scripts/install_deps.sh does)";
    EXPECT_FALSE(discover_cases().empty())
        << "no Conv/MaxPool/AveragePool/Gemm/Relu cases under " << data_root();
}

}  // namespace memsched::onnx_cases
