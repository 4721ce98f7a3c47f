// Shared driver of the ONNX case tests: runs one case through a runner,
// compares every data set with the expected output, and keeps the tally
// behind the run/matched/skipped summary line.
#pragma once

#include <functional>
#include <string>

#include <gtest/gtest.h>

#include "tests/onnx/onnx_case.h"
#include "tests/onnx/onnx_layer.h"

namespace memsched::onnx_cases {

struct Tally {
    std::string label;  // "plain references", "Halide layers"
    int run = 0, matched = 0, skipped = 0;
};

// Computes the node's output for one data set; `output_dims` are the
// expected output's dims (Halide realizes into a buffer of that shape).
using Runner = std::function<OnnxTensor(const Layer&, const DataSet&,
                                        const std::vector<int64_t>& output_dims)>;

// Loads, translates and runs `dir`; records a gtest failure per mismatch,
// or skips (GTEST_SKIP-style, via the returned reason) when Unsupported.
// Returns the skip reason, empty when the case ran.
std::string check_case(const CaseDir& dir, const Runner& runner, Tally& tally);

// Registers a gtest Environment that prints the tally after all tests:
// "[onnx] <label>: N cases run, M matched, S skipped".
void print_summary_at_exit(Tally& tally);

// Fails (with the package to install) when the data directory is missing.
void expect_data_installed();

}  // namespace memsched::onnx_cases
