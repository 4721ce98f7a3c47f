// Choice of the register block (see micro_kernel.h).
#include "autoschedule/micro_kernel.h"

#include <algorithm>
#include <cmath>

namespace memsched::autoschedule {

std::string MicroKernel::describe() const {
    return std::to_string(x_vectors) + "x" + std::to_string(vector_lanes) + " lanes by " +
           std::to_string(k_block) + " channels";
}

int vector_register_count(const Halide::Target& target) {
    if (target.arch == Halide::Target::X86)
        return target.has_feature(Halide::Target::AVX512) ? 32 : 16;
    if (target.arch == Halide::Target::ARM && target.bits == 64) return 32;
    return 16;
}

MicroKernel choose_micro_kernel(const Halide::Target& target, int vector_override, int64_t width,
                                int64_t channels, bool input_per_channel) {
    const int natural = vector_override > 0 ? vector_override
                                            : std::max(1, target.natural_vector_size(Halide::Float(32)));
    const int registers = vector_register_count(target);
    const int64_t w = width > 0 ? width : 1 << 20;
    MicroKernel best;
    double best_score = -1;
    // Narrower vectors waste fewer lanes on narrow images (7x7 layers):
    // weigh lane use against vector width, then prefer more loads shared.
    for (int lanes = natural; lanes >= std::max(1, natural / 2); lanes /= 2) {
        for (int xv = 1; xv <= 4; xv++) {
            const int64_t block = int64_t(lanes) * xv;
            const int64_t covered = (w + block - 1) / block * block;
            const double lane_use = double(w) / double(covered);
            // Accumulators + input vectors + one broadcast must fit in registers.
            int kb = (registers - xv - 1) / xv;
            if (input_per_channel) kb = std::min(kb, 4);
            kb = std::max(1, std::min<int>(kb, channels > 0 ? int(std::min<int64_t>(channels, 64)) : kb));
            const double shared = double(xv * kb) / double(xv + kb); // FMAs per load
            const double score = std::round(lane_use * std::sqrt(double(lanes) / natural) * 50) * 100 +
                                 std::min(shared, 8.0);
            if (score > best_score) best_score = score, best = MicroKernel{lanes, xv, kb};
        }
        if (lanes == 1) break;
    }
    return best;
}

} // namespace memsched::autoschedule
