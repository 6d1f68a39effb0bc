// impl/runtime/tensor.cc — aclCreateTensor/aclDestroyTensor, the tensor accessors and the
// geometry helpers of tensor.h.
#include "runtime/tensor.h"

#include <algorithm>
#include <cinttypes>

#include "runtime/abi_call.h"
#include "runtime/dtype.h"
#include "runtime/enum_bits.h"
#include "runtime/live_set.h"

namespace mc2::impl {
namespace {

LiveSet &Tensors() {
    static LiveSet *set = new LiveSet;
    return *set;
}

bool Product(const std::vector<int64_t> &dims, int64_t *count) {
    int64_t n = 1;
    for (int64_t d : dims) {
        if (d < 0 || __builtin_mul_overflow(n, d, &n)) return false;
    }
    *count = n;
    return true;
}

// Checks one dims argument of aclCreateTensor; false (with a message) when unusable.
bool CheckDims(const char *name, const int64_t *dims, uint64_t num) {
    if (num > kMaxTensorDims) {
        ReportError("aclCreateTensor: %sNum %" PRIu64 " exceeds the maximum of %" PRIu64 " dimensions", name, num,
                    kMaxTensorDims);
        return false;
    }
    if (num > 0 && dims == nullptr) {
        ReportError("aclCreateTensor: %s is null but %sNum is %" PRIu64, name, name, num);
        return false;
    }
    for (uint64_t i = 0; i < num; ++i) {
        if (dims[i] < 0) {
            ReportError("aclCreateTensor: %s[%" PRIu64 "] = %" PRId64 " is negative", name, i, dims[i]);
            return false;
        }
    }
    return true;
}

// Common prologue of the accessors: null tensor/output -> 161001, unknown tensor -> 161002.
aclnnStatus CheckAccess(const char *fn, const aclTensor *t, const void *out) {
    if (t == nullptr || out == nullptr) {
        ReportError("%s: %s is null", fn, t == nullptr ? "tensor" : "output pointer");
        return ACLNN_ERR_PARAM_NULLPTR;
    }
    if (!IsLiveTensor(t)) {
        ReportError("%s: %p is not a live tensor (never created, or destroyed)", fn, static_cast<const void *>(t));
        return ACLNN_ERR_PARAM_INVALID;
    }
    return ACLNN_SUCCESS;
}

aclnnStatus CopyOut(const char *fn, const std::vector<int64_t> &src, int64_t **values, uint64_t *num) {
    if (num == nullptr) {
        ReportError("%s: count pointer is null", fn);
        return ACLNN_ERR_PARAM_NULLPTR;
    }
    // new[] because the documented contract is that the caller delete[]s the array.
    auto *out = new int64_t[src.size()];
    std::copy(src.begin(), src.end(), out);
    *values = out;
    *num = src.size();
    return ACLNN_SUCCESS;
}

template <typename F>
aclnnStatus NnCall(const char *fn, F &&body) noexcept {
    return AbiCall<aclnnStatus>(fn, ACLNN_ERR_INNER, ACLNN_ERR_INNER, static_cast<F &&>(body));
}

}  // namespace

bool IsLiveTensor(const aclTensor *t) { return t != nullptr && Tensors().Contains(t); }

bool ViewElementCount(const aclTensor &t, int64_t *count) { return Product(t.viewShape, count); }

bool StorageElementCount(const aclTensor &t, int64_t *count) { return Product(t.storageShape, count); }

bool IsContiguous(const aclTensor &t) {
    int64_t expected = 1;
    for (size_t i = t.viewShape.size(); i-- > 0;) {
        if (t.viewShape[i] == 0) return true;
    }
    for (size_t i = t.viewShape.size(); i-- > 0;) {
        int64_t d = t.viewShape[i];
        if (d == 1) continue;
        if (i >= t.strides.size() || t.strides[i] != expected) return false;
        if (__builtin_mul_overflow(expected, d, &expected)) return false;
    }
    return true;
}

bool StorageSpanBytes(const aclTensor &t, uint64_t *bytes) {
    uint32_t bits = DataTypeBits(t.dataType);
    if (bits == 0 || t.offset < 0 || t.strides.size() != t.viewShape.size()) return false;
    for (int64_t d : t.viewShape) {
        if (d == 0) {
            *bytes = 0;
            return true;
        }
    }
    uint64_t last = static_cast<uint64_t>(t.offset);
    for (size_t i = 0; i < t.viewShape.size(); ++i) {
        if (t.strides[i] < 0) return false;
        uint64_t step = 0;
        if (__builtin_mul_overflow(static_cast<uint64_t>(t.viewShape[i] - 1), static_cast<uint64_t>(t.strides[i]),
                                   &step) ||
            __builtin_add_overflow(last, step, &last)) {
            return false;
        }
    }
    uint64_t elements = 0, totalBits = 0;
    if (__builtin_add_overflow(last, uint64_t{1}, &elements) ||
        __builtin_mul_overflow(elements, uint64_t{bits}, &totalBits)) {
        return false;
    }
    *bytes = totalBits / 8 + (totalBits % 8 != 0 ? 1 : 0);
    return true;
}

}  // namespace mc2::impl

using namespace mc2::impl;

extern "C" ACL_FUNC_VISIBILITY aclTensor *aclCreateTensor(const int64_t *viewDims, uint64_t viewDimsNum,
                                                          aclDataType dataType, const int64_t *stride, int64_t offset,
                                                          aclFormat format, const int64_t *storageDims,
                                                          uint64_t storageDimsNum, void *tensorData) {
    return AbiCall<aclTensor *>(__func__, nullptr, nullptr, [&]() -> aclTensor * {
        if (!CheckDims("viewDims", viewDims, viewDimsNum)) return nullptr;
        if (viewDimsNum > 0 && stride == nullptr) {
            ReportError("aclCreateTensor: stride is null but viewDimsNum is %" PRIu64, viewDimsNum);
            return nullptr;
        }
        if (!CheckDims("storageDims", storageDims, storageDimsNum)) return nullptr;
        if (offset < 0) {
            ReportError("aclCreateTensor: offset %" PRId64 " is negative", offset);
            return nullptr;
        }
        auto *t = new aclTensor;
        try {
            t->viewShape.assign(viewDims, viewDims + viewDimsNum);
            t->strides.assign(stride, stride + viewDimsNum);
            t->storageShape.assign(storageDims, storageDims + storageDimsNum);
            t->offset = offset;
            t->dataType = EnumBits(dataType);
            t->format = EnumBits(format);
            t->data = tensorData;
            Tensors().Add(t);
        } catch (...) {
            delete t;
            throw;
        }
        return t;
    });
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclDestroyTensor(const aclTensor *tensor) {
    return NnCall(__func__, [&]() -> aclnnStatus {
        if (tensor == nullptr) {
            ReportError("aclDestroyTensor: tensor is null");
            return ACLNN_ERR_PARAM_NULLPTR;
        }
        if (!Tensors().Remove(tensor)) {
            ReportError("aclDestroyTensor: %p is not a live tensor (never created, or already destroyed)",
                        static_cast<const void *>(tensor));
            return ACLNN_ERR_PARAM_INVALID;
        }
        delete tensor;
        return ACLNN_SUCCESS;
    });
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclGetViewShape(const aclTensor *tensor, int64_t **viewDims,
                                                           uint64_t *viewDimsNum) {
    return NnCall(__func__, [&]() -> aclnnStatus {
        if (aclnnStatus e = CheckAccess(__func__, tensor, viewDims); e != ACLNN_SUCCESS) return e;
        return CopyOut(__func__, tensor->viewShape, viewDims, viewDimsNum);
    });
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclGetStorageShape(const aclTensor *tensor, int64_t **storageDims,
                                                              uint64_t *storageDimsNum) {
    return NnCall(__func__, [&]() -> aclnnStatus {
        if (aclnnStatus e = CheckAccess(__func__, tensor, storageDims); e != ACLNN_SUCCESS) return e;
        return CopyOut(__func__, tensor->storageShape, storageDims, storageDimsNum);
    });
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclGetViewStrides(const aclTensor *tensor, int64_t **stridesValue,
                                                             uint64_t *stridesNum) {
    return NnCall(__func__, [&]() -> aclnnStatus {
        if (aclnnStatus e = CheckAccess(__func__, tensor, stridesValue); e != ACLNN_SUCCESS) return e;
        return CopyOut(__func__, tensor->strides, stridesValue, stridesNum);
    });
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclGetViewOffset(const aclTensor *tensor, int64_t *offset) {
    return NnCall(__func__, [&]() -> aclnnStatus {
        if (aclnnStatus e = CheckAccess(__func__, tensor, offset); e != ACLNN_SUCCESS) return e;
        *offset = tensor->offset;
        return ACLNN_SUCCESS;
    });
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclGetFormat(const aclTensor *tensor, aclFormat *format) {
    return NnCall(__func__, [&]() -> aclnnStatus {
        if (aclnnStatus e = CheckAccess(__func__, tensor, format); e != ACLNN_SUCCESS) return e;
        StoreEnumBits(format, tensor->format);
        return ACLNN_SUCCESS;
    });
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclGetDataType(const aclTensor *tensor, aclDataType *dataType) {
    return NnCall(__func__, [&]() -> aclnnStatus {
        if (aclnnStatus e = CheckAccess(__func__, tensor, dataType); e != ACLNN_SUCCESS) return e;
        StoreEnumBits(dataType, tensor->dataType);
        return ACLNN_SUCCESS;
    });
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclGetRawTensorAddr(const aclTensor *tensor, void **addr) {
    return NnCall(__func__, [&]() -> aclnnStatus {
        if (aclnnStatus e = CheckAccess(__func__, tensor, addr); e != ACLNN_SUCCESS) return e;
        *addr = tensor->data;
        return ACLNN_SUCCESS;
    });
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclSetRawTensorAddr(aclTensor *tensor, void *addr) {
    return NnCall(__func__, [&]() -> aclnnStatus {
        if (tensor == nullptr) {
            ReportError("aclSetRawTensorAddr: tensor is null");
            return ACLNN_ERR_PARAM_NULLPTR;
        }
        if (!IsLiveTensor(tensor)) {
            ReportError("aclSetRawTensorAddr: %p is not a live tensor (never created, or destroyed)",
                        static_cast<void *>(tensor));
            return ACLNN_ERR_PARAM_INVALID;
        }
        // A null address is accepted, as at creation: an empty tensor needs none.
        tensor->data = addr;
        return ACLNN_SUCCESS;
    });
}
