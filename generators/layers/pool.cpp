// Implementation of max_pool, avg_pool and global_avg_pool (see pool.h).
#include "generators/layers/pool.h"

#include "generators/layers/func_vars.h"

#include <limits>

namespace memsched::layers {

void validate(const PoolParams& p, const std::string& name) {
    const std::string b = "pool";
    require(p.kernel_w >= 1, b, name, "kernel_w", p.kernel_w, "must be >= 1");
    require(p.kernel_h >= 1, b, name, "kernel_h", p.kernel_h, "must be >= 1");
    require(p.stride_x >= 1, b, name, "stride_x", p.stride_x, "must be >= 1");
    require(p.stride_y >= 1, b, name, "stride_y", p.stride_y, "must be >= 1");
    require(p.pad_left >= 0, b, name, "pad_left", p.pad_left, "must be >= 0");
    require(p.pad_top >= 0, b, name, "pad_top", p.pad_top, "must be >= 0");
    require(p.pad_right >= -1, b, name, "pad_right", p.pad_right,
            "must be >= 0 (or -1: same as pad_left)");
    require(p.pad_bottom >= -1, b, name, "pad_bottom", p.pad_bottom,
            "must be >= 0 (or -1: same as pad_top)");
}

namespace {

// The window of output (x, y): rows/cols starting at x*s - pad.
struct Window {
    Halide::RDom r;
    Halide::Expr x0, y0;
};

Window window(const PoolParams& p, const Halide::Var& x, const Halide::Var& y,
              const std::string& name) {
    Halide::RDom r(0, p.kernel_w, 0, p.kernel_h, name + "_r");
    return {r, x * p.stride_x - p.pad_left, y * p.stride_y - p.pad_top};
}

void check_input(const Halide::Func& f, const std::string& builder, const std::string& name) {
    require_defined(f, builder, name, "input");
    require(f.dimensions() == 4, builder, name, "input dimensions", f.dimensions(),
            "must be 4 (x, y, c, n)");
}

} // namespace

Halide::Func max_pool(Halide::Func padded_input, const PoolParams& p, const std::string& name) {
    validate(p, name);
    check_input(padded_input, "max_pool", name);
    Halide::Var x("x"), y("y"), c("c"), n("n");
    Window w = window(p, x, y, name);
    Halide::Func out(name);
    out(x, y, c, n) = -std::numeric_limits<float>::infinity();
    out(x, y, c, n) = Halide::max(out(x, y, c, n), padded_input(w.x0 + w.r.x, w.y0 + w.r.y, c, n));
    return out;
}

Halide::Func avg_pool(Halide::Func padded_input, const PoolParams& p, Halide::Expr in_width,
                      Halide::Expr in_height, bool count_include_pad, const std::string& name) {
    return avg_pool_stages(padded_input, p, in_width, in_height, count_include_pad, name).out;
}

AvgPoolStages avg_pool_stages(Halide::Func padded_input, const PoolParams& p, Halide::Expr in_width,
                              Halide::Expr in_height, bool count_include_pad,
                              const std::string& name) {
    validate(p, name);
    check_input(padded_input, "avg_pool", name);
    Halide::Var x("x"), y("y"), c("c"), n("n");
    Window w = window(p, x, y, name);
    Halide::Func sum(name + "_sum");
    sum(x, y, c, n) = 0.0f;
    sum(x, y, c, n) += padded_input(w.x0 + w.r.x, w.y0 + w.r.y, c, n);

    Halide::Expr x_end = w.x0 + p.kernel_w, y_end = w.y0 + p.kernel_h;
    Halide::Expr count;
    if (count_include_pad) {
        const int pad_right = p.pad_right < 0 ? p.pad_left : p.pad_right;
        const int pad_bottom = p.pad_bottom < 0 ? p.pad_top : p.pad_bottom;
        count = (Halide::min(x_end, in_width + pad_right) - w.x0) *
                (Halide::min(y_end, in_height + pad_bottom) - w.y0);
    } else {
        count = (Halide::min(x_end, in_width) - Halide::max(w.x0, 0)) *
                (Halide::min(y_end, in_height) - Halide::max(w.y0, 0));
    }
    // A window wholly outside the input (only possible with odd ceil-mode
    // extents) averages nothing: divide by 1 rather than by zero.
    Halide::Func out(name);
    out(x, y, c, n) = sum(x, y, c, n) / Halide::cast<float>(Halide::max(count, 1));
    return {sum, out};
}

Halide::Func global_avg_pool(Halide::Func input, Halide::Expr width, Halide::Expr height,
                             const std::string& name) {
    return global_avg_pool_stages(input, width, height, name).out;
}

AvgPoolStages global_avg_pool_stages(Halide::Func input, Halide::Expr width, Halide::Expr height,
                                     const std::string& name) {
    check_input(input, "global_avg_pool", name);
    Halide::Var x("x"), y("y"), c("c"), n("n");
    Halide::RDom r(0, width, 0, height, name + "_r");
    Halide::Func sum(name + "_sum");
    sum(x, y, c, n) = 0.0f;
    sum(x, y, c, n) += input(r.x, r.y, c, n);
    Halide::Func out(name);
    out(x, y, c, n) = sum(x, y, c, n) / Halide::cast<float>(width * height);
    return {sum, out};
}

} // namespace memsched::layers
