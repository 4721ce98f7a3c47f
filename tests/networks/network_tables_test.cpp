// The built-in network tables: every one loads, its shapes chain, and its
// MACs and parameter counts match published figures (torchvision, darknet)
// or hand-derived formulas.
#include "generators/networks/network.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

namespace memsched {
namespace {

// Published figures. GMACs: torchvision's model docs ("GFLOPS" there are
// multiply-accumulates of conv and linear layers); darknet reports 6.97
// BFLOPs (2 per MAC) for yolov2-tiny-voc. Parameters: torchvision's
// sum(p.numel()), which counts BN gamma and beta but not running stats.
struct Published {
    const char* name;
    double gmacs;
    int64_t torchvision_params; // 0: no torchvision model
};

const Published published[] = {
    {"resnet18", 1.814, 11689512},  {"resnet50", 4.09, 25557032},
    {"vgg16", 15.47, 138357544},    {"alexnet", 0.714, 61100840},
    {"mobilenetv2", 0.300, 3504872}, {"squeezenet", 0.349, 1235496},
    {"googlenet", 1.50, 6624904},   {"tinyyolov2", 6.97 / 2, 0},
};

class BuiltinNetwork : public ::testing::TestWithParam<std::string> {};

TEST_P(BuiltinNetwork, LoadsAndShapesChain) {
    const Network net = load_builtin_network(GetParam());
    EXPECT_EQ(net.name, GetParam());
    EXPECT_FALSE(net.description.empty());
    ASSERT_FALSE(net.layers.empty());
    // Independent of the loader: every compute layer's LayerShape reads
    // exactly its producer's output (fc: flattened; pad_end: extra rows).
    std::map<std::string, TensorShape> produced{{"input", net.input}};
    std::set<std::string> consumed;
    for (const NetworkLayer& l : net.layers) {
        ASSERT_FALSE(l.inputs.empty()) << l.name;
        for (const auto& in : l.inputs) {
            ASSERT_TRUE(produced.count(in)) << l.name << " reads " << in << " before it exists";
            consumed.insert(in);
        }
        const TensorShape in = produced.at(l.inputs.front());
        if (l.shape) {
            const LayerShape& s = *l.shape;
            EXPECT_FALSE(s.validate().has_value()) << l.name << ": " << *s.validate();
            EXPECT_EQ(s.batch, in.n) << l.name;
            if (l.op == OpKind::FullyConnected) {
                EXPECT_EQ(s.in_channels, in.c * in.h * in.w) << l.name;
            } else {
                EXPECT_EQ(s.in_channels, in.c) << l.name;
                EXPECT_EQ(s.in_height, in.h + l.pad_end) << l.name;
                EXPECT_EQ(s.in_width, in.w + l.pad_end) << l.name;
            }
            EXPECT_EQ(l.output, (TensorShape{s.batch, s.out_channels, s.out_height(),
                                             s.out_width()}))
                << l.name;
        } else if (l.op == OpKind::Add) {
            for (const auto& name : l.inputs) EXPECT_EQ(produced.at(name), l.output) << l.name;
        } else {
            ASSERT_EQ(l.op, OpKind::Concat);
            int64_t channels = 0;
            for (const auto& name : l.inputs) channels += produced.at(name).c;
            EXPECT_EQ(l.output.c, channels) << l.name;
        }
        produced[l.name] = l.output;
    }
    // Exactly one layer, the last, is left unconsumed: no dead branches.
    for (size_t i = 0; i + 1 < net.layers.size(); ++i)
        EXPECT_TRUE(consumed.count(net.layers[i].name)) << net.layers[i].name << " is unused";
}

TEST_P(BuiltinNetwork, LayerSetCoversEveryComputeLayerOnce) {
    const Network net = load_builtin_network(GetParam());
    const auto set = distinct_layer_shapes(net);
    size_t covered = 0;
    for (size_t i = 0; i < set.size(); ++i) {
        for (size_t j = 0; j < i; ++j) EXPECT_NE(set[i].shape, set[j].shape);
        for (const auto& name : set[i].layer_names) {
            const NetworkLayer* layer = net.find_layer(name);
            ASSERT_NE(layer, nullptr) << name;
            EXPECT_EQ(*layer->shape, set[i].shape) << name;
        }
        covered += set[i].layer_names.size();
    }
    EXPECT_EQ(covered, net.compute_layers().size());
    // First-appearance order: entry i's first layer precedes entry i+1's.
    for (size_t i = 0; i + 1 < set.size(); ++i) {
        auto pos = [&](const std::string& n) { return net.find_layer(n) - net.layers.data(); };
        EXPECT_LT(pos(set[i].layer_names.front()), pos(set[i + 1].layer_names.front()));
    }
}

INSTANTIATE_TEST_SUITE_P(All, BuiltinNetwork, ::testing::ValuesIn(builtin_network_names()),
                         [](const auto& info) { return info.param; });

// Deployed parameters fold BN into a bias: a conv without bias + BN has
// k deployed bias terms where torchvision counts 2k (gamma, beta).
int64_t torchvision_style_params(const Network& net) {
    int64_t total = net.parameter_count();
    for (const NetworkLayer& l : net.layers) {
        if (l.batchnorm) total += l.bias ? 2 * l.shape->out_channels : l.shape->out_channels;
    }
    return total;
}

TEST(NetworkTables, MatchPublishedMacsAndParameters) {
    for (const Published& p : published) {
        SCOPED_TRACE(p.name);
        const Network net = load_builtin_network(p.name);
        const double gmacs = static_cast<double>(net.total_macs()) / 1e9;
        EXPECT_NEAR(gmacs, p.gmacs, p.gmacs * 0.005);
        if (p.torchvision_params > 0) {
            EXPECT_EQ(torchvision_style_params(net), p.torchvision_params);
        }
        EXPECT_EQ(net.parameter_bytes(), 4 * net.parameter_count());
    }
}

TEST(NetworkTables, ResNet18ExactFigures) {
    const Network net = load_builtin_network("resnet18");
    EXPECT_EQ(net.total_macs(), 1814073344); // conv + fc
    // torchvision 11,689,512 minus one BN-channel per conv output channel (4800).
    EXPECT_EQ(net.parameter_count(), 11689512 - 4800);
    EXPECT_EQ(net.compute_layers().size(), 23u); // 20 conv + pool + gap + fc
}

TEST(NetworkTables, DenoisersMatchClosedForms) {
    const int64_t pixels = 1280 * 720;
    const Network dncnn = load_builtin_network("dncnn");
    EXPECT_EQ(dncnn.input, (TensorShape{1, 1, 720, 1280}));
    EXPECT_EQ(dncnn.total_macs(), (64 * 9 + 15 * 64 * 64 * 9 + 64 * 9) * pixels);
    // conv1 weights + bias, 15 x (weights + folded BN bias), conv17 weights.
    EXPECT_EQ(dncnn.parameter_count(), (576 + 64) + 15 * (36864 + 64) + 576);
    EXPECT_EQ(dncnn.layers.back().op, OpKind::Add);
    EXPECT_EQ(dncnn.layers.back().output, dncnn.input);

    const Network vdsr = load_builtin_network("vdsr");
    EXPECT_EQ(vdsr.total_macs(), (64 * 9 + 18 * 64 * 64 * 9 + 64 * 9) * pixels);
    EXPECT_EQ(vdsr.parameter_count(), 576 + 18 * 36864 + 576);
    EXPECT_EQ(vdsr.compute_layers().size(), 20u);
    EXPECT_EQ(vdsr.layers.back().output, vdsr.input);
}

TEST(NetworkTables, ClassifierAndDetectorOutputs) {
    for (const char* name : {"resnet18", "resnet50", "vgg16", "alexnet", "mobilenetv2",
                             "squeezenet", "googlenet"}) {
        EXPECT_EQ(load_builtin_network(name).layers.back().output, (TensorShape{1, 1000, 1, 1}))
            << name;
    }
    EXPECT_EQ(load_builtin_network("tinyyolov2").layers.back().output,
              (TensorShape{1, 125, 13, 13}));
}

TEST(NetworkTables, EndPaddedPoolsKeepReferenceSizes) {
    // torchvision GoogLeNet's ceil-mode pools: 112 -> 56 -> ... -> 28 -> 14.
    const Network g = load_builtin_network("googlenet");
    EXPECT_EQ(g.find_layer("maxpool1")->output, (TensorShape{1, 64, 56, 56}));
    EXPECT_EQ(g.find_layer("maxpool1")->pad_end, 1);
    EXPECT_EQ(g.find_layer("maxpool2")->output, (TensorShape{1, 192, 28, 28}));
    EXPECT_EQ(g.find_layer("maxpool3")->output, (TensorShape{1, 480, 14, 14}));
    EXPECT_EQ(g.find_layer("maxpool4")->output, (TensorShape{1, 832, 7, 7}));
    // darknet's 2x2 stride-1 pool keeps 13x13; its LayerShape reads 14x14
    // (the end padding) with 2x2 windows: 4 reads per output element.
    const NetworkLayer* pool6 = load_builtin_network("tinyyolov2").find_layer("pool6");
    ASSERT_NE(pool6, nullptr);
    EXPECT_EQ(pool6->output, (TensorShape{1, 512, 13, 13}));
    EXPECT_EQ(pool6->shape->in_height, 14);
    EXPECT_EQ(pool6->pool_ops(), 512 * 13 * 13 * 4);
}

TEST(NetworkTables, FcAndGlobalPoolMapping) {
    const Network net = load_builtin_network("resnet18");
    const LayerShape& fc = *net.find_layer("fc")->shape;
    EXPECT_EQ(fc.kind, LayerKind::FullyConnected);
    EXPECT_EQ(fc.in_channels, 512);
    EXPECT_EQ(fc.out_channels, 1000);
    EXPECT_EQ(fc.in_height, 1);
    EXPECT_EQ(fc.kernel_h, 1);
    EXPECT_EQ(fc.macs(), 512000);
    const LayerShape& gap = *net.find_layer("avgpool")->shape;
    EXPECT_EQ(gap.kind, LayerKind::GlobalAvgPool);
    EXPECT_EQ(gap.kernel_h, 7);
    EXPECT_EQ(gap.kernel_w, 7);
    EXPECT_EQ(gap.out_channels, 512);
    EXPECT_EQ(gap.out_height(), 1);
    // AlexNet's fc6 reads the flattened 256x6x6 pool output.
    EXPECT_EQ(load_builtin_network("alexnet").find_layer("fc6")->shape->in_channels, 9216);
}

TEST(NetworkTables, DepthwiseConvsAreGrouped) {
    const NetworkLayer* dw = load_builtin_network("mobilenetv2").find_layer("block2.dw");
    ASSERT_NE(dw, nullptr);
    EXPECT_EQ(dw->shape->groups, 96);
    EXPECT_EQ(dw->shape->in_channels_per_group(), 1);
    EXPECT_EQ(dw->output, (TensorShape{1, 96, 56, 56}));
}

TEST(NetworkTables, NameListMatchesDirectoryAndDefault) {
    std::set<std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(builtin_network_dir())) {
        if (entry.path().extension() == ".json") files.insert(entry.path().stem().string());
    }
    const auto names = builtin_network_names();
    EXPECT_EQ(files, std::set<std::string>(names.begin(), names.end()));
    EXPECT_NE(std::find(names.begin(), names.end(), default_network_name), names.end());
}

TEST(NetworkTables, UnknownBuiltinNamesTheValidOnes) {
    try {
        load_builtin_network("resnet19");
        FAIL() << "expected NetworkError";
    } catch (const NetworkError& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("'resnet19'"), std::string::npos) << msg;
        for (const auto& n : builtin_network_names()) EXPECT_NE(msg.find(n), std::string::npos);
    }
}

} // namespace
} // namespace memsched
