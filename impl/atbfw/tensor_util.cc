// impl/atbfw/tensor_util.cc — descriptor sizes and text (see tensor_util.h), and atb::Utils,
// the exported helpers built on them.
#include "atbfw/tensor_util.h"

#include <limits>

#include "atb/utils.h"
#include "ops/common/checks.h"

namespace mc2::impl::atbfw {

uint64_t ElementBytes(aclDataType dtype) {
    switch (static_cast<int>(dtype)) {
        case ACL_DT_UNDEFINED:
        case ACL_BOOL:
        case ACL_INT8:
        case ACL_UINT8:
        case ACL_HIFLOAT8:
        case ACL_FLOAT8_E5M2:
        case ACL_FLOAT8_E4M3FN:
        case ACL_FLOAT8_E8M0:
            return 1;
        case ACL_FLOAT16:
        case ACL_BF16:
        case ACL_INT16:
        case ACL_UINT16:
            return 2;
        case ACL_FLOAT:
        case ACL_INT32:
        case ACL_UINT32:
            return 4;
        case ACL_INT64:
        case ACL_UINT64:
        case ACL_DOUBLE:
        case ACL_COMPLEX64:
            return 8;
        case ACL_COMPLEX128:
            return 16;
        default:
            return 0;
    }
}

uint64_t Numel(const atb::TensorDesc &desc) {
    if (desc.shape.dimNum == 0 || desc.shape.dimNum > atb::MAX_DIM) return 0;
    uint64_t n = 1;
    for (uint64_t i = 0; i < desc.shape.dimNum; ++i) {
        const int64_t d = desc.shape.dims[i];
        if (d <= 0) return 0;
        if (std::numeric_limits<uint64_t>::max() / static_cast<uint64_t>(d) < n) return 0;
        n *= static_cast<uint64_t>(d);
    }
    return n;
}

uint64_t Bytes(const atb::TensorDesc &desc) {
    const uint64_t n = Numel(desc);
    const uint64_t es = ElementBytes(desc.dtype);
    if (n == 0 || es == 0 || std::numeric_limits<uint64_t>::max() / n < es) return 0;
    return n * es;
}

std::string DescString(const atb::TensorDesc &desc) {
    std::string s = ops::DataTypeName(desc.dtype) + "[";
    const uint64_t rank = desc.shape.dimNum <= atb::MAX_DIM ? desc.shape.dimNum : atb::MAX_DIM;
    for (uint64_t i = 0; i < rank; ++i) s += (i ? ", " : "") + std::to_string(desc.shape.dims[i]);
    if (rank < desc.shape.dimNum) s += ", ... (" + std::to_string(desc.shape.dimNum) + " dims)";
    return s + "] " + ops::FormatName(desc.format);
}

}  // namespace mc2::impl::atbfw

namespace atb {

std::string Utils::GetAtbVersion() { return "mc2impl emulation of ATB 8.x"; }
uint64_t Utils::GetTensorSize(const Tensor &tensor) { return mc2::impl::atbfw::Bytes(tensor.desc); }
uint64_t Utils::GetTensorSize(const TensorDesc &tensorDesc) { return mc2::impl::atbfw::Bytes(tensorDesc); }
uint64_t Utils::GetTensorNumel(const Tensor &tensor) { return mc2::impl::atbfw::Numel(tensor.desc); }
uint64_t Utils::GetTensorNumel(const TensorDesc &tensorDesc) { return mc2::impl::atbfw::Numel(tensorDesc); }

}  // namespace atb
