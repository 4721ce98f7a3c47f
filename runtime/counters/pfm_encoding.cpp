// libpfm4 initialisation (once per process) and name encoding.
#include "runtime/counters/pfm_encoding.h"

#include <perfmon/pfmlib_perf_event.h>

#include <cstdlib>
#include <cstring>
#include <mutex>

namespace memsched {
namespace {

// pfm_initialize is not thread-safe and must run once; its result is kept.
pfm_err_t initialize_once() {
    static std::once_flag once;
    static pfm_err_t status = PFM_SUCCESS;
    std::call_once(once, [] { status = pfm_initialize(); });
    return status;
}

} // namespace

std::optional<PfmEncoding> pfm_encode(const std::string& name, std::string* reason) {
    if (pfm_err_t status = initialize_once(); status != PFM_SUCCESS) {
        *reason = std::string("libpfm initialisation failed: ") + pfm_strerror(status);
        return std::nullopt;
    }
    perf_event_attr attr;
    std::memset(&attr, 0, sizeof(attr));
    char* fstr = nullptr;
    pfm_perf_encode_arg_t arg;
    std::memset(&arg, 0, sizeof(arg));
    arg.attr = &attr;
    arg.fstr = &fstr;
    arg.size = sizeof(arg);
    // PLM3: user level only, the privilege that per-process counting is always allowed.
    pfm_err_t status = pfm_get_os_event_encoding(name.c_str(), PFM_PLM3, PFM_OS_PERF_EVENT, &arg);
    if (status != PFM_SUCCESS) {
        *reason = "libpfm cannot encode '" + name + "': " + pfm_strerror(status);
        return std::nullopt;
    }
    PfmEncoding encoding;
    encoding.type = attr.type;
    encoding.config = attr.config;
    encoding.config1 = attr.config1;
    encoding.config2 = attr.config2;
    if (fstr != nullptr) {
        encoding.canonical_name = fstr;
        std::free(fstr);
    }
    return encoding;
}

} // namespace memsched
