// The measurement pipeline (see measure_layer.h): compile, link, run twice
// under cachegrind, predict, compare. Work files live in one temporary
// directory per process, removed when the process exits.
#include "measure/measure_layer.h"

#include "measure/layer_compile.h"
#include "model/layer_spec.h"
#include "model/lower_bound.h"
#include "model/problem.h"

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace memsched::measure {
namespace {

struct WorkRoot {
    std::string path;
    WorkRoot() {
        const char* tmp = std::getenv("TMPDIR");
        std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/memsched-measure-XXXXXX";
        if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot create a directory like " + pattern);
        path = pattern;
    }
    ~WorkRoot() {
        std::error_code ec;
        if (!std::getenv("MEMSCHED_MEASURE_KEEP")) std::filesystem::remove_all(path, ec);
    }
};

std::string fresh_dir() {
    static WorkRoot root;
    static std::atomic<int> counter{0};
    const std::string dir = root.path + "/m" + std::to_string(counter++);
    std::filesystem::create_directories(dir);
    return dir;
}

std::optional<double> rel(int64_t measured, const std::optional<int64_t>& predicted) {
    if (!predicted || measured <= 0) return std::nullopt;
    return (double(measured) - double(*predicted)) / double(measured);
}

} // namespace

std::optional<double> MeasureResult::relative_error() const {
    return rel(measured_ll_bytes, prediction.ll_bytes);
}

std::optional<double> MeasureResult::d1_relative_error() const {
    return rel(measured_d1_bytes, prediction.d1_bytes);
}

MeasureResult measure_layer(const MeasureRequest& req) {
    if (req.d1.size_bytes > req.ll.size_bytes)
        throw std::invalid_argument("--cache D1=" + std::to_string(req.d1.size_bytes) + " is larger than LL=" +
                                    std::to_string(req.ll.size_bytes));
    const std::string dir = fresh_dir();
    MeasureResult r;
    r.request = req;
    CacheGeometry planned = req.ll;
    if (req.plan_ll_bytes > 0) planned.size_bytes = req.plan_ll_bytes;
    const CompiledLayer lib = compile_layer(req.shape, req.scheduler, req.d1, planned, dir);
    r.compile_seconds = lib.compile_seconds;
    const std::string runner = link_runner(lib.library_path, dir);
    r.counts = run_cachegrind(runner, req.shape, req.d1, req.ll, req.calls, req.cold, dir);
    r.measured_ll_bytes = r.counts.per_call.ll_misses() * req.ll.line_bytes;
    r.measured_d1_bytes = r.counts.per_call.d1_misses() * req.d1.line_bytes;
    if (r.measured_ll_bytes <= 0)
        throw std::runtime_error("cachegrind saw no LL misses per call for " + format_layer_spec(req.shape) +
                                 ": the layer fits and stays in the simulated LL; use a smaller LL");
    r.prediction = predict_traffic(req.shape, req.scheduler, req.d1, planned, lib);
    const Problem p = Problem::from_shape(req.shape);
    r.lower_bound_bytes = traffic_lower_bound(p, req.ll.size_bytes + req.d1.size_bytes).bytes();
    r.compulsory_bytes = req.shape.compulsory_bytes();
    return r;
}

nlohmann::json to_json(const MeasureResult& r) {
    nlohmann::json j;
    const CachegrindCounts& c = r.counts.per_call;
    j["layer"] = format_layer_spec(r.request.shape);
    j["scheduler"] = to_string(r.request.scheduler);
    j["ll"] = {{"size_bytes", r.request.ll.size_bytes}, {"associativity", r.request.ll.associativity},
               {"line_bytes", r.request.ll.line_bytes}};
    j["d1"] = {{"size_bytes", r.request.d1.size_bytes}, {"associativity", r.request.d1.associativity},
               {"line_bytes", r.request.d1.line_bytes}};
    j["cache_bytes"] = r.request.ll.size_bytes;
    j["plan_ll_bytes"] = r.request.plan_ll_bytes > 0 ? r.request.plan_ll_bytes : r.request.ll.size_bytes;
    j["calls"] = r.counts.calls;
    j["cold_calls"] = r.request.cold;
    j["tensor_sets"] = r.counts.tensor_sets;
    j["per_call"] = {{"Dr", c.get("Dr")},     {"Dw", c.get("Dw")},     {"D1mr", c.get("D1mr")},
                     {"D1mw", c.get("D1mw")}, {"DLmr", c.get("DLmr")}, {"DLmw", c.get("DLmw")}};
    j["measured_ll_bytes"] = r.measured_ll_bytes;
    j["measured_d1_bytes"] = r.measured_d1_bytes;
    auto opt = [](const auto& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
    j["predicted_ll_bytes"] = opt(r.prediction.ll_bytes);
    j["predicted_d1_bytes"] = opt(r.prediction.d1_bytes);
    j["relative_error"] = opt(r.relative_error());
    j["d1_relative_error"] = opt(r.d1_relative_error());
    j["prediction_source"] = r.prediction.source;
    j["reader_predicted_ll_bytes"] = opt(r.prediction.reader_ll_bytes);
    j["lower_bound_bytes"] = r.lower_bound_bytes;
    j["compulsory_bytes"] = r.compulsory_bytes;
    j["compile_seconds"] = r.compile_seconds;
    j["valgrind_seconds"] = r.counts.valgrind_seconds;
    return j;
}

} // namespace memsched::measure
