// Builds one NetworkLayer from its JSON fields and the shapes of its
// producers: reads the op-specific fields, re-derives the layer's input and
// output shapes through the graph and rejects any stated size that disagrees.
#pragma once

#include "generators/networks/json_fields.h"
#include "generators/networks/network.h"

#include <string>
#include <vector>

namespace memsched::detail {

// A resolved input of a layer: the producer's name and output shape.
struct Producer {
    std::string name;
    TensorShape shape;
};

// `layer` arrives with name, op, inputs and note already set; the builder
// fills in everything else. Throws NetworkError through `fields`.
void build_layer(const FieldReader& fields, const std::vector<Producer>& producers,
                 NetworkLayer& layer);

} // namespace memsched::detail
