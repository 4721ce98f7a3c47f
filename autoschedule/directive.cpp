// Apply-and-emit scheduling directives (see directive.h).
#include "autoschedule/directive.h"

#include <sstream>

namespace memsched::autoschedule {

using Halide::Internal::Function;

std::string sanitize_identifier(const std::string& name) {
    std::string out;
    for (char c : name) out += (std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
    if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out = "v_" + out;
    return out;
}

namespace {
std::string tail_name(Halide::TailStrategy t) {
    switch (t) {
    case Halide::TailStrategy::GuardWithIf: return "TailStrategy::GuardWithIf";
    case Halide::TailStrategy::ShiftInwards: return "TailStrategy::ShiftInwards";
    case Halide::TailStrategy::RoundUp: return "TailStrategy::RoundUp";
    default: return "TailStrategy::Auto";
    }
}
} // namespace

std::vector<Function> pipeline_functions(const Halide::Pipeline& pipeline) {
    std::map<std::string, Function> env;
    std::vector<Function> outputs;
    for (const Halide::Func& out : pipeline.outputs()) {
        auto calls = Halide::Internal::find_transitive_calls(out.function());
        env.insert(calls.begin(), calls.end());
        outputs.push_back(out.function());
    }
    std::vector<Function> funcs;
    for (const std::string& name : Halide::Internal::topological_order(outputs, env))
        funcs.push_back(env.at(name));
    return funcs;
}

ScheduleWriter::ScheduleWriter(const Halide::Pipeline& pipeline) {
    // Same order as Pipeline::get_func(i): the schedule source addresses
    // Funcs by that index.
    const std::vector<Function> order = pipeline_functions(pipeline);
    for (size_t i = 0; i < order.size(); i++) pipeline_index_[order[i].name()] = static_cast<int>(i);
    for (const char* reserved : {"pipeline", "target", "Func", "Var", "RVar", "TailStrategy",
                                 "MemoryType", "Halide"})
        used_idents_.insert(reserved);
}

std::string ScheduleWriter::unique_ident(const std::string& halide_name) {
    std::string base = sanitize_identifier(halide_name), ident = base;
    for (int i = 1; used_idents_.count(ident); i++) ident = base + "_" + std::to_string(i);
    used_idents_.insert(ident);
    return ident;
}

const std::string& ScheduleWriter::func_ident(const Function& f) {
    auto it = func_idents_.find(f.name());
    if (it != func_idents_.end()) return it->second;
    func_decl_order_.push_back(f.name());
    return func_idents_[f.name()] = unique_ident(f.name());
}

const std::string& ScheduleWriter::var_ident(const std::string& name, bool is_rvar) {
    auto& table = is_rvar ? rvar_idents_ : var_idents_;
    auto it = table.find(name);
    if (it != table.end()) return it->second;
    return table[name] = unique_ident(name);
}

StageWriter ScheduleWriter::stage(const Function& f, int update_index) {
    return StageWriter(*this, Halide::Func(f), update_index);
}

void ScheduleWriter::compute_root(const Function& f) {
    Halide::Func(f).compute_root();
    lines_.push_back(func_ident(f) + ".compute_root();");
}

void ScheduleWriter::compute_at(const Function& f, const Function& at, const std::string& var) {
    Halide::Func(f).compute_at(Halide::Func(at), Halide::Var(var));
    lines_.push_back(func_ident(f) + ".compute_at(" + func_ident(at) + ", " +
                     var_ident(var, false) + ");");
}

void ScheduleWriter::store_at(const Function& f, const Function& at, const std::string& var) {
    Halide::Func(f).store_at(Halide::Func(at), Halide::Var(var));
    lines_.push_back(func_ident(f) + ".store_at(" + func_ident(at) + ", " +
                     var_ident(var, false) + ");");
}

void ScheduleWriter::bound_storage(const Function& f, const std::string& var, int extent) {
    Halide::Func(f).bound_storage(Halide::Var(var), extent);
    lines_.push_back(func_ident(f) + ".bound_storage(" + var_ident(var, false) + ", " +
                     std::to_string(extent) + ");");
}

void ScheduleWriter::fold_storage(const Function& f, const std::string& var, int extent) {
    Halide::Func(f).fold_storage(Halide::Var(var), extent);
    lines_.push_back(func_ident(f) + ".fold_storage(" + var_ident(var, false) + ", " +
                     std::to_string(extent) + ");");
}

void ScheduleWriter::bound_extent(const Function& f, const std::string& var, int extent) {
    Halide::Func(f).bound_extent(Halide::Var(var), extent);
    lines_.push_back(func_ident(f) + ".bound_extent(" + var_ident(var, false) + ", " +
                     std::to_string(extent) + ");");
}

void ScheduleWriter::align_bounds(const Function& f, const std::string& var, int modulus) {
    Halide::Func(f).align_bounds(Halide::Var(var), modulus);
    lines_.push_back(func_ident(f) + ".align_bounds(" + var_ident(var, false) + ", " +
                     std::to_string(modulus) + ");");
}

void ScheduleWriter::reorder_storage(const Function& f,
                                     const std::vector<std::string>& inner_to_outer) {
    std::vector<Halide::Var> vars;
    std::string text;
    for (const auto& v : inner_to_outer) {
        vars.emplace_back(v);
        text += (text.empty() ? "" : ", ") + var_ident(v, false);
    }
    Halide::Func(f).reorder_storage(vars);
    lines_.push_back(func_ident(f) + ".reorder_storage({" + text + "});");
}

void ScheduleWriter::note_inline(const Function& f, const std::string& why) {
    lines_.push_back("// " + f.name() + ": inlined (" + why + ")");
}

void ScheduleWriter::comment(const std::string& text) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) lines_.push_back("// " + line);
}

std::string ScheduleWriter::source() const {
    std::ostringstream s;
    for (const auto& name : func_decl_order_)
        s << "Func " << func_idents_.at(name) << " = pipeline.get_func("
          << pipeline_index_.at(name) << ");\n";
    for (const auto& [name, ident] : var_idents_) s << "Var " << ident << "(\"" << name << "\");\n";
    for (const auto& [name, ident] : rvar_idents_)
        s << "RVar " << ident << "(\"" << name << "\");\n";
    for (const auto& line : lines_) s << line << "\n";
    return s.str();
}

StageWriter::StageWriter(ScheduleWriter& writer, Halide::Func func, int update_index)
    : writer_(writer), func_(func), update_index_(update_index),
      stage_(update_index < 0 ? static_cast<Halide::Stage>(func) : func.update(update_index)) {}

bool StageWriter::is_rvar(const std::string& name) const {
    if (new_rvars_.count(name)) return true;
    const auto& def = update_index_ < 0 ? func_.function().definition()
                                        : func_.function().update(update_index_);
    for (const auto& d : def.schedule().dims())
        if (d.var == name) return d.is_rvar();
    return false;
}

Halide::VarOrRVar StageWriter::var(const std::string& name, bool new_var_is_rvar) const {
    if (is_rvar(name) || new_var_is_rvar) return Halide::RVar(name);
    return Halide::Var(name);
}

void StageWriter::emit(const std::string& call) {
    std::string handle = writer_.func_ident(func_.function());
    if (update_index_ >= 0) handle += ".update(" + std::to_string(update_index_) + ")";
    writer_.lines_.push_back(handle + "." + call + ";");
}

StageWriter& StageWriter::split(const std::string& old_var, const std::string& outer,
                                const std::string& inner, int factor,
                                Halide::TailStrategy tail) {
    bool rv = is_rvar(old_var);
    stage_.split(var(old_var), var(outer, rv), var(inner, rv), factor, tail);
    if (rv) new_rvars_.insert({outer, inner});
    emit("split(" + writer_.var_ident(old_var, rv) + ", " + writer_.var_ident(outer, rv) + ", " +
         writer_.var_ident(inner, rv) + ", " + std::to_string(factor) + ", " + tail_name(tail) +
         ")");
    return *this;
}

StageWriter& StageWriter::reorder(const std::vector<std::string>& inner_to_outer) {
    std::vector<Halide::VarOrRVar> vars;
    std::string text;
    for (const auto& v : inner_to_outer) {
        vars.push_back(var(v));
        text += (text.empty() ? "" : ", ") + writer_.var_ident(v, is_rvar(v));
    }
    stage_.reorder(vars);
    emit("reorder({" + text + "})");
    return *this;
}

StageWriter& StageWriter::fuse(const std::string& inner, const std::string& outer,
                               const std::string& fused) {
    bool rv = is_rvar(inner) && is_rvar(outer);
    stage_.fuse(var(inner), var(outer), var(fused, rv));
    if (rv) new_rvars_.insert(fused);
    emit("fuse(" + writer_.var_ident(inner, is_rvar(inner)) + ", " +
         writer_.var_ident(outer, is_rvar(outer)) + ", " + writer_.var_ident(fused, rv) + ")");
    return *this;
}

StageWriter& StageWriter::vectorize(const std::string& v) {
    stage_.vectorize(var(v));
    emit("vectorize(" + writer_.var_ident(v, is_rvar(v)) + ")");
    return *this;
}

StageWriter& StageWriter::unroll(const std::string& v) {
    stage_.unroll(var(v));
    emit("unroll(" + writer_.var_ident(v, is_rvar(v)) + ")");
    return *this;
}

StageWriter& StageWriter::parallel(const std::string& v) {
    stage_.parallel(var(v));
    emit("parallel(" + writer_.var_ident(v, is_rvar(v)) + ")");
    return *this;
}

StageWriter& StageWriter::unscheduled() {
    stage_.unscheduled();
    emit("unscheduled()");
    return *this;
}

} // namespace memsched::autoschedule
