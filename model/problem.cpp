// Builds the loop nest and the tensor projections of a LayerShape.
#include "model/problem.h"

#include <stdexcept>

namespace memsched {

const char* to_string(Loop loop) {
    static const char* names[kNumLoops] = {"n", "k", "c", "y", "x", "r", "s"};
    return names[static_cast<int>(loop)];
}

bool loop_from_string(const std::string& name, Loop* out) {
    for (int l = 0; l < kNumLoops; ++l) {
        if (name == to_string(static_cast<Loop>(l))) {
            *out = static_cast<Loop>(l);
            return true;
        }
    }
    return false;
}

const char* to_string(Tensor tensor) {
    static const char* names[kNumTensors] = {"input", "weights", "output"};
    return names[static_cast<int>(tensor)];
}

Problem Problem::from_shape(const LayerShape& s) {
    if (auto err = s.validate()) throw std::invalid_argument(*err);
    Problem p;
    p.shape = s;
    const bool pool = !s.has_weights();
    // Pools are depthwise: output channel k reads input channel k only.
    p.groups = pool ? s.in_channels : s.groups;
    const int64_t c_per_group = s.in_channels / p.groups;
    p.k_per_group = s.out_channels / p.groups;
    p.stride = s.stride;
    p.dilation = s.dilation;
    p.pad = s.pad;
    p.element_bytes = s.element_bytes;
    p.extent = {s.batch, s.out_channels, c_per_group, s.out_height(), s.out_width(),
                s.kernel_h, s.kernel_w};
    p.present = {true, !pool, true};

    const int64_t H = s.in_height, W = s.in_width;
    const int64_t R = s.kernel_h, S = s.kernel_w;
    const int64_t OH = s.out_height(), OW = s.out_width();
    auto direct = [](Loop l, int64_t extent, int64_t stride) {
        return TensorAxis{AxisKind::Direct, l, l, extent, stride};
    };
    p.axes[int(Tensor::Input)] = {
        direct(Loop::N, s.batch, s.in_channels * H * W),
        TensorAxis{AxisKind::Group, Loop::K, Loop::K, p.groups, c_per_group * H * W},
        direct(Loop::C, c_per_group, H * W),
        TensorAxis{AxisKind::Window, Loop::Y, Loop::R, H, W},
        TensorAxis{AxisKind::Window, Loop::X, Loop::S, W, 1},
    };
    if (!pool) {
        p.axes[int(Tensor::Weights)] = {
            direct(Loop::K, s.out_channels, c_per_group * R * S),
            direct(Loop::C, c_per_group, R * S),
            direct(Loop::R, R, S),
            direct(Loop::S, S, 1),
        };
    }
    p.axes[int(Tensor::Output)] = {
        direct(Loop::N, s.batch, s.out_channels * OH * OW),
        direct(Loop::K, s.out_channels, OH * OW),
        direct(Loop::Y, OH, OW),
        direct(Loop::X, OW, 1),
    };
    for (int t = 0; t < kNumTensors; ++t) {
        for (const TensorAxis& ax : p.axes[t]) {
            // With one group every k reads group 0: k does not index the input.
            if (ax.kind == AxisKind::Group && p.groups == 1) continue;
            p.indexes[t][int(ax.a)] = true;
            p.indexes[t][int(ax.b)] = true;
        }
    }
    return p;
}

int64_t Problem::macs() const {
    int64_t m = 1;
    for (int64_t e : extent) m *= e;
    return m;
}

int64_t Problem::tensor_elements(Tensor t) const {
    if (!present[int(t)]) return 0;
    int64_t e = 1;
    for (const TensorAxis& ax : axes[int(t)]) e *= ax.extent;
    return e;
}

} // namespace memsched
