// Finding and reading network files: the built-in tables by name (from the
// directory baked in as MEMSCHED_NETWORKS_DIR) and user files by path.
#include "generators/networks/network.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#ifndef MEMSCHED_NETWORKS_DIR
#error "MEMSCHED_NETWORKS_DIR must name the directory of the built-in network files"
#endif

namespace memsched {

std::vector<std::string> builtin_network_names() {
    // Fixed here rather than globbed, so a stray file is never a built-in;
    // a test checks this list against the directory.
    return {"resnet18",  "resnet50",   "vgg16",      "alexnet", "mobilenetv2",
            "squeezenet", "googlenet", "tinyyolov2", "dncnn",   "vdsr"};
}

std::string builtin_network_dir() { return MEMSCHED_NETWORKS_DIR; }

Network load_network_file(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw NetworkError("network file '" + path + "' does not exist or is not a file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw NetworkError("cannot open network file '" + path + "': " + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw NetworkError("cannot read network file '" + path + "'");
    return parse_network_json(text.str(), path);
}

Network load_builtin_network(const std::string& name) {
    const auto names = builtin_network_names();
    if (std::find(names.begin(), names.end(), name) == names.end()) {
        std::string valid;
        for (const auto& n : names) valid += (valid.empty() ? "" : ", ") + n;
        throw NetworkError("unknown network '" + name + "' (built-in networks: " + valid + ")");
    }
    const std::string path = builtin_network_dir() + "/" + name + ".json";
    Network network = load_network_file(path);
    if (network.name != name)
        throw NetworkError(path + ": field 'name': \"" + network.name +
                           "\" does not match the file name \"" + name + "\"");
    return network;
}

} // namespace memsched
