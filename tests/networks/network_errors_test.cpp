// The loader's error reporting: a small valid network file, then one
// mutation per kind of defect; each must fail with a one-line NetworkError
// naming the file, the layer, the field and the offending value.
#include "generators/networks/network.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace memsched {
namespace {

const std::string valid_network = R"({
  "name": "tiny", "description": "every op once",
  "input": {"n": 1, "c": 3, "h": 8, "w": 8},
  "layers": [
    {"name": "c1", "op": "conv2d", "inputs": ["input"], "c": 3, "h": 8, "w": 8, "k": 4, "r": 3, "s": 3, "pad": 1, "batchnorm": true, "activation": "relu"},
    {"name": "p1", "op": "maxpool", "inputs": ["c1"], "c": 4, "h": 8, "w": 8, "r": 2, "s": 2, "stride": 2},
    {"name": "c2", "op": "conv2d", "inputs": ["p1"], "c": 4, "h": 4, "w": 4, "k": 4, "r": 1, "s": 1},
    {"name": "sum", "op": "add", "inputs": ["c2", "p1"], "activation": "relu"},
    {"name": "cat", "op": "concat", "inputs": ["sum", "p1"]},
    {"name": "gap", "op": "globalavgpool", "inputs": ["cat"], "c": 8, "h": 4, "w": 4},
    {"name": "fc", "op": "fc", "inputs": ["gap"], "c": 8, "k": 10, "bias": true}
  ]
})";

// Writes `text` to a fresh file under the temp directory.
class TempFile {
public:
    explicit TempFile(const std::string& text) {
        static int counter = 0;
        path_ = (std::filesystem::temp_directory_path() /
                 ("memsched_net_" + std::to_string(::getpid()) + "_" +
                  std::to_string(counter++) + ".json"))
                    .string();
        std::ofstream(path_) << text;
    }
    ~TempFile() { std::filesystem::remove(path_); }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

TEST(NetworkFile, ValidFileLoads) {
    TempFile file(valid_network);
    const Network net = load_network_file(file.path());
    EXPECT_EQ(net.name, "tiny");
    ASSERT_EQ(net.layers.size(), 7u);
    EXPECT_EQ(net.find_layer("p1")->output, (TensorShape{1, 4, 4, 4}));
    EXPECT_EQ(net.find_layer("cat")->output, (TensorShape{1, 8, 4, 4}));
    EXPECT_EQ(net.layers.back().output, (TensorShape{1, 10, 1, 1}));
    EXPECT_EQ(net.compute_layers().size(), 5u);
    // c1: 4*3*9 weights + 4 folded BN; c2: 16 weights; fc: 80 + 10.
    EXPECT_EQ(net.parameter_count(), 108 + 4 + 16 + 90);
    EXPECT_EQ(net.parameter_bytes(), 4 * (108 + 4 + 16 + 90));
    EXPECT_EQ(net.total_macs(), 4 * 8 * 8 * 27 + 4 * 4 * 4 * 4 + 80);
    EXPECT_EQ(net.total_pool_ops(), 4 * 4 * 4 * 4 + 8 * 16);
}

struct BadCase {
    const char* label;
    const char* from; // replaced once in valid_network
    const char* to;
    std::vector<std::string> expected; // substrings of the message
};

std::ostream& operator<<(std::ostream& os, const BadCase& c) { return os << c.label; }

class MalformedFile : public ::testing::TestWithParam<BadCase> {};

TEST_P(MalformedFile, FailsWithOneLineNamingFieldAndValue) {
    const BadCase& c = GetParam();
    std::string text = valid_network;
    const size_t pos = text.find(c.from);
    ASSERT_NE(pos, std::string::npos) << "bad test: '" << c.from << "' not in the base file";
    text.replace(pos, std::string(c.from).size(), c.to);
    TempFile file(text);
    try {
        load_network_file(file.path());
        FAIL() << "loaded without error";
    } catch (const NetworkError& e) {
        const std::string msg = e.what();
        EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
        EXPECT_EQ(msg.rfind(file.path(), 0), 0u) << "message should start with the path: " << msg;
        for (const auto& part : c.expected)
            EXPECT_NE(msg.find(part), std::string::npos) << "missing '" << part << "' in: " << msg;
    }
}

const BadCase bad_cases[] = {
    {"InvalidJson", R"("k": 4, "r": 3)", R"("k": 4,, "r": 3)", {"invalid JSON", "line 5, column"}},
    {"TrailingGarbage", "\n}", "\n}}", {"invalid JSON", "line"}},
    {"MissingField", R"("k": 4, "r": 3)", R"("r": 3)", {"layer 'c1' (#1)", "field 'k'", "missing"}},
    {"WrongType", R"(["input"], "c": 3, "h": 8)", R"(["input"], "c": 3, "h": "8")", {"layer 'c1'", "field 'h'", "string \"8\""}},
    {"FloatSize", R"("k": 4, "r": 3)", R"("k": 4.5, "r": 3)", {"field 'k'", "expected an integer", "4.5"}},
    {"WrongBoolType", R"("bias": true)", R"("bias": 1)", {"layer 'fc'", "field 'bias'", "1"}},
    {"UnknownOp", R"("op": "maxpool")", R"("op": "maxpoool")", {"layer 'p1'", "field 'op'", "\"maxpoool\""}},
    {"UnknownActivation", R"("activation": "relu"},)", R"("activation": "gelu"},)", {"layer 'c1'", "field 'activation'", "\"gelu\""}},
    {"UnknownInput", R"("inputs": ["c1"])", R"("inputs": ["c9"])", {"layer 'p1'", "field 'inputs'", "unknown input \"c9\""}},
    {"ForwardReference", R"("inputs": ["c1"])", R"("inputs": ["c2"])", {"layer 'p1'", "\"c2\" is defined later", "topological"}},
    {"SelfReference", R"("inputs": ["p1"], "c": 4, "h": 4)", R"("inputs": ["c2"], "c": 4, "h": 4)", {"layer 'c2'", "itself"}},
    {"DuplicateName", R"("name": "c2")", R"("name": "c1")", {"field 'name'", "duplicate layer name \"c1\"", "#1"}},
    {"ReservedName", R"("name": "c2")", R"("name": "input")", {"field 'name'", "reserved"}},
    {"BadName", R"("name": "c2")", R"("name": "c 2")", {"field 'name'", "\"c 2\""}},
    {"StatedHeightInconsistent", R"("c": 4, "h": 4, "w": 4, "k": 4)", R"("c": 4, "h": 5, "w": 4, "k": 4)", {"layer 'c2'", "field 'h'", "stated 5", "'p1' gives h=4"}},
    {"StatedChannelsInconsistent", R"("c": 8, "h": 4)", R"("c": 7, "h": 4)", {"layer 'gap'", "field 'c'", "stated 7", "c=8"}},
    {"WrongBatch", R"(["input"], "c": 3)", R"(["input"], "n": 2, "c": 3)", {"layer 'c1'", "field 'n'", "stated 2"}},
    {"AddMismatch", R"(["c2", "p1"])", R"(["c2", "c1"])", {"layer 'sum'", "add of mismatched shapes", "1x4x8x8"}},
    {"AddOneInput", R"(["c2", "p1"])", R"(["c2"])", {"layer 'sum'", "field 'inputs'", "at least 2"}},
    {"ConcatMismatch", R"(["sum", "p1"])", R"(["sum", "c1"])", {"layer 'cat'", "concat of mismatched sizes", "1x4x8x8"}},
    {"GroupsDoNotDivide", R"("pad": 1,)", R"("pad": 1, "groups": 2,)", {"layer 'c1'", "groups=2", "c=3"}},
    {"KernelLargerThanInput", R"("k": 4, "r": 1, "s": 1)", R"("k": 4, "r": 7, "s": 1)", {"layer 'c2'", "r=7", "padded input height 4"}},
    {"NegativePad", R"("pad": 1,)", R"("pad": -1,)", {"layer 'c1'", "field 'pad'", "-1"}},
    {"ZeroStride", R"("stride": 2)", R"("stride": 0)", {"layer 'p1'", "field 'stride'", "0"}},
    {"HugeSize", R"("k": 10)", R"("k": 4294967296000)", {"layer 'fc'", "field 'k'", "4294967296000", "out of range"}},
    {"UnknownField", R"("stride": 2)", R"("strdie": 2)", {"layer 'p1'", "field 'strdie'", "unknown field"}},
    {"FieldNotForOp", R"("stride": 2)", R"("stride": 2, "k": 4)", {"layer 'p1'", "field 'k'", "op maxpool"}},
    {"DuplicateKeyInInput", R"("n": 1, "c": 3)", R"("n": 1, "n": 2, "c": 3)", {"field 'n' appears twice", "\"input\""}},
    {"DuplicateKey", R"("k": 4, "r": 3)", R"("k": 4, "k": 5, "r": 3)", {"field 'k' appears twice", "'c1'"}},
    {"FcFeatures", R"("c": 8, "k": 10)", R"("c": 9, "k": 10)", {"layer 'fc'", "field 'c'", "stated 9", "flattens to 8"}},
    {"GlobalPoolKernel", R"("c": 8, "h": 4, "w": 4})", R"("c": 8, "h": 4, "w": 4, "r": 3})", {"layer 'gap'", "field 'r'", "stated 3"}},
    {"PoolWindowInPadding", R"("stride": 2)", R"("stride": 2, "pad_end": 2)", {"layer 'p1'", "field 'pad_end'", "pad_end=2"}},
    {"MissingInputSize", R"("h": 8, "w": 8},)", R"("h": 8},)", {"input", "field 'w'", "missing"}},
    {"NoLayers", R"("layers": [)", R"("layers": [], "x": [)", {"field 'layers'", "no layers"}},
    {"LayerNotObject", R"("layers": [)", R"("layers": [42, )", {"layer #1", "object", "42"}},
    {"InputsNotStrings", R"(["c2", "p1"])", R"(["c2", 3])", {"layer 'sum'", "field 'inputs'", "3"}},
};

INSTANTIATE_TEST_SUITE_P(Defects, MalformedFile, ::testing::ValuesIn(bad_cases),
                         [](const auto& info) { return std::string(info.param.label); });

TEST(NetworkFile, MissingFileNamesThePath) {
    try {
        load_network_file("/nonexistent/dir/net.json");
        FAIL() << "expected NetworkError";
    } catch (const NetworkError& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent/dir/net.json"), std::string::npos);
    }
}

TEST(NetworkFile, EmptyFileIsInvalidJson) {
    TempFile file("");
    EXPECT_THROW(load_network_file(file.path()), NetworkError);
}

} // namespace
} // namespace memsched
