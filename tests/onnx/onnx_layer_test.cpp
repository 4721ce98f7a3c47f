// Unit tests of the ONNX node translation: auto_pad resolution, defaults,
// skips for what memsched cannot express, and one-line errors for bad input.
#include <gtest/gtest.h>

#include "tests/onnx/onnx_layer.h"
#include "tests/reference/compare.h"

namespace memsched::onnx_cases {
namespace {

using reference::expect_invalid;

::onnx::NodeProto node(const std::string& op) {
    ::onnx::NodeProto n;
    n.set_op_type(op);
    n.add_input("x");
    n.add_output("y");
    return n;
}

void add_ints(::onnx::NodeProto& n, const std::string& name, std::vector<int64_t> v) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(::onnx::AttributeProto::INTS);
    for (int64_t i : v) a->add_ints(i);
}

void add_string(::onnx::NodeProto& n, const std::string& name, const std::string& s) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(::onnx::AttributeProto::STRING);
    a->set_s(s);
}

TEST(Translate, SameUpperAndLowerPutTheOddPadAtOppositeEnds) {
    // in 5, kernel 2, stride 2: out 3, total pad (3-1)*2 + 2 - 5 = 1.
    for (const std::string mode : {"SAME_UPPER", "SAME_LOWER"}) {
        auto n = node("MaxPool");
        add_ints(n, "kernel_shape", {2, 2});
        add_ints(n, "strides", {2, 2});
        add_string(n, "auto_pad", mode);
        const auto p = std::get<PoolLayer>(translate(n, {1, 1, 5, 5}, {})).params;
        const int begin = mode == "SAME_UPPER" ? 0 : 1;
        EXPECT_EQ(p.pad_top, begin) << mode;
        EXPECT_EQ(p.pad_left, begin) << mode;
        EXPECT_EQ(p.pad_bottom, 1 - begin) << mode;
        EXPECT_EQ(p.pad_right, 1 - begin) << mode;
    }
}

TEST(Translate, ConvDefaultsAndPadsOrder) {
    auto n = node("Conv");
    n.add_input("w");
    add_ints(n, "pads", {1, 2, 3, 4});  // [top, left, bottom, right]
    const auto l = std::get<ConvLayer>(translate(n, {1, 3, 9, 9}, {4, 3, 3, 3}));
    EXPECT_EQ(l.params.pad_top, 1);
    EXPECT_EQ(l.params.pad_left, 2);
    EXPECT_EQ(l.params.pad_bottom, 3);
    EXPECT_EQ(l.params.pad_right, 4);
    EXPECT_EQ(l.params.stride_x, 1);
    EXPECT_EQ(l.params.groups, 1);
    EXPECT_FALSE(l.has_bias);
}

TEST(Translate, UnsupportedCasesSayWhy) {
    auto conv1d = node("Conv");
    conv1d.add_input("w");
    EXPECT_THROW(translate(conv1d, {1, 3, 9}, {4, 3, 3}), Unsupported);
    EXPECT_THROW(translate(node("ConvTranspose"), {1, 3, 9, 9}, {}), Unsupported);
    auto odd = node("Relu");
    add_ints(odd, "mystery", {1});
    EXPECT_THROW(translate(odd, {1, 3}, {}), Unsupported);
}

TEST(Translate, MalformedAttributesNameTheAttribute) {
    auto a = node("AveragePool");
    add_ints(a, "kernel_shape", {3, 3});
    add_string(a, "auto_pad", "SAME_MIDDLE");
    expect_invalid([&] { translate(a, {1, 1, 5, 5}, {}); }, "auto_pad = 'SAME_MIDDLE'");
    auto b = node("AveragePool");
    add_ints(b, "kernel_shape", {3, 3});
    add_ints(b, "strides", {1, 1, 1});
    expect_invalid([&] { translate(b, {1, 1, 5, 5}, {}); }, "strides has 3 values");
    auto c = node("MaxPool");
    add_ints(c, "kernel_shape", {3, 3});
    add_ints(c, "pads", {1, 1, 1, 1});
    add_string(c, "auto_pad", "VALID");
    expect_invalid([&] { translate(c, {1, 1, 5, 5}, {}); }, "both auto_pad = VALID and pads");
    auto d = node("MaxPool");
    expect_invalid([&] { translate(d, {1, 1, 5, 5}, {}); }, "no kernel_shape");
}

TEST(BroadcastGemmC, ScalarRowColumnAndFull) {
    EXPECT_EQ(broadcast_gemm_c({"c", {}, {2}}, 2, 2), (std::vector<float>{2, 2, 2, 2}));
    EXPECT_EQ(broadcast_gemm_c({"c", {2}, {1, 2}}, 2, 2), (std::vector<float>{1, 2, 1, 2}));
    EXPECT_EQ(broadcast_gemm_c({"c", {2, 1}, {1, 2}}, 2, 2), (std::vector<float>{1, 1, 2, 2}));
    EXPECT_EQ(broadcast_gemm_c({"c", {1, 2}, {5, 6}}, 2, 2), (std::vector<float>{5, 6, 5, 6}));
    expect_invalid([] { broadcast_gemm_c({"c", {3}, {1, 2, 3}}, 2, 2); }, "do not broadcast");
}

}  // namespace
}  // namespace memsched::onnx_cases
