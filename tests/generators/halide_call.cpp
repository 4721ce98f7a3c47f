// Implementation of call_variant (see halide_call.h).
#include "tests/generators/halide_call.h"

#include <HalideBuffer.h>

#include <mutex>

namespace memsched::testing {

namespace {

std::mutex error_mutex;
std::string last_error;

// Replaces Halide's default handler (which aborts); the failing call then
// returns a non-zero code and the text is reported by call_variant.
void record_error(void* /*user_context*/, const char* message) {
    std::lock_guard<std::mutex> lock(error_mutex);
    last_error += message;
}

struct InstallHandler {
    InstallHandler() { halide_set_error_handler(record_error); }
};

} // namespace

std::string call_variant(const VariantEntry& entry, std::map<std::string, HostArray>& arrays) {
    static InstallHandler install;
    const halide_filter_metadata_t* md = entry.metadata();
    std::vector<Halide::Runtime::Buffer<float>> buffers;
    buffers.reserve(md->num_arguments);
    std::vector<void*> args;
    for (int i = 0; i < md->num_arguments; i++) {
        const halide_filter_argument_t& a = md->arguments[i];
        if (a.kind == halide_argument_kind_input_scalar) {
            return std::string("argument ") + a.name +
                   " is a scalar; the test harness binds buffers only";
        }
        auto it = arrays.find(a.name);
        if (it == arrays.end())
            return std::string("argument ") + a.name + " was not provided";
        if (static_cast<int>(it->second.dims.size()) != a.dimensions) {
            return std::string("argument ") + a.name + " has " +
                   std::to_string(it->second.dims.size()) + " dims, the filter wants " +
                   std::to_string(a.dimensions);
        }
        buffers.emplace_back(it->second.data.data(), it->second.dims);
        args.push_back(buffers.back().raw_buffer());
    }
    {
        std::lock_guard<std::mutex> lock(error_mutex);
        last_error.clear();
    }
    const int rc = entry.argv(args.data());
    if (rc == 0)
        return "";
    std::lock_guard<std::mutex> lock(error_mutex);
    std::string message = last_error.empty() ? "no message" : last_error;
    while (!message.empty() && message.back() == '\n')
        message.pop_back();
    return "Halide error " + std::to_string(rc) + ": " + message;
}

} // namespace memsched::testing
