// Implementation of pad_zero / pad_value (see padding.h).
#include "generators/layers/padding.h"

#include "generators/layers/func_vars.h"

namespace memsched::layers {

Halide::Func pad_value(Halide::Func f, Halide::Expr width, Halide::Expr height, Halide::Expr value,
                       const std::string& name) {
    require_defined(f, "pad_value", name, "input");
    require(f.dimensions() == 4, "pad_value", name, "dimensions", f.dimensions(),
            "must be 4 (x, y, c, n)");
    Halide::Var x("x"), y("y"), c("c"), n("n");
    // Unsigned comparisons, which Halide 14 does not partition the loops
    // on: partitioned, a pad whose region and size reach it in different
    // forms (SqueezeNet's 13x13 maps: height (H-15)/16, rows up to
    // max((H-31)/16, 0)) got an unguarded epilogue row and column, written
    // past the rows of each channel plane and the end of the buffer.
    Halide::Expr inside = Halide::cast<uint32_t>(x) < Halide::cast<uint32_t>(width) &&
                          Halide::cast<uint32_t>(y) < Halide::cast<uint32_t>(height);
    // Clamped reads keep bounds inference of f inside the valid region.
    Halide::Expr clamped = f(Halide::clamp(x, 0, width - 1), Halide::clamp(y, 0, height - 1), c, n);
    Halide::Func padded(name);
    padded(x, y, c, n) = Halide::select(inside, clamped, Halide::cast(clamped.type(), value));
    return padded;
}

Halide::Func pad_zero(Halide::Func f, Halide::Expr width, Halide::Expr height,
                      const std::string& name) {
    return pad_value(f, width, height, 0.0f, name);
}

} // namespace memsched::layers
