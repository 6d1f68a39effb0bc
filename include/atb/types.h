// atb/types.h — ATB (Ascend Transformer Boost) value types: status codes, tensor
// descriptors, the variant pack passed to Setup/Execute. Shaped like the public ATB headers;
// ErrorType values by enum position as documented (spec-notes/ops.md §7).
#ifndef MC2_INCLUDE_ATB_TYPES_H_
#define MC2_INCLUDE_ATB_TYPES_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <stdexcept>

#include "acl/acl.h"

namespace atb {

using Status = int32_t;

enum ErrorType : int {
    NO_ERROR = 0,
    ERROR_INVALID_PARAM,
    ERROR_INVALID_GRAPH,
    ERROR_INTERNAL_ERROR,
    ERROR_RT_FAIL,
    ERROR_INVALID_IN_TENSOR_NUM,
    ERROR_INVALID_TENSOR_DTYPE,
    ERROR_INVALID_TENSOR_FORMAT,
    ERROR_INVALID_TENSOR_DIM,
    ERROR_INVALID_TENSOR_SIZE,
    ERROR_OPERATION_NULL_RUNNER,
    ERROR_GRAPH_INFERSHAPE_FUNC_FAIL,
    ERROR_CANN_ERROR,
    ERROR_INVALID_TENSOR_INI_MATCH,
    ERROR_INVALID_TENSOR_ADDR,
    ERROR_INVALID_TENSOR_NUM,
    ERROR_INVALID_TENSOR_DIM_NUM,
    ERROR_INVALID_SINGLE_OPERATION_PARAM,
};

constexpr uint32_t MAX_DIM = 8;
constexpr std::size_t MAX_SVECTOR_SIZE = 64;

// A small fixed-capacity vector, as ATB uses for tensor lists (no heap allocation).
template <typename T>
class SVector {
public:
    SVector() = default;
    SVector(std::initializer_list<T> init) {
        for (const T &v : init) push_back(v);
    }
    void push_back(const T &v) {
        if (size_ >= MAX_SVECTOR_SIZE) throw std::out_of_range("atb::SVector capacity exceeded");
        data_[size_++] = v;
    }
    void resize(std::size_t n) {
        if (n > MAX_SVECTOR_SIZE) throw std::out_of_range("atb::SVector capacity exceeded");
        for (std::size_t i = size_; i < n; ++i) data_[i] = T{};
        size_ = n;
    }
    void clear() { size_ = 0; }
    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    T &operator[](std::size_t i) { return data_[i]; }
    const T &operator[](std::size_t i) const { return data_[i]; }
    T &at(std::size_t i) {
        if (i >= size_) throw std::out_of_range("atb::SVector index");
        return data_[i];
    }
    const T &at(std::size_t i) const {
        if (i >= size_) throw std::out_of_range("atb::SVector index");
        return data_[i];
    }
    T *begin() { return data_; }
    T *end() { return data_ + size_; }
    const T *begin() const { return data_; }
    const T *end() const { return data_ + size_; }

private:
    T data_[MAX_SVECTOR_SIZE]{};
    std::size_t size_ = 0;
};

struct Dims {
    int64_t dims[MAX_DIM] = {0};
    uint64_t dimNum = 0;
};

struct TensorDesc {
    aclDataType dtype = ACL_DT_UNDEFINED;
    aclFormat format = ACL_FORMAT_UNDEFINED;
    Dims shape;
};

struct Tensor {
    TensorDesc desc;
    void *deviceData = nullptr;
    void *hostData = nullptr;
    uint64_t dataSize = 0;
};

struct VariantPack {
    SVector<Tensor> inTensors;
    SVector<Tensor> outTensors;
};

}  // namespace atb

#endif  // MC2_INCLUDE_ATB_TYPES_H_
