// Recomputing the plugin's plan for a layer-set entry (see predicted_traffic.h).
#include "bench/layers/predicted_traffic.h"

#include "autoschedule/micro_kernel.h"
#include "autoschedule/plugin_params.h"

#include <Halide.h>

namespace memsched::bench {

namespace {

int64_t out_extent(int64_t in, int64_t kernel, int64_t stride, int64_t pad_begin, int64_t pad_end,
                   int64_t dilation) {
    return (in + pad_begin + pad_end - dilation * (kernel - 1) - 1) / stride + 1;
}

} // namespace

std::optional<LayerShape> plugin_layer_shape(const VariantEntry& e, std::string* why) {
    auto p = [&](const char* key, int64_t fallback) { return variant_int_param(e, key, fallback); };
    const std::string gen = e.generator;
    LayerShape s;
    s.batch = p("est_batch", 1);
    s.in_channels = p("c", 1);
    if (gen == "fc_layer") {
        s.kind = LayerKind::FullyConnected;
        s.in_channels *= p("in_width", 1) * p("in_height", 1);
        s.out_channels = p("k", 1);
        return s;
    }
    const int64_t w = p("est_width", 1), h = p("est_height", 1);
    if (gen == "conv2d_layer" || gen == "pool_layer") {
        const bool conv = gen == "conv2d_layer";
        s.kernel_w = p("kernel_w", 1), s.kernel_h = p("kernel_h", 1);
        s.stride = p("stride", conv ? 1 : 2), s.dilation = conv ? p("dilation", 1) : 1;
        const int64_t pad = p("pad", 0), pad_end = conv                   ? pad
                                                   : p("pad_end", -1) < 0 ? pad
                                                                          : p("pad_end", -1);
        const int64_t ow = out_extent(w, s.kernel_w, s.stride, pad, pad_end, s.dilation);
        const int64_t oh = out_extent(h, s.kernel_h, s.stride, pad, pad_end, s.dilation);
        s.in_width = (ow - 1) * s.stride + s.dilation * (s.kernel_w - 1) + 1;
        s.in_height = (oh - 1) * s.stride + s.dilation * (s.kernel_h - 1) + 1;
        if (conv) {
            s.out_channels = p("k", 1);
            s.groups = p("groups", 1);
        } else {
            const auto kind = variant_param(e, "kind");
            s.kind = kind && *kind == "avg" ? LayerKind::AvgPool : LayerKind::MaxPool;
            s.out_channels = s.groups = s.in_channels;
        }
        return s;
    }
    *why = "generator " + gen + " is not planned by the model";
    return std::nullopt;
}

autoschedule::TilePlan predicted_plan(const LayerShape& shape, int parallelism, int64_t llc_bytes) {
    autoschedule::PluginParams params = autoschedule::resolve_plugin_params(
        autoschedule::read_param_sources(parallelism, llc_bytes));
    params.verbose = false;
    // The micro-kernel choice of autoschedule/autoscheduler.cpp (Driver::plan_for):
    // fc gets 1x1x8, others the ISA's block; depthwise convs and pools share no input.
    const bool fc = shape.kind == LayerKind::FullyConnected;
    const bool per_channel = shape.groups > 1 || !shape.has_weights();
    const autoschedule::MicroKernel mk =
        fc ? autoschedule::MicroKernel{1, 1, 8}
           : autoschedule::choose_micro_kernel(Halide::get_host_target(),
                                               params.vector_width_override, shape.out_width(),
                                               shape.out_height(), shape.out_channels, per_channel);
    return autoschedule::plan_layer(shape, params, mk);
}

} // namespace memsched::bench
