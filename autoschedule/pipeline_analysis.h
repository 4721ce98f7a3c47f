// PipelineInfo: what the plugin knows about a Halide pipeline before it
// schedules anything: each Func's kind (input wrapper, pure, conv-like
// reduction, or unmodeled with a reason), its estimated extents (bounds
// inferred from the output estimates), its call sites and its consumers.
// Built once, up front, read-only afterwards.
#pragma once

#include "Halide.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace memsched::autoschedule {

enum class StageKind {
    InputWrapper, // `foo_im(x..) = foo(x..)`: left inlined
    Pure,         // no update: pointwise ops, pads, bias, activations, adds
    Reduction,    // a pure init plus ONE update over an RDom with affine accesses
    Unmodeled,    // anything else; scheduled safely, with a reason
};
const char* to_string(StageKind kind);

enum class ReduceOp { Sum, Max, None };

// One call site (of a Func or an input buffer) inside a definition.
struct CallSite {
    std::string callee;
    bool callee_is_func = false;   // a Func of the pipeline (else a buffer)
    std::vector<Halide::Expr> args; // simplified
};

struct RVarInfo {
    std::string name;
    int64_t extent = -1; // -1: not a constant even after substituting estimates
};

struct StageInfo {
    Halide::Internal::Function func;
    std::string name;
    StageKind kind = StageKind::Unmodeled;
    std::string reason; // why Unmodeled
    bool is_output = false;
    std::vector<std::string> pure_vars;
    std::vector<int64_t> extents; // estimated region per dim, -1 when unknown
    std::vector<std::string> consumers; // Funcs calling this one (sorted)
    std::vector<CallSite> pure_calls;   // calls in the pure definition
    // Reductions only: the update's RVars (innermost first) and calls,
    // without the self-reference of the accumulation.
    std::vector<RVarInfo> rvars;
    std::vector<CallSite> update_calls;
    ReduceOp op = ReduceOp::None;

    bool extents_known() const;
    // True when every call this (pure) stage makes to `callee` uses its own
    // pure variables unchanged, in order (a pointwise read).
    bool reads_pointwise(const std::string& callee) const;
    // The same with each argument possibly clamped to loop-free bounds
    // (a pad: `f(clamp(x, 0, w - 1), clamp(y, 0, h - 1), c, n)`).
    bool reads_pointwise_clamped(const std::string& callee) const;
};

struct PipelineInfo {
    std::vector<StageInfo> stages; // producers before consumers
    std::map<std::string, size_t> index;
    std::string bounds_note; // empty, or why extents are unknown

    const StageInfo* find(const std::string& name) const;
};

PipelineInfo analyze_pipeline(const Halide::Pipeline& pipeline);

// True when computing `reduction` at points outside its required region
// (full register blocks at the right/bottom edges) stays inside every input
// buffer: each spatially indexed producer reaches the buffers only through
// clamped reads (pads, boundary conditions). Then the block can have a
// constant extent (bound_extent), which is what makes strided convs fast.
bool may_overcompute_spatially(const PipelineInfo& info, const StageInfo& reduction);

} // namespace memsched::autoschedule
