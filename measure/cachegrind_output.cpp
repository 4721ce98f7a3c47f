// Parser for cachegrind.out files (see cachegrind_output.h). Format (valgrind
// 3.19, the Debian 12 version): header lines "desc:", "cmd:", "events: A B C",
// per-function cost lines, and near the end "summary: a b c".
#include "measure/cachegrind_output.h"

#include <sstream>
#include <stdexcept>
#include <vector>

namespace memsched::measure {
namespace {

std::vector<std::string> words_after(const std::string& line, size_t prefix) {
    std::istringstream in(line.substr(prefix));
    std::vector<std::string> out;
    std::string w;
    while (in >> w) out.push_back(w);
    return out;
}

bool starts_with(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }

} // namespace

int64_t CachegrindCounts::get(const std::string& name) const {
    auto it = events.find(name);
    if (it == events.end())
        throw std::runtime_error("cachegrind output has no event '" + name + "' (was --cache-sim=yes given?)");
    return it->second;
}

CachegrindCounts parse_cachegrind_output(const std::string& text) {
    std::istringstream in(text);
    std::string line;
    std::vector<std::string> names, totals;
    while (std::getline(in, line)) {
        if (starts_with(line, "events:")) names = words_after(line, 7);
        else if (starts_with(line, "summary:")) totals = words_after(line, 8);
    }
    if (names.empty()) throw std::runtime_error("cachegrind output: no 'events:' line");
    if (totals.empty()) throw std::runtime_error("cachegrind output: no 'summary:' line");
    if (names.size() != totals.size())
        throw std::runtime_error("cachegrind output: " + std::to_string(names.size()) + " events but " +
                                 std::to_string(totals.size()) + " summary values");
    CachegrindCounts c;
    for (size_t i = 0; i < names.size(); i++) {
        size_t used = 0;
        long long v = -1;
        try {
            v = std::stoll(totals[i], &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != totals[i].size() || v < 0)
            throw std::runtime_error("cachegrind output: summary value '" + totals[i] + "' for " + names[i] +
                                     " is not a count");
        c.events[names[i]] = v;
    }
    return c;
}

CachegrindCounts difference(const CachegrindCounts& a, const CachegrindCounts& b) {
    CachegrindCounts d;
    for (const auto& [name, v] : a.events) d.events[name] = v - b.get(name);
    return d;
}

} // namespace memsched::measure
