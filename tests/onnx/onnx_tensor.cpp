// TensorProto decoding (float_data or raw_data) and the NCHW view.
#include "tests/onnx/onnx_tensor.h"

#include <cstring>
#include <fstream>

#include <onnx/onnx_pb.h>

namespace memsched::onnx_cases {

std::string OnnxTensor::dims_string() const {
    std::string s = "[";
    for (size_t i = 0; i < dims.size(); ++i) s += (i ? "," : "") + std::to_string(dims[i]);
    return s + "]";
}

OnnxTensor from_proto(const ::onnx::TensorProto& proto) {
    OnnxTensor t;
    t.name = proto.name();
    t.dims.assign(proto.dims().begin(), proto.dims().end());
    if (proto.data_type() != ::onnx::TensorProto::FLOAT) {
        throw Unsupported("tensor '" + t.name + "' has data_type " +
                          ::onnx::TensorProto::DataType_Name(proto.data_type()) +
                          "; memsched's references and layers are float-only");
    }
    if (proto.data_location() == ::onnx::TensorProto::EXTERNAL) {
        throw std::runtime_error("tensor '" + t.name + "' uses external data, which is not read");
    }
    int64_t count = 1;
    for (int64_t d : t.dims) {
        if (d < 0) throw std::runtime_error("tensor '" + t.name + "' has dim " + std::to_string(d));
        count *= d;
    }
    if (proto.has_raw_data()) {
        const std::string& raw = proto.raw_data();
        if (int64_t(raw.size()) != count * int64_t(sizeof(float))) {
            throw std::runtime_error("tensor '" + t.name + "' raw_data has " +
                                     std::to_string(raw.size()) + " bytes for dims " +
                                     t.dims_string());
        }
        t.data.resize(static_cast<size_t>(count));
        // ONNX raw_data is little-endian, like every machine this runs on.
        std::memcpy(t.data.data(), raw.data(), raw.size());
    } else {
        t.data.assign(proto.float_data().begin(), proto.float_data().end());
        if (int64_t(t.data.size()) != count) {
            throw std::runtime_error("tensor '" + t.name + "' float_data has " +
                                     std::to_string(t.data.size()) + " values for dims " +
                                     t.dims_string());
        }
    }
    return t;
}

OnnxTensor load_tensor_file(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) throw std::runtime_error("cannot open " + path);
    ::onnx::TensorProto proto;
    if (!proto.ParseFromIstream(&file)) throw std::runtime_error("not a TensorProto: " + path);
    return from_proto(proto);
}

reference::Tensor as_nchw(const OnnxTensor& t) {
    if (t.dims.size() > 4) {
        throw Unsupported("tensor '" + t.name + "' has rank " + std::to_string(t.dims.size()) +
                          " > 4");
    }
    int64_t d[4] = {1, 1, 1, 1};
    const size_t offset = 4 - t.dims.size();
    for (size_t i = 0; i < t.dims.size(); ++i) d[offset + i] = t.dims[i];
    for (int64_t v : d) {
        if (v < 1) throw Unsupported("tensor '" + t.name + "' is empty: dims " + t.dims_string());
    }
    reference::Tensor r(d[0], d[1], d[2], d[3]);
    r.data = t.data;
    return r;
}

}  // namespace memsched::onnx_cases
