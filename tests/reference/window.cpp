// Sliding-window output extents shared by convolution and pooling, with the
// parameter checks that make bad shapes fail with a one-line reason.
#include <stdexcept>
#include <string>

#include "tests/reference/reference_layers.h"

namespace memsched::reference {

namespace {

// Field names as they appear in Conv2dParams / PoolParams, per axis.
struct AxisFields {
    const char *kernel, *stride, *pad_begin, *pad_end, *dilation, *extent;
};

AxisFields fields_for(const std::string& axis) {
    if (axis == "y") return {"kernel_h", "stride_y", "pad_top", "pad_bottom", "dilation_y", "height"};
    return {"kernel_w", "stride_x", "pad_left", "pad_right", "dilation_x", "width"};
}

void require(bool ok, const char* field, int64_t value, const char* rule) {
    if (!ok) {
        throw std::invalid_argument(std::string(field) + " = " + std::to_string(value) + " " + rule);
    }
}

}  // namespace

int64_t window_output_size(int64_t in, int kernel, int stride, int pad_begin, int pad_end,
                           int dilation, bool ceil_mode, const char* axis) {
    const AxisFields f = fields_for(axis);
    require(in >= 1, f.extent, in, "must be >= 1");
    require(kernel >= 1, f.kernel, kernel, "must be >= 1");
    require(stride >= 1, f.stride, stride, "must be >= 1");
    require(dilation >= 1, f.dilation, dilation, "must be >= 1");
    require(pad_begin >= 0, f.pad_begin, pad_begin, "must be >= 0");
    require(pad_end >= 0, f.pad_end, pad_end, "must be >= 0");

    const int64_t span = int64_t(dilation) * (kernel - 1) + 1;
    const int64_t padded = in + pad_begin + pad_end;
    if (span > padded) {
        throw std::invalid_argument(std::string(f.kernel) + " = " + std::to_string(kernel) +
                                    " (dilated span " + std::to_string(span) +
                                    ") exceeds padded input " + f.extent + " " +
                                    std::to_string(padded));
    }
    const int64_t room = padded - span;
    int64_t out = (ceil_mode ? (room + stride - 1) / stride : room / stride) + 1;
    // The last window must start inside the input or the leading padding;
    // otherwise ceil mode would add a window made only of trailing padding.
    if (ceil_mode && (out - 1) * stride >= in + pad_begin) --out;
    return out;
}

}  // namespace memsched::reference
