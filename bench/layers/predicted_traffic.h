// The traffic model's prediction for the memsched variant of a layer-set
// entry: the same LayerShape the plugin reads off the pipeline, planned by
// the plugin's own model bridge (autoschedule/model_bridge.h), so the
// benchmark reports what the plugin predicted rather than a re-derivation.
#pragma once

#include "autoschedule/model_bridge.h"
#include "generators/variants/variant_registry.h"
#include "model/layer_shape.h"

#include <optional>
#include <string>

namespace memsched::bench {

// The shape as autoschedule/conv_match.cpp sees it: padding folded into the
// input extent (the pad is a boundary stage in front of the reduction) and
// depthwise/pool channels as groups. Empty, with *why, for generators the
// plugin plans without the model.
std::optional<LayerShape> plugin_layer_shape(const VariantEntry& entry, std::string* why);

// ASSUMES the AOT build ran the plugin with these machine parameters
// (MEMSCHED_MACHINE_PARAMS: parallelism, LLC bytes) and the same environment
// (MEMSCHED_PARAMS / MEMSCHED_CONFIG unset or equal, same sysfs): the plan is
// recomputed here, not read back from the compiled library.
autoschedule::TilePlan predicted_plan(const LayerShape& shape, int parallelism, int64_t llc_bytes);

} // namespace memsched::bench
