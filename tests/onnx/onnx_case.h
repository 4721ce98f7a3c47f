// ONNX operator test cases shipped by Debian's libonnx-testdata: discovery
// from the directory tree and loading of one case (its single node, the
// node's inputs by position, and the expected outputs of every data set).
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

#include "tests/onnx/onnx_tensor.h"

namespace memsched::onnx_cases {

// Where libonnx-testdata puts its data (overridable at configure time).
std::string data_root();

struct CaseDir {
    std::string suite;  // "node" or "pytorch-converted"
    std::string name;   // directory name, e.g. "test_conv_with_strides_padding"
    std::string path;
    // "node_test_conv_with_strides_padding": unique, valid as a gtest name.
    std::string test_name() const;
};

// gtest prints parameters on failure: the case name, not bytes.
inline void PrintTo(const CaseDir& d, std::ostream* os) { *os << d.suite << "/" << d.name; }

// Every case under data_root() whose directory name starts with one of the
// prefixes memsched covers (conv, 2-D pools, gemm, relu), sorted by name.
// Returns an empty list when data_root() is missing.
std::vector<CaseDir> discover_cases();

struct DataSet {
    std::string name;                              // "test_data_set_0"
    std::vector<std::optional<OnnxTensor>> inputs;  // by node input position; nullopt = omitted
    std::vector<OnnxTensor> outputs;                // by node output position
};

struct OnnxCase {
    CaseDir dir;
    ::onnx::NodeProto node;
    std::vector<DataSet> data_sets;
};

// Throws Unsupported for cases the references cannot express (several nodes,
// non-float tensors) and std::runtime_error for unreadable files.
OnnxCase load_case(const CaseDir& dir);

}  // namespace memsched::onnx_cases
