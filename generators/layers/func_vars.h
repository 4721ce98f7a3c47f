// Helpers shared by the layer builders: pure Vars for a Func of any
// dimensionality, and the one-line errors the builders throw on bad params.
#pragma once

#include <Halide.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace memsched::layers {

// Vars named x, y, c, n for 4-D activations; generic names otherwise.
std::vector<Halide::Var> make_vars(int dimensions);
std::vector<Halide::Expr> to_exprs(const std::vector<Halide::Var>& vars);

// Throws std::invalid_argument("<builder> '<name>': <field>=<value> <why>")
// unless ok. Builders validate eagerly so a bad shape never reaches codegen.
void require(bool ok, const std::string& builder, const std::string& name, const std::string& field,
             long long value, const std::string& why);
void require_defined(const Halide::Func& f, const std::string& builder, const std::string& name,
                     const std::string& what);

} // namespace memsched::layers
