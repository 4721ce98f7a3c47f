// Undo-and-fall-back for internal errors of the scheduler (see safe_fallback.h).
#include "autoschedule/safe_fallback.h"

#include "autoschedule/directive.h"

#include <algorithm>
#include <cctype>
#include <iostream>

namespace memsched::autoschedule {

using Halide::Internal::Function;

namespace {

bool is_output(const Halide::Pipeline& pipeline, const Function& f) {
    for (const Halide::Func& out : pipeline.outputs())
        if (out.name() == f.name()) return true;
    return false;
}

} // namespace

ScheduleSnapshot::ScheduleSnapshot(const Halide::Pipeline& pipeline) {
    for (Function f : pipeline_functions(pipeline)) {
        FuncState s{f, f.schedule().compute_level(), f.schedule().store_level(),
                    f.schedule().storage_dims(), f.schedule().bounds(), {}};
        s.stages.push_back(f.definition().schedule().get_copy());
        for (size_t u = 0; u < f.updates().size(); u++)
            s.stages.push_back(f.update(int(u)).schedule().get_copy());
        funcs_.push_back(std::move(s));
    }
}

void ScheduleSnapshot::restore() {
    for (FuncState& s : funcs_) {
        Function& f = s.func;
        f.schedule().compute_level() = s.compute_level;
        f.schedule().store_level() = s.store_level;
        f.schedule().storage_dims() = s.storage_dims;
        f.schedule().bounds() = s.bounds;
        f.definition().schedule() = s.stages[0].get_copy();
        for (size_t u = 0; u < f.updates().size() && u + 1 < s.stages.size(); u++)
            f.update(int(u)).schedule() = s.stages[u + 1].get_copy();
    }
}

ScheduleReport schedule_plainly(const Halide::Pipeline& pipeline, const Halide::Target& target,
                                const std::string& why) {
    ScheduleWriter writer(pipeline);
    ScheduleReport report;
    writer.comment("MemSched fell back to a plain schedule: " + why);
    report.log_lines.push_back("[memsched] fell back to a plain schedule: " + why);
    const int lanes = std::max(1, target.natural_vector_size(Halide::Float(32)));
    for (Function f : pipeline_functions(pipeline)) {
        if (!is_output(pipeline, f)) writer.compute_root(f);
        // Extern stages take no loop directives.
        if (f.has_extern_definition() || f.args().empty()) continue;
        const std::vector<std::string>& args = f.args();
        StageWriter pure = writer.stage(f, -1);
        if (lanes > 1) {
            pure.split(args[0], args[0] + "_vo", args[0] + "_vi", lanes,
                       Halide::TailStrategy::GuardWithIf);
            pure.vectorize(args[0] + "_vi");
        }
        if (args.size() > 1) pure.parallel(args.back());
        // An update runs in parallel only over the outermost argument where
        // it is a pure dimension (Halide proves no race there); otherwise
        // it stays serial.
        for (size_t u = 0; u < f.updates().size(); u++) {
            StageWriter update = writer.stage(f, int(u));
            bool pure_outer = false;
            for (const auto& d : f.update(int(u)).schedule().dims())
                pure_outer |= d.var == args.back() && d.is_pure();
            if (args.size() > 1 && pure_outer) update.parallel(args.back());
            else update.unscheduled();
        }
    }
    report.source = writer.source();
    return report;
}

ScheduleReport schedule_with_fallback(const Halide::Pipeline& pipeline,
                                      const Halide::Target& target, const PluginParams& params,
                                      const Scheduler& scheduler) {
    ScheduleSnapshot snapshot(pipeline);
    std::string why;
    try {
        return scheduler(pipeline, target, params);
    } catch (const std::exception& e) {
        why = std::string("internal error: ") + e.what();
    }
    // Trailing newlines of Halide's messages would split the comment.
    why.erase(std::find_if(why.rbegin(), why.rend(), [](char c) { return !std::isspace(
                  static_cast<unsigned char>(c)); }).base(),
              why.end());
    std::replace(why.begin(), why.end(), '\n', ' ');
    snapshot.restore();
    std::cerr << "[memsched] warning: " << why
              << "; every Func is scheduled compute_root instead (correct, not tuned)\n";
    try {
        return schedule_plainly(pipeline, target, why);
    } catch (const std::exception& e) {
        // Nothing safer is left: stop with both reasons, as a Halide error.
        snapshot.restore();
        throw Halide::CompileError("MemSched: " + why + "; the plain fallback failed too: " +
                                   e.what() + "\n");
    }
}

} // namespace memsched::autoschedule
