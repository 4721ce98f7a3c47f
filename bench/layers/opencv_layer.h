// OpenCV DNN on the layer of a layer-set entry, fed the same input, weights
// and bias buffers as the Halide variants (both use NCHW/OIHW memory order),
// so its output can be checked against theirs and its time compared.
#pragma once

#include "bench/demo/layer_buffers.h"
#include "generators/variants/variant_registry.h"

#include <opencv2/dnn.hpp>

#include <optional>
#include <string>

namespace memsched::bench {

struct OpenCvLayer {
    cv::dnn::Net net; // built once; each forward() reruns the layer
    cv::Mat input;
};

// Empty, with *why, when OpenCV DNN cannot express the layer.
std::optional<OpenCvLayer> make_opencv_layer(const VariantEntry& entry,
                                             const demo::LayerBuffers& buffers, std::string* why);

// One forward pass; the returned Mat is OpenCV's output blob (n, c, h, w).
cv::Mat run_opencv_layer(OpenCvLayer& layer);

} // namespace memsched::bench
