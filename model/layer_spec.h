// Command-line spellings of layers and sizes, shared by every tool:
//   conv2d:n=1,c=64,h=56,w=56,k=64,r=3,s=3,stride=1,pad=1[,dilation=1][,groups=1]
//   maxpool:/avgpool:n,c,h,w,r,s,stride,pad (k = c)     fc:n=1,c=2048,k=1000
// and sizes "64KiB", "1MiB", "4096B" or a plain number of bytes.
// Errors are std::invalid_argument with one line naming the field and value.
#pragma once

#include "model/layer_shape.h"

#include <cstdint>
#include <string>

namespace memsched {

LayerShape parse_layer_spec(const std::string& spec);
std::string format_layer_spec(const LayerShape& shape); // round-trips through parse

// `field` names the option in error messages (e.g. "--buffer").
int64_t parse_size_bytes(const std::string& text, const std::string& field = "size");

} // namespace memsched
