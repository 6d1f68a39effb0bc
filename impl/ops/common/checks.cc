// impl/ops/common/checks.cc — argument-checking helpers shared by the aclnn operators.
#include "ops/common/checks.h"

#include <algorithm>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <utility>

#include "runtime/runtime.h"

namespace mc2::impl::ops {

std::string DataTypeName(int32_t type) {
    switch (type) {
        case ACL_DT_UNDEFINED: return "DT_UNDEFINED";
        case ACL_FLOAT: return "FLOAT32";
        case ACL_FLOAT16: return "FLOAT16";
        case ACL_INT8: return "INT8";
        case ACL_INT32: return "INT32";
        case ACL_UINT8: return "UINT8";
        case ACL_INT16: return "INT16";
        case ACL_UINT16: return "UINT16";
        case ACL_UINT32: return "UINT32";
        case ACL_INT64: return "INT64";
        case ACL_UINT64: return "UINT64";
        case ACL_DOUBLE: return "DOUBLE";
        case ACL_BOOL: return "BOOL";
        case ACL_STRING: return "STRING";
        case ACL_COMPLEX64: return "COMPLEX64";
        case ACL_COMPLEX128: return "COMPLEX128";
        case ACL_BF16: return "BFLOAT16";
        case ACL_INT4: return "INT4";
        case ACL_UINT1: return "UINT1";
        case ACL_COMPLEX32: return "COMPLEX32";
        case ACL_HIFLOAT8: return "HIFLOAT8";
        case ACL_FLOAT8_E5M2: return "FLOAT8_E5M2";
        case ACL_FLOAT8_E4M3FN: return "FLOAT8_E4M3FN";
        case ACL_FLOAT8_E8M0: return "FLOAT8_E8M0";
        case ACL_FLOAT6_E3M2: return "FLOAT6_E3M2";
        case ACL_FLOAT6_E2M3: return "FLOAT6_E2M3";
        case ACL_FLOAT4_E2M1: return "FLOAT4_E2M1";
        case ACL_FLOAT4_E1M2: return "FLOAT4_E1M2";
    }
    return "DT_" + std::to_string(type);
}

std::string FormatName(int32_t format) {
    switch (format) {
        case ACL_FORMAT_UNDEFINED: return "UNDEFINED";
        case ACL_FORMAT_NCHW: return "NCHW";
        case ACL_FORMAT_NHWC: return "NHWC";
        case ACL_FORMAT_ND: return "ND";
        case ACL_FORMAT_NC1HWC0: return "NC1HWC0";
        case ACL_FORMAT_FRACTAL_Z: return "FRACTAL_Z";
        case ACL_FORMAT_NC1HWC0_C04: return "NC1HWC0_C04";
        case ACL_FORMAT_HWCN: return "HWCN";
        case ACL_FORMAT_NDHWC: return "NDHWC";
        case ACL_FORMAT_FRACTAL_NZ: return "FRACTAL_NZ";
        case ACL_FORMAT_NCDHW: return "NCDHW";
        case ACL_FORMAT_NDC1HWC0: return "NDC1HWC0";
        case ACL_FRACTAL_Z_3D: return "FRACTAL_Z_3D";
        case ACL_FORMAT_NC: return "NC";
        case ACL_FORMAT_NCL: return "NCL";
        case ACL_FORMAT_FRACTAL_NZ_C0_16: return "FRACTAL_NZ_C0_16";
        case ACL_FORMAT_FRACTAL_NZ_C0_32: return "FRACTAL_NZ_C0_32";
        case ACL_FORMAT_FRACTAL_NZ_C0_2: return "FRACTAL_NZ_C0_2";
        case ACL_FORMAT_FRACTAL_NZ_C0_4: return "FRACTAL_NZ_C0_4";
        case ACL_FORMAT_FRACTAL_NZ_C0_8: return "FRACTAL_NZ_C0_8";
    }
    return "FORMAT_" + std::to_string(format);
}

std::string ShapeString(const std::vector<int64_t> &shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i) {
        if (i > 0) s += ", ";
        s += std::to_string(shape[i]);
    }
    return s + "]";
}

std::string DataTypeList(std::initializer_list<aclDataType> types) {
    std::string s;
    size_t i = 0;
    for (aclDataType t : types) {
        if (i > 0) s += (i + 1 == types.size()) ? " or " : ", ";
        s += DataTypeName(t);
        ++i;
    }
    return s;
}

bool IsTransposeLastTwoDims(const aclTensor &t) {
    const size_t rank = t.viewShape.size();
    if (rank < 2 || rank > 6 || t.strides.size() != rank) return false;
    const int64_t rows = t.viewShape[rank - 2];
    const int64_t cols = t.viewShape[rank - 1];
    if (rows == 1 && cols == 1) return false;
    if (t.strides[rank - 2] != 1 || t.strides[rank - 1] != rows) return false;
    // Batch dims must be packed around the transposed matrices. A product past INT64_MAX is no
    // stride's (api_fuzzer, session 19: an AllGatherMatmul x2 dim of INT64_MAX overflowed here).
    int64_t inner = 0;
    bool overflow = __builtin_mul_overflow(rows, cols, &inner);
    for (size_t d = rank - 2; d-- > 0;) {
        if (overflow || t.strides[d] != inner) return false;
        overflow = __builtin_mul_overflow(inner, t.viewShape[d], &inner);
    }
    return true;
}

bool IsWeightNz(const aclTensor &t) { return t.format == ACL_FORMAT_FRACTAL_NZ && t.storageShape.size() == 4; }

bool HasInternalOverlap(const aclTensor &t) {
    std::vector<std::pair<int64_t, int64_t>> dims;  // (stride, size) of dims with size > 1
    for (size_t d = 0; d < t.viewShape.size() && d < t.strides.size(); ++d) {
        if (t.viewShape[d] == 0) return false;  // an empty view addresses nothing
        if (t.viewShape[d] > 1) dims.emplace_back(t.strides[d], t.viewShape[d]);
    }
    std::sort(dims.begin(), dims.end());
    // Injective when each stride exceeds the largest offset reachable with the smaller ones.
    // Saturating: the sum may pass INT64_MAX (strides are only known to fit a uint64 span).
    int64_t reach = 0;
    for (const auto &[stride, size] : dims) {
        if (stride <= reach) return true;
        int64_t step = 0;
        if (__builtin_mul_overflow(stride, size - 1, &step) || __builtin_add_overflow(reach, step, &reach)) {
            reach = INT64_MAX;
        }
    }
    return false;
}

int64_t ViewElementsNeeded(const aclTensor &t) {
    for (int64_t d : t.viewShape) {
        if (d == 0) return 0;
    }
    int64_t last = std::max<int64_t>(t.offset, 0);
    for (size_t d = 0; d < t.viewShape.size() && d < t.strides.size(); ++d) {
        int64_t step = 0;
        if (__builtin_mul_overflow(t.viewShape[d] - 1, t.strides[d], &step) ||
            __builtin_add_overflow(last, step, &last)) {
            return INT64_MAX;
        }
    }
    return last == INT64_MAX ? INT64_MAX : last + 1;
}

int64_t StorageElements(const aclTensor &t) {
    int64_t n = 1;
    for (int64_t d : t.storageShape) {
        if (d == 0) return 0;
    }
    for (int64_t d : t.storageShape) {
        if (__builtin_mul_overflow(n, d, &n)) return INT64_MAX;
    }
    return n;
}

bool Checker::Fail(aclnnStatus code, const char *fmt, ...) {
    if (!ok()) return false;
    char buf[768];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    ReportError("%s: %s", api_, buf);
    status_ = code;
    return false;
}

bool Checker::NotNull(const void *p, const char *name) {
    if (!ok()) return false;
    if (p != nullptr) return true;
    return Fail(ACLNN_ERR_PARAM_NULLPTR, "%s is null", name);
}

bool Checker::Live(const aclTensor *t, const char *name) {
    if (!ok()) return false;
    if (t == nullptr || IsLiveTensor(t)) return true;
    return Fail(ACLNN_ERR_PARAM_INVALID, "%s is not a live aclTensor (destroyed, or not made by aclCreateTensor)",
                name);
}

bool Checker::DtypeIn(const aclTensor &t, const char *name, std::initializer_list<aclDataType> allowed) {
    if (!ok()) return false;
    for (aclDataType a : allowed) {
        if (t.dataType == a) return true;
    }
    return Fail(ACLNN_ERR_PARAM_INVALID, "%s dtype %s not supported; expected %s", name,
                DataTypeName(t.dataType).c_str(), DataTypeList(allowed).c_str());
}

bool Checker::SameDtype(const aclTensor &a, const char *aName, const aclTensor &b, const char *bName) {
    if (!ok()) return false;
    if (a.dataType == b.dataType) return true;
    return Fail(ACLNN_ERR_PARAM_INVALID, "%s dtype %s must equal %s dtype %s", bName,
                DataTypeName(b.dataType).c_str(), aName, DataTypeName(a.dataType).c_str());
}

bool Checker::RankIn(const aclTensor &t, const char *name, size_t min, size_t max) {
    if (!ok()) return false;
    const size_t rank = t.viewShape.size();
    if (rank >= min && rank <= max) return true;
    if (min == max) {
        return Fail(ACLNN_ERR_PARAM_INVALID, "%s must be %zu-D; got shape %s", name, min,
                    ShapeString(t.viewShape).c_str());
    }
    return Fail(ACLNN_ERR_PARAM_INVALID, "%s must be %zu-D to %zu-D; got shape %s", name, min, max,
                ShapeString(t.viewShape).c_str());
}

bool Checker::ShapeIs(const aclTensor &t, const char *name, const std::vector<int64_t> &expected, const char *why) {
    if (!ok()) return false;
    if (t.viewShape == expected) return true;
    return Fail(ACLNN_ERR_PARAM_INVALID, "%s shape %s must equal %s (%s)", name, ShapeString(t.viewShape).c_str(),
                ShapeString(expected).c_str(), why);
}

}  // namespace mc2::impl::ops
