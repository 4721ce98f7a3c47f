// `memsched validate --json` output → ValidationRow per layer and scheduler.
#include "report/validation_results.h"

#include "report/json_input.h"

namespace memsched::report {

namespace {

// A byte count: a non-negative number (validate writes integers, but a
// double is accepted so hand-written or averaged files read too).
double bytes(const JsonField& f) {
    const double v = f.number();
    if (v < 0)
        f.fail("must not be negative");
    return v;
}

ValidationRow read_row(const JsonField& r) {
    ValidationRow row;
    row.layer = r.at("layer").string();
    row.spec = r.at("spec").string();
    row.scheduler = r.at("scheduler").string();
    row.cache_bytes = r.at("cache_bytes").integer();
    row.measured_ll_bytes = bytes(r.at("measured_ll_bytes"));
    if (auto p = r.find("predicted_ll_bytes"))
        row.predicted_ll_bytes = bytes(*p);
    if (auto e = r.find("relative_error"))
        row.relative_error = e->number();
    row.lower_bound_bytes = bytes(r.at("lower_bound_bytes"));
    row.compulsory_bytes = bytes(r.at("compulsory_bytes"));
    if (row.lower_bound_bytes <= 0)
        r.at("lower_bound_bytes").fail("must be positive");
    return row;
}

} // namespace

ValidationResults read_validation_results(const std::string& path) {
    const nlohmann::json doc = load_json_file(path);
    const JsonField root = root_field(doc, path);
    ValidationResults out;
    out.file = path;
    if (auto m = root.find("machine"))
        out.machine = m->string();
    const JsonField rows = root.at("rows");
    for (size_t i = 0; i < rows.array_size(); ++i)
        out.rows.push_back(read_row(rows.at(i)));
    return out;
}

} // namespace memsched::report
