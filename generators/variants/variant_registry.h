// The registry of AOT variants that cmake/MemschedVariants.cmake generates
// per set: for each (config, variant) the generator, its GeneratorParams,
// the Halide _argv entry point and _metadata (argument names, kinds, dims),
// so one test or benchmark body can run every variant.
#pragma once

#include <HalideRuntime.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace memsched {

struct VariantEntry {
    const char* config;    // e.g. "conv3x3_s2"
    const char* variant;   // naive, manual, mullapudi2016, adams2019, li2018, ...
    const char* generator; // e.g. "conv2d_layer"
    const char* params;    // GeneratorParams as "key=value key=value"
    const char* layers;    // network layers sharing this shape, comma-separated ("" for test sets)
    int (*argv)(void** args);
    const halide_filter_metadata_t* (*metadata)();
};

struct VariantSet {
    const char* name;
    const VariantEntry* entries;
    size_t count;

    const VariantEntry* begin() const { return entries; }
    const VariantEntry* end() const { return entries + count; }
    // Distinct config names, in registry order.
    std::vector<std::string> configs() const;
    // nullptr when absent.
    const VariantEntry* find(const std::string& config, const std::string& variant) const;
};

// A GeneratorParam of the entry, or nothing when it was not given.
std::optional<std::string> variant_param(const VariantEntry& entry, const std::string& key);
// The integer value of a param; throws std::invalid_argument naming the
// config and key when it is missing (and no fallback is given) or not an integer.
int64_t variant_int_param(const VariantEntry& entry, const std::string& key,
                          std::optional<int64_t> fallback = std::nullopt);
bool variant_bool_param(const VariantEntry& entry, const std::string& key, bool fallback);
std::vector<std::string> variant_layers(const VariantEntry& entry);

} // namespace memsched
