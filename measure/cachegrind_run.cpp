// Runner linking and the two cachegrind runs (see cachegrind_run.h).
#include "measure/cachegrind_run.h"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>

namespace memsched::measure {
namespace {

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// Runs a shell command with its output in `log`; on failure throws with the
// log's last lines, which carry the compiler's or valgrind's message.
void run_or_throw(const std::string& command, const std::string& log, const std::string& what) {
    const int rc = std::system((command + " >" + log + " 2>&1").c_str());
    if (rc != 0) {
        std::string text = read_text(log);
        if (text.size() > 2000) text = "..." + text.substr(text.size() - 2000);
        throw std::runtime_error(what + " failed (status " + std::to_string(rc) + "): " + text);
    }
}

// The runner's object does not depend on the layer (it declares `layer`
// itself), so it is compiled once per process: linking is then ~0.1 s.
std::string runner_object(const std::string& dir) {
    static std::mutex mu;
    static std::string object;
    std::lock_guard<std::mutex> lock(mu);
    if (!object.empty() && std::ifstream(object).good()) return object;
    const std::string obj = dir + "/layer_runner.o";
    run_or_throw("c++ -O2 -std=c++17 -c -I" MEMSCHED_HALIDE_INCLUDE_DIR " " MEMSCHED_RUNNER_SOURCE " -o " + obj,
                 dir + "/runner_compile.log", "compiling the layer runner");
    object = obj;
    return object;
}

CachegrindCounts one_run(const std::string& runner, const LayerShape& s, const CacheGeometry& d1,
                         const CacheGeometry& ll, int calls, int sets, int64_t flush_bytes,
                         const std::string& dir) {
    const std::string out = dir + "/cachegrind.out." + std::to_string(calls);
    std::ostringstream cmd;
    cmd << "HL_NUM_THREADS=1 valgrind --tool=cachegrind --cache-sim=yes --I1=32768,8," << ll.line_bytes
        << " --D1=" << d1.valgrind_arg() << " --LL=" << ll.valgrind_arg() << " --cachegrind-out-file=" << out
        << " " << runner << " "  << calls << " " << sets << " " << flush_bytes << " " << s.in_width << " " << s.in_height << " " << s.in_channels << " "
        << s.batch << " " << s.kernel_w << " " << s.kernel_h << " " << s.in_channels_per_group() << " "
        << s.out_channels << " " << s.out_width() << " " << s.out_height()
        << (s.kind == LayerKind::FullyConnected ? " fc" : "");
    run_or_throw(cmd.str(), dir + "/valgrind." + std::to_string(calls) + ".log",
                 "cachegrind run with " + std::to_string(calls) + " call(s)");
    return parse_cachegrind_output(read_text(out));
}

} // namespace

std::string link_runner(const std::string& library_path, const std::string& dir) {
    const std::string exe = dir + "/layer_runner";
    run_or_throw("c++ " + runner_object(dir) + " " + library_path + " -o " + exe + " -ldl -lpthread",
                 dir + "/runner_link.log", "linking the layer runner");
    return exe;
}

PerCallCounts run_cachegrind(const std::string& runner_path, const LayerShape& shape, const CacheGeometry& d1,
                             const CacheGeometry& ll, int calls, bool cold, const std::string& dir) {
    if (calls < 1) throw std::invalid_argument("--calls=" + std::to_string(calls) + " must be >= 1");
    const auto start = std::chrono::steady_clock::now();
    PerCallCounts r;
    r.calls = calls;
    r.tensor_sets = cold ? 1 + calls : 1;
    const int64_t flush_bytes = cold ? 2 * ll.size_bytes : 0;
    r.one_call = one_run(runner_path, shape, d1, ll, 1, r.tensor_sets, flush_bytes, dir);
    const CachegrindCounts many = one_run(runner_path, shape, d1, ll, 1 + calls, r.tensor_sets, flush_bytes, dir);
    r.per_call = difference(many, r.one_call);
    for (auto& [name, v] : r.per_call.events) {
        // Only data events are reported; instruction-cache misses of a tiny
        // layer may differ by a few lines between the two runs.
        if (v < 0 && name[0] == 'D')
            throw std::runtime_error("cachegrind: " + name + " fell from " + std::to_string(r.one_call.get(name)) +
                                     " (1 call) to " + std::to_string(many.get(name)) + " (" +
                                     std::to_string(1 + calls) + " calls)");
        v = (v + calls / 2) / calls; // per call, rounded
    }
    r.valgrind_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r;
}

} // namespace memsched::measure
