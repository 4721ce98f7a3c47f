// The model must equal oracle (a), the literal buffer simulation, exactly:
// hundreds of random small layers x random schedules, one and two buffer
// levels, every tensor, reads, writes, fills and footprints.
#include "model/buffer_oracle.h"
#include "model/traffic.h"
#include "tests/model/random_cases.h"

#include <gtest/gtest.h>

namespace memsched {
namespace {

void expect_equal(const TrafficReport& model, const TrafficReport& oracle,
                  const std::string& what) {
    ASSERT_EQ(model.levels.size(), oracle.levels.size()) << what;
    for (size_t i = 0; i < model.levels.size(); ++i)
        for (int t = 0; t < kNumTensors; ++t) {
            const TensorTraffic& a = model.levels[i].tensors[t];
            const TensorTraffic& b = oracle.levels[i].tensors[t];
            const std::string where = what + " level " + std::to_string(i) + " " +
                                      to_string(Tensor(t));
            EXPECT_EQ(a.read_bytes, b.read_bytes) << where;
            EXPECT_EQ(a.write_bytes, b.write_bytes) << where;
            EXPECT_EQ(a.fills, b.fills) << where;
            EXPECT_EQ(a.footprint_bytes, b.footprint_bytes) << where;
        }
    EXPECT_EQ(model.status.ok, oracle.status.ok) << what;
}

std::string describe_case(const LayerShape& s, const Schedule& sch) {
    std::string d = std::string(to_string(s.kind)) + " n" + std::to_string(s.batch) + " c" +
                    std::to_string(s.in_channels) + " h" + std::to_string(s.in_height) + " w" +
                    std::to_string(s.in_width) + " k" + std::to_string(s.out_channels) + " r" +
                    std::to_string(s.kernel_h) + " s" + std::to_string(s.kernel_w) + " st" +
                    std::to_string(s.stride) + " pad" + std::to_string(s.pad) + " dil" +
                    std::to_string(s.dilation) + " g" + std::to_string(s.groups) + " eb" +
                    std::to_string(s.element_bytes);
    for (const LevelMapping& m : sch.levels) d += " || " + describe(m);
    return d;
}

TEST(BufferOracle, ModelEqualsOracleOnRandomLayersOneLevel) {
    std::mt19937 rng(12345);
    for (int i = 0; i < 400; ++i) {
        const LayerShape shape = testing::random_shape(rng);
        const Problem p = Problem::from_shape(shape);
        const MemoryHierarchy h = testing::random_hierarchy(rng, 1);
        const Schedule s = testing::random_schedule(rng, p, 1);
        expect_equal(evaluate(p, h, s), simulate_buffers(p, h, s), describe_case(shape, s));
        if (::testing::Test::HasFailure()) return;
    }
}

TEST(BufferOracle, ModelEqualsOracleOnRandomLayersTwoLevels) {
    std::mt19937 rng(777);
    for (int i = 0; i < 200; ++i) {
        const LayerShape shape = testing::random_shape(rng);
        const Problem p = Problem::from_shape(shape);
        const MemoryHierarchy h = testing::random_hierarchy(rng, 2);
        const Schedule s = testing::random_schedule(rng, p, 2);
        expect_equal(evaluate(p, h, s), simulate_buffers(p, h, s), describe_case(shape, s));
        if (::testing::Test::HasFailure()) return;
    }
}

} // namespace
} // namespace memsched
