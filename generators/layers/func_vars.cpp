// Implementation of the shared builder helpers (see func_vars.h).
#include "generators/layers/func_vars.h"

namespace memsched::layers {

std::vector<Halide::Var> make_vars(int dimensions) {
    static const char* const names4[] = {"x", "y", "c", "n"};
    std::vector<Halide::Var> vars;
    for (int i = 0; i < dimensions; i++) {
        vars.emplace_back(dimensions == 4 ? names4[i] : "v" + std::to_string(i));
    }
    return vars;
}

std::vector<Halide::Expr> to_exprs(const std::vector<Halide::Var>& vars) {
    return std::vector<Halide::Expr>(vars.begin(), vars.end());
}

void require(bool ok, const std::string& builder, const std::string& name, const std::string& field,
             long long value, const std::string& why) {
    if (!ok) {
        throw std::invalid_argument(builder + " '" + name + "': " + field + "=" +
                                    std::to_string(value) + " " + why);
    }
}

void require_defined(const Halide::Func& f, const std::string& builder, const std::string& name,
                     const std::string& what) {
    if (!f.defined()) {
        throw std::invalid_argument(builder + " '" + name + "': " + what + " is undefined");
    }
}

} // namespace memsched::layers
