// Plain C++ references and OpenCV DNN must agree on randomized shapes: odd
// sizes, strides, dilation, groups, depthwise, 1x1 and 7x7 kernels.
#include <gtest/gtest.h>

#include <string>

#include "tests/reference/compare.h"
#include "tests/reference/opencv_layers.h"
#include "tests/reference/reference_layers.h"

namespace memsched::reference {
namespace {

struct ConvCase {
    std::string name;
    int in_c, out_c, kernel_h, kernel_w;
    Conv2dParams p;
};

Conv2dParams conv(int stride, int dilation, int groups, int top, int left, int bottom, int right) {
    Conv2dParams p;
    p.stride_y = p.stride_x = stride;
    p.dilation_y = p.dilation_x = dilation;
    p.groups = groups;
    p.pad_top = top;
    p.pad_left = left;
    p.pad_bottom = bottom;
    p.pad_right = right;
    return p;
}

std::vector<ConvCase> conv_cases() {
    return {
        {"pointwise_1x1", 5, 7, 1, 1, conv(1, 1, 1, 0, 0, 0, 0)},
        {"pointwise_1x1_stride2", 6, 4, 1, 1, conv(2, 1, 1, 0, 0, 0, 0)},
        {"k3_pad1", 3, 4, 3, 3, conv(1, 1, 1, 1, 1, 1, 1)},
        {"k3_stride2_pad1", 4, 6, 3, 3, conv(2, 1, 1, 1, 1, 1, 1)},
        {"k7_stride2_pad3", 3, 8, 7, 7, conv(2, 1, 1, 3, 3, 3, 3)},
        {"k3_dilation2_pad2", 4, 5, 3, 3, conv(1, 2, 1, 2, 2, 2, 2)},
        {"k3_dilation2_stride2", 3, 3, 3, 3, conv(2, 2, 1, 1, 1, 1, 1)},
        {"groups3", 6, 9, 3, 3, conv(1, 1, 3, 1, 1, 1, 1)},
        {"groups2_stride2", 8, 4, 3, 3, conv(2, 1, 2, 1, 1, 1, 1)},
        {"depthwise_k3", 8, 8, 3, 3, conv(1, 1, 8, 1, 1, 1, 1)},
        {"depthwise_k3_stride2", 7, 7, 3, 3, conv(2, 1, 7, 1, 1, 1, 1)},
        {"depthwise_multiplier2", 4, 8, 5, 5, conv(1, 1, 4, 2, 2, 2, 2)},
        {"asymmetric_pads", 3, 4, 3, 3, conv(1, 1, 1, 0, 1, 2, 1)},
        {"rect_1x5", 4, 4, 1, 5, conv(1, 1, 1, 0, 2, 0, 2)},
        {"rect_5x1_no_pad", 4, 4, 5, 1, conv(1, 1, 1, 0, 0, 0, 0)},
    };
}

// gtest prints parameters on failure; a name beats a byte dump.
void PrintTo(const ConvCase& c, std::ostream* os) { *os << c.name; }

class OpenCvConv : public ::testing::TestWithParam<ConvCase> {};

TEST_P(OpenCvConv, AgreesWithPlainReference) {
    const ConvCase& cc = GetParam();
    std::mt19937 rng(std::hash<std::string>{}(cc.name));
    for (int trial = 0; trial < 3; ++trial) {
        // Odd and even spatial sizes, non-square, batch 1 or 2.
        std::uniform_int_distribution<int> size(7, 19), batch(1, 2);
        const int h = size(rng), w = size(rng), n = batch(rng);
        Tensor in = Tensor::random(n, cc.in_c, h, w, rng);
        Tensor weights = Tensor::random(cc.out_c, cc.in_c / cc.p.groups, cc.kernel_h, cc.kernel_w, rng);
        std::vector<float> bias;
        if (trial != 1) bias = Tensor::random(1, 1, 1, cc.out_c, rng).data;
        SCOPED_TRACE("input " + in.shape_string() + (bias.empty() ? ", no bias" : ", bias"));
        Tensor expected = conv2d(in, weights, bias, cc.p);
        Tensor actual = opencv::conv2d(in, weights, bias, cc.p);
        // Float accumulation over up to 7*7*4 terms in [-1, 1].
        EXPECT_TRUE(tensors_near(expected, actual, 2e-5f * float(weights.c * weights.h * weights.w), 1e-4f));
    }
}

INSTANTIATE_TEST_SUITE_P(Shapes, OpenCvConv, ::testing::ValuesIn(conv_cases()),
                         [](const auto& info) { return info.param.name; });

struct PoolCase {
    std::string name;
    bool is_max;
    PoolParams p;
};

PoolParams pool(int k, int stride, int top, int left, int bottom, int right, bool ceil_mode,
                bool include_pad) {
    PoolParams p;
    p.kernel_h = p.kernel_w = k;
    p.stride_y = p.stride_x = stride;
    p.pad_top = top;
    p.pad_left = left;
    p.pad_bottom = bottom;
    p.pad_right = right;
    p.ceil_mode = ceil_mode;
    p.count_include_pad = include_pad;
    return p;
}

std::vector<PoolCase> pool_cases() {
    std::vector<PoolCase> cases;
    for (bool is_max : {true, false}) {
        const std::string kind = is_max ? "max_" : "avg_";
        cases.push_back({kind + "k2_s2", is_max, pool(2, 2, 0, 0, 0, 0, false, false)});
        cases.push_back({kind + "k3_s2_pad1", is_max, pool(3, 2, 1, 1, 1, 1, false, false)});
        cases.push_back({kind + "k3_s1_pad1", is_max, pool(3, 1, 1, 1, 1, 1, false, false)});
        cases.push_back({kind + "k3_s2_ceil", is_max, pool(3, 2, 0, 0, 0, 0, true, false)});
        cases.push_back({kind + "k3_s2_pad1_ceil", is_max, pool(3, 2, 1, 1, 1, 1, true, false)});
        cases.push_back({kind + "k5_s3_pad2", is_max, pool(5, 3, 2, 2, 2, 2, false, false)});
        cases.push_back({kind + "k3_s2_asymmetric", is_max, pool(3, 2, 0, 1, 1, 0, false, false)});
    }
    cases.push_back({"avg_k3_s2_pad1_include_pad", false, pool(3, 2, 1, 1, 1, 1, false, true)});
    cases.push_back({"avg_k3_s1_pad1_include_pad", false, pool(3, 1, 1, 1, 1, 1, false, true)});
    cases.push_back({"avg_k3_s2_pad1_ceil_include_pad", false, pool(3, 2, 1, 1, 1, 1, true, true)});
    return cases;
}

void PrintTo(const PoolCase& c, std::ostream* os) { *os << c.name; }

class OpenCvPool : public ::testing::TestWithParam<PoolCase> {};

TEST_P(OpenCvPool, AgreesWithPlainReference) {
    const PoolCase& pc = GetParam();
    std::mt19937 rng(std::hash<std::string>{}(pc.name));
    for (int trial = 0; trial < 3; ++trial) {
        std::uniform_int_distribution<int> size(6, 17), channels(1, 5), batch(1, 2);
        // Negative values make padding-wins bugs in max pooling visible.
        Tensor in = Tensor::random(batch(rng), channels(rng), size(rng), size(rng), rng, -3.f, -0.5f);
        if (trial == 2) in = Tensor::random(in.n, in.c, in.h, in.w, rng);
        SCOPED_TRACE("input " + in.shape_string());
        const Tensor expected = pc.is_max ? max_pool(in, pc.p) : avg_pool(in, pc.p);
        const Tensor actual = pc.is_max ? opencv::max_pool(in, pc.p) : opencv::avg_pool(in, pc.p);
        EXPECT_TRUE(tensors_near(expected, actual, 1e-5f, 1e-5f));
    }
}

INSTANTIATE_TEST_SUITE_P(Shapes, OpenCvPool, ::testing::ValuesIn(pool_cases()),
                         [](const auto& info) { return info.param.name; });

TEST(OpenCvFullyConnected, AgreesWithPlainReference) {
    std::mt19937 rng(7);
    for (bool with_bias : {true, false}) {
        Tensor in = Tensor::random(3, 7, 3, 3, rng);
        Tensor weights = Tensor::random(10, 63, 1, 1, rng);
        std::vector<float> bias;
        if (with_bias) bias = Tensor::random(1, 1, 1, 10, rng).data;
        EXPECT_TRUE(tensors_near(fully_connected(in, weights, bias),
                                 opencv::fully_connected(in, weights, bias), 1e-4f, 1e-4f));
    }
}

TEST(OpenCvLayers, BadParametersThrowBeforeOpenCvRuns) {
    Tensor in(1, 4, 5, 5);
    Conv2dParams p;
    p.groups = 3;
    EXPECT_THROW(opencv::conv2d(in, Tensor(3, 1, 3, 3), {}, p), std::invalid_argument);
    PoolParams pp;
    pp.kernel_h = 7;
    EXPECT_THROW(opencv::max_pool(in, pp), std::invalid_argument);
}

}  // namespace
}  // namespace memsched::reference
