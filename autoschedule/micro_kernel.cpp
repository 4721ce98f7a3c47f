// Choice of the register block (see micro_kernel.h).
#include "autoschedule/micro_kernel.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace memsched::autoschedule {

std::string MicroKernel::describe() const {
    if (channel_vectors)
        return std::to_string(k_vectors()) + " channel vectors of " + std::to_string(vector_lanes) +
               " lanes x " + std::to_string(x_cols) + " columns x " + std::to_string(rows) + " rows";
    return std::to_string(vector_lanes) + " lanes x " + std::to_string(rows) + " rows x " +
           std::to_string(k_block) + " channels";
}

int vector_register_count(const Halide::Target& target) {
    if (target.arch == Halide::Target::X86)
        return target.has_feature(Halide::Target::AVX512) ? 32 : 16;
    if (target.arch == Halide::Target::ARM && target.bits == 64) return 32;
    return 16;
}

namespace {

// Lanes: the natural width, or half of it when that wastes fewer lanes on
// a narrow row (7 columns fill 7/8 of an 8-lane vector, 7/16 of a 16-lane one).
int choose_lanes(int natural, int64_t width) {
    if (width <= 0 || natural < 8) return natural;
    auto use = [&](int lanes) {
        const int64_t covered = (width + lanes - 1) / lanes * lanes;
        return double(width) / double(covered) * std::sqrt(double(lanes) / natural);
    };
    return use(natural / 2) > use(natural) + 1e-9 ? natural / 2 : natural;
}

// Columns per block: at most 7 (21 accumulators with 3 channel vectors on
// 32 registers), split evenly (14 -> 2 x 7, 10 -> 2 x 5).
int choose_columns(int64_t width) {
    const int64_t blocks = (width + 6) / 7;
    return int((width + blocks - 1) / blocks);
}

// The channel-vectorized block, or nullopt when x vectors suit better.
std::optional<MicroKernel> channel_kernel(int natural, bool many, int64_t width, int64_t height,
                                          int64_t channels) {
    if (natural < 8 || width < 4 || width >= 2 * natural || channels <= 0 ||
        channels % natural != 0)
        return std::nullopt;
    MicroKernel mk;
    mk.channel_vectors = true;
    mk.vector_lanes = natural;
    mk.x_cols = choose_columns(width);
    // Accumulators: 24 of 32 registers, 12 of 16; the rest hold the weight
    // vectors and the broadcast input. The channel vectors divide the
    // channels, so no block has a guarded (partial) vector.
    const int budget = many ? 24 : 12;
    const int64_t vectors = channels / natural;
    int kv = std::max(1, std::min(3, budget / mk.x_cols));
    while (kv > 1 && vectors % kv != 0) kv--;
    mk.k_block = kv * natural;
    mk.rows = std::max(1, budget / (kv * mk.x_cols));
    if (height > 0) mk.rows = std::min<int>(mk.rows, int(height));
    return mk;
}

} // namespace

MicroKernel choose_micro_kernel(const Halide::Target& target, int vector_override, int64_t width,
                                int64_t height, int64_t channels, bool input_per_channel,
                                bool allow_channel_vectors) {
    const int natural = vector_override > 0 ? vector_override
                                            : std::max(1, target.natural_vector_size(Halide::Float(32)));
    const bool many = vector_register_count(target) >= 32;
    if (allow_channel_vectors && !input_per_channel)
        if (auto mk = channel_kernel(natural, many, width, height, channels)) return *mk;
    MicroKernel mk;
    mk.vector_lanes = choose_lanes(natural, width);
    // A row of 1-3 columns (global pooling, 1x1 maps) fills no vector:
    // run scalar accumulators over more channels instead.
    if (width > 0 && width < 4) {
        mk.vector_lanes = 1;
        mk.rows = 1;
        mk.k_block = 8;
        return mk;
    }
    // Accumulators: 24 of 32 registers, 12 of 16; the rest hold the input
    // vector and the broadcast weight.
    mk.rows = many ? 4 : 2;
    mk.k_block = input_per_channel ? 4 : 6;
    if (height > 0 && height < mk.rows) mk.rows = int(height);
    if (channels > 0 && channels < mk.k_block) {
        mk.k_block = int(channels);
        // Fewer channels leave registers for more rows.
        const int budget = many ? 24 : 12;
        mk.rows = std::max(1, std::min<int>(budget / mk.k_block, height > 0 ? int(height) : 8));
        mk.rows = std::min(mk.rows, 8);
    }
    return mk;
}

} // namespace memsched::autoschedule
