// A built-in network cut down for a whole-network pipeline: optionally ended
// at a named layer (only that layer's ancestors kept, e.g. "VGG-16 front" up
// to pool3) and optionally re-sized to a smaller input (every stated h, w,
// global-pool window and flattened fc width re-derived, then re-checked by
// the normal loader). The network generator, its tests and the fusion
// benchmark all build the same table from the same three values, so the
// Halide pipeline and the model's prediction describe one network.
// Plain C++17; knows nothing of Halide.
#pragma once

#include "generators/networks/network.h"

#include <cstdint>
#include <string>

namespace memsched {

struct NetworkSubsetSpec {
    std::string network;    // built-in name (generators/networks/<name>.json)
    std::string last_layer; // empty: the whole network
    int64_t input_width = 0;  // 0: the table's
    int64_t input_height = 0; // 0: the table's
};

// Throws NetworkError naming the field and value (unknown last_layer, a size
// < 1, a size that makes some layer's output empty).
Network load_network_subset(const NetworkSubsetSpec& spec);

// "resnet18", "vgg16:pool3", "tinyyolov2@64x48": for names and messages.
std::string describe(const NetworkSubsetSpec& spec);

// A C identifier made from a layer name ("layer1.0.conv1" -> "layer1_0_conv1").
std::string layer_identifier(const std::string& layer_name);

} // namespace memsched
