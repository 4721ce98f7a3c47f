// Reading a LayerShape off a reduction's accesses (see conv_match.h).
#include "autoschedule/conv_match.h"

#include "autoschedule/affine.h"

#include <set>

namespace memsched::autoschedule {
namespace {

struct Forms {
    std::vector<AffineForm> args;
};

std::optional<Forms> forms_of(const CallSite& call, const std::set<std::string>& vars) {
    Forms f;
    for (const auto& a : call.args) {
        auto form = affine_form(a, vars);
        if (!form) return std::nullopt;
        f.args.push_back(*form);
    }
    return f;
}

// The single RVar an affine form uses (and its coefficient), if exactly one.
std::optional<std::pair<RVarInfo, int64_t>> single_rvar(const AffineForm& f,
                                                        const std::vector<RVarInfo>& rvars) {
    std::optional<std::pair<RVarInfo, int64_t>> found;
    for (const auto& rv : rvars) {
        if (!f.depends_on(rv.name)) continue;
        if (found) return std::nullopt;
        found = std::make_pair(rv, f.coeff(rv.name));
    }
    return found;
}

// Spatial axis: arg = stride*v + dilation*r + offset. Returns false if not.
bool spatial_axis(const AffineForm& f, const std::string& var, const std::vector<RVarInfo>& rvars,
                  int64_t* stride, int64_t* kernel, int64_t* dilation) {
    *stride = f.coeff(var);
    if (*stride <= 0 || f.coeffs.size() > 2) return false;
    auto rv = single_rvar(f, rvars);
    if (!rv) {
        *kernel = 1;
        *dilation = 1;
        return f.coeffs.size() == 1;
    }
    *kernel = rv->first.extent;
    *dilation = rv->second;
    return *dilation > 0;
}

std::optional<ConvMatch> match_spatial(const StageInfo& s, std::string* why) {
    std::set<std::string> vars(s.pure_vars.begin(), s.pure_vars.end());
    for (const auto& rv : s.rvars) vars.insert(rv.name);
    const std::string &x = s.pure_vars[0], &y = s.pure_vars[1], &k = s.pure_vars[2],
                      &n = s.pure_vars[3];
    ConvMatch m;
    m.x_dim = 0, m.y_dim = 1, m.k_dim = 2, m.n_dim = 3;
    std::optional<Forms> in, w;
    for (const auto& call : s.update_calls) {
        auto f = forms_of(call, vars);
        if (!f || f->args.size() != 4) continue;
        if (f->args[0].depends_on(x)) in = f, m.input = call.callee;
        else if (f->args[3].depends_on(k)) w = f, m.weights = call.callee;
    }
    const bool pool = s.update_calls.size() == 1;
    if (!in || (!pool && !w) || (!pool && s.update_calls.size() != 2)) {
        *why = "accesses do not look like input(x, y, c, n) * weights(s, r, c, k)";
        return std::nullopt;
    }
    int64_t sx, sy, kw, kh, dx, dy;
    if (!spatial_axis(in->args[0], x, s.rvars, &sx, &kw, &dx) ||
        !spatial_axis(in->args[1], y, s.rvars, &sy, &kh, &dy) || sx != sy || dx != dy) {
        *why = "spatial accesses are not x*stride + r*dilation (equal in x and y)";
        return std::nullopt;
    }
    if (!in->args[3].is_exactly(n)) {
        *why = "batch dimension is not read pointwise";
        return std::nullopt;
    }
    const AffineForm& ch = in->args[2];
    auto rc = single_rvar(ch, s.rvars);
    m.depthwise = ch.depends_on(k);
    const int64_t cpg = rc ? rc->first.extent : 1;
    if (rc && !m.depthwise && !pool) m.channel_rvar = rc->first.name;
    const AffineForm &ax = in->args[0], &ay = in->args[1];
    if (!ax.symbolic_offset && !ay.symbolic_offset && ax.constant == ay.constant && ax.constant <= 0)
        m.input_pad = -ax.constant;
    LayerShape& sh = m.shape;
    sh.batch = s.extents[3];
    sh.out_channels = s.extents[2];
    sh.groups = m.depthwise || pool ? sh.out_channels : 1;
    sh.in_channels = sh.groups * cpg;
    sh.kernel_w = kw, sh.kernel_h = kh, sh.stride = sx, sh.dilation = dx, sh.pad = 0;
    sh.in_width = (s.extents[0] - 1) * sx + dx * (kw - 1) + 1;
    sh.in_height = (s.extents[1] - 1) * sy + dy * (kh - 1) + 1;
    if (pool) {
        sh.kind = s.op == ReduceOp::Max ? LayerKind::MaxPool : LayerKind::AvgPool;
        m.weights.clear();
    } else if (s.op != ReduceOp::Sum) {
        *why = "a two-operand reduction that is not a sum";
        return std::nullopt;
    }
    if (auto err = sh.validate()) {
        *why = "inconsistent shape: " + *err;
        return std::nullopt;
    }
    return m;
}

std::optional<ConvMatch> match_fc(const StageInfo& s, std::string* why) {
    std::set<std::string> vars(s.pure_vars.begin(), s.pure_vars.end());
    for (const auto& rv : s.rvars) vars.insert(rv.name);
    if (s.rvars.size() != 1 || s.update_calls.size() != 2 || s.op != ReduceOp::Sum) {
        *why = "not sum_r input(r, n) * weights(r, k)";
        return std::nullopt;
    }
    ConvMatch m;
    m.k_dim = 0, m.n_dim = 1;
    for (const auto& call : s.update_calls) {
        auto f = forms_of(call, vars);
        if (!f || f->args.size() != 2 || !f->args[0].is_exactly(s.rvars[0].name)) continue;
        if (f->args[1].is_exactly(s.pure_vars[1])) m.input = call.callee;
        else if (f->args[1].is_exactly(s.pure_vars[0])) m.weights = call.callee;
    }
    if (m.input.empty() || m.weights.empty()) {
        *why = "not sum_r input(r, n) * weights(r, k)";
        return std::nullopt;
    }
    LayerShape& sh = m.shape;
    sh.kind = LayerKind::FullyConnected;
    sh.batch = s.extents[1];
    sh.out_channels = s.extents[0];
    sh.in_channels = s.rvars[0].extent;
    return m;
}

} // namespace

std::optional<ConvMatch> match_layer(const StageInfo& s, std::string* why) {
    if (s.kind != StageKind::Reduction) {
        *why = "not a reduction";
        return std::nullopt;
    }
    if (!s.extents_known()) {
        *why = "extents unknown (no estimates)";
        return std::nullopt;
    }
    for (const auto& rv : s.rvars) {
        if (rv.extent <= 0) {
            *why = "RVar " + rv.name + " has no constant extent";
            return std::nullopt;
        }
    }
    if (s.pure_vars.size() == 4) return match_spatial(s, why);
    if (s.pure_vars.size() == 2) return match_fc(s, why);
    *why = std::to_string(s.pure_vars.size()) + "-D output (expected 4-D x,y,c,n or 2-D k,n)";
    return std::nullopt;
}

} // namespace memsched::autoschedule
