// load_network_subset: cutting a table at a layer and re-sizing its input,
// with the loader's checks still applied (no Halide, no AOT builds).
#include "generators/network_subset.h"

#include <gtest/gtest.h>

namespace memsched {
namespace {

TEST(NetworkSubset, WholeTableWhenNothingIsAsked) {
    const Network net = load_network_subset({"resnet18", "", 0, 0});
    EXPECT_EQ(net.layers.size(), load_builtin_network("resnet18").layers.size());
}

TEST(NetworkSubset, VggFrontEndsAtPool3) {
    const Network net = load_network_subset({"vgg16", "pool3", 0, 0});
    EXPECT_EQ(net.layers.back().name, "pool3");
    EXPECT_EQ(net.layers.size(), 10u);
    EXPECT_EQ(net.layers.back().output, (TensorShape{1, 256, 28, 28}));
}

TEST(NetworkSubset, KeepsOnlyAncestorsOfTheLastLayer) {
    // layer2.0.downsample is not an ancestor of layer2.0.conv2.
    const Network net = load_network_subset({"resnet18", "layer2.0.conv2", 0, 0});
    EXPECT_EQ(net.find_layer("layer2.0.downsample"), nullptr);
    EXPECT_NE(net.find_layer("layer1.1.add"), nullptr);
}

TEST(NetworkSubset, OddInputSizeIsPropagated) {
    const Network net = load_network_subset({"resnet18", "", 33, 29});
    EXPECT_EQ(net.find_layer("conv1")->output, (TensorShape{1, 64, 15, 17}));
    EXPECT_EQ(net.find_layer("pool1")->output, (TensorShape{1, 64, 8, 9}));
    EXPECT_EQ(net.layers.back().output, (TensorShape{1, 1000, 1, 1}));
}

TEST(NetworkSubset, TinyYoloStrideOnePoolKeepsItsSize) {
    const Network net = load_network_subset({"tinyyolov2", "", 67, 45});
    EXPECT_EQ(net.find_layer("pool6")->output, net.find_layer("conv6")->output);
}

TEST(NetworkSubset, ErrorsNameTheField) {
    try {
        load_network_subset({"vgg16", "conv9_9", 0, 0});
        FAIL() << "no error";
    } catch (const NetworkError& e) {
        EXPECT_NE(std::string(e.what()).find("last_layer=\"conv9_9\""), std::string::npos) << e.what();
    }
    try {
        load_network_subset({"tinyyolov2", "", 35, 27});
        FAIL() << "no error";
    } catch (const NetworkError& e) {
        EXPECT_NE(std::string(e.what()).find("pool5"), std::string::npos) << e.what();
    }
    EXPECT_THROW(load_network_subset({"resnet18", "", 0, 5}), NetworkError);
    EXPECT_THROW(load_network_subset({"resnet19", "", 0, 0}), NetworkError);
}

} // namespace
} // namespace memsched
