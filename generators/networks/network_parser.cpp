// parse_network_json: JSON text -> checked Network. Resolves layer inputs in
// file order (so forward references and cycles are errors), rejects duplicate
// JSON keys and layer names, and hands each layer to build_layer for its
// shape checks.
#include "generators/networks/json_fields.h"
#include "generators/networks/layer_builder.h"
#include "generators/networks/network.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <set>
#include <vector>

namespace memsched {

namespace {

using detail::FieldReader;
using nlohmann::json;

// The name network inputs are referred to by in "inputs" lists.
constexpr char input_name[] = "input";

// nlohmann keeps the last of two equal keys silently; a network file with a
// repeated "h" is far more likely a mistake, so the parse callback rejects it.
class DuplicateKeyGuard {
public:
    explicit DuplicateKeyGuard(std::string origin) : origin_(std::move(origin)) {}

    bool operator()(int /*depth*/, json::parse_event_t event, json& parsed) {
        switch (event) {
        case json::parse_event_t::object_start: {
            Frame frame;
            if (!frames_.empty()) frame.owner = frames_.back().last_key;
            frames_.push_back(std::move(frame));
            break;
        }
        case json::parse_event_t::object_end: frames_.pop_back(); break;
        case json::parse_event_t::key: {
            Frame& frame = frames_.back();
            const std::string key = parsed.get<std::string>();
            if (!frame.keys.insert(key).second) {
                std::string where;
                if (!frame.name.empty())
                    where = " (in the object named '" + frame.name + "')";
                else if (!frame.owner.empty())
                    where = " (in \"" + frame.owner + "\")";
                throw NetworkError(origin_ + ": field '" + key + "' appears twice" + where);
            }
            frame.last_key = key;
            break;
        }
        case json::parse_event_t::value:
            if (!frames_.empty() && frames_.back().last_key == "name" && parsed.is_string())
                frames_.back().name = parsed.get<std::string>();
            if (!frames_.empty()) frames_.back().last_key.clear();
            break;
        default: break;
        }
        return true;
    }

private:
    struct Frame {
        std::set<std::string> keys;
        std::string last_key;
        std::string name;  // value of its "name" key, once seen
        std::string owner; // key of the enclosing object it belongs to
    };
    std::string origin_;
    std::vector<Frame> frames_;
};

json parse_json(const std::string& text, const std::string& origin) {
    DuplicateKeyGuard guard(origin);
    try {
        return json::parse(text, std::ref(guard), /*allow_exceptions=*/true,
                           /*ignore_comments=*/false);
    } catch (const json::parse_error& e) {
        // e.what() reads "[json.exception.parse_error.101] parse error at line
        // 3, column 7: ..."; drop the bracketed id, keep line and column.
        std::string what = e.what();
        if (auto pos = what.find("] "); pos != std::string::npos) what = what.substr(pos + 2);
        throw NetworkError(origin + ": invalid JSON: " + what);
    }
}

// Names go into tables, CMake target names and layer specs: keep them plain.
bool is_plain_name(const std::string& name) {
    if (name.empty() || name.size() > 128) return false;
    for (char ch : name) {
        const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                        (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-' ||
                        ch == '/';
        if (!ok) return false;
    }
    return true;
}

std::string read_plain_name(const FieldReader& fields, const std::string& key) {
    const std::string name = fields.required_string(key);
    if (!is_plain_name(name))
        fields.fail(key, "\"" + name +
                             "\" is not a plain name (1-128 of A-Z a-z 0-9 _ . - /)");
    return name;
}

TensorShape read_input_shape(const FieldReader& top) {
    FieldReader fields(top.required_object("input"), top.context() + ": input");
    TensorShape shape;
    shape.n = fields.required_int("n", 1);
    shape.c = fields.required_int("c", 1);
    shape.h = fields.required_int("h", 1);
    shape.w = fields.required_int("w", 1);
    fields.reject_unread("input");
    return shape;
}

// Position (0-based) of every named layer object, to tell a forward
// reference from an unknown name.
std::map<std::string, size_t> all_layer_positions(const json& layers) {
    std::map<std::string, size_t> positions;
    for (size_t i = 0; i < layers.size(); ++i) {
        const json& l = layers[i];
        if (l.is_object() && l.contains("name") && l["name"].is_string())
            positions.emplace(l["name"].get<std::string>(), i);
    }
    return positions;
}

class NetworkBuilder {
public:
    NetworkBuilder(std::string origin, const json& layers, Network& network)
        : origin_(std::move(origin)), later_(all_layer_positions(layers)), network_(network) {}

    void add_layer(const json& object, size_t index) {
        const std::string number = "#" + std::to_string(index + 1);
        // Read the name first so every later message can name the layer.
        const std::string name =
            read_plain_name(FieldReader(object, origin_ + ": layer " + number), "name");
        FieldReader fields(object, origin_ + ": layer '" + name + "' (" + number + ")");
        fields.required_string("name");

        if (name == input_name)
            fields.fail("name", "\"input\" is reserved for the network input");
        if (auto it = outputs_.find(name); it != outputs_.end())
            fields.fail("name", "duplicate layer name \"" + name + "\" (first used by layer #" +
                                    std::to_string(it->second.index + 1) + ")");

        NetworkLayer layer;
        layer.name = name;
        const std::string op = fields.required_string("op");
        const auto kind = op_kind_from_string(op);
        if (!kind)
            fields.fail("op", "unknown op \"" + op + "\" (expected conv2d, maxpool, avgpool, "
                                                     "globalavgpool, fc, add or concat)");
        layer.op = *kind;
        layer.inputs = fields.required_string_list("inputs");
        layer.note = fields.optional_string("note").value_or("");

        std::vector<detail::Producer> producers;
        for (const std::string& input : layer.inputs) producers.push_back(resolve(fields, input, name));
        detail::build_layer(fields, producers, layer);

        outputs_.emplace(name, Known{index, layer.output});
        network_.layers.push_back(std::move(layer));
    }

private:
    struct Known {
        size_t index;
        TensorShape shape;
    };

    detail::Producer resolve(const FieldReader& fields, const std::string& input,
                             const std::string& self) const {
        if (input == input_name) return {input, network_.input};
        if (auto it = outputs_.find(input); it != outputs_.end()) return {input, it->second.shape};
        if (input == self) fields.fail("inputs", "layer lists itself as an input (a cycle)");
        if (auto it = later_.find(input); it != later_.end())
            fields.fail("inputs", "\"" + input + "\" is defined later, as layer #" +
                                      std::to_string(it->second + 1) +
                                      " (layers must be in topological order; cycles are "
                                      "not allowed)");
        fields.fail("inputs", "unknown input \"" + input + "\" (no layer has that name)");
    }

    std::string origin_;
    std::map<std::string, size_t> later_;
    std::map<std::string, Known> outputs_;
    Network& network_;
};

} // namespace

Network parse_network_json(const std::string& text, const std::string& origin) {
    const json doc = parse_json(text, origin);
    FieldReader top(doc, origin);
    Network network;
    network.name = read_plain_name(top, "name");
    network.description = top.optional_string("description").value_or("");
    network.input = read_input_shape(top);
    const json& layers = top.required_array("layers");
    if (layers.empty()) top.fail("layers", "the network has no layers");
    top.reject_unread("a network file");

    NetworkBuilder builder(origin, layers, network);
    for (size_t i = 0; i < layers.size(); ++i) builder.add_layer(layers[i], i);
    return network;
}

} // namespace memsched
