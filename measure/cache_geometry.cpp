// Parsing and printing of simulated cache geometries (see cache_geometry.h).
#include "measure/cache_geometry.h"

#include "model/layer_spec.h"

#include <sstream>
#include <stdexcept>
#include <vector>

namespace memsched::measure {
namespace {

std::vector<std::string> split(const std::string& text, char sep) {
    std::vector<std::string> parts;
    std::stringstream in(text);
    std::string part;
    while (std::getline(in, part, sep)) parts.push_back(part);
    return parts;
}

int64_t parse_count(const std::string& text, const std::string& what) {
    size_t used = 0;
    long long v = 0;
    try {
        v = std::stoll(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != text.size() || text.empty() || v <= 0)
        throw std::invalid_argument(what + "='" + text + "' must be a positive integer");
    return v;
}

bool power_of_two(int64_t v) { return v > 0 && (v & (v - 1)) == 0; }

std::string human(int64_t bytes) {
    if (bytes % (1 << 20) == 0) return std::to_string(bytes >> 20) + "MiB";
    if (bytes % (1 << 10) == 0) return std::to_string(bytes >> 10) + "KiB";
    return std::to_string(bytes) + "B";
}

} // namespace

std::string CacheGeometry::valgrind_arg() const {
    return std::to_string(size_bytes) + "," + std::to_string(associativity) + "," + std::to_string(line_bytes);
}

std::string CacheGeometry::describe() const {
    return level + "=" + human(size_bytes) + "," + std::to_string(associativity) + "," + std::to_string(line_bytes);
}

CacheGeometry default_d1() { return CacheGeometry{"D1", 32 << 10, 8, 64}; }

CacheGeometry parse_cache_geometry(const std::string& text, const std::string& field) {
    const size_t eq = text.find('=');
    if (eq == std::string::npos)
        throw std::invalid_argument(field + "='" + text + "' must look like LL=SIZE[,ASSOC,LINE] or D1=SIZE[,ASSOC,LINE]");
    CacheGeometry g;
    g.level = text.substr(0, eq);
    if (g.level != "LL" && g.level != "D1")
        throw std::invalid_argument(field + "='" + text + "': level '" + g.level + "' must be LL or D1");
    g.associativity = g.level == "LL" ? 16 : 8;
    const std::vector<std::string> parts = split(text.substr(eq + 1), ',');
    if (parts.size() != 1 && parts.size() != 3)
        throw std::invalid_argument(field + "='" + text + "' must give SIZE or SIZE,ASSOC,LINE");
    g.size_bytes = parse_size_bytes(parts[0], field + " " + g.level + " size");
    if (parts.size() == 3) {
        g.associativity = parse_count(parts[1], field + " " + g.level + " assoc");
        g.line_bytes = parse_count(parts[2], field + " " + g.level + " line");
    }
    if (!power_of_two(g.line_bytes) || g.line_bytes < 16)
        throw std::invalid_argument(field + " " + g.level + " line=" + std::to_string(g.line_bytes) +
                                    " must be a power of two >= 16");
    if (g.size_bytes % (g.associativity * g.line_bytes) != 0 || !power_of_two(g.sets()))
        throw std::invalid_argument(field + " " + g.level + "=" + parts[0] + ": size / (assoc " +
                                    std::to_string(g.associativity) + " x line " + std::to_string(g.line_bytes) +
                                    ") must be a power-of-two number of sets (cachegrind requires it)");
    return g;
}

} // namespace memsched::measure
