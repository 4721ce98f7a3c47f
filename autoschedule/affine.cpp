// Extraction of affine forms from Halide IR (see affine.h).
#include "autoschedule/affine.h"

namespace memsched::autoschedule {

using namespace Halide::Internal;

int64_t AffineForm::coeff(const std::string& var) const {
    auto it = coeffs.find(var);
    return it == coeffs.end() ? 0 : it->second;
}

bool AffineForm::is_exactly(const std::string& var) const {
    return coeffs.size() == 1 && coeff(var) == 1 && constant == 0 && !symbolic_offset;
}

namespace {

std::optional<AffineForm> combine(std::optional<AffineForm> a, std::optional<AffineForm> b,
                                  int64_t sign) {
    if (!a || !b) return std::nullopt;
    for (const auto& [v, c] : b->coeffs) {
        a->coeffs[v] += sign * c;
        if (a->coeffs[v] == 0) a->coeffs.erase(v);
    }
    a->constant += sign * b->constant;
    a->symbolic_offset |= b->symbolic_offset;
    return a;
}

std::optional<AffineForm> scale(std::optional<AffineForm> a, int64_t factor) {
    if (!a) return std::nullopt;
    if (factor == 0) return AffineForm{};
    for (auto& kv : a->coeffs) kv.second *= factor;
    a->constant *= factor;
    return a;
}

// Finds loop variables and calls in an expression.
class LoopVarFinder : public IRVisitor {
public:
    explicit LoopVarFinder(const std::set<std::string>& vars) : vars_(vars) {}
    bool found = false;

private:
    using IRVisitor::visit;
    void visit(const Variable* v) override { found |= vars_.count(v->name) > 0; }
    void visit(const Call* c) override { found = true; }
    const std::set<std::string>& vars_;
};

bool is_loop_free(const Halide::Expr& e, const std::set<std::string>& loop_vars) {
    LoopVarFinder finder(loop_vars);
    e.accept(&finder);
    return !finder.found;
}

} // namespace

std::optional<AffineForm> affine_form(const Halide::Expr& e, const std::set<std::string>& vars) {
    if (const int64_t* c = as_const_int(e)) return AffineForm{{}, *c, false};
    if (const Variable* v = e.as<Variable>()) {
        if (vars.count(v->name)) return AffineForm{{{v->name, 1}}, 0, false};
        return AffineForm{{}, 0, true};
    }
    if (const Add* a = e.as<Add>()) return combine(affine_form(a->a, vars), affine_form(a->b, vars), 1);
    if (const Sub* s = e.as<Sub>()) return combine(affine_form(s->a, vars), affine_form(s->b, vars), -1);
    if (const Mul* m = e.as<Mul>()) {
        if (const int64_t* c = as_const_int(m->b)) return scale(affine_form(m->a, vars), *c);
        if (const int64_t* c = as_const_int(m->a)) return scale(affine_form(m->b, vars), *c);
        return std::nullopt;
    }
    if (const Cast* c = e.as<Cast>()) {
        if (c->type.is_int() || c->type.is_uint()) return affine_form(c->value, vars);
        return std::nullopt;
    }
    // Anything else free of loop variables and calls is just an unknown offset.
    if (is_loop_free(e, vars)) return AffineForm{{}, 0, true};
    return std::nullopt;
}

} // namespace memsched::autoschedule
