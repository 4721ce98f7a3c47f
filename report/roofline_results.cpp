// memsched_roofline JSON → RooflineResults (only the fields the report shows).
#include "report/roofline_results.h"

#include "report/json_input.h"

namespace memsched::report {

namespace {

double positive(const JsonField& f) {
    const double v = f.number();
    if (v <= 0)
        f.fail("must be positive");
    return v;
}

} // namespace

RooflineResults read_roofline_results(const std::string& path) {
    const nlohmann::json doc = load_json_file(path);
    const JsonField root = root_field(doc, path);
    RooflineResults r;
    r.file = path;
    r.peak_gflops_1t = positive(root.at("peak_gflops_1t"));
    r.peak_gflops_all = positive(root.at("peak_gflops_all"));
    r.bandwidth_gbs_1t = positive(root.at("bandwidth_gbs_1t"));
    r.bandwidth_gbs_all = positive(root.at("bandwidth_gbs_all"));
    if (auto t = root.find("threads"))
        r.threads = static_cast<int>(t->integer());
    if (auto m = root.find("machine"))
        if (auto cpu = m->find("cpu_model"))
            r.cpu_model = cpu->string();
    return r;
}

} // namespace memsched::report
