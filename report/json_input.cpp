// JSON loading and typed field access for the report's readers (see json_input.h).
#include "report/json_input.h"

#include <cmath>
#include <fstream>
#include <sstream>

namespace memsched::report {

nlohmann::json load_json_file(const std::string& path) {
    std::ifstream in(path);
    if (!in)
        throw InputError(path + ": cannot be read (missing file?)");
    std::stringstream text;
    text << in.rdbuf();
    try {
        return nlohmann::json::parse(text.str());
    } catch (const nlohmann::json::parse_error& e) {
        // nlohmann's message carries the byte offset; keep only that part.
        throw InputError(path + ": malformed JSON at byte " + std::to_string(e.byte));
    }
}

void JsonField::fail(const std::string& what) const {
    throw InputError(file_ + ": " + (path_.empty() ? "document" : path_) + ": " + what);
}

JsonField JsonField::at(const std::string& key) const {
    if (!value_.is_object())
        fail("must be an object");
    auto it = value_.find(key);
    const std::string child = path_.empty() ? key : path_ + "." + key;
    if (it == value_.end())
        throw InputError(file_ + ": " + child + ": missing");
    return JsonField(*it, file_, child);
}

std::optional<JsonField> JsonField::find(const std::string& key) const {
    if (!value_.is_object())
        fail("must be an object");
    auto it = value_.find(key);
    if (it == value_.end() || it->is_null())
        return std::nullopt;
    return JsonField(*it, file_, path_.empty() ? key : path_ + "." + key);
}

JsonField JsonField::at(size_t i) const {
    if (!value_.is_array())
        fail("must be an array");
    return JsonField(value_.at(i), file_, path_ + "[" + std::to_string(i) + "]");
}

size_t JsonField::array_size() const {
    if (!value_.is_array())
        fail("must be an array");
    return value_.size();
}

double JsonField::number() const {
    if (!value_.is_number())
        fail("must be a number");
    const double v = value_.get<double>();
    if (!std::isfinite(v))
        fail("must be finite");
    return v;
}

int64_t JsonField::integer() const {
    if (value_.is_number_integer())
        return value_.get<int64_t>();
    // Google Benchmark writes counters as doubles, e.g. "macs": 1.1e+08.
    if (value_.is_number_float()) {
        const double v = value_.get<double>();
        if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9.0e18)
            return static_cast<int64_t>(v);
    }
    fail("must be an integer");
}

std::string JsonField::string() const {
    if (!value_.is_string())
        fail("must be a string");
    return value_.get<std::string>();
}

bool JsonField::boolean() const {
    if (!value_.is_boolean())
        fail("must be true or false");
    return value_.get<bool>();
}

} // namespace memsched::report
