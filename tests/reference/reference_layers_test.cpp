// Hand-computed tiny cases that pin down the reference layers themselves.
#include <gtest/gtest.h>

#include "tests/reference/compare.h"
#include "tests/reference/reference_layers.h"

namespace memsched::reference {
namespace {

// n=1, c=1 tensor from rows of values.
Tensor plane(int64_t h, int64_t w, std::vector<float> values) {
    Tensor t(1, 1, h, w);
    t.data = std::move(values);
    return t;
}

Tensor one_to_nine() { return plane(3, 3, {1, 2, 3, 4, 5, 6, 7, 8, 9}); }

TEST(Conv2d, ValidTwoByTwoOnes) {
    Tensor w = plane(2, 2, {1, 1, 1, 1});
    EXPECT_TRUE(tensors_near(plane(2, 2, {12, 16, 24, 28}), conv2d(one_to_nine(), w, {}, {})));
}

TEST(Conv2d, StrideTwoPadOne) {
    Tensor w = plane(3, 3, {1, 2, 3, 4, 5, 6, 7, 8, 9});
    Conv2dParams p;
    p.stride_y = p.stride_x = 2;
    p.pad_top = p.pad_left = p.pad_bottom = p.pad_right = 1;
    // e.g. (0,0): 5*1 + 6*2 + 8*4 + 9*5 = 94.
    EXPECT_TRUE(tensors_near(plane(2, 2, {94, 106, 106, 94}), conv2d(one_to_nine(), w, {}, p)));
}

TEST(Conv2d, DilationTwo) {
    Tensor w = plane(2, 2, {1, 2, 3, 4});
    Conv2dParams p;
    p.dilation_y = p.dilation_x = 2;
    // Taps hit the four corners: 1*1 + 2*3 + 3*7 + 4*9.
    EXPECT_TRUE(tensors_near(plane(1, 1, {64}), conv2d(one_to_nine(), w, {}, p)));
}

TEST(Conv2d, AsymmetricPaddingShiftsAndGrows) {
    Conv2dParams p;
    p.pad_top = 1;
    p.pad_right = 2;
    Tensor out = conv2d(one_to_nine(), plane(1, 1, {1}), {}, p);
    ASSERT_EQ(out.h, 4);
    ASSERT_EQ(out.w, 5);
    EXPECT_TRUE(tensors_near(plane(4, 5, {0, 0, 0, 0, 0,  //
                                          1, 2, 3, 0, 0,  //
                                          4, 5, 6, 0, 0,  //
                                          7, 8, 9, 0, 0}),
                             out));
}

TEST(Conv2d, GroupsAndBias) {
    Tensor in(1, 2, 1, 1);
    in.data = {3, 5};
    Tensor w(4, 1, 1, 1);  // two output channels per group
    w.data = {1, 2, 3, 4};
    Conv2dParams p;
    p.groups = 2;
    Tensor expected(1, 4, 1, 1);
    expected.data = {3 + 1, 6 + 1, 15 - 1, 20 - 1};
    EXPECT_TRUE(tensors_near(expected, conv2d(in, w, {1, 1, -1, -1}, p)));

    // Ungrouped, the same channels mix: weights now 4 x 2.
    Tensor w2(4, 2, 1, 1);
    w2.data = {1, 0, 0, 1, 1, 1, 2, -1};
    Tensor expected2(1, 4, 1, 1);
    expected2.data = {3, 5, 8, 1};
    EXPECT_TRUE(tensors_near(expected2, conv2d(in, w2, {}, {})));
}

TEST(Conv2d, MultiBatchMultiChannelSums) {
    Tensor in(2, 2, 1, 2);
    in.data = {1, 2, 3, 4, /* n=1 */ 5, 6, 7, 8};
    Tensor w(1, 2, 1, 2);
    w.data = {1, 10, 100, 1000};
    Tensor out = conv2d(in, w, {}, {});
    Tensor expected(2, 1, 1, 1);
    expected.data = {1 + 20 + 300 + 4000, 5 + 60 + 700 + 8000};
    EXPECT_TRUE(tensors_near(expected, out));
}

TEST(Conv2d, BadParametersNameTheField) {
    Tensor in(1, 4, 5, 5), w(6, 2, 3, 3);
    Conv2dParams p;
    p.groups = 3;
    expect_invalid([&] { conv2d(in, w, {}, p); }, "groups = 3");
    p.groups = 2;
    expect_invalid([&] { conv2d(in, Tensor(6, 3, 3, 3), {}, p); }, "weights.c = 3");
    expect_invalid([&] { conv2d(in, w, {1, 2}, p); }, "bias size = 2");
    expect_invalid([&] { conv2d(in, Tensor(6, 2, 7, 3), {}, p); }, "kernel_h = 7");
    p.stride_x = 0;
    expect_invalid([&] { conv2d(in, w, {}, p); }, "stride_x = 0");
    p.stride_x = 1;
    p.dilation_y = 3;
    expect_invalid([&] { conv2d(in, w, {}, p); }, "kernel_h = 3 (dilated span 7)");
    p.dilation_y = 1;
    p.pad_left = -1;
    expect_invalid([&] { conv2d(in, w, {}, p); }, "pad_left = -1");
}

TEST(WindowOutputSize, FloorCeilAndLastWindowRule) {
    EXPECT_EQ(window_output_size(5, 2, 2, 0, 0, 1, false, "x"), 2);
    EXPECT_EQ(window_output_size(5, 2, 2, 0, 0, 1, true, "x"), 3);
    // ceil((5+2-2)/2)+1 = 4, but window 3 would start at 6-1 = 5, past the
    // input: only trailing padding. PyTorch/ONNX drop it.
    EXPECT_EQ(window_output_size(5, 2, 2, 1, 1, 1, true, "x"), 3);
    EXPECT_EQ(window_output_size(7, 3, 1, 0, 0, 3, false, "y"), 1);
    expect_invalid([] { window_output_size(4, 5, 1, 0, 0, 1, false, "y"); }, "kernel_h = 5");
}

TEST(MaxPool, TwoByTwoStrideTwo) {
    Tensor in(1, 1, 4, 4);
    for (int i = 0; i < 16; ++i) in.data[i] = float(i + 1);
    PoolParams p;
    p.kernel_h = p.kernel_w = p.stride_y = p.stride_x = 2;
    EXPECT_TRUE(tensors_near(plane(2, 2, {6, 8, 14, 16}), max_pool(in, p)));
}

TEST(MaxPool, PaddingNeverWins) {
    Tensor in = plane(2, 2, {-5, -6, -7, -8});
    PoolParams p;
    p.kernel_h = p.kernel_w = 2;
    p.pad_top = p.pad_left = p.pad_bottom = p.pad_right = 1;
    EXPECT_TRUE(tensors_near(plane(3, 3, {-5, -5, -6, -5, -5, -6, -7, -7, -8}), max_pool(in, p)));
}

TEST(MaxPool, CeilModeAddsPartialWindow) {
    Tensor in(1, 1, 4, 4);
    for (int i = 0; i < 16; ++i) in.data[i] = float(i + 1);
    PoolParams p;
    p.kernel_h = p.kernel_w = 3;
    p.stride_y = p.stride_x = 2;
    EXPECT_TRUE(tensors_near(plane(1, 1, {11}), max_pool(in, p)));
    p.ceil_mode = true;
    EXPECT_TRUE(tensors_near(plane(2, 2, {11, 12, 15, 16}), max_pool(in, p)));
}

TEST(MaxPool, WindowEntirelyInPaddingIsRejected) {
    PoolParams p;
    p.kernel_h = p.kernel_w = 2;
    p.pad_top = 2;
    expect_invalid([&] { max_pool(one_to_nine(), p); }, "no input element");
}

TEST(MaxPool, DilationSkipsTaps) {
    Tensor in(1, 1, 4, 4);
    for (int i = 0; i < 16; ++i) in.data[i] = float((i * 7) % 16);  // 0 7 14 5 / 12 3 10 1 / ...
    PoolParams p;
    p.kernel_h = p.kernel_w = 2;
    p.dilation_y = p.dilation_x = 2;
    // Output (0,0) sees (0,0) (0,2) (2,0) (2,2) = 0, 14, 8, 6.
    Tensor out = max_pool(in, p);
    ASSERT_EQ(out.h, 2);
    ASSERT_EQ(out.w, 2);
    EXPECT_FLOAT_EQ(out.at(0, 0, 0, 0), 14.f);
    // (1,1) sees (1,1) (1,3) (3,1) (3,3) = 3, 1, 11, 9.
    EXPECT_FLOAT_EQ(out.at(0, 0, 1, 1), 11.f);
}

TEST(AvgPool, CountIncludePad) {
    PoolParams p;
    p.kernel_h = p.kernel_w = 2;
    p.pad_top = p.pad_left = p.pad_bottom = p.pad_right = 1;
    Tensor excl = avg_pool(one_to_nine(), p);
    p.count_include_pad = true;
    Tensor incl = avg_pool(one_to_nine(), p);
    ASSERT_EQ(excl.h, 4);
    ASSERT_EQ(excl.w, 4);
    EXPECT_FLOAT_EQ(excl.at(0, 0, 0, 0), 1.f);
    EXPECT_FLOAT_EQ(incl.at(0, 0, 0, 0), 0.25f);
    EXPECT_FLOAT_EQ(excl.at(0, 0, 0, 1), 1.5f);
    EXPECT_FLOAT_EQ(incl.at(0, 0, 0, 1), 0.75f);
    EXPECT_FLOAT_EQ(excl.at(0, 0, 1, 1), 3.f);
    EXPECT_FLOAT_EQ(incl.at(0, 0, 1, 1), 3.f);
    EXPECT_FLOAT_EQ(excl.at(0, 0, 3, 3), 9.f);
    EXPECT_FLOAT_EQ(incl.at(0, 0, 3, 3), 2.25f);
}

TEST(AvgPool, CeilOverhangIsNotCountedAsPadding) {
    Tensor in = plane(1, 5, {1, 2, 3, 4, 5});
    PoolParams p;
    p.kernel_w = 2;
    p.stride_x = 2;
    p.ceil_mode = true;
    p.count_include_pad = true;
    // Last window covers x = 4..5; x = 5 is past the input and no padding.
    EXPECT_TRUE(tensors_near(plane(1, 3, {1.5f, 3.5f, 5.f}), avg_pool(in, p)));
    p.pad_right = 1;  // now x = 5 is padding and counts
    EXPECT_TRUE(tensors_near(plane(1, 3, {1.5f, 3.5f, 2.5f}), avg_pool(in, p)));
    p.count_include_pad = false;
    EXPECT_TRUE(tensors_near(plane(1, 3, {1.5f, 3.5f, 5.f}), avg_pool(in, p)));
}

TEST(AvgPool, AsymmetricPadding) {
    PoolParams p;
    p.kernel_h = p.kernel_w = 2;
    p.pad_bottom = 1;
    p.pad_left = 1;
    p.count_include_pad = true;
    Tensor out = avg_pool(one_to_nine(), p);
    ASSERT_EQ(out.h, 3);
    ASSERT_EQ(out.w, 3);
    // (0,0): rows 0..1, cols -1..0 -> (1 + 4) / 4.
    EXPECT_FLOAT_EQ(out.at(0, 0, 0, 0), 1.25f);
    // (2,2): rows 2..3, cols 1..2 -> (8 + 9) / 4.
    EXPECT_FLOAT_EQ(out.at(0, 0, 2, 2), 4.25f);
}

TEST(GlobalAvgPool, PerChannelMean) {
    Tensor in(1, 2, 1, 3);
    in.data = {1, 2, 3, -4, 0, 10};
    Tensor expected(1, 2, 1, 1);
    expected.data = {2, 2};
    EXPECT_TRUE(tensors_near(expected, global_avg_pool(in)));
}

TEST(FullyConnected, FlattensNchwAndAddsBias) {
    Tensor in(2, 1, 1, 3);
    in.data = {1, 2, 3, 4, 5, 6};
    Tensor w(2, 3, 1, 1);
    w.data = {1, 0, -1, 0.5f, 0.5f, 0.5f};
    Tensor expected(2, 2, 1, 1);
    expected.data = {8, 3, 8, 7.5f};
    EXPECT_TRUE(tensors_near(expected, fully_connected(in, w, {10, 0})));

    Tensor in2(1, 2, 1, 2);  // features c*h*w in NCHW order
    in2.data = {1, 2, 3, 4};
    Tensor w2(1, 4, 1, 1);
    w2.data = {1, 10, 100, 1000};
    Tensor expected2(1, 1, 1, 1);
    expected2.data = {4321};
    EXPECT_TRUE(tensors_near(expected2, fully_connected(in2, w2, {})));
    expect_invalid([&] { fully_connected(in2, w, {}); }, "weights.c = 3");
}

TEST(BatchNorm, Unfolded) {
    Tensor in(1, 1, 1, 2);
    in.data = {1, 3};
    BatchNorm bn{{2.f}, {1.f}, {2.f}, {4.f}, 0.f};
    Tensor expected(1, 1, 1, 2);
    expected.data = {0, 2};
    EXPECT_TRUE(tensors_near(expected, batch_norm(in, bn)));
    bn.var = {4.f, 4.f};
    expect_invalid([&] { batch_norm(in, bn); }, "var size = 2");
}

TEST(Activations, ReluRelu6Leaky) {
    Tensor t = plane(1, 4, {-2, 0.5f, 3, 8});
    Tensor a = t, b = t, c = t;
    relu(a);
    relu6(b);
    leaky_relu(c, 0.1f);
    EXPECT_TRUE(tensors_near(plane(1, 4, {0, 0.5f, 3, 8}), a));
    EXPECT_TRUE(tensors_near(plane(1, 4, {0, 0.5f, 3, 6}), b));
    EXPECT_TRUE(tensors_near(plane(1, 4, {-0.2f, 0.5f, 3, 8}), c));
}

TEST(Add, ElementwiseAndShapeChecked) {
    EXPECT_TRUE(tensors_near(plane(1, 2, {4, 6}), add(plane(1, 2, {1, 2}), plane(1, 2, {3, 4}))));
    expect_invalid([] { add(Tensor(1, 1, 1, 2), Tensor(1, 1, 2, 1)); }, "does not match");
}

TEST(ConcatChannels, StacksPerBatchItem) {
    Tensor a(2, 1, 1, 2), b(2, 2, 1, 2);
    a.data = {1, 2, 3, 4};
    b.data = {10, 20, 30, 40, 50, 60, 70, 80};
    Tensor out = concat_channels({a, b});
    Tensor expected(2, 3, 1, 2);
    expected.data = {1, 2, 10, 20, 30, 40, 3, 4, 50, 60, 70, 80};
    EXPECT_TRUE(tensors_near(expected, out));
    expect_invalid([&] { concat_channels({a, Tensor(2, 1, 2, 1)}); }, "part 1");
    expect_invalid([] { concat_channels({}); }, "empty");
}

}  // namespace
}  // namespace memsched::reference
