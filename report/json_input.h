// Reading the report's JSON inputs with errors that name the file and the
// field: every reader goes through these helpers so that a missing file, a
// malformed document or a field of the wrong type ends as one line such as
// "bench.json: benchmarks[3].real_time: must be a number".
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <stdexcept>
#include <string>

namespace memsched::report {

// Bad input to the report; the message already names the file and field.
struct InputError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Parses `path` as JSON; throws InputError when it cannot be read or parsed.
nlohmann::json load_json_file(const std::string& path);

// A view of one JSON value with the path to it, for error messages.
class JsonField {
public:
    JsonField(const nlohmann::json& value, std::string file, std::string path)
        : value_(value), file_(std::move(file)), path_(std::move(path)) {}

    const nlohmann::json& value() const { return value_; }
    const std::string& path() const { return path_; }
    bool is_null() const { return value_.is_null(); }

    // Member `key` of this object; throws when this is not an object or the
    // member is missing.
    JsonField at(const std::string& key) const;
    // Member `key` when present and not null.
    std::optional<JsonField> find(const std::string& key) const;
    // Element `i` of this array.
    JsonField at(size_t i) const;
    size_t array_size() const; // throws when not an array

    double number() const;      // any JSON number
    int64_t integer() const;    // an integral number
    std::string string() const; // a string
    bool boolean() const;

    // Throws InputError "<file>: <path>: <what>".
    [[noreturn]] void fail(const std::string& what) const;

private:
    const nlohmann::json& value_;
    std::string file_;
    std::string path_;
};

// The root of a loaded document, named by its file.
inline JsonField root_field(const nlohmann::json& doc, const std::string& file) {
    return JsonField(doc, file, "");
}

} // namespace memsched::report
