// Implementation of the variant-registry lookups (see variant_registry.h).
#include "generators/variants/variant_registry.h"

#include <sstream>
#include <stdexcept>

namespace memsched {

std::vector<std::string> VariantSet::configs() const {
    std::vector<std::string> names;
    for (const VariantEntry& e : *this) {
        if (names.empty() || names.back() != e.config)
            names.emplace_back(e.config);
    }
    return names;
}

const VariantEntry* VariantSet::find(const std::string& config, const std::string& variant) const {
    for (const VariantEntry& e : *this) {
        if (config == e.config && variant == e.variant)
            return &e;
    }
    return nullptr;
}

std::optional<std::string> variant_param(const VariantEntry& entry, const std::string& key) {
    std::istringstream in(entry.params);
    std::string item;
    while (in >> item) {
        const size_t eq = item.find('=');
        if (eq != std::string::npos && item.compare(0, eq, key) == 0 && eq == key.size())
            return item.substr(eq + 1);
    }
    return std::nullopt;
}

int64_t variant_int_param(const VariantEntry& entry, const std::string& key,
                          std::optional<int64_t> fallback) {
    std::optional<std::string> text = variant_param(entry, key);
    if (!text) {
        if (fallback)
            return *fallback;
        throw std::invalid_argument(std::string("variant config ") + entry.config + ": param " +
                                    key + " is missing");
    }
    try {
        size_t used = 0;
        const long long value = std::stoll(*text, &used);
        if (used == text->size())
            return value;
    } catch (const std::exception&) {
    }
    throw std::invalid_argument(std::string("variant config ") + entry.config + ": param " + key +
                                "=" + *text + " is not an integer");
}

bool variant_bool_param(const VariantEntry& entry, const std::string& key, bool fallback) {
    std::optional<std::string> text = variant_param(entry, key);
    if (!text)
        return fallback;
    if (*text == "true" || *text == "1")
        return true;
    if (*text == "false" || *text == "0")
        return false;
    throw std::invalid_argument(std::string("variant config ") + entry.config + ": param " + key +
                                "=" + *text + " is not a boolean");
}

std::vector<std::string> variant_layers(const VariantEntry& entry) {
    std::vector<std::string> layers;
    std::istringstream in(entry.layers);
    std::string item;
    while (std::getline(in, item, ',')) {
        if (!item.empty())
            layers.push_back(item);
    }
    return layers;
}

} // namespace memsched
