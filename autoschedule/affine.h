// Affine forms of Halide index expressions: `2*x + r.x - 1` becomes
// {x: 2, r.x: 1; constant -1}. The plugin models a stage only when every
// access it makes is affine in its loop variables.
#pragma once

#include "Halide.h"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

namespace memsched::autoschedule {

struct AffineForm {
    std::map<std::string, int64_t> coeffs; // loop variable -> coefficient (non-zero only)
    int64_t constant = 0;
    bool symbolic_offset = false; // plus a term free of loop variables (e.g. a Param)

    int64_t coeff(const std::string& var) const;
    bool depends_on(const std::string& var) const { return coeff(var) != 0; }
    // True when the form is exactly `var` (coefficient 1, no offset).
    bool is_exactly(const std::string& var) const;
};

// nullopt when `e` is not affine in `loop_vars`: products of loop variables,
// division, min/max/select, or any call (a data-dependent index).
std::optional<AffineForm> affine_form(const Halide::Expr& e, const std::set<std::string>& loop_vars);

} // namespace memsched::autoschedule
