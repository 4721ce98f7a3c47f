// Reading an applied Halide schedule back into a model Schedule (see
// schedule_reader.h for what is read and what is approximated).
#include "autoschedule/schedule_reader.h"

#include <algorithm>
#include <map>
#include <sstream>
#include <stdexcept>

namespace memsched::autoschedule {
namespace {

using Halide::Internal::Definition;
using Halide::Internal::Dim;
using Halide::Internal::Function;
using Halide::Internal::Split;

// One model axis and how many iterations of it a loop covers.
struct Part {
    Loop axis;
    int64_t extent;
};

// A loop of a stage: Halide's variable name and the axis parts it iterates
// (more than one for a fused loop, outer part first).
struct StageLoop {
    std::string var;
    std::vector<Part> parts;
};

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

[[noreturn]] void fail(const std::string& func, const std::string& what) {
    throw std::runtime_error("schedule_reader: " + func + ": " + what);
}

int64_t const_factor(const Split& s, const std::string& func) {
    const int64_t* f = Halide::Internal::as_const_int(s.factor);
    if (!f || *f < 1) fail(func, "split of " + s.old_var + " has no constant positive factor");
    return *f;
}

// Applies a stage's splits, fuses and renames to the starting vars and
// returns its loops, outer to inner, with "__outermost" left out.
std::vector<StageLoop> stage_loops(const Definition& def, std::map<std::string, std::vector<Part>> vars,
                                   const std::string& func, std::vector<std::string>* approximations) {
    auto take = [&](const std::string& name) {
        auto it = vars.find(name);
        if (it == vars.end()) fail(func, "loop variable " + name + " is not one the reader knows");
        std::vector<Part> parts = it->second;
        vars.erase(it);
        return parts;
    };
    for (const Split& s : def.schedule().splits()) {
        if (s.is_split()) {
            const int64_t f = const_factor(s, func);
            std::vector<Part> outer = take(s.old_var);
            // The inner loop takes its iterations from the innermost part
            // (a fused loop split again is rare: only its innermost axis is
            // split, which is exact when that part is a multiple of f).
            Part& in = outer.back();
            if (outer.size() > 1) approximations->push_back(func + ": split of fused " + s.old_var);
            vars[s.inner] = {Part{in.axis, std::min(f, in.extent)}};
            in.extent = ceil_div(in.extent, f);
            vars[s.outer] = outer;
        } else if (s.is_fuse()) {
            std::vector<Part> parts = take(s.outer);
            const std::vector<Part> inner = take(s.inner);
            parts.insert(parts.end(), inner.begin(), inner.end());
            vars[s.old_var] = parts;
        } else { // rename, purify
            vars[s.outer] = take(s.old_var);
        }
    }
    std::vector<StageLoop> loops;
    const std::vector<Dim>& dims = def.schedule().dims(); // innermost first
    for (auto it = dims.rbegin(); it != dims.rend(); ++it) {
        if (it->var == Halide::Var::outermost().name()) continue;
        loops.push_back({it->var, take(it->var)});
    }
    return loops;
}

// Starting extents of a Func's pure vars: the problem's, or `inside` where given.
std::map<std::string, std::vector<Part>> pure_vars(const StageLoops& s,
                                                   const std::array<int64_t, kNumLoops>& extent) {
    const std::vector<Halide::Var> args = s.func.args();
    if (args.size() != s.pure.size())
        fail(s.func.name(), std::to_string(args.size()) + " arguments but " + std::to_string(s.pure.size()) +
                                " model loops given");
    std::map<std::string, std::vector<Part>> vars;
    for (size_t i = 0; i < args.size(); i++) vars[args[i].name()] = {Part{s.pure[i], extent[int(s.pure[i])]}};
    return vars;
}

bool names_loop(const std::string& dim_var, const std::string& var) {
    return dim_var == var ||
           (dim_var.size() > var.size() && dim_var.compare(dim_var.size() - var.size() - 1, std::string::npos,
                                                           "." + var) == 0);
}

// Halide 14 cannot inline a Func with an update: left "inlined", it is
// computed at the innermost loop of its consumer (checked in the lowered
// code: a one-element allocation inside the output's x loop).
Placement placement_of(const Halide::Func& f) {
    Halide::LoopLevel level = f.function().schedule().compute_level();
    level.lock();
    if (level.is_inlined()) return f.function().has_update_definition() ? Placement::AtLoop : Placement::Inlined;
    return level.is_root() ? Placement::Root : Placement::AtLoop;
}

// The consumer's loops down to (and including) the one the reduction is
// computed at, and the extents of the reduction's pure axes inside it.
std::vector<AppliedLoop> consumer_prefix(const Problem& p, const StageLoops& consumer, const StageLoops& reduction,
                                         std::array<int64_t, kNumLoops>* inside,
                                         std::vector<std::string>* approximations) {
    Halide::LoopLevel level = reduction.func.function().schedule().compute_level();
    level.lock();
    const std::string cname = consumer.func.name();
    if (!level.is_inlined() && level.func() != cname)
        fail(reduction.func.name(), "computed at " + level.func() + ", not at its consumer " + cname);
    const Function& cf = consumer.func.function();
    if (cf.has_update_definition()) fail(cname, "the consumer has an update definition");
    const std::vector<StageLoop> loops =
        stage_loops(cf.definition(), pure_vars(consumer, p.extent), cname, approximations);
    if (loops.empty()) fail(cname, "the consumer has no loops");
    // Inlined (see placement_of): at the consumer's innermost loop.
    const std::string var = level.is_inlined() ? loops.back().var : level.var().name();
    auto at = std::find_if(loops.begin(), loops.end(), [&](const StageLoop& l) { return names_loop(l.var, var); });
    if (at == loops.end()) fail(reduction.func.name(), "compute_at loop " + cname + "." + var + " not found");
    std::vector<AppliedLoop> prefix;
    for (auto it = loops.begin(); it != at + 1; ++it)
        for (const Part& part : it->parts) prefix.push_back({cname + ":" + it->var, part.axis, part.extent});
    inside->fill(1);
    for (auto it = at + 1; it != loops.end(); ++it)
        for (const Part& part : it->parts) (*inside)[int(part.axis)] *= part.extent;
    // Axes the consumer does not have (none for our layers) span the reduction.
    for (int l = 0; l < kNumLoops; l++) {
        if (std::find(consumer.pure.begin(), consumer.pure.end(), Loop(l)) == consumer.pure.end())
            (*inside)[l] = p.extent[l];
        (*inside)[l] = std::min((*inside)[l], p.extent[l]);
    }
    return prefix;
}

// The reduction's update loops with its pure axes spanning `extent`.
std::vector<AppliedLoop> update_loops(const Problem& p, const StageLoops& reduction,
                                      const std::array<int64_t, kNumLoops>& extent,
                                      std::vector<std::string>* approximations) {
    const Function& f = reduction.func.function();
    const std::string name = reduction.func.name();
    if (f.updates().size() != 1)
        fail(name, std::to_string(f.updates().size()) + " update definitions (the reader expects one)");
    const Definition& update = f.updates()[0];
    std::map<std::string, std::vector<Part>> vars = pure_vars(reduction, extent);
    const auto& rvars = update.schedule().rvars();
    if (rvars.size() != reduction.rvars.size())
        fail(name, std::to_string(rvars.size()) + " RVars, expected " + std::to_string(reduction.rvars.size()) +
                       " (rfactor is not translated)");
    for (size_t i = 0; i < rvars.size(); i++) {
        const Loop axis = reduction.rvars[i];
        const int64_t* e = Halide::Internal::as_const_int(rvars[i].extent);
        if (!e || *e != p.extent[int(axis)])
            fail(name, "RVar " + rvars[i].var + " does not span the " + to_string(axis) + " extent " +
                           std::to_string(p.extent[int(axis)]) + " (rfactor is not translated)");
        vars[rvars[i].var] = {Part{axis, *e}};
    }
    std::vector<AppliedLoop> out;
    for (const StageLoop& l : stage_loops(update, vars, name + ".update(0)", approximations))
        for (const Part& part : l.parts) out.push_back({l.var, part.axis, part.extent});
    return out;
}

// The cut and the one-level mapping (see the header).
LevelMapping mapping_of(const Problem& p, const std::vector<AppliedLoop>& nest, int* cut) {
    std::array<bool, kNumLoops> seen{};
    *cut = int(nest.size());
    for (size_t i = 0; i < nest.size(); i++) {
        if (seen[int(nest[i].axis)]) {
            *cut = int(i);
            break;
        }
        seen[int(nest[i].axis)] = true;
    }
    LevelMapping m;
    std::array<bool, kNumLoops> ordered{};
    std::vector<Loop> order;
    for (int i = 0; i < *cut; i++) {
        order.push_back(nest[i].axis);
        ordered[int(nest[i].axis)] = true;
    }
    for (int l = 0; l < kNumLoops; l++) {
        if (!ordered[l]) order.push_back(Loop(l));
        m.tile[l] = ordered[l] ? 1 : p.extent[l];
    }
    for (size_t i = size_t(*cut); i < nest.size(); i++)
        if (ordered[int(nest[i].axis)]) m.tile[int(nest[i].axis)] *= nest[i].extent;
    for (int l = 0; l < kNumLoops; l++) {
        m.tile[l] = std::min(m.tile[l], p.extent[l]);
        m.order[l] = order[l];
    }
    return m;
}

} // namespace

const char* to_string(Placement p) {
    switch (p) {
    case Placement::Inlined: return "inlined";
    case Placement::Root: return "root";
    case Placement::AtLoop: return "at_loop";
    }
    return "?";
}

ReadSchedule read_applied_schedule(const Problem& p, const StageLoops& consumer, const StageLoops& reduction,
                                   const Halide::Func& padded_input) {
    ReadSchedule r;
    r.reduction = placement_of(reduction.func);
    std::array<int64_t, kNumLoops> inside = p.extent;
    std::vector<AppliedLoop> nest;
    if (r.reduction == Placement::AtLoop)
        nest = consumer_prefix(p, consumer, reduction, &inside, &r.approximations);
    const std::vector<AppliedLoop> update = update_loops(p, reduction, inside, &r.approximations);
    nest.insert(nest.end(), update.begin(), update.end());
    nest.erase(std::remove_if(nest.begin(), nest.end(), [](const AppliedLoop& l) { return l.extent == 1; }),
               nest.end());
    r.nest = nest;
    r.schedule.levels = {mapping_of(p, nest, &r.cut)};
    // An axis with a tile loop above the cut and several loops below it was
    // tiled twice: the outer tiling level is folded into the tile.
    std::array<bool, kNumLoops> above{};
    std::array<int, kNumLoops> below{};
    for (int i = 0; i < r.cut; i++) above[int(nest[i].axis)] = true;
    for (size_t i = size_t(r.cut); i < nest.size(); i++) below[int(nest[i].axis)]++;
    for (int l = 0; l < kNumLoops; l++)
        if (above[l] && below[l] > 1)
            r.approximations.push_back(std::string("axis ") + to_string(Loop(l)) + " has " +
                                       std::to_string(below[l]) + " loops inside the tile (an outer tiling level folded into the tile)");
    if (padded_input.defined()) {
        r.padded_input = placement_of(padded_input);
        if (r.padded_input == Placement::AtLoop)
            r.approximations.push_back("padded input staged inside the nest: read as inlined");
    }
    return r;
}

std::string describe(const ReadSchedule& r) {
    std::ostringstream s;
    s << describe(r.schedule.levels.at(0)) << " | reduction " << to_string(r.reduction) << ", padded input "
      << to_string(r.padded_input) << " | nest";
    for (size_t i = 0; i < r.nest.size(); i++)
        s << (int(i) == r.cut ? " ||" : "") << " " << r.nest[i].name << "=" << r.nest[i].extent;
    return s.str();
}

} // namespace memsched::autoschedule
