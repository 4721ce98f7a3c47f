// Network tables at another spatial size: the same layers re-derived for an
// input of height x width (spatial sizes are run-time in the AOT layers, so
// tests and the runner use small images), and the execution order of each
// layer under its hand schedule.
#pragma once

#include "generators/networks/network.h"
#include "model/memory_plan/execution_order.h"

#include <cstdint>
#include <vector>

namespace memsched {

// Throws std::invalid_argument naming the field and value when the size is
// not positive or a layer would get an empty output (or an fc layer would
// see a different number of features).
Network resize_network(const Network& network, int64_t height, int64_t width);

TensorDims dims_of(const TensorShape& shape);
// Output dims of the producer `name` ("input" or a layer).
TensorDims producer_dims(const Network& network, const std::string& name);

// Output rows per step of the hand conv schedule (register_block.cpp: 2 on every target).
inline constexpr int64_t kManualConvRowBlock = 2;

// The order in which the hand schedule of layer `index` touches its tensors
// (conv, pools, global pool, add modelled in detail; fc and concat opaque).
// Reverse is only defined where has_reverse_sweep (the conv layers).
ExecutionOrder manual_layer_order(const Network& network, size_t index, RowSweep sweep = RowSweep::Forward);

// Whether layer `index` has a row_order=reverse hand schedule (conv2d_layer).
bool has_reverse_sweep(const Network& network, size_t index);

} // namespace memsched
