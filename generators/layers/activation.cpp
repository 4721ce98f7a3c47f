// Implementation of relu, relu6 and leaky_relu (see activation.h).
#include "generators/layers/activation.h"

#include "generators/layers/func_vars.h"

namespace memsched::layers {

namespace {

template <typename Fn>
Halide::Func pointwise(Halide::Func f, const std::string& builder, const std::string& name, Fn fn) {
    require_defined(f, builder, name, "input");
    std::vector<Halide::Var> v = make_vars(f.dimensions());
    Halide::Func out(name);
    out(v) = fn(f(v));
    return out;
}

} // namespace

Halide::Func relu(Halide::Func f, const std::string& name) {
    return pointwise(f, "relu", name, [](Halide::Expr e) { return Halide::max(e, 0.0f); });
}

Halide::Func relu6(Halide::Func f, const std::string& name) {
    return pointwise(f, "relu6", name, [](Halide::Expr e) { return Halide::clamp(e, 0.0f, 6.0f); });
}

Halide::Func leaky_relu(Halide::Func f, float alpha, const std::string& name) {
    return pointwise(f, "leaky_relu", name,
                     [alpha](Halide::Expr e) { return Halide::select(e < 0.0f, e * alpha, e); });
}

} // namespace memsched::layers
