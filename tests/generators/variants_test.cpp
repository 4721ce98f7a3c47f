// Runs every AOT variant of every test config (the test_layers set built in
// this folder's CMakeLists.txt) against the plain C++ references, over
// randomized run-time sizes.
//
// Sizes per variant: naive, manual and memsched must be correct at ANY size, so they
// are tested from the smallest legal size up to above the estimate.
// mullapudi2016, adams2019 and li2018 are tested at and above their
// estimates only: Adams2019 and Li2018 schedules are known to fail (Halide
// out-of-bounds errors) below the sizes they were compiled for — a Halide
// limitation; see BelowEstimateProbe (disabled: it documents, not asserts).
#include "test_layers_registry.h"
#include "tests/generators/layer_cases.h"
#include "tests/reference/compare.h"

#include <gtest/gtest.h>

#include <functional>
#include <iostream>
#include <map>
#include <random>
#include <string>

namespace memsched::testing {
namespace {

// memsched's plugin promises schedules valid below their estimates too.
bool any_size(const VariantEntry& e) {
    const std::string v = e.variant;
    return v == "naive" || v == "manual" || v == "memsched";
}

std::vector<const VariantEntry*> all_entries() {
    std::vector<const VariantEntry*> entries;
    for (const VariantEntry& e : test_layers_registry())
        entries.push_back(&e);
    return entries;
}

std::string describe(const CaseSize& s) {
    return std::to_string(s.width) + "x" + std::to_string(s.height) + " batch " +
           std::to_string(s.batch);
}

// The sizes one variant is tested at: the estimate, then random ones.
std::vector<CaseSize> sizes_for(const VariantEntry& e, std::mt19937& rng) {
    const CaseSize est = estimate_size(e);
    std::vector<CaseSize> sizes = {est};
    if (std::string(e.generator) == "fc_layer") { // spatial sizes are compiled in
        sizes.push_back({est.width, est.height, est.batch + 1});
        if (any_size(e))
            sizes.push_back({est.width, est.height, 1});
        return sizes;
    }
    const int lo = any_size(e) ? min_spatial_size(e) : std::max(est.width, est.height);
    const int hi = std::max(est.width, est.height) + 5;
    std::uniform_int_distribution<int> spatial_above(std::max(est.width, est.height), hi);
    std::uniform_int_distribution<int> spatial_any(lo, hi);
    std::uniform_int_distribution<int> extra_batch(0, 1);
    if (any_size(e)) {
        sizes.push_back({lo, lo, 1}); // smaller than a vector or a register block
        sizes.push_back({spatial_any(rng), spatial_any(rng), 1 + extra_batch(rng)});
        sizes.push_back({spatial_any(rng), spatial_any(rng), 2});
    }
    // At or above the estimate in every dimension (odd sizes come up often).
    const int w = spatial_above(rng), h = spatial_above(rng);
    sizes.push_back(
        {std::max(w, est.width), std::max(h, est.height), est.batch + extra_batch(rng)});
    return sizes;
}

// Bundled-autoscheduler schedules seen to be wrong AT their estimates with
// Halide 14.0.0 (Debian) on x86-64 AVX-512, machine_params from configure
// time. Such a variant is still run: if it fails the test is reported as
// SKIPPED with the reason and the observed failure (never silently), and if
// it passes (another machine, another schedule) it counts as a pass.
const std::map<std::string, std::string>& known_autoscheduler_bugs() {
    static const std::string folding = "Adams2019 stores a padded/staged producer at an outer "
                                       "reduction loop and computes it at an inner "
                                       "one (store_at(conv, r_z) + compute_at(conv, r_x)); Halide "
                                       "14's storage folding then gives wrong "
                                       "values (reproduced by hand with that schedule alone)";
    static const std::map<std::string, std::string> bugs = {
        {"conv3x3_bias_relu/adams2019", folding},
        {"conv_bias_relu/adams2019", folding},
        {"inverted_residual/adams2019", folding},
        {"concat3/adams2019", "Adams2019 splits an intermediate by 16 with ShiftInwards inside a "
                              "12-wide output, so it reads "
                              "input0 at x = -4 even at the estimate size"},
    };
    return bugs;
}

class VariantTest : public ::testing::TestWithParam<const VariantEntry*> {};

TEST_P(VariantTest, MatchesReference) {
    const VariantEntry& e = *GetParam();
    const std::string id = std::string(e.config) + "/" + e.variant;
    const auto known = known_autoscheduler_bugs().find(id);
    std::mt19937 rng(std::hash<std::string>{}(id)&0xffffffff);
    for (const CaseSize& size : sizes_for(e, rng)) {
        SCOPED_TRACE("input " + describe(size) + ", params: " + e.params);
        LayerCase c = make_case(e, size, rng);
        const std::string error = call_variant(e, c.arrays);
        ::testing::AssertionResult near =
            error.empty() ? reference::tensors_near(c.expected, output_tensor(c), c.atol, c.rtol)
                          : ::testing::AssertionFailure() << error;
        if (!near && known != known_autoscheduler_bugs().end()) {
            GTEST_SKIP() << "known " << e.variant << " failure at " << describe(size) << ": "
                         << known->second << ". Observed: " << near.message();
        }
        ASSERT_EQ(error, "");
        EXPECT_TRUE(near);
    }
}

std::string test_name(const ::testing::TestParamInfo<const VariantEntry*>& info) {
    return std::string(info.param->config) + "_" + info.param->variant;
}

INSTANTIATE_TEST_SUITE_P(TestLayers, VariantTest, ::testing::ValuesIn(all_entries()), test_name);

// Every (config, variant) pair the CMake set promised is in the registry,
// and the metadata agrees with the function the entry points at. The one
// known gap: Li2018 cannot compile fc_odd_features (see CMakeLists.txt).
TEST(VariantRegistry, EveryConfigHasEveryVariant) {
    const VariantSet& set = test_layers_registry();
    ASSERT_GE(set.configs().size(), 15u);
    for (const std::string& config : set.configs()) {
        for (const char* variant :
             {"naive", "manual", "mullapudi2016", "adams2019", "li2018", "memsched"}) {
            const VariantEntry* e = set.find(config, variant);
            if (config == "fc_odd_features" && std::string(variant) == "li2018") {
                EXPECT_EQ(e, nullptr);
                continue;
            }
            ASSERT_NE(e, nullptr) << config << "/" << variant;
            EXPECT_EQ(std::string(e->metadata()->name),
                      std::string("test_layers_") + config + "_" + variant);
        }
    }
}

// Documents what the autoscheduled variants do below their estimates: runs
// each at half its estimated spatial size and prints the outcome. Disabled
// because the outcome is Halide's, not ours; run it with
// --gtest_also_run_disabled_tests to see the current behaviour.
TEST(BelowEstimateProbe, DISABLED_AutoschedulersBelowEstimates) {
    std::mt19937 rng(7);
    for (const VariantEntry& e : test_layers_registry()) {
        if (any_size(e) || std::string(e.generator) == "fc_layer")
            continue;
        CaseSize size = estimate_size(e);
        size.width = std::max(min_spatial_size(e), size.width / 2);
        size.height = std::max(min_spatial_size(e), size.height / 2);
        LayerCase c = make_case(e, size, rng);
        const std::string error = call_variant(e, c.arrays);
        std::string outcome = error;
        if (error.empty()) {
            outcome = reference::tensors_near(c.expected, output_tensor(c), c.atol, c.rtol)
                          ? "ok"
                          : "WRONG RESULT";
        }
        std::cout << "below-estimate " << e.config << "/" << e.variant << " at " << describe(size)
                  << ": " << outcome.substr(0, 160) << "\n";
    }
}

} // namespace
} // namespace memsched::testing
