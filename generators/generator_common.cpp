// Implementation of the shared generator pieces (see generator_common.h).
#include "generators/generator_common.h"

#include "generators/layers/activation.h"

namespace memsched::generators {

const std::map<std::string, Activation>& activation_names() {
    static const std::map<std::string, Activation> names = {{"none", Activation::None},
                                                            {"relu", Activation::Relu},
                                                            {"relu6", Activation::Relu6},
                                                            {"leakyrelu", Activation::LeakyRelu}};
    return names;
}

Halide::Func apply_activation(Halide::Func f, Activation a, float alpha, const std::string& name) {
    switch (a) {
    case Activation::Relu:
        return layers::relu(f, name);
    case Activation::Relu6:
        return layers::relu6(f, name);
    case Activation::LeakyRelu:
        return layers::leaky_relu(f, alpha, name);
    case Activation::None:
        break;
    }
    return f;
}

int window_out_extent(int in, int kernel, int stride, int pad_begin, int pad_end, int dilation) {
    const int room = in + pad_begin + pad_end - dilation * (kernel - 1) - 1;
    return room < 0 ? 1 : room / stride + 1;
}

BatchNormFuncs unpack_batch_norm(Halide::Func packed, const std::string& name) {
    Halide::Var k("k");
    BatchNormFuncs bn{Halide::Func(name + "_gamma"), Halide::Func(name + "_beta"),
                      Halide::Func(name + "_mean"), Halide::Func(name + "_var")};
    bn.gamma(k) = packed(k, 0);
    bn.beta(k) = packed(k, 1);
    bn.mean(k) = packed(k, 2);
    bn.var(k) = packed(k, 3);
    return bn;
}

} // namespace memsched::generators
