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
    Halide::Expr inside = x >= 0 && x < width && y >= 0 && y < height;
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
