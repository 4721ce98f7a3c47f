// Unit tests of the layer builders through Halide's JIT: bad parameters give
// one-line errors naming the field, and a few hand-checked values.
#include "generators/layers/layers.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace memsched::layers {
namespace {

Halide::Func ramp_input() {
    Halide::Var x, y, c, n;
    Halide::Func f("in");
    f(x, y, c, n) = Halide::cast<float>(x + 10 * y + 100 * c);
    return f;
}

std::string error_of(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

TEST(LayerBuilders, BadConvParamsNameTheField) {
    Halide::Func in = ramp_input(), w = ramp_input();
    ConvParams p{4, 6, 3, 3};
    p.groups = 3;
    EXPECT_EQ(error_of([&] { conv2d(in, w, p, "c1"); }),
              "conv2d 'c1': in_channels=4 is not divisible by groups=3");
    ConvParams q{4, 4, 0, 3};
    EXPECT_EQ(error_of([&] { conv2d(in, w, q, "c2"); }), "conv2d 'c2': kernel_w=0 must be >= 1");
    ConvParams s{4, 4, 3, 3};
    s.stride_y = 0;
    EXPECT_EQ(error_of([&] { conv2d(in, w, s, "c3"); }), "conv2d 'c3': stride_y=0 must be >= 1");
    EXPECT_EQ(error_of([&] {
                  conv2d(Halide::Func(), w, ConvParams{4, 4, 3, 3}, "c4");
              }),
              "conv2d 'c4': input is undefined");
}

TEST(LayerBuilders, BadPoolAndDenseParamsNameTheField) {
    Halide::Func in = ramp_input();
    EXPECT_EQ(error_of([&] {
                  max_pool(in, PoolParams{3, 0}, "p");
              }),
              "pool 'p': kernel_h=0 must be >= 1");
    EXPECT_EQ(error_of([&] { fully_connected(in, in, 8, "fc"); }),
              "fully_connected 'fc': input dimensions=4 must be 2 (c, n)");
    EXPECT_EQ(error_of([&] { flatten(in, 0, 2, "f"); }), "flatten 'f': width=0 must be >= 1");
    EXPECT_EQ(error_of([&] { concat_channels({}, "cat"); }),
              "concat_channels 'cat': parts=0 must not be empty");
}

TEST(LayerBuilders, PaddingIsZeroOutsideAndClampedInside) {
    Halide::Func padded = pad_zero(ramp_input(), 3, 2, "padded");
    Halide::Buffer<float> out(5, 4, 1, 1);
    out.set_min(-1, -1, 0, 0);
    padded.realize(out);
    EXPECT_EQ(out(-1, 0, 0, 0), 0.f);
    EXPECT_EQ(out(3, 1, 0, 0), 0.f);
    EXPECT_EQ(out(2, 1, 0, 0), 12.f);
    EXPECT_EQ(out(0, 2, 0, 0), 0.f);
}

TEST(LayerBuilders, DepthwiseConvAndFoldedBatchNorm) {
    // Depthwise 1x1 conv with weight 2 per channel, then BN folded:
    // y = (2x - mean) * gamma / sqrt(var + eps) + beta.
    Halide::Var s, r, c, k;
    Halide::Func w("w"), gamma("g"), beta("b"), mean("m"), var("v");
    w(s, r, c, k) = 2.0f;
    gamma(k) = 3.0f;
    beta(k) = 1.0f;
    mean(k) = 4.0f;
    var(k) = 0.25f;
    FoldedConv f = fold_batch_norm(w, Halide::Func(), gamma, beta, mean, var, 0.0f, "bn");
    ConvParams p{3, 3, 1, 1};
    p.groups = 3;
    Halide::Func out = bias_add(conv2d(ramp_input(), f.weights, p, "dw"), f.bias, "out");
    Halide::Buffer<float> b = out.realize({2, 2, 3, 1});
    const float x = 1 + 10 * 1 + 100 * 2; // in(1, 1, 2)
    EXPECT_FLOAT_EQ(b(1, 1, 2, 0), (2 * x - 4.0f) * 3.0f / 0.5f + 1.0f);
}

TEST(LayerBuilders, FlattenIsNchwOrder) {
    Halide::Buffer<float> b = flatten(ramp_input(), 3, 2, "flat").realize({12, 1});
    EXPECT_EQ(b(7, 0), 1 + 0 + 100); // i = 7 -> c = 1, y = 0, x = 1
    EXPECT_EQ(b(5, 0), 2 + 10);      // i = 5 -> c = 0, y = 1, x = 2
}

} // namespace
} // namespace memsched::layers
