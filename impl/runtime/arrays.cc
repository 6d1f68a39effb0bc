// impl/runtime/arrays.cc — aclCreate/Destroy{Int,Float,Bool}Array and aclGetIntArraySize.
// A null value pointer is accepted only with size 0 (an empty array); the values are copied.
#include "runtime/arrays.h"

#include <cinttypes>

#include "runtime/abi_call.h"
#include "runtime/live_set.h"

namespace mc2::impl {
namespace {

// One set per kind, so destroying an array through the wrong kind's function is refused
// instead of deleting it as the wrong type.
template <typename A>
LiveSet &Arrays() {
    static LiveSet *set = new LiveSet;
    return *set;
}

template <typename A, typename T>
A *Create(const char *fn, const T *value, uint64_t size) {
    return AbiCall<A *>(fn, nullptr, nullptr, [&]() -> A * {
        if (value == nullptr && size > 0) {
            ReportError("%s: value is null but size is %" PRIu64, fn, size);
            return nullptr;
        }
        auto *a = new A;
        try {
            if (size > 0) a->values.assign(value, value + size);
            Arrays<A>().Add(a);
        } catch (...) {
            delete a;
            throw;
        }
        return a;
    });
}

template <typename A>
aclnnStatus Destroy(const char *fn, const A *array) {
    return AbiCall<aclnnStatus>(fn, ACLNN_ERR_INNER, ACLNN_ERR_INNER, [&]() -> aclnnStatus {
        if (array == nullptr) {
            ReportError("%s: array is null", fn);
            return ACLNN_ERR_PARAM_NULLPTR;
        }
        if (!Arrays<A>().Remove(array)) {
            ReportError("%s: %p is not a live array (never created, or already destroyed)", fn,
                        static_cast<const void *>(array));
            return ACLNN_ERR_PARAM_INVALID;
        }
        delete array;
        return ACLNN_SUCCESS;
    });
}

}  // namespace

bool IsLiveArray(const aclIntArray *array) { return array != nullptr && Arrays<aclIntArray>().Contains(array); }
bool IsLiveArray(const aclFloatArray *array) { return array != nullptr && Arrays<aclFloatArray>().Contains(array); }
bool IsLiveArray(const aclBoolArray *array) { return array != nullptr && Arrays<aclBoolArray>().Contains(array); }

}  // namespace mc2::impl

using namespace mc2::impl;

extern "C" ACL_FUNC_VISIBILITY aclIntArray *aclCreateIntArray(const int64_t *value, uint64_t size) {
    return Create<aclIntArray>(__func__, value, size);
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclDestroyIntArray(const aclIntArray *array) {
    return Destroy(__func__, array);
}

extern "C" ACL_FUNC_VISIBILITY aclFloatArray *aclCreateFloatArray(const float *value, uint64_t size) {
    return Create<aclFloatArray>(__func__, value, size);
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclDestroyFloatArray(const aclFloatArray *array) {
    return Destroy(__func__, array);
}

extern "C" ACL_FUNC_VISIBILITY aclBoolArray *aclCreateBoolArray(const bool *value, uint64_t size) {
    return Create<aclBoolArray>(__func__, value, size);
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclDestroyBoolArray(const aclBoolArray *array) {
    return Destroy(__func__, array);
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclGetIntArraySize(const aclIntArray *array, uint64_t *size) {
    if (array == nullptr || size == nullptr) {
        ReportError("aclGetIntArraySize: %s is null", array == nullptr ? "array" : "size");
        return ACLNN_ERR_PARAM_NULLPTR;
    }
    if (!IsLiveArray(array)) {
        ReportError("aclGetIntArraySize: %p is not a live array", static_cast<const void *>(array));
        return ACLNN_ERR_PARAM_INVALID;
    }
    *size = array->values.size();
    return ACLNN_SUCCESS;
}
