// Case discovery and loading (see onnx_case.h).
#include "tests/onnx/onnx_case.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

namespace memsched::onnx_cases {

namespace fs = std::filesystem;

namespace {

// The operator families memsched covers, per suite. Anything matching is run
// or skipped with a reason; nothing matching is dropped.
const std::vector<std::pair<std::string, std::vector<std::string>>>& covered_prefixes() {
    static const std::vector<std::pair<std::string, std::vector<std::string>>> prefixes = {
        {"node", {"test_conv", "test_maxpool_2d", "test_averagepool_2d", "test_gemm", "test_relu"}},
        {"pytorch-converted", {"test_Conv2d", "test_AvgPool2d", "test_MaxPool2d"}},
    };
    return prefixes;
}

bool starts_with(const std::string& s, const std::string& prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

::onnx::ModelProto load_model(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) throw std::runtime_error("cannot open " + path);
    ::onnx::ModelProto model;
    if (!model.ParseFromIstream(&file)) throw std::runtime_error("not a ModelProto: " + path);
    return model;
}

// Files named <prefix><i>.pb for i = 0, 1, ... until one is missing.
std::vector<OnnxTensor> load_numbered(const fs::path& dir, const std::string& prefix) {
    std::vector<OnnxTensor> tensors;
    for (int i = 0;; ++i) {
        const fs::path p = dir / (prefix + std::to_string(i) + ".pb");
        if (!fs::exists(p)) break;
        tensors.push_back(load_tensor_file(p.string()));
    }
    return tensors;
}

}  // namespace

std::string data_root() { return MEMSCHED_ONNX_DATA_DIR; }

std::string CaseDir::test_name() const {
    std::string s = suite + "_" + name;
    for (char& ch : s) {
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
    }
    return s;
}

std::vector<CaseDir> discover_cases() {
    std::vector<CaseDir> cases;
    for (const auto& [suite, prefixes] : covered_prefixes()) {
        const fs::path dir = fs::path(data_root()) / suite;
        if (!fs::is_directory(dir)) continue;
        for (const auto& entry : fs::directory_iterator(dir)) {
            const std::string name = entry.path().filename().string();
            const bool covered = std::any_of(prefixes.begin(), prefixes.end(),
                                             [&](const std::string& p) { return starts_with(name, p); });
            if (entry.is_directory() && covered) cases.push_back({suite, name, entry.path().string()});
        }
    }
    std::sort(cases.begin(), cases.end(),
              [](const CaseDir& a, const CaseDir& b) { return a.test_name() < b.test_name(); });
    return cases;
}

OnnxCase load_case(const CaseDir& dir) {
    OnnxCase c{dir, {}, {}};
    const ::onnx::ModelProto model = load_model((fs::path(dir.path) / "model.onnx").string());
    const ::onnx::GraphProto& graph = model.graph();
    if (graph.node_size() != 1) {
        throw Unsupported("graph has " + std::to_string(graph.node_size()) +
                          " nodes; only single-node cases are run");
    }
    c.node = graph.node(0);
    if (c.node.output_size() != 1) {
        throw Unsupported(c.node.op_type() + " node has " + std::to_string(c.node.output_size()) +
                          " outputs (e.g. MaxPool Indices); only single-output nodes are run");
    }

    // Initializers are constant inputs; the remaining graph inputs (old IR
    // versions also list initializers there) take input_<i>.pb in order.
    std::map<std::string, const ::onnx::TensorProto*> initializers;
    for (const auto& init : graph.initializer()) initializers[init.name()] = &init;
    std::vector<std::string> fed;
    for (const auto& in : graph.input()) {
        if (!initializers.count(in.name())) fed.push_back(in.name());
    }

    std::vector<fs::path> set_dirs;
    for (const auto& entry : fs::directory_iterator(dir.path)) {
        if (entry.is_directory() && starts_with(entry.path().filename().string(), "test_data_set_")) {
            set_dirs.push_back(entry.path());
        }
    }
    std::sort(set_dirs.begin(), set_dirs.end());
    if (set_dirs.empty()) throw std::runtime_error("no test_data_set_* in " + dir.path);

    for (const fs::path& set_dir : set_dirs) {
        DataSet ds;
        ds.name = set_dir.filename().string();
        std::vector<OnnxTensor> inputs = load_numbered(set_dir, "input_");
        if (inputs.size() != fed.size()) {
            throw std::runtime_error(ds.name + " has " + std::to_string(inputs.size()) +
                                     " input files for " + std::to_string(fed.size()) +
                                     " graph inputs");
        }
        std::map<std::string, OnnxTensor> values;
        for (size_t i = 0; i < fed.size(); ++i) values[fed[i]] = std::move(inputs[i]);
        for (const auto& [name, proto] : initializers) values[name] = from_proto(*proto);
        for (const std::string& name : c.node.input()) {
            if (name.empty()) {
                ds.inputs.emplace_back(std::nullopt);
                continue;
            }
            auto it = values.find(name);
            if (it == values.end()) throw std::runtime_error("node input '" + name + "' has no value");
            ds.inputs.emplace_back(it->second);
        }
        ds.outputs = load_numbered(set_dir, "output_");
        if (ds.outputs.size() != size_t(c.node.output_size())) {
            throw std::runtime_error(ds.name + " has " + std::to_string(ds.outputs.size()) +
                                     " output files for " + std::to_string(c.node.output_size()) +
                                     " node outputs");
        }
        c.data_sets.push_back(std::move(ds));
    }
    return c;
}

}  // namespace memsched::onnx_cases
