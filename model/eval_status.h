// EvalStatus: the outcome of checking or evaluating a schedule. Failures are
// values with a reason, never aborts, so a search can skip them and a CLI can
// print them as one line.
#pragma once

#include <string>
#include <utility>

namespace memsched {

struct EvalStatus {
    bool ok = true;
    std::string reason; // empty when ok; names the offending field and value

    static EvalStatus success() { return {}; }
    static EvalStatus failure(std::string why) { return {false, std::move(why)}; }
    explicit operator bool() const { return ok; }
};

} // namespace memsched
