// Cutting and re-sizing a built-in network table (see network_subset.h). The
// JSON is edited and handed back to the normal parser, so every check the
// loader makes on the built-in files also holds for the subset.
#include "generators/network_subset.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <utility>

namespace memsched {
namespace {

using nlohmann::json;

struct Extent {
    int64_t c = 0, h = 0, w = 0;
};

int64_t window_out(int64_t in, const json& layer, const char* kernel_key) {
    const int64_t kernel = layer.at(kernel_key).get<int64_t>();
    const int64_t stride = layer.value("stride", int64_t{1});
    const int64_t pad = layer.value("pad", int64_t{0});
    const int64_t pad_end = layer.value("pad_end", int64_t{0});
    const int64_t dilation = layer.value("dilation", int64_t{1});
    const int64_t room = in + 2 * pad + pad_end - dilation * (kernel - 1) - 1;
    // An empty output is left for the loader to reject with the layer's name.
    return room < 0 ? 0 : room / stride + 1;
}

// Keeps `last` and the layers it depends on, in their order.
void keep_ancestors(json& layers, const std::string& last, const std::string& origin) {
    std::set<std::string> needed{last};
    bool found = false;
    for (auto it = layers.rbegin(); it != layers.rend(); ++it) {
        const std::string name = (*it).at("name").get<std::string>();
        if (name == last) found = true;
        if (!needed.count(name)) continue;
        for (const auto& in : (*it).at("inputs")) needed.insert(in.get<std::string>());
    }
    if (!found) throw NetworkError(origin + ": last_layer=\"" + last + "\" is not a layer of this network");
    json kept = json::array();
    for (const auto& layer : layers) {
        if (needed.count(layer.at("name").get<std::string>())) kept.push_back(layer);
        if (layer.at("name").get<std::string>() == last) break;
    }
    layers = kept;
}

// Re-derives every stated input size from a new network input size.
void resize(json& net, int64_t width, int64_t height) {
    json& input = net.at("input");
    input["w"] = width;
    input["h"] = height;
    std::map<std::string, Extent> out{{"input", {input.at("c").get<int64_t>(), height, width}}};
    for (json& layer : net.at("layers")) {
        const std::string op = layer.at("op").get<std::string>();
        const Extent in = out.at(layer.at("inputs").at(0).get<std::string>());
        Extent e = in;
        if (op == "conv2d" || op == "maxpool" || op == "avgpool") {
            layer["h"] = in.h;
            layer["w"] = in.w;
            e.h = window_out(in.h, layer, "r");
            e.w = window_out(in.w, layer, "s");
            if (op == "conv2d") e.c = layer.at("k").get<int64_t>();
        } else if (op == "globalavgpool") {
            layer["h"] = in.h;
            layer["w"] = in.w;
            if (layer.contains("r")) layer["r"] = in.h;
            if (layer.contains("s")) layer["s"] = in.w;
            e.h = e.w = 1;
        } else if (op == "fc") {
            layer["c"] = in.c * in.h * in.w; // the input is flattened
            e = {layer.at("k").get<int64_t>(), 1, 1};
        } else if (op == "concat") {
            e.c = 0;
            for (const auto& name : layer.at("inputs")) e.c += out.at(name.get<std::string>()).c;
        } // add: the first input's extent
        out[layer.at("name").get<std::string>()] = e;
    }
}

// Two layer names that differ only in punctuation would give one input name.
Network check_identifiers(Network net, const std::string& origin) {
    std::set<std::string> ids;
    for (const NetworkLayer& layer : net.layers)
        if (!ids.insert(layer_identifier(layer.name)).second)
            throw NetworkError(origin + ": layer name \"" + layer.name +
                               "\" gives an identifier another layer already has");
    return net;
}

} // namespace

std::string describe(const NetworkSubsetSpec& spec) {
    std::string text = spec.network;
    if (!spec.last_layer.empty()) text += ":" + spec.last_layer;
    if (spec.input_width > 0 || spec.input_height > 0)
        text += "@" + std::to_string(spec.input_width) + "x" + std::to_string(spec.input_height);
    return text;
}

std::string layer_identifier(const std::string& layer_name) {
    std::string id;
    for (char ch : layer_name) id += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
    if (id.empty() || std::isdigit(static_cast<unsigned char>(id[0]))) id = "l" + id;
    return id;
}

Network load_network_subset(const NetworkSubsetSpec& spec) {
    // The normal loader first: unknown names and malformed files fail there.
    Network full = load_builtin_network(spec.network);
    const std::string origin = describe(spec);
    const bool resized = spec.input_width > 0 || spec.input_height > 0;
    if (spec.last_layer.empty() && !resized) return check_identifiers(std::move(full), origin);
    if (resized && (spec.input_width < 1 || spec.input_height < 1))
        throw NetworkError(origin + ": input_width=" + std::to_string(spec.input_width) +
                           " input_height=" + std::to_string(spec.input_height) +
                           " must both be >= 1 (or both 0 for the table's size)");

    std::ifstream in(builtin_network_dir() + "/" + spec.network + ".json");
    std::stringstream text;
    text << in.rdbuf();
    json net = json::parse(text.str());
    if (!spec.last_layer.empty()) keep_ancestors(net.at("layers"), spec.last_layer, origin);
    if (resized) resize(net, spec.input_width, spec.input_height);
    return check_identifiers(parse_network_json(net.dump(), origin), origin);
}

} // namespace memsched
