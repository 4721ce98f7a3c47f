// Implementation of fully_connected and flatten (see dense.h).
#include "generators/layers/dense.h"

#include "generators/layers/func_vars.h"

namespace memsched::layers {

Halide::Func fully_connected(Halide::Func flat_input, Halide::Func weights, int in_features,
                             const std::string& name) {
    require(in_features >= 1, "fully_connected", name, "in_features", in_features, "must be >= 1");
    require_defined(flat_input, "fully_connected", name, "input");
    require_defined(weights, "fully_connected", name, "weights");
    require(flat_input.dimensions() == 2, "fully_connected", name, "input dimensions",
            flat_input.dimensions(), "must be 2 (c, n)");
    require(weights.dimensions() == 2, "fully_connected", name, "weights dimensions",
            weights.dimensions(), "must be 2 (c, k)");
    Halide::Var k("k"), n("n");
    Halide::RDom r(0, in_features, name + "_r");
    Halide::Func out(name);
    out(k, n) = 0.0f;
    out(k, n) += flat_input(r, n) * weights(r, k);
    return out;
}

Halide::Func flatten(Halide::Func input, int width, int height, const std::string& name) {
    require(width >= 1, "flatten", name, "width", width, "must be >= 1");
    require(height >= 1, "flatten", name, "height", height, "must be >= 1");
    require_defined(input, "flatten", name, "input");
    require(input.dimensions() == 4, "flatten", name, "input dimensions", input.dimensions(),
            "must be 4 (x, y, c, n)");
    Halide::Var i("i"), n("n");
    Halide::Func out(name);
    if (width == 1 && height == 1) {
        out(i, n) = input(0, 0, i, n); // keeps the channel access affine
    } else {
        out(i, n) = input(i % width, (i / width) % height, i / (width * height), n);
    }
    return out;
}

} // namespace memsched::layers
