// Every whole-network AOT variant of the netpipe_test set
// (MEMSCHED_NETWORK_PIPELINE_TESTS, small and odd input sizes) against the
// same network run layer by layer through the plain C++ references, with the
// same deterministic weights, with Halide's buffers guarded against writes
// past their end. Built once per variant set: the set's
// registry header and function come as compile definitions
// (tests/network_pipelines/CMakeLists.txt).
#include MEMSCHED_NETPIPE_REGISTRY_HEADER
#include "tests/network_pipelines/guarded_halide_allocator.h"
#include "tests/network_pipelines/reference_network.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace memsched {
namespace {

class NetworkPipeline : public ::testing::TestWithParam<const VariantEntry*> {};

TEST_P(NetworkPipeline, MatchesLayerByLayerReference) {
    const VariantEntry& entry = *GetParam();
    const Network net = load_network_subset(pipeline_spec(entry));
    PipelineArgs args = make_pipeline_args(entry, net);
    testing::install_guarded_halide_allocator();
    const int64_t overruns_before = testing::guarded_halide_overruns();
    ASSERT_EQ(run_pipeline(entry, args), 0);
    EXPECT_EQ(testing::guarded_halide_overruns(), overruns_before)
        << entry.config << "/" << entry.variant << " wrote past the end of a buffer";
    const reference::Tensor expected = run_reference_network(net, args);
    const Halide::Runtime::Buffer<float>& got = args.output();
    ASSERT_EQ(int64_t(got.number_of_elements()), expected.size());

    // Tolerance relative to the output's scale: float sums in another
    // order over up to 20 layers, against double-accumulated references.
    float scale = 0.f, worst = 0.f;
    for (float v : expected.data) scale = std::max(scale, std::fabs(v));
    ASSERT_GT(scale, 1e-6f) << "the reference output is all zeros: the test would prove nothing";
    for (int64_t i = 0; i < expected.size(); i++) {
        ASSERT_FALSE(std::isnan(got.data()[i])) << "element " << i;
        worst = std::max(worst, std::fabs(got.data()[i] - expected.data[i]));
    }
    EXPECT_LE(worst, 1e-4f * scale + 1e-5f) << entry.config << "/" << entry.variant << ": max |error| " << worst
                                           << " with output scale " << scale;
}

std::vector<const VariantEntry*> entries() {
    std::vector<const VariantEntry*> all;
    for (const VariantEntry& e : MEMSCHED_NETPIPE_REGISTRY()) all.push_back(&e);
    return all;
}

INSTANTIATE_TEST_SUITE_P(Variants, NetworkPipeline, ::testing::ValuesIn(entries()),
                         [](const auto& info) {
                             return std::string(info.param->config) + "_" + info.param->variant;
                         });

} // namespace
} // namespace memsched
