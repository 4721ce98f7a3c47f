// ScheduleWriter: every scheduling directive the plugin issues goes through
// here, which both calls the Halide API and appends the equivalent C++ text
// for `schedule_source`. Applying and emitting at the same point means the
// printed schedule cannot drift from the applied one.
#pragma once

#include "Halide.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace memsched::autoschedule {

class ScheduleWriter;

// One stage (pure definition or update) of a Func.
class StageWriter {
public:
    StageWriter& split(const std::string& old_var, const std::string& outer,
                       const std::string& inner, int factor, Halide::TailStrategy tail);
    // Innermost first, like Halide's reorder.
    StageWriter& reorder(const std::vector<std::string>& inner_to_outer);
    StageWriter& fuse(const std::string& inner, const std::string& outer,
                      const std::string& fused);
    StageWriter& vectorize(const std::string& var);
    StageWriter& unroll(const std::string& var);
    StageWriter& parallel(const std::string& var);
    // Halide's Stage::unscheduled(): left serial on purpose (no warning).
    StageWriter& unscheduled();

private:
    friend class ScheduleWriter;
    StageWriter(ScheduleWriter& writer, Halide::Func func, int update_index);
    Halide::VarOrRVar var(const std::string& name, bool new_var_is_rvar = false) const;
    bool is_rvar(const std::string& name) const;
    void emit(const std::string& call);

    ScheduleWriter& writer_;
    Halide::Func func_;
    int update_index_; // -1: the pure definition
    Halide::Stage stage_;
    std::set<std::string> new_rvars_; // split results of RVars (still RVars)
};

class ScheduleWriter {
public:
    explicit ScheduleWriter(const Halide::Pipeline& pipeline);

    StageWriter stage(const Halide::Internal::Function& f, int update_index);

    void compute_root(const Halide::Internal::Function& f);
    void compute_at(const Halide::Internal::Function& f, const Halide::Internal::Function& at,
                    const std::string& var);
    void store_at(const Halide::Internal::Function& f, const Halide::Internal::Function& at,
                  const std::string& var);
    void bound_storage(const Halide::Internal::Function& f, const std::string& var,
                       int extent);
    void bound_extent(const Halide::Internal::Function& f, const std::string& var, int extent);
    // Func::align_bounds(var, modulus): the computed region's extent a
    // multiple of `modulus` (over-computing, so only where that is legal).
    void align_bounds(const Halide::Internal::Function& f, const std::string& var, int modulus);
    // Storage folded modulo `extent` along `var` (Halide's fold_storage):
    // a sliding window's line buffer. Halide checks at run time that each
    // iteration's footprint fits.
    void fold_storage(const Halide::Internal::Function& f, const std::string& var, int extent);
    // Storage dimension order, innermost first (Halide's reorder_storage).
    void reorder_storage(const Halide::Internal::Function& f,
                         const std::vector<std::string>& inner_to_outer);
    // Inline is Halide's default; this only records the decision in the text.
    void note_inline(const Halide::Internal::Function& f, const std::string& why);
    void comment(const std::string& text);

    // The full source: Func handles, Var/RVar declarations, then directives.
    std::string source() const;

private:
    friend class StageWriter;
    const std::string& func_ident(const Halide::Internal::Function& f);
    const std::string& var_ident(const std::string& halide_name, bool is_rvar);
    std::string unique_ident(const std::string& halide_name);

    std::map<std::string, int> pipeline_index_; // Func name -> pipeline.get_func index
    std::map<std::string, std::string> func_idents_;
    std::vector<std::string> func_decl_order_;
    std::map<std::string, std::string> var_idents_, rvar_idents_;
    std::set<std::string> used_idents_;
    std::vector<std::string> lines_;
};

// Every Func the pipeline computes, producers first: the order of
// Pipeline::get_func(i).
std::vector<Halide::Internal::Function> pipeline_functions(const Halide::Pipeline& pipeline);

// "r13$x" -> "r13_x"; prefixes identifiers that would start with a digit.
std::string sanitize_identifier(const std::string& name);

} // namespace memsched::autoschedule
