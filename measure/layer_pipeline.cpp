// Building the measured pipeline of each layer kind (see layer_pipeline.h).
#include "measure/layer_pipeline.h"

#include "generators/layers/conv.h"
#include "generators/layers/dense.h"
#include "generators/layers/padding.h"
#include "generators/layers/pool.h"
#include "generators/manual_schedules/conv_schedule.h"
#include "generators/manual_schedules/simple_schedules.h"

#include <limits>
#include <stdexcept>

namespace memsched::measure {
namespace {

using autoschedule::StageLoops;

// (x, y, channel, n) activations: the channel is the output channel k.
const std::vector<Loop> kActivationLoops{Loop::X, Loop::Y, Loop::K, Loop::N};

void set_input_estimates(LayerPipeline& l, const LayerShape& s) {
    l.input.dim(0).set_estimate(0, int(s.in_width)).dim(1).set_estimate(0, int(s.in_height));
    l.input.dim(2).set_estimate(0, int(s.in_channels)).dim(3).set_estimate(0, int(s.batch));
}

void build_conv(LayerPipeline& l, const LayerShape& s) {
    layers::ConvParams p{int(s.in_channels), int(s.out_channels), int(s.kernel_w), int(s.kernel_h)};
    p.stride_x = p.stride_y = int(s.stride);
    p.pad_left = p.pad_top = int(s.pad);
    p.dilation_x = p.dilation_y = int(s.dilation);
    p.groups = int(s.groups);
    l.padded = layers::pad_zero(l.input, l.input.dim(0).extent(), l.input.dim(1).extent(), "input_padded");
    l.reduction = layers::conv2d(l.padded, l.weights, p, "conv");
    Halide::Var x("x"), y("y"), k("k"), n("n");
    l.output(x, y, k, n) = l.reduction(x, y, k, n);
    l.weights.dim(0).set_estimate(0, int(s.kernel_w)).dim(1).set_estimate(0, int(s.kernel_h));
    l.weights.dim(2).set_estimate(0, int(s.in_channels_per_group())).dim(3).set_estimate(0, int(s.out_channels));
    l.reduction_loops = {l.reduction, kActivationLoops, {Loop::S, Loop::R, Loop::C}};
}

void build_window_pool(LayerPipeline& l, const LayerShape& s) {
    layers::PoolParams p{int(s.kernel_w), int(s.kernel_h)};
    p.stride_x = p.stride_y = int(s.stride);
    p.pad_left = p.pad_top = int(s.pad);
    const Halide::Expr w = l.input.dim(0).extent(), h = l.input.dim(1).extent();
    Halide::Var x("x"), y("y"), c("c"), n("n");
    if (s.kind == LayerKind::MaxPool) {
        l.padded = layers::pad_value(l.input, w, h, -std::numeric_limits<float>::infinity(), "input_padded");
        l.reduction = layers::max_pool(l.padded, p, "pool");
        l.output(x, y, c, n) = l.reduction(x, y, c, n);
    } else {
        l.padded = layers::pad_zero(l.input, w, h, "input_padded");
        const layers::AvgPoolStages stages = layers::avg_pool_stages(l.padded, p, w, h, false, "pool");
        l.reduction = stages.sum;
        l.output = stages.out; // the division reads the sum at the same point
    }
    l.reduction_loops = {l.reduction, kActivationLoops, {Loop::S, Loop::R}};
}

void build_global_pool(LayerPipeline& l, const LayerShape& s) {
    // Constant plane sizes: the reduction's RVars then have known extents.
    const layers::AvgPoolStages stages =
        layers::global_avg_pool_stages(l.input, int(s.in_width), int(s.in_height), "gap");
    l.reduction = stages.sum;
    l.output = stages.out;
    l.reduction_loops = {l.reduction, kActivationLoops, {Loop::S, Loop::R}};
}

void build_fc(LayerPipeline& l, const LayerShape& s) {
    l.weights = Halide::ImageParam(Halide::Float(32), 2, "weights");
    const Halide::Func flat = layers::flatten(l.input, 1, 1, "flat");
    l.reduction = layers::fully_connected(flat, l.weights, int(s.in_channels), "fc");
    Halide::Var k("k"), n("n");
    l.output = Halide::Func("output");
    l.output(k, n) = l.reduction(k, n);
    l.weights.dim(0).set_estimate(0, int(s.in_channels)).dim(1).set_estimate(0, int(s.out_channels));
    l.reduction_loops = {l.reduction, {Loop::K, Loop::N}, {Loop::C}};
    l.fc_layout = true;
}

} // namespace

LayerPipeline build_layer_pipeline(const LayerShape& s) {
    if (auto why = s.validate()) throw std::invalid_argument(*why);
    LayerPipeline l;
    l.shape = s;
    l.input = Halide::ImageParam(Halide::Float(32), 4, "input");
    l.weights = Halide::ImageParam(Halide::Float(32), 4, "weights");
    l.output = Halide::Func("output");
    switch (s.kind) {
    case LayerKind::Conv: build_conv(l, s); break;
    case LayerKind::MaxPool:
    case LayerKind::AvgPool: build_window_pool(l, s); break;
    case LayerKind::GlobalAvgPool: build_global_pool(l, s); break;
    case LayerKind::FullyConnected: build_fc(l, s); break;
    }
    set_input_estimates(l, s);
    if (l.fc_layout) {
        l.output.set_estimates({{0, int(s.out_channels)}, {0, int(s.batch)}});
        l.consumer_loops = {l.output, {Loop::K, Loop::N}, {}};
    } else {
        l.output.set_estimates(
            {{0, int(s.out_width())}, {0, int(s.out_height())}, {0, int(s.out_channels)}, {0, int(s.batch)}});
        l.consumer_loops = {l.output, kActivationLoops, {}};
    }
    return l;
}

void LayerPipeline::apply_manual_schedule(const Halide::Target& target) const {
    switch (shape.kind) {
    case LayerKind::Conv:
        manual_schedules::schedule_conv_stage({output, reduction, int(shape.out_channels), {padded}, {}}, target);
        break;
    case LayerKind::MaxPool:
    case LayerKind::AvgPool: manual_schedules::schedule_window_pool(output, reduction, padded, target); break;
    case LayerKind::GlobalAvgPool: manual_schedules::schedule_global_pool(output, reduction, target); break;
    case LayerKind::FullyConnected:
        manual_schedules::schedule_fully_connected(output, reduction, int(shape.out_channels), target);
        break;
    }
}

} // namespace memsched::measure
