// Implementation of add and concat_channels (see elementwise.h).
#include "generators/layers/elementwise.h"

#include "generators/layers/func_vars.h"

namespace memsched::layers {

Halide::Func add(Halide::Func a, Halide::Func b, const std::string& name) {
    require_defined(a, "add", name, "first input");
    require_defined(b, "add", name, "second input");
    require(a.dimensions() == b.dimensions(), "add", name, "second input dimensions",
            b.dimensions(), "differ from the first input's " + std::to_string(a.dimensions()));
    std::vector<Halide::Var> v = make_vars(a.dimensions());
    Halide::Func out(name);
    out(v) = a(v) + b(v);
    return out;
}

Halide::Func concat_channels(const std::vector<std::pair<Halide::Func, int>>& parts,
                             const std::string& name) {
    require(!parts.empty(), "concat_channels", name, "parts", 0, "must not be empty");
    for (size_t i = 0; i < parts.size(); i++) {
        const std::string part = "part " + std::to_string(i);
        require_defined(parts[i].first, "concat_channels", name, part);
        require(parts[i].first.dimensions() == 4, "concat_channels", name, part + " dimensions",
                parts[i].first.dimensions(), "must be 4 (x, y, c, n)");
        require(parts[i].second >= 1, "concat_channels", name, part + " channels", parts[i].second,
                "must be >= 1");
    }
    Halide::Var x("x"), y("y"), c("c"), n("n");
    // Build select(c < end0, p0, c < end1, p1, ..., p_last) from the back;
    // clamping each channel index keeps every part's bounds to its own range.
    int begin = 0;
    std::vector<int> begins;
    for (const auto& part : parts) {
        begins.push_back(begin);
        begin += part.second;
    }
    const size_t last = parts.size() - 1;
    Halide::Expr value =
        parts[last].first(x, y, Halide::clamp(c - begins[last], 0, parts[last].second - 1), n);
    for (size_t i = last; i-- > 0;) {
        Halide::Expr mine =
            parts[i].first(x, y, Halide::clamp(c - begins[i], 0, parts[i].second - 1), n);
        value = Halide::select(c < begins[i] + parts[i].second, mine, value);
    }
    Halide::Func out(name);
    out(x, y, c, n) = value;
    return out;
}

} // namespace memsched::layers
