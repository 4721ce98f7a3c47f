// Reading and validating the plugin's parameters (see plugin_params.h).
#include "autoschedule/plugin_params.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace memsched::autoschedule {
namespace {

const std::vector<std::string>& known_keys() {
    static const std::vector<std::string> keys = {"l1", "l2", "llc", "line", "dram_gbps",
                                                  "gflops", "vector", "verbose", "fusion",
                                                  "fusion_tiles", "fusion_objective",
                                                  "fusion_min_time_gain",
                                                  "cache_fill_fraction"};
    return keys;
}

std::string trim(const std::string& s) {
    size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) b++;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) e--;
    return s.substr(b, e - b);
}

// Splits "k=v" items separated by `separators`; '#' starts a comment in files.
std::vector<std::pair<std::string, std::string>> split_items(const std::string& text,
                                                             const std::string& separators,
                                                             const std::string& origin) {
    std::vector<std::pair<std::string, std::string>> items;
    std::string item;
    auto flush = [&]() {
        std::string t = trim(item.substr(0, item.find('#')));
        item.clear();
        if (t.empty()) return;
        size_t eq = t.find('=');
        if (eq == std::string::npos)
            throw std::invalid_argument(origin + ": expected key=value, got '" + t + "'");
        items.emplace_back(trim(t.substr(0, eq)), trim(t.substr(eq + 1)));
    };
    for (char c : text) {
        if (separators.find(c) != std::string::npos) flush();
        else item += c;
    }
    flush();
    return items;
}

double parse_positive_number(const std::string& key, const std::string& value,
                             const std::string& origin) {
    char* end = nullptr;
    double v = std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0' || !(v > 0))
        throw std::invalid_argument(origin + ": " + key + "=" + value +
                                    " is not a positive number");
    return v;
}

void apply_item(PluginParams& p, const std::string& key, const std::string& value,
                const std::string& origin) {
    auto bytes = [&]() {
        try {
            return parse_byte_size(value);
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(origin + ": " + key + ": " + e.what());
        }
    };
    if (key == "l1") p.levels[0].capacity_bytes = bytes();
    else if (key == "l2") p.levels[1].capacity_bytes = bytes();
    else if (key == "llc") p.levels[2].capacity_bytes = bytes();
    else if (key == "line") {
        int64_t line = bytes();
        for (auto& l : p.levels) l.line_bytes = line;
    } else if (key == "dram_gbps") p.dram_bandwidth_gbps = parse_positive_number(key, value, origin);
    else if (key == "gflops") p.peak_gflops_per_core = parse_positive_number(key, value, origin);
    else if (key == "vector") p.vector_width_override = static_cast<int>(bytes());
    else if (key == "verbose") p.verbose = value != "0";
    else if (key == "cache_fill_fraction") {
        const double f = parse_positive_number(key, value, origin);
        if (f > 1)
            throw std::invalid_argument(origin + ": cache_fill_fraction=" + value +
                                        " must be in (0, 1]");
        p.cache_fill_fraction = f;
    }
    else if (key == "fusion") {
        using F = PluginParams::ForcedHalo;
        if (value != "0" && value != "1" && value != "recompute" && value != "keep")
            throw std::invalid_argument(origin + ": fusion=" + value +
                                        " must be 0, 1, recompute or keep");
        p.cross_layer_fusion = value != "0";
        p.forced_halo = value == "recompute" ? F::Recompute : value == "keep" ? F::Keep : F::None;
    }
    else if (key == "fusion_objective") {
        const auto objective = objective_from_string(value);
        if (!objective)
            throw std::invalid_argument(origin + ": fusion_objective=" + value +
                                        " must be time or traffic");
        p.fusion_objective = *objective;
    }
    else if (key == "fusion_min_time_gain") {
        char* end = nullptr;
        const double g = std::strtod(value.c_str(), &end);
        if (value.empty() || *end != '\0' || !(g > -1.0 && g < 1.0))
            throw std::invalid_argument(origin + ": fusion_min_time_gain=" + value +
                                        " must be a number in (-1, 1)");
        p.fusion_min_time_gain = g;
    }
    else if (key == "fusion_tiles") {
        if (value != "2d" && value != "bands")
            throw std::invalid_argument(origin + ": fusion_tiles=" + value + " must be 2d or bands");
        p.fused_2d_tiles = value == "2d";
    }
    else {
        std::string known;
        for (const auto& k : known_keys()) known += (known.empty() ? "" : ", ") + k;
        throw std::invalid_argument(origin + ": unknown key '" + key + "' (known: " + known + ")");
    }
    p.provenance += " " + key + "=" + value + "(" + origin + ")";
}

} // namespace

int64_t parse_byte_size(const std::string& text) {
    std::string t = trim(text);
    size_t digits = 0;
    while (digits < t.size() && std::isdigit(static_cast<unsigned char>(t[digits]))) digits++;
    if (digits == 0) throw std::invalid_argument("'" + text + "' is not a byte size");
    int64_t value = std::stoll(t.substr(0, digits));
    std::string unit = t.substr(digits);
    std::transform(unit.begin(), unit.end(), unit.begin(), ::tolower);
    int64_t scale = 0;
    if (unit.empty() || unit == "b") scale = 1;
    else if (unit == "k" || unit == "kib" || unit == "kb") scale = int64_t(1) << 10;
    else if (unit == "m" || unit == "mib" || unit == "mb") scale = int64_t(1) << 20;
    else if (unit == "g" || unit == "gib" || unit == "gb") scale = int64_t(1) << 30;
    else throw std::invalid_argument("'" + text + "' has an unknown unit '" + unit + "'");
    if (value <= 0) throw std::invalid_argument("'" + text + "' must be positive");
    return value * scale;
}

PluginParams resolve_plugin_params(const ParamSources& s) {
    PluginParams p;
    const int64_t line = s.sysfs_line_bytes > 0 ? s.sysfs_line_bytes : 64;
    auto level = [&](const char* name, int lvl, int64_t fallback, double gbps) {
        auto it = s.sysfs_cache_bytes.find(lvl);
        bool from_sysfs = it != s.sysfs_cache_bytes.end() && it->second > 0;
        int64_t bytes = from_sysfs ? it->second : fallback;
        p.provenance += std::string(p.provenance.empty() ? "" : " ") + name + "=" +
                        std::to_string(bytes) + (from_sysfs ? "(sysfs)" : "(default)");
        return CacheLevelParams{name, bytes, line, gbps};
    };
    // Per-core bandwidths are typical x86 figures; only their ratios matter
    // to the choice of tiles, and they can be overridden only via the model.
    p.levels.push_back(level("L1", 1, 32 << 10, 200));
    p.levels.push_back(level("L2", 2, 1 << 20, 100));
    const int64_t llc = s.machine_llc_bytes > 0 ? s.machine_llc_bytes : (16 << 20);
    p.levels.push_back(CacheLevelParams{"LLC", llc, line, 50});
    p.provenance += " LLC=" + std::to_string(llc) + "(machine_params)";
    p.parallelism = std::max(1, s.machine_parallelism);

    if (!s.memsched_config_path.empty()) {
        for (const auto& [k, v] : split_items(s.config_text, "\n", "MEMSCHED_CONFIG " +
                                                                       s.memsched_config_path))
            apply_item(p, k, v, "config");
    }
    for (const auto& [k, v] : split_items(s.memsched_params, ",", "MEMSCHED_PARAMS"))
        apply_item(p, k, v, "env");

    for (size_t i = 1; i < p.levels.size(); i++) {
        if (p.levels[i].capacity_bytes < p.levels[i - 1].capacity_bytes)
            throw std::invalid_argument("memsched: cache level " + p.levels[i].name + " (" +
                                        std::to_string(p.levels[i].capacity_bytes) +
                                        " B) is smaller than " + p.levels[i - 1].name);
    }
    return p;
}

ParamSources read_param_sources(int machine_parallelism, int64_t machine_llc_bytes) {
    ParamSources s;
    s.machine_parallelism = machine_parallelism;
    s.machine_llc_bytes = machine_llc_bytes;
    if (const char* v = std::getenv("MEMSCHED_PARAMS")) s.memsched_params = v;
    if (const char* v = std::getenv("MEMSCHED_CONFIG")) {
        s.memsched_config_path = v;
        std::ifstream f(v);
        if (!f) throw std::invalid_argument(std::string("MEMSCHED_CONFIG: cannot read '") + v + "'");
        std::stringstream ss;
        ss << f.rdbuf();
        s.config_text = ss.str();
    }
    // cpu0's cache description; a missing file just leaves the default.
    for (int index = 0; index < 8; index++) {
        std::string dir = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index) + "/";
        std::ifstream level_f(dir + "level"), type_f(dir + "type"), size_f(dir + "size"),
            line_f(dir + "coherency_line_size");
        int level = 0;
        std::string type, size;
        if (!(level_f >> level) || !(type_f >> type) || !(size_f >> size)) continue;
        if (type == "Instruction") continue;
        try {
            s.sysfs_cache_bytes[level] = parse_byte_size(size);
        } catch (const std::invalid_argument&) {
            continue;
        }
        int64_t line = 0;
        if (line_f >> line && line > 0) s.sysfs_line_bytes = line;
    }
    return s;
}

} // namespace memsched::autoschedule
