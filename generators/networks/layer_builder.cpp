// Shape derivation and consistency checks for one layer (see layer_builder.h).
#include "generators/networks/layer_builder.h"

namespace memsched::detail {

namespace {

// Per-layer work cap: keeps every sum over a network far from int64 overflow.
constexpr long double max_layer_work = static_cast<long double>(int64_t{1} << 50);

std::string str(int64_t v) { return std::to_string(v); }

// A stated size must equal the one derived from the producer.
int64_t stated_matching(const FieldReader& fields, const std::string& key, int64_t derived,
                        const Producer& producer, const std::string& derived_what) {
    const int64_t stated = fields.required_int(key, 1);
    if (stated != derived)
        fields.fail(key, "stated " + str(stated) + " but input '" + producer.name + "' gives " +
                             derived_what + "=" + str(derived));
    return stated;
}

void check_batch(const FieldReader& fields, const Producer& producer) {
    if (auto n = fields.optional_int("n", 1); n && *n != producer.shape.n)
        fields.fail("n", "stated " + str(*n) + " but input '" + producer.name +
                             "' has batch " + str(producer.shape.n));
}

Activation read_activation(const FieldReader& fields) {
    const auto text = fields.optional_string("activation");
    if (!text) return Activation::None;
    const auto act = activation_from_string(*text);
    if (!act)
        fields.fail("activation", "unknown activation \"" + *text +
                                      "\" (expected none, relu, relu6 or leakyrelu)");
    return *act;
}

// Validates the mapped LayerShape and bounds its size.
void check_shape(const FieldReader& fields, const LayerShape& shape) {
    if (auto err = shape.validate()) fields.fail(*err);
    if (shape.out_height() < 1 || shape.out_width() < 1)
        fields.fail("output would be " + str(shape.out_height()) + "x" + str(shape.out_width()));
    const long double work = static_cast<long double>(shape.output_elements()) *
                             shape.in_channels_per_group() * shape.kernel_h * shape.kernel_w;
    const long double in = static_cast<long double>(shape.batch) * shape.in_channels *
                           shape.in_height * shape.in_width;
    if (work > max_layer_work || in > max_layer_work)
        fields.fail("layer is too large (more than 2^50 elements or MACs)");
}

// Conv and window pools: the fields shared by both, mapped onto `shape`.
void read_window(const FieldReader& fields, const Producer& in, LayerShape& shape,
                 NetworkLayer& layer) {
    check_batch(fields, in);
    shape.batch = in.shape.n;
    shape.in_channels = stated_matching(fields, "c", in.shape.c, in, "c");
    const int64_t h = stated_matching(fields, "h", in.shape.h, in, "h");
    const int64_t w = stated_matching(fields, "w", in.shape.w, in, "w");
    shape.kernel_h = fields.required_int("r", 1);
    shape.kernel_w = fields.required_int("s", 1);
    shape.stride = fields.optional_int("stride", 1).value_or(1);
    shape.pad = fields.optional_int("pad", 0).value_or(0);
    shape.dilation = fields.optional_int("dilation", 1).value_or(1);
    layer.pad_end = fields.optional_int("pad_end", 0).value_or(0);
    // LayerShape has one symmetric pad: end padding is counted as input.
    shape.in_height = h + layer.pad_end;
    shape.in_width = w + layer.pad_end;
}

void build_conv(const FieldReader& fields, const Producer& in, NetworkLayer& layer) {
    LayerShape shape;
    shape.kind = LayerKind::Conv;
    read_window(fields, in, shape, layer);
    shape.out_channels = fields.required_int("k", 1);
    shape.groups = fields.optional_int("groups", 1).value_or(1);
    layer.bias = fields.bool_or("bias", false);
    layer.batchnorm = fields.bool_or("batchnorm", false);
    layer.activation = read_activation(fields);
    check_shape(fields, shape);
    layer.shape = shape;
}

void build_pool(const FieldReader& fields, const Producer& in, NetworkLayer& layer) {
    LayerShape shape;
    shape.kind = layer.op == OpKind::MaxPool ? LayerKind::MaxPool : LayerKind::AvgPool;
    read_window(fields, in, shape, layer);
    shape.out_channels = shape.in_channels;
    shape.groups = shape.in_channels; // each output channel reads one input channel
    check_shape(fields, shape);
    // Every window must start inside the input or the leading padding,
    // as PyTorch requires of ceil-mode pools.
    const int64_t h = shape.in_height - layer.pad_end;
    const int64_t w = shape.in_width - layer.pad_end;
    if ((shape.out_height() - 1) * shape.stride >= h + shape.pad ||
        (shape.out_width() - 1) * shape.stride >= w + shape.pad)
        fields.fail(layer.pad_end > 0 ? "pad_end" : "pad",
                    "pad=" + str(shape.pad) + " pad_end=" + str(layer.pad_end) +
                        " leaves a pooling window entirely in padding");
    layer.shape = shape;
}

void build_global_pool(const FieldReader& fields, const Producer& in, NetworkLayer& layer) {
    LayerShape shape;
    shape.kind = LayerKind::GlobalAvgPool;
    check_batch(fields, in);
    shape.batch = in.shape.n;
    shape.in_channels = stated_matching(fields, "c", in.shape.c, in, "c");
    shape.in_height = stated_matching(fields, "h", in.shape.h, in, "h");
    shape.in_width = stated_matching(fields, "w", in.shape.w, in, "w");
    // r, s, stride and pad may be stated; they must describe a global pool.
    auto must_equal = [&](const char* key, int64_t expected, int64_t min_value) {
        if (auto v = fields.optional_int(key, min_value); v && *v != expected)
            fields.fail(key, "stated " + str(*v) + " but a global pool needs " + str(expected));
    };
    must_equal("r", shape.in_height, 1);
    must_equal("s", shape.in_width, 1);
    must_equal("stride", 1, 1);
    must_equal("pad", 0, 0);
    shape.kernel_h = shape.in_height;
    shape.kernel_w = shape.in_width;
    shape.out_channels = shape.in_channels;
    shape.groups = shape.in_channels;
    check_shape(fields, shape);
    layer.shape = shape;
}

void build_fc(const FieldReader& fields, const Producer& in, NetworkLayer& layer) {
    LayerShape shape;
    shape.kind = LayerKind::FullyConnected;
    check_batch(fields, in);
    shape.batch = in.shape.n;
    // The input is flattened: in_features = c * h * w of the producer.
    const int64_t features = in.shape.c * in.shape.h * in.shape.w;
    const int64_t c = fields.required_int("c", 1, max_dimension * 64);
    if (c != features)
        fields.fail("c", "stated " + str(c) + " but input '" + in.name + "' (" +
                             to_string(in.shape) + ") flattens to " + str(features) +
                             " features");
    shape.in_channels = c;
    shape.out_channels = fields.required_int("k", 1);
    layer.bias = fields.bool_or("bias", false);
    layer.activation = read_activation(fields);
    check_shape(fields, shape);
    layer.shape = shape;
}

void build_add(const FieldReader& fields, const std::vector<Producer>& producers,
               NetworkLayer& layer) {
    for (const Producer& p : producers) {
        if (p.shape != producers.front().shape)
            fields.fail("inputs", "add of mismatched shapes: '" + producers.front().name +
                                      "' is " + to_string(producers.front().shape) + " but '" +
                                      p.name + "' is " + to_string(p.shape));
    }
    layer.activation = read_activation(fields);
}

void build_concat(const FieldReader& fields, const std::vector<Producer>& producers) {
    const TensorShape& first = producers.front().shape;
    for (const Producer& p : producers) {
        if (p.shape.n != first.n || p.shape.h != first.h || p.shape.w != first.w)
            fields.fail("inputs", "concat of mismatched sizes: '" + producers.front().name +
                                      "' is " + to_string(first) + " but '" + p.name + "' is " +
                                      to_string(p.shape) + " (n, h and w must agree)");
    }
}

TensorShape output_of(const LayerShape& s) {
    return TensorShape{s.batch, s.out_channels, s.out_height(), s.out_width()};
}

} // namespace

void build_layer(const FieldReader& fields, const std::vector<Producer>& producers,
                 NetworkLayer& layer) {
    const bool multi_input = layer.op == OpKind::Add || layer.op == OpKind::Concat;
    if (multi_input && producers.size() < 2)
        fields.fail("inputs", "has " + std::to_string(producers.size()) + " entries, op " +
                                  to_string(layer.op) + " needs at least 2");
    if (!multi_input && producers.size() != 1)
        fields.fail("inputs", "has " + std::to_string(producers.size()) + " entries, op " +
                                  to_string(layer.op) + " needs exactly 1");
    switch (layer.op) {
    case OpKind::Conv: build_conv(fields, producers[0], layer); break;
    case OpKind::MaxPool:
    case OpKind::AvgPool: build_pool(fields, producers[0], layer); break;
    case OpKind::GlobalAvgPool: build_global_pool(fields, producers[0], layer); break;
    case OpKind::FullyConnected: build_fc(fields, producers[0], layer); break;
    case OpKind::Add: build_add(fields, producers, layer); break;
    case OpKind::Concat: build_concat(fields, producers); break;
    }
    fields.reject_unread(std::string("op ") + to_string(layer.op));

    if (layer.shape) {
        layer.output = output_of(*layer.shape);
    } else if (layer.op == OpKind::Add) {
        layer.output = producers.front().shape;
    } else { // concat along channels
        const TensorShape& first = producers.front().shape;
        long double channels = 0;
        for (const Producer& p : producers) channels += p.shape.c;
        if (channels * first.n * first.h * first.w > max_layer_work)
            fields.fail("concat output is too large (more than 2^50 elements)");
        layer.output = first;
        layer.output.c = static_cast<int64_t>(channels);
    }
}

} // namespace memsched::detail
