// FieldReader: typed, range-checked access to the fields of one JSON object
// of a network file. Every failure becomes a NetworkError of one line that
// names where (file, layer), the field and the offending value; fields that
// were never read can be rejected, so a misspelt key is an error, not a
// silently ignored default.
#pragma once

#include "generators/networks/network.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace memsched::detail {

// Largest value accepted for any size field; bounds every product we form.
inline constexpr int64_t max_dimension = int64_t{1} << 20;

class FieldReader {
public:
    // `context` prefixes every message, e.g. "net.json: layer 'conv1' (#1)".
    FieldReader(const nlohmann::json& object, std::string context);

    const std::string& context() const { return context_; }
    bool has(const std::string& key) const;

    // Integers in [min_value, max_value]; floats, strings etc. are rejected.
    int64_t required_int(const std::string& key, int64_t min_value,
                         int64_t max_value = max_dimension) const;
    std::optional<int64_t> optional_int(const std::string& key, int64_t min_value,
                                        int64_t max_value = max_dimension) const;
    bool bool_or(const std::string& key, bool fallback) const;
    std::string required_string(const std::string& key) const;
    std::optional<std::string> optional_string(const std::string& key) const;
    std::vector<std::string> required_string_list(const std::string& key) const;
    const nlohmann::json& required_array(const std::string& key) const;
    const nlohmann::json& required_object(const std::string& key) const;

    // Throws for the first field of the object that no accessor has read;
    // `user` says what the field is not used by ("op maxpool").
    void reject_unread(const std::string& user) const;

    [[noreturn]] void fail(const std::string& key, const std::string& message) const;
    [[noreturn]] void fail(const std::string& message) const;

private:
    const nlohmann::json& field(const std::string& key) const; // marks it read
    const nlohmann::json* find(const std::string& key) const;  // marks it read

    const nlohmann::json& object_;
    std::string context_;
    mutable std::set<std::string> read_;
};

// Short description of a JSON value for messages: `string "224"`, `224.5`.
std::string describe_json(const nlohmann::json& value);

} // namespace memsched::detail
