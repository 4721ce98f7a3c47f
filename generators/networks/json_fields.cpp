// Typed field access with one-line errors for network files (see json_fields.h).
#include "generators/networks/json_fields.h"

#include <limits>

namespace memsched::detail {

using nlohmann::json;

std::string describe_json(const json& value) {
    std::string text = value.dump();
    if (text.size() > 40) text = text.substr(0, 37) + "...";
    if (value.is_string()) return "string " + text;
    if (value.is_boolean()) return "boolean " + text;
    if (value.is_null()) return "null";
    if (value.is_array()) return "array " + text;
    if (value.is_object()) return "object " + text;
    return text;
}

FieldReader::FieldReader(const json& object, std::string context)
    : object_(object), context_(std::move(context)) {
    if (!object_.is_object()) fail("expected a JSON object, got " + describe_json(object_));
}

bool FieldReader::has(const std::string& key) const { return object_.contains(key); }

const json* FieldReader::find(const std::string& key) const {
    auto it = object_.find(key);
    if (it == object_.end()) return nullptr;
    read_.insert(key);
    return &*it;
}

const json& FieldReader::field(const std::string& key) const {
    const json* value = find(key);
    if (!value) fail(key, "missing required field");
    return *value;
}

void FieldReader::fail(const std::string& key, const std::string& message) const {
    throw NetworkError(context_ + ": field '" + key + "': " + message);
}

void FieldReader::fail(const std::string& message) const {
    throw NetworkError(context_ + ": " + message);
}

namespace {

// The integer held by `value`, or empty if it is not an integer that fits.
std::optional<int64_t> as_int64(const json& value) {
    if (value.is_number_unsigned()) {
        const auto u = value.get<uint64_t>();
        if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
        return static_cast<int64_t>(u);
    }
    if (value.is_number_integer()) return value.get<int64_t>();
    return std::nullopt;
}

} // namespace

std::optional<int64_t> FieldReader::optional_int(const std::string& key, int64_t min_value,
                                                 int64_t max_value) const {
    const json* value = find(key);
    if (!value) return std::nullopt;
    const auto v = as_int64(*value);
    if (!v) fail(key, "expected an integer, got " + describe_json(*value));
    if (*v < min_value || *v > max_value)
        fail(key, "value " + std::to_string(*v) + " is out of range [" +
                      std::to_string(min_value) + ", " + std::to_string(max_value) + "]");
    return v;
}

int64_t FieldReader::required_int(const std::string& key, int64_t min_value,
                                  int64_t max_value) const {
    field(key); // reports a missing field
    return *optional_int(key, min_value, max_value);
}

bool FieldReader::bool_or(const std::string& key, bool fallback) const {
    const json* value = find(key);
    if (!value) return fallback;
    if (!value->is_boolean()) fail(key, "expected true or false, got " + describe_json(*value));
    return value->get<bool>();
}

std::optional<std::string> FieldReader::optional_string(const std::string& key) const {
    const json* value = find(key);
    if (!value) return std::nullopt;
    if (!value->is_string()) fail(key, "expected a string, got " + describe_json(*value));
    return value->get<std::string>();
}

std::string FieldReader::required_string(const std::string& key) const {
    field(key);
    return *optional_string(key);
}

const json& FieldReader::required_array(const std::string& key) const {
    const json& value = field(key);
    if (!value.is_array()) fail(key, "expected an array, got " + describe_json(value));
    return value;
}

const json& FieldReader::required_object(const std::string& key) const {
    const json& value = field(key);
    if (!value.is_object()) fail(key, "expected an object, got " + describe_json(value));
    return value;
}

std::vector<std::string> FieldReader::required_string_list(const std::string& key) const {
    std::vector<std::string> out;
    for (const json& item : required_array(key)) {
        if (!item.is_string())
            fail(key, "expected an array of strings, found " + describe_json(item));
        out.push_back(item.get<std::string>());
    }
    return out;
}

void FieldReader::reject_unread(const std::string& user) const {
    for (const auto& [key, value] : object_.items()) {
        if (!read_.count(key))
            fail(key, "unknown field (not used by " + user + "), value " + describe_json(value));
    }
}

} // namespace memsched::detail
