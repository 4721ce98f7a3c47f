// Google Benchmark JSON → BenchRow per (set, layer, variant, threads).
#include "report/bench_results.h"

#include "report/json_input.h"
#include "report/svg_scale.h"

#include <algorithm>
#include <sstream>

namespace memsched::report {

namespace {

// Run name split into its parts; throws when it lacks set/layer/variant.
struct RunName {
    std::string set, layer, variant;
    std::optional<int> threads;
};

RunName parse_run_name(const JsonField& f) {
    const std::string name = f.string();
    std::vector<std::string> parts;
    std::stringstream in(name);
    for (std::string p; std::getline(in, p, '/');)
        parts.push_back(p);
    if (parts.size() < 3)
        f.fail("\"" + name + "\" is not <set>/<layer>/<variant>/threads:<N>");
    RunName r{parts[0], parts[1], parts[2], std::nullopt};
    for (size_t i = 3; i < parts.size(); ++i) {
        if (parts[i].rfind("threads:", 0) == 0) {
            try {
                r.threads = std::stoi(parts[i].substr(8));
            } catch (const std::exception&) {
                f.fail("\"" + name + "\" has a bad thread count");
            }
        }
    }
    return r;
}

double seconds_per_unit(const JsonField& unit) {
    const std::string u = unit.string();
    if (u == "ns")
        return 1e-9;
    if (u == "us")
        return 1e-6;
    if (u == "ms")
        return 1e-3;
    if (u == "s")
        return 1.0;
    unit.fail("unknown time unit \"" + u + "\"");
}

// One entry's values, before repetitions are combined.
struct Sample {
    RunName name;
    double real_time_s = 0.0;
    int repetitions = 1; // the entry's "repetitions" field, when written
    std::map<std::string, double> counters;
};

bool is_counter(const std::string& key) {
    return key == "gflops" || key == "macs" || key == "layer_count" ||
           (key.rfind("predicted_", 0) == 0 && key.size() > 16 &&
            key.compare(key.size() - 6, 6, "_bytes") == 0);
}

Sample read_sample(const JsonField& e) {
    Sample s;
    s.name = parse_run_name(e.find("run_name") ? e.at("run_name") : e.at("name"));
    if (!s.name.threads)
        s.name.threads = static_cast<int>(e.at("threads").integer());
    s.real_time_s = e.at("real_time").number() * seconds_per_unit(e.at("time_unit"));
    if (auto reps = e.find("repetitions"))
        s.repetitions = static_cast<int>(reps->integer());
    for (const auto& [key, value] : e.value().items())
        if (is_counter(key))
            s.counters[key] = e.at(key).number();
    return s;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

BenchRow combine(const std::vector<Sample>& samples) {
    BenchRow row;
    const RunName& n = samples.front().name;
    row.set = n.set;
    row.layer = n.layer;
    row.variant = n.variant;
    row.threads = *n.threads;
    row.repetitions = static_cast<int>(samples.size());
    std::vector<double> times;
    std::map<std::string, std::vector<double>> counters;
    for (const Sample& s : samples) {
        times.push_back(s.real_time_s);
        for (const auto& [k, v] : s.counters)
            counters[k].push_back(v);
    }
    row.real_time_s = median(times);
    for (const auto& [k, v] : counters) {
        const double m = median(v);
        if (k == "gflops")
            row.gflops = m;
        else if (k == "macs")
            row.macs = m;
        else if (k == "layer_count")
            row.layer_count = std::max(1, static_cast<int>(m));
        else
            row.predicted_bytes[k.substr(10, k.size() - 16)] = m;
    }
    if (!row.gflops && row.macs && row.real_time_s > 0)
        row.gflops = 2.0 * *row.macs / row.real_time_s * 1e-9;
    return row;
}

std::string describe_context(const JsonField& ctx) {
    std::ostringstream out;
    if (auto h = ctx.find("host_name"))
        out << h->string();
    if (auto n = ctx.find("num_cpus"))
        out << ", " << n->integer() << " CPUs";
    if (auto m = ctx.find("mhz_per_cpu"))
        out << " at " << m->number() << " MHz";
    if (auto caches = ctx.find("caches")) {
        for (size_t i = 0; i < caches->array_size(); ++i) {
            const JsonField cache = caches->at(i);
            out << ", L" << cache.at("level").integer() << " " << cache.at("type").string() << " "
                << format_capacity(double(cache.at("size").integer()));
        }
    }
    // A busy machine explains slow or noisy times: show its load at the start.
    if (auto load = ctx.find("load_avg"); load && load->array_size() > 0)
        out << "; load average " << load->at(0).number() << " at start";
    if (auto b = ctx.find("library_build_type"))
        out << "; Google Benchmark library built as " << b->string();
    return out.str();
}

} // namespace

BenchResults read_bench_results(const std::string& path) {
    const nlohmann::json doc = load_json_file(path);
    const JsonField root = root_field(doc, path);
    BenchResults out;
    out.file = path;
    if (auto ctx = root.find("context")) {
        out.machine = describe_context(*ctx);
        if (auto d = ctx->find("date"))
            out.date = d->string();
    }
    const JsonField list = root.at("benchmarks");
    // Key: set/layer/variant/threads; aggregates (median) win over iterations.
    std::vector<std::string> order;
    std::map<std::string, std::vector<Sample>> iterations, medians;
    for (size_t i = 0; i < list.array_size(); ++i) {
        const JsonField e = list.at(i);
        if (auto err = e.find("error_occurred"); err && err->boolean()) {
            const auto msg = e.find("error_message");
            out.errors.push_back({e.at("name").string(), msg ? msg->string() : ""});
            continue;
        }
        std::string run_type = "iteration";
        if (auto t = e.find("run_type"))
            run_type = t->string();
        if (run_type == "aggregate" && e.at("aggregate_name").string() != "median")
            continue; // mean, stddev, cv: the report uses the median
        const Sample s = read_sample(e);
        const std::string key = s.name.set + "/" + s.name.layer + "/" + s.name.variant + "/" +
                                std::to_string(*s.name.threads);
        if (!iterations.count(key) && !medians.count(key))
            order.push_back(key);
        (run_type == "aggregate" ? medians : iterations)[key].push_back(s);
    }
    for (const std::string& key : order) {
        if (medians.count(key)) {
            // A median aggregate stands for the repetitions it was taken over.
            BenchRow row = combine(medians[key]);
            row.repetitions = std::max(1, medians[key].front().repetitions);
            out.rows.push_back(row);
        } else {
            out.rows.push_back(combine(iterations[key]));
        }
    }
    if (out.rows.empty() && out.errors.empty())
        list.fail("holds no benchmark results");
    return out;
}

} // namespace memsched::report
