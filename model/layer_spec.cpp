// Parser and printer of layer specs and byte sizes (see layer_spec.h).
#include "model/layer_spec.h"

#include <cctype>
#include <map>
#include <set>
#include <stdexcept>
#include <vector>

namespace memsched {

namespace {

int64_t parse_int(const std::string& key, const std::string& v) {
    size_t pos = 0;
    long long x = 0;
    try {
        x = std::stoll(v, &pos);
    } catch (const std::exception&) {
        pos = 0;
    }
    if (v.empty() || pos != v.size())
        throw std::invalid_argument("layer field " + key + "=" + v + " is not an integer");
    return x;
}

} // namespace

LayerShape parse_layer_spec(const std::string& spec) {
    const size_t colon = spec.find(':');
    if (colon == std::string::npos)
        throw std::invalid_argument("layer spec '" + spec +
                                    "' must look like conv2d:n=1,c=64,h=56,w=56,k=64,r=3,s=3");
    const std::string kind_name = spec.substr(0, colon);
    LayerShape s;
    std::set<std::string> allowed, required;
    if (kind_name == "conv2d") {
        s.kind = LayerKind::Conv;
        allowed = {"n", "c", "h", "w", "k", "r", "s", "stride", "pad", "dilation", "groups"};
        required = {"c", "h", "w", "k", "r", "s"};
    } else if (kind_name == "maxpool" || kind_name == "avgpool") {
        s.kind = kind_name == "maxpool" ? LayerKind::MaxPool : LayerKind::AvgPool;
        allowed = {"n", "c", "h", "w", "r", "s", "stride", "pad"};
        required = {"c", "h", "w", "r", "s"};
    } else if (kind_name == "fc") {
        s.kind = LayerKind::FullyConnected;
        allowed = {"n", "c", "k"};
        required = {"c", "k"};
    } else {
        throw std::invalid_argument("layer kind '" + kind_name +
                                    "' is unknown (conv2d, maxpool, avgpool, fc)");
    }
    allowed.insert("bytes"); // element size, default 4
    std::map<std::string, int64_t> v;
    size_t start = colon + 1;
    while (start <= spec.size()) {
        size_t end = spec.find(',', start);
        if (end == std::string::npos) end = spec.size();
        const std::string item = spec.substr(start, end - start);
        start = end + 1;
        if (item.empty()) {
            if (end == spec.size()) break;
            throw std::invalid_argument("layer spec '" + spec + "' has an empty field");
        }
        const size_t eq = item.find('=');
        if (eq == std::string::npos)
            throw std::invalid_argument("layer field '" + item + "' must be key=value");
        const std::string key = item.substr(0, eq);
        if (!allowed.count(key))
            throw std::invalid_argument("layer field '" + key + "' is unknown for " + kind_name);
        if (v.count(key))
            throw std::invalid_argument("layer field '" + key + "' is given twice");
        v[key] = parse_int(key, item.substr(eq + 1));
    }
    for (const std::string& key : required)
        if (!v.count(key))
            throw std::invalid_argument("layer field '" + key + "' is missing for " + kind_name);
    auto get = [&](const char* key, int64_t def) { return v.count(key) ? v[key] : def; };
    s.batch = get("n", 1);
    s.in_channels = get("c", 1);
    s.element_bytes = get("bytes", 4);
    if (s.kind == LayerKind::FullyConnected) {
        s.out_channels = get("k", 1);
    } else {
        s.in_height = get("h", 1);
        s.in_width = get("w", 1);
        s.kernel_h = get("r", 1);
        s.kernel_w = get("s", 1);
        s.stride = get("stride", 1);
        s.pad = get("pad", 0);
        s.dilation = get("dilation", 1);
        if (s.kind == LayerKind::Conv) {
            s.out_channels = get("k", 1);
            s.groups = get("groups", 1);
        } else {
            s.out_channels = s.in_channels;
            s.groups = s.in_channels;
        }
    }
    if (auto err = s.validate()) throw std::invalid_argument(*err);
    return s;
}

std::string format_layer_spec(const LayerShape& s) {
    auto kv = [](const char* k, int64_t v) { return std::string(k) + "=" + std::to_string(v); };
    std::string out;
    switch (s.kind) {
    case LayerKind::FullyConnected:
        out = "fc:" + kv("n", s.batch) + "," + kv("c", s.in_channels) + "," + kv("k", s.out_channels);
        break;
    case LayerKind::MaxPool:
    case LayerKind::AvgPool:
    case LayerKind::GlobalAvgPool:
        out = std::string(s.kind == LayerKind::MaxPool ? "maxpool:" : "avgpool:") + kv("n", s.batch) +
              "," + kv("c", s.in_channels) + "," + kv("h", s.in_height) + "," + kv("w", s.in_width) +
              "," + kv("r", s.kernel_h) + "," + kv("s", s.kernel_w) + "," + kv("stride", s.stride) +
              "," + kv("pad", s.pad);
        break;
    case LayerKind::Conv:
        out = "conv2d:" + kv("n", s.batch) + "," + kv("c", s.in_channels) + "," +
              kv("h", s.in_height) + "," + kv("w", s.in_width) + "," + kv("k", s.out_channels) +
              "," + kv("r", s.kernel_h) + "," + kv("s", s.kernel_w) + "," + kv("stride", s.stride) +
              "," + kv("pad", s.pad) + "," + kv("dilation", s.dilation) + "," +
              kv("groups", s.groups);
        break;
    }
    if (s.element_bytes != 4) out += "," + kv("bytes", s.element_bytes);
    return out;
}

int64_t parse_size_bytes(const std::string& text, const std::string& field) {
    size_t i = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    const std::string digits = text.substr(0, i), unit = text.substr(i);
    auto bad = [&](const std::string& why) {
        return std::invalid_argument(field + "=" + text + " " + why);
    };
    if (digits.empty()) throw bad("must be a positive size such as 64KiB, 1MiB or 4096B");
    int64_t mult = 1;
    if (unit == "" || unit == "B") mult = 1;
    else if (unit == "KiB") mult = 1024;
    else if (unit == "MiB") mult = 1024 * 1024;
    else if (unit == "GiB") mult = int64_t(1) << 30;
    else throw bad("has an unknown unit (use B, KiB, MiB or GiB)");
    if (digits.size() > 12) throw bad("is too large");
    const int64_t v = std::stoll(digits) * mult;
    if (v <= 0) throw bad("must be positive");
    return v;
}

} // namespace memsched
