// Construction and validation of MemoryHierarchy, incl. reading host caches.
#include "model/memory_hierarchy.h"

#include <algorithm>
#include <fstream>
#include <stdexcept>

namespace memsched {

MemoryHierarchy MemoryHierarchy::scratchpad(int64_t buffer_bytes, int64_t line_bytes,
                                            double dram_bytes_per_s) {
    MemoryHierarchy h;
    h.levels.push_back({"buffer", buffer_bytes, line_bytes, 100e9, 0});
    h.levels.push_back({"dram", 0, line_bytes, dram_bytes_per_s, 0});
    return h;
}

namespace {

bool read_line(const std::string& path, std::string* out) {
    std::ifstream f(path);
    return static_cast<bool>(std::getline(f, *out));
}

// sysfs writes sizes as "48K", "2048K", "30M".
int64_t parse_sysfs_size(const std::string& text) {
    size_t pos = 0;
    int64_t v = std::stoll(text, &pos);
    if (pos < text.size() && text[pos] == 'K') v *= 1024;
    if (pos < text.size() && text[pos] == 'M') v *= 1024 * 1024;
    return v;
}

} // namespace

MemoryHierarchy MemoryHierarchy::from_host(const std::string& dir) {
    struct Found { int level; MemoryLevel mem; };
    std::vector<Found> found;
    for (int i = 0; i < 16; ++i) {
        const std::string base = dir + "/index" + std::to_string(i) + "/";
        std::string type, level, size, line, ways;
        if (!read_line(base + "type", &type)) break;
        if (type == "Instruction") continue;
        if (!read_line(base + "level", &level) || !read_line(base + "size", &size)) continue;
        MemoryLevel m;
        m.name = "L" + level;
        m.capacity_bytes = parse_sysfs_size(size);
        m.line_bytes = read_line(base + "coherency_line_size", &line) ? std::stoll(line) : 64;
        m.associativity = read_line(base + "ways_of_associativity", &ways) ? std::stoi(ways) : 8;
        const double bw[] = {200e9, 100e9, 50e9, 50e9};
        const int lv = std::stoi(level);
        m.bandwidth_bytes_per_s = bw[std::min(lv, 4) - 1];
        found.push_back({lv, m});
    }
    if (found.empty()) throw std::runtime_error("no data caches found under " + dir);
    std::sort(found.begin(), found.end(),
              [](const Found& a, const Found& b) { return a.level < b.level; });
    MemoryHierarchy h;
    for (const Found& f : found) h.levels.push_back(f.mem);
    h.levels.push_back({"dram", 0, h.levels.back().line_bytes, 10e9, 0});
    return h;
}

EvalStatus MemoryHierarchy::validate() const {
    if (levels.size() < 2)
        return EvalStatus::failure("levels=" + std::to_string(levels.size()) +
                                   " must list at least one buffer and the backing store");
    for (size_t i = 0; i < levels.size(); ++i) {
        const MemoryLevel& m = levels[i];
        const std::string who = "level '" + m.name + "'";
        if (i + 1 < levels.size() && m.capacity_bytes <= 0)
            return EvalStatus::failure(who + " capacity_bytes=" +
                                       std::to_string(m.capacity_bytes) + " must be positive");
        if (m.line_bytes <= 0)
            return EvalStatus::failure(who + " line_bytes=" + std::to_string(m.line_bytes) +
                                       " must be positive");
        if (m.bandwidth_bytes_per_s < 0)
            return EvalStatus::failure(who + " bandwidth_bytes_per_s must not be negative");
    }
    return EvalStatus::success();
}

} // namespace memsched
