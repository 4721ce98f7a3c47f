// Building PipelineInfo from a Halide pipeline (see pipeline_analysis.h).
#include "autoschedule/pipeline_analysis.h"

#include "autoschedule/affine.h"

#include <algorithm>
#include <set>

namespace memsched::autoschedule {

using namespace Halide::Internal;

const char* to_string(StageKind kind) {
    switch (kind) {
    case StageKind::InputWrapper: return "input-wrapper";
    case StageKind::Pure: return "pure";
    case StageKind::Reduction: return "reduction";
    case StageKind::Unmodeled: return "unmodeled";
    }
    return "?";
}

bool StageInfo::extents_known() const {
    return !extents.empty() &&
           std::all_of(extents.begin(), extents.end(), [](int64_t e) { return e > 0; });
}

bool StageInfo::reads_pointwise(const std::string& callee) const {
    for (const auto& call : pure_calls) {
        if (call.callee != callee) continue;
        if (call.args.size() != pure_vars.size()) return false;
        for (size_t i = 0; i < call.args.size(); i++) {
            const Variable* v = call.args[i].as<Variable>();
            if (!v || v->name != pure_vars[i]) return false;
        }
    }
    return true;
}

const StageInfo* PipelineInfo::find(const std::string& name) const {
    auto it = index.find(name);
    return it == index.end() ? nullptr : &stages[it->second];
}

namespace {

// Collects calls to Funcs and buffers in the order they appear.
class CallCollector : public IRVisitor {
public:
    std::vector<CallSite> calls;

private:
    using IRVisitor::visit;
    void visit(const Call* c) override {
        IRVisitor::visit(c);
        if (c->call_type != Call::Halide && c->call_type != Call::Image) return;
        CallSite site{c->name, c->call_type == Call::Halide, {}};
        for (const auto& a : c->args) site.args.push_back(simplify(a));
        calls.push_back(site);
    }
};

std::vector<CallSite> collect_calls(const Definition& def) {
    CallCollector collector;
    for (const auto& v : def.values()) v.accept(&collector);
    for (const auto& a : def.args()) a.accept(&collector);
    return collector.calls;
}

int64_t constant_or_unknown(const Halide::Expr& e) {
    Halide::Expr s = simplify(substitute_var_estimates(e));
    const int64_t* c = as_const_int(s);
    return c ? *c : -1;
}

// Replaces clamps whose bounds are free of loop variables by the clamped
// value: pads read `f(clamp(x - 1, 0, w - 1))`, affine where it matters.
class ClampStripper : public IRMutator {
public:
    explicit ClampStripper(const std::set<std::string>& vars) : vars_(vars) {}

private:
    using IRMutator::visit;
    bool loop_free(const Halide::Expr& e) const {
        auto f = affine_form(e, vars_);
        return f && f->coeffs.empty();
    }
    Halide::Expr visit(const Min* m) override {
        if (loop_free(m->b)) return mutate(m->a);
        if (loop_free(m->a)) return mutate(m->b);
        return IRMutator::visit(m);
    }
    Halide::Expr visit(const Max* m) override {
        if (loop_free(m->b)) return mutate(m->a);
        if (loop_free(m->a)) return mutate(m->b);
        return IRMutator::visit(m);
    }
    const std::set<std::string>& vars_;
};

Halide::Expr strip_clamps(const Halide::Expr& e, const std::set<std::string>& vars) {
    ClampStripper stripper(vars);
    return stripper.mutate(e);
}

bool is_input_wrapper(const Function& f, const std::vector<CallSite>& calls) {
    if (f.has_update_definition() || f.values().size() != 1 || calls.size() != 1) return false;
    const Call* c = f.values()[0].as<Call>();
    if (!c || c->call_type != Call::Image || c->args.size() != f.args().size()) return false;
    for (size_t i = 0; i < c->args.size(); i++) {
        const Variable* v = c->args[i].as<Variable>();
        if (!v || v->name != f.args()[i]) return false;
    }
    return true;
}

// Empty when every call's args are affine in `vars` (after clamps are
// stripped if `allow_clamps`), else the first offending call.
std::string first_non_affine(const std::vector<CallSite>& calls, const std::set<std::string>& vars,
                             bool allow_clamps) {
    for (const auto& call : calls) {
        for (const auto& a : call.args) {
            Halide::Expr e = allow_clamps ? strip_clamps(a, vars) : a;
            if (!affine_form(e, vars)) return call.callee;
        }
    }
    return "";
}

ReduceOp reduce_op(const Definition& update, const std::string& self) {
    if (update.values().size() != 1) return ReduceOp::None;
    const Halide::Expr& v = update.values()[0];
    auto is_self = [&](const Halide::Expr& e) {
        const Call* c = e.as<Call>();
        return c && c->call_type == Call::Halide && c->name == self;
    };
    if (const Add* a = v.as<Add>(); a && (is_self(a->a) || is_self(a->b))) return ReduceOp::Sum;
    if (const Max* m = v.as<Max>(); m && (is_self(m->a) || is_self(m->b))) return ReduceOp::Max;
    return ReduceOp::None;
}

// Fills kind/reason/rvars/update_calls of a stage with an update.
void classify_update(StageInfo& s) {
    const Function& f = s.func;
    if (f.updates().size() != 1) {
        s.kind = StageKind::Unmodeled;
        s.reason = std::to_string(f.updates().size()) + " update definitions";
        return;
    }
    const Definition& u = f.update(0);
    for (size_t i = 0; i < u.args().size(); i++) {
        const Variable* v = u.args()[i].as<Variable>();
        if (!v || v->name != s.pure_vars[i]) {
            s.kind = StageKind::Unmodeled;
            s.reason = "update writes a computed location (scatter) in dimension " + std::to_string(i);
            return;
        }
    }
    std::set<std::string> vars(s.pure_vars.begin(), s.pure_vars.end());
    for (const auto& rv : u.schedule().rvars()) {
        s.rvars.push_back({rv.var, constant_or_unknown(rv.extent)});
        vars.insert(rv.var);
    }
    for (auto& call : collect_calls(u))
        if (call.callee != s.name) s.update_calls.push_back(call);
    s.op = reduce_op(u, s.name);
    std::string bad = first_non_affine(s.update_calls, vars, false);
    if (u.predicate().defined() && !is_const_one(u.predicate())) {
        s.kind = StageKind::Unmodeled;
        s.reason = "the RDom has a predicate (where clause)";
    } else if (!bad.empty()) {
        s.kind = StageKind::Unmodeled;
        s.reason = "non-affine (data-dependent) access to " + bad;
    } else if (s.op == ReduceOp::None) {
        s.kind = StageKind::Unmodeled;
        s.reason = "update is neither a sum nor a max";
    } else {
        s.kind = StageKind::Reduction;
    }
}

StageInfo classify(const Function& f) {
    StageInfo s;
    s.func = f;
    s.name = f.name();
    s.pure_vars = f.args();
    if (f.has_extern_definition()) {
        s.kind = StageKind::Unmodeled;
        s.reason = "extern definition";
        return s;
    }
    s.pure_calls = collect_calls(f.definition());
    if (f.outputs() != 1) {
        s.kind = StageKind::Unmodeled;
        s.reason = "Tuple-valued";
    } else if (is_input_wrapper(f, s.pure_calls)) {
        s.kind = StageKind::InputWrapper;
    } else if (f.has_update_definition()) {
        classify_update(s);
    } else {
        std::set<std::string> vars(s.pure_vars.begin(), s.pure_vars.end());
        std::string bad = first_non_affine(s.pure_calls, vars, true);
        s.kind = bad.empty() ? StageKind::Pure : StageKind::Unmodeled;
        if (!bad.empty()) s.reason = "non-affine (data-dependent) access to " + bad;
    }
    return s;
}

// The interval's extent with parameters replaced by their estimates; when
// that is not a constant (an input without estimates, read through a
// clamp), a constant upper bound of it, or -1.
int64_t estimated_extent(const Interval& interval) {
    const int64_t exact = constant_or_unknown(interval.max - interval.min + 1);
    if (exact > 0) return exact;
    Halide::Expr hi = find_constant_bound(simplify(substitute_var_estimates(interval.max)), Direction::Upper);
    Halide::Expr lo = find_constant_bound(simplify(substitute_var_estimates(interval.min)), Direction::Lower);
    if (!hi.defined() || !lo.defined()) return -1;
    return constant_or_unknown(hi - lo + 1);
}

// Output boxes from the estimates; empty when an estimate is missing.
std::vector<Box> output_boxes(const std::vector<Function>& outputs, std::string& note) {
    std::vector<Box> boxes;
    for (const auto& out : outputs) {
        Box box;
        for (const auto& arg : out.args()) {
            const Bound* found = nullptr;
            for (const auto& b : out.schedule().estimates())
                if (b.var == arg && b.min.defined() && b.extent.defined()) found = &b;
            if (!found) {
                note = "no estimate for " + out.name() + "." + arg + "; extents unknown";
                return {};
            }
            box.push_back(Interval(found->min, simplify(found->min + found->extent - 1)));
        }
        boxes.push_back(box);
    }
    return boxes;
}

void infer_extents(PipelineInfo& info, const std::vector<Function>& outputs) {
    std::vector<Box> boxes = output_boxes(outputs, info.bounds_note);
    if (boxes.empty()) return;
    std::vector<Halide::Func> funcs;
    for (const auto& o : outputs) funcs.emplace_back(o);
    std::map<std::string, Box> bounds;
    try {
        bounds = inference_bounds(funcs, boxes);
    } catch (const Halide::Error& e) {
        info.bounds_note = std::string("bounds inference failed: ") + e.what();
        return;
    }
    for (auto& s : info.stages) {
        auto it = bounds.find(s.name);
        if (it == bounds.end()) continue;
        for (size_t d = 0; d < it->second.size(); d++) {
            const Interval& interval = it->second[d];
            s.extents.push_back(interval.is_bounded() ? estimated_extent(interval) : -1);
        }
    }
}

// A read that stays in bounds when `s` is evaluated at any spatial point:
// with s's spatial variables (its first two dimensions) unbounded, every
// argument still has finite bounds (it is clamped) or does not use them.
bool is_clamped_read(const CallSite& call, const StageInfo& s) {
    Scope<Interval> scope;
    for (size_t d = 0; d < s.pure_vars.size() && d < 2; d++)
        scope.push(s.pure_vars[d], Interval::everything());
    for (const auto& a : call.args) {
        if (!bounds_of_expr_in_scope(a, scope).is_bounded()) return false;
    }
    return true;
}

// Whether `name` may be evaluated anywhere without reading outside a buffer.
bool defined_everywhere(const PipelineInfo& info, const std::string& name, int depth) {
    const StageInfo* s = info.find(name);
    if (!s || s->kind == StageKind::InputWrapper || s->kind == StageKind::Unmodeled || depth > 32)
        return false;
    std::vector<CallSite> calls = s->pure_calls;
    calls.insert(calls.end(), s->update_calls.begin(), s->update_calls.end());
    for (const auto& call : calls) {
        if (call.callee == s->name || is_clamped_read(call, *s)) continue;
        if (!call.callee_is_func || !defined_everywhere(info, call.callee, depth + 1)) return false;
    }
    return true;
}

} // namespace

bool StageInfo::reads_pointwise_clamped(const std::string& callee) const {
    const std::set<std::string> vars(pure_vars.begin(), pure_vars.end());
    for (const auto& call : pure_calls) {
        if (call.callee != callee) continue;
        if (call.args.size() != pure_vars.size()) return false;
        for (size_t i = 0; i < call.args.size(); i++) {
            const Variable* v = strip_clamps(call.args[i], vars).as<Variable>();
            if (!v || v->name != pure_vars[i]) return false;
        }
    }
    return true;
}

bool may_overcompute_spatially(const PipelineInfo& info, const StageInfo& r) {
    if (r.pure_vars.size() < 2) return false;
    std::set<std::string> spatial{r.pure_vars[0], r.pure_vars[1]};
    for (const auto& call : r.update_calls) {
        bool spatial_read = false;
        for (const auto& a : call.args) {
            auto f = affine_form(a, spatial);
            spatial_read |= !f || !f->coeffs.empty();
        }
        if (spatial_read && !defined_everywhere(info, call.callee, 0)) return false;
    }
    return true;
}

PipelineInfo analyze_pipeline(const Halide::Pipeline& pipeline) {
    std::vector<Function> outputs;
    std::map<std::string, Function> env;
    for (const Halide::Func& out : pipeline.outputs()) {
        outputs.push_back(out.function());
        auto calls = find_transitive_calls(out.function());
        env.insert(calls.begin(), calls.end());
    }
    PipelineInfo info;
    for (const auto& name : topological_order(outputs, env)) {
        info.index[name] = info.stages.size();
        info.stages.push_back(classify(env.at(name)));
    }
    for (const auto& o : outputs) info.stages[info.index.at(o.name())].is_output = true;
    for (auto& s : info.stages) {
        for (const auto& [callee, fn] : find_direct_calls(s.func)) {
            if (callee == s.name || !info.index.count(callee)) continue;
            info.stages[info.index.at(callee)].consumers.push_back(s.name);
        }
    }
    for (auto& s : info.stages) std::sort(s.consumers.begin(), s.consumers.end());
    infer_extents(info, outputs);
    return info;
}

} // namespace memsched::autoschedule
