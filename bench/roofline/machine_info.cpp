// Readers for /proc/cpuinfo, /proc/meminfo, /proc/loadavg and
// /sys/devices/system/cpu/cpu0/cache/index*.
#include "bench/roofline/machine_info.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace memsched {
namespace {

std::string read_line(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

// "48K" -> 49152; sysfs writes cache sizes with a K or M suffix.
uint64_t parse_size(const std::string& text) {
    if (text.empty()) {
        return 0;
    }
    uint64_t value = std::stoull(text);
    switch (text.back()) {
    case 'K':
        return value << 10;
    case 'M':
        return value << 20;
    case 'G':
        return value << 30;
    default:
        return value;
    }
}

std::string cpu_model() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        // x86 says "model name", some Arm kernels only "CPU part"; take the first.
        if (line.rfind("model name", 0) == 0 || line.rfind("Model", 0) == 0) {
            size_t colon = line.find(':');
            if (colon != std::string::npos) {
                return line.substr(line.find_first_not_of(" \t", colon + 1));
            }
        }
    }
    return "unknown";
}

uint64_t memory_available_bytes() {
    std::ifstream in("/proc/meminfo");
    std::string key;
    uint64_t kib = 0;
    std::string unit;
    while (in >> key >> kib >> unit) {
        if (key == "MemAvailable:") {
            return kib * 1024;
        }
    }
    return 0;
}

std::vector<CacheLevel> caches() {
    std::vector<CacheLevel> levels;
    std::error_code ec;
    for (const auto& entry :
         std::filesystem::directory_iterator("/sys/devices/system/cpu/cpu0/cache", ec)) {
        if (entry.path().filename().string().rfind("index", 0) != 0) {
            continue;
        }
        CacheLevel cache;
        std::string level = read_line(entry.path() / "level");
        cache.level = level.empty() ? 0 : std::stoi(level);
        cache.type = read_line(entry.path() / "type");
        cache.size_bytes = parse_size(read_line(entry.path() / "size"));
        cache.shared_cpu_list = read_line(entry.path() / "shared_cpu_list");
        levels.push_back(cache);
    }
    std::sort(levels.begin(), levels.end(), [](const CacheLevel& x, const CacheLevel& y) {
        return x.level != y.level ? x.level < y.level : x.type < y.type;
    });
    return levels;
}

} // namespace

MachineInfo read_machine_info() {
    MachineInfo info;
    info.cpu_model = cpu_model();
    info.logical_cpus = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    info.caches = caches();
    info.memory_available_bytes = memory_available_bytes();
    return info;
}

uint64_t last_level_cache_bytes(const MachineInfo& info) {
    uint64_t llc = 0;
    int level = 0;
    for (const CacheLevel& cache : info.caches) {
        if (cache.type != "Instruction" && cache.level >= level) {
            llc = cache.level > level ? cache.size_bytes : std::max(llc, cache.size_bytes);
            level = cache.level;
        }
    }
    return llc;
}

double load_average_1min() {
    std::ifstream in("/proc/loadavg");
    double load = -1.0;
    in >> load;
    return load;
}

} // namespace memsched
