// The fused-group tile search: whatever it returns fits the buffer, and it
// never moves more than a per-node weight mix of a streamed mapping at any
// candidate tile (where all-resident weights do not fit, small layers' weights
// are held and big ones streamed: fused_search.h).
#include "model/fusion/fused_search.h"
#include "model/fusion/fused_traffic.h"

#include <gtest/gtest.h>

#include <random>

namespace memsched {
namespace {

// A chain of two or three 3x3 pad-1 convs with random channels on a random
// map, big enough that weights and activations compete for the buffer.
FusedGroup random_conv_chain(std::mt19937& rng) {
    auto pick = [&](int64_t lo, int64_t hi) {
        return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
    };
    std::vector<LayerShape> layers;
    int64_t c = pick(2, 8);
    const int64_t h = pick(6, 20), w = pick(6, 20);
    const int count = static_cast<int>(pick(2, 3));
    for (int i = 0; i < count; ++i) {
        LayerShape s;
        s.in_channels = c; s.in_height = h; s.in_width = w;
        s.out_channels = pick(4, 32);
        s.kernel_h = s.kernel_w = 3; s.pad = 1;
        layers.push_back(s);
        c = s.out_channels;
    }
    return make_chain(layers);
}

TEST(FusedSearch, NoWorseThanAWeightMixAtAnyTile) {
    std::mt19937 rng(99);
    int mixes_that_fit = 0;
    for (int trial = 0; trial < 60; ++trial) {
        const FusedGroup g = random_conv_chain(rng);
        const int64_t cap = std::uniform_int_distribution<int64_t>(2048, 65536)(rng);
        const FusedChoice best = search_fused_group(g, cap, FusedSearchOptions{});
        if (!best.status) continue;
        EXPECT_LE(best.report.footprint_bytes, cap);
        const FusedDims exit = g.output_of(static_cast<int>(g.nodes.size()) - 1);
        for (int64_t th : fused_tile_candidates(exit.height))
            for (int64_t tw : fused_tile_candidates(exit.width)) {
                const FusedMapping streamed{th, tw, HaloPolicy::Refetch, WeightPolicy::Streamed};
                const FusedReport s = evaluate_fused(g, streamed, cap, 64);
                FusedMapping resident = streamed;
                resident.weights = WeightPolicy::Resident;
                if (!s.status || evaluate_fused(g, resident, cap, 64).status) continue;
                const FusedMapping mixed = fill_resident_weights(g, streamed, cap - s.footprint_bytes);
                const FusedReport r = evaluate_fused(g, mixed, cap, 64);
                if (mixed.layer_weights.empty() || !r.status) continue;
                ++mixes_that_fit;
                EXPECT_LE(best.report.traffic_bytes(), r.traffic_bytes())
                    << describe(best.mapping) << " vs " << describe(mixed) << " cap " << cap;
            }
        if (HasFailure()) return;
    }
    EXPECT_GT(mixes_that_fit, 50);
}

} // namespace
} // namespace memsched
