// Parsing of the sysfs PMU tree: type, cpumask, events/ aliases with their
// scale and unit, and format/ bit layouts ("config:0-7,32-35").
#include "runtime/counters/sysfs_pmu.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace memsched {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> read_trimmed(const fs::path& path) {
    std::ifstream in(path);
    if (!in) {
        return std::nullopt;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
        text.pop_back();
    }
    return text;
}

std::vector<std::string> split(const std::string& text, char sep) {
    std::vector<std::string> parts;
    std::string part;
    std::istringstream in(text);
    while (std::getline(in, part, sep)) {
        if (!part.empty()) {
            parts.push_back(part);
        }
    }
    return parts;
}

// "0-3,8" -> {0,1,2,3,8}: the syntax of cpumask and of format bit ranges.
std::vector<int> parse_ranges(const std::string& text) {
    std::vector<int> values;
    for (const std::string& range : split(text, ',')) {
        size_t dash = range.find('-');
        int lo = std::stoi(range.substr(0, dash));
        int hi = dash == std::string::npos ? lo : std::stoi(range.substr(dash + 1));
        for (int v = lo; v <= hi; ++v) {
            values.push_back(v);
        }
    }
    return values;
}

// Places `value` into the bits named by a format file ("config1:0-15"), low bits first.
bool apply_format(const std::string& format, uint64_t value, SysfsEvent* event,
                  std::string* reason) {
    size_t colon = format.find(':');
    if (colon == std::string::npos) {
        *reason = "malformed format '" + format + "'";
        return false;
    }
    std::string field = format.substr(0, colon);
    uint64_t* target = field == "config"    ? &event->config
                       : field == "config1" ? &event->config1
                       : field == "config2" ? &event->config2
                                            : nullptr;
    if (target == nullptr) {
        *reason = "unknown format field '" + field + "'";
        return false;
    }
    std::vector<int> bits = parse_ranges(format.substr(colon + 1));
    for (size_t i = 0; i < bits.size(); ++i) {
        if ((value >> i) & 1u) {
            *target |= uint64_t{1} << bits[i];
        }
    }
    if (bits.size() < 64 && (value >> bits.size()) != 0) {
        *reason = "value " + std::to_string(value) + " does not fit format '" + format + "'";
        return false;
    }
    return true;
}

bool apply_terms(const fs::path& pmu_dir, const std::string& terms, SysfsEvent* event,
                 std::string* reason) {
    for (const std::string& term : split(terms, ',')) {
        size_t eq = term.find('=');
        std::string key = term.substr(0, eq);
        // A bare term ("edge") means 1, as in perf's own syntax.
        uint64_t value = eq == std::string::npos ? 1 : std::stoull(term.substr(eq + 1), nullptr, 0);
        std::optional<std::string> format = read_trimmed(pmu_dir / "format" / key);
        if (!format) {
            *reason = "PMU " + event->pmu + " has no format term '" + key + "'";
            return false;
        }
        if (!apply_format(*format, value, event, reason)) {
            return false;
        }
    }
    return true;
}

} // namespace

std::vector<std::string> list_pmus(const std::string& root) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(root, ec)) {
        names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::vector<std::string> pmus_matching(const std::string& name, const std::string& root) {
    std::vector<std::string> matches;
    for (const std::string& pmu : list_pmus(root)) {
        bool numbered = pmu.size() > name.size() + 1 && pmu.compare(0, name.size(), name) == 0 &&
                        pmu[name.size()] == '_' &&
                        std::all_of(pmu.begin() + name.size() + 1, pmu.end(), [](char c) {
                            return std::isdigit(static_cast<unsigned char>(c));
                        });
        if (pmu == name || numbered) {
            matches.push_back(pmu);
        }
    }
    return matches;
}

std::optional<SysfsEvent> resolve_sysfs_event(const std::string& pmu, const std::string& event,
                                              std::string* reason, const std::string& root) {
    fs::path dir = fs::path(root) / pmu;
    SysfsEvent result;
    result.pmu = pmu;
    std::optional<std::string> type = read_trimmed(dir / "type");
    if (!type) {
        *reason = "no PMU '" + pmu + "' in " + root;
        return std::nullopt;
    }
    result.type = static_cast<uint32_t>(std::stoul(*type));
    if (std::optional<std::string> mask = read_trimmed(dir / "cpumask"); mask && !mask->empty()) {
        result.cpus = parse_ranges(*mask);
    }
    std::string terms = event;
    if (std::optional<std::string> alias = read_trimmed(dir / "events" / event)) {
        terms = *alias;
        if (std::optional<std::string> scale = read_trimmed(dir / "events" / (event + ".scale"))) {
            result.scale = std::stod(*scale);
        }
        result.unit = read_trimmed(dir / "events" / (event + ".unit")).value_or("");
    } else if (event.find('=') == std::string::npos) {
        *reason = "PMU " + pmu + " has no event '" + event + "'";
        return std::nullopt;
    }
    try {
        if (!apply_terms(dir, terms, &result, reason)) {
            return std::nullopt;
        }
    } catch (const std::exception& e) {
        *reason = "cannot parse '" + terms + "' for PMU " + pmu + ": " + e.what();
        return std::nullopt;
    }
    return result;
}

std::optional<double> bytes_per_unit(const std::string& unit) {
    if (unit == "B" || unit == "bytes" || unit == "Bytes")
        return 1.0;
    if (unit == "KiB")
        return 1024.0;
    if (unit == "MiB")
        return 1024.0 * 1024.0;
    if (unit == "GiB")
        return 1024.0 * 1024.0 * 1024.0;
    if (unit == "KB")
        return 1e3;
    if (unit == "MB")
        return 1e6;
    if (unit == "GB")
        return 1e9;
    return std::nullopt;
}

} // namespace memsched
