// The Halide pipeline `memsched measure` compiles for one LayerShape, built
// from the same memsched_layers builders the generators use:
// - conv (any groups, so depthwise too): pad_zero -> conv2d -> output copy;
// - max pool: pad_value(-inf) -> max_pool -> output copy;
// - avg pool / global avg pool: pad_zero -> avg_pool_stages (sum, divide),
//   the division is the output;
// - fully connected: flatten (1x1 image) -> fully_connected -> output copy,
//   with 2-D weights (c, k) and output (k, n) as in fc_layer_generator.
// It also names, for the schedule reader, which model loop each dimension of
// the output and of the reduction stands for.
#pragma once

#include "autoschedule/schedule_reader.h"
#include "model/layer_shape.h"

#include <Halide.h>

#include <vector>

namespace memsched::measure {

struct LayerPipeline {
    LayerShape shape;
    Halide::ImageParam input, weights; // weights is unused (and still an argument) for pools
    Halide::Func output;               // the pipeline's output, estimates set to the layer's sizes
    Halide::Func reduction;            // pure init + one update (conv, pool window, fc)
    Halide::Func padded;               // the padded input; undefined when there is none (fc)
    autoschedule::StageLoops consumer_loops, reduction_loops;
    bool fc_layout = false; // weights (c, k) and output (k, n) instead of 4-D

    // The hand schedule of generators/manual_schedules for this kind.
    void apply_manual_schedule(const Halide::Target& target) const;
    Halide::Pipeline pipeline() const { return Halide::Pipeline(output); }
};

// Throws std::invalid_argument for a shape the builders reject.
LayerPipeline build_layer_pipeline(const LayerShape& shape);

} // namespace memsched::measure
