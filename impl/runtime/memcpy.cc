// impl/runtime/memcpy.cc — aclrtMemcpy, aclrtMemcpyAsync and aclrtMemset with CANN's checks.
//
// Check order (first failure wins), all ACL_ERROR_INVALID_PARAM with a message:
//   null dst/src -> kind not an aclrtMemcpyKind -> destMax < count -> (count 0: success, nothing
//   else checked) -> each side matches its kind: a device side must lie inside one live
//   aclrtMalloc block, a host side must not touch any device block (guards included).
// ACL_MEMCPY_DEFAULT infers each side from its address (inside a device block = device).
// The async form validates at the call and again when the task runs (the block may have been
// freed meanwhile; the task then fails with ACL_ERROR_RT_PARAM_INVALID).
#include <cstdio>
#include <cstring>
#include <string>

#include "runtime/abi_call.h"
#include "runtime/enum_bits.h"
#include "runtime/memory.h"
#include "runtime/state.h"

namespace mc2::impl {
namespace {

const char *SideName(bool device) { return device ? "device" : "host"; }

aclError CheckSide(const char *fn, const char *which, const void *p, size_t count, bool device, int32_t kind) {
    if (device) {
        if (IsDeviceMemory(p, count)) return ACL_SUCCESS;
        ReportError("%s: %s must be device memory for kind %d, but %s", fn, which, kind,
                    ExplainNotDeviceMemory(p, count).c_str());
        return ACL_ERROR_INVALID_PARAM;
    }
    if (!OverlapsDeviceMemory(p, count)) return ACL_SUCCESS;
    ReportError("%s: %s [%p, +%zu bytes) must be host memory for kind %d, but it is device memory", fn, which, p,
                count, kind);
    return ACL_ERROR_INVALID_PARAM;
}

// Validates a copy; on success *dstDevice/*srcDevice say which sides are device memory.
aclError CheckCopy(const char *fn, void *dst, size_t destMax, const void *src, size_t count, int32_t kind,
                   bool *dstDevice, bool *srcDevice) {
    if (dst == nullptr || src == nullptr) {
        ReportError("%s: %s is null", fn, dst == nullptr ? "dst" : "src");
        return ACL_ERROR_INVALID_PARAM;
    }
    switch (kind) {
        case ACL_MEMCPY_HOST_TO_HOST: *dstDevice = false, *srcDevice = false; break;
        case ACL_MEMCPY_HOST_TO_DEVICE: *dstDevice = true, *srcDevice = false; break;
        case ACL_MEMCPY_DEVICE_TO_HOST: *dstDevice = false, *srcDevice = true; break;
        case ACL_MEMCPY_DEVICE_TO_DEVICE: *dstDevice = true, *srcDevice = true; break;
        case ACL_MEMCPY_DEFAULT:
            *dstDevice = OverlapsDeviceMemory(dst, 1);
            *srcDevice = OverlapsDeviceMemory(src, 1);
            break;
        default:
            ReportError("%s: kind %d is not an aclrtMemcpyKind", fn, kind);
            return ACL_ERROR_INVALID_PARAM;
    }
    if (destMax < count) {
        ReportError("%s: count %zu exceeds destMax %zu", fn, count, destMax);
        return ACL_ERROR_INVALID_PARAM;
    }
    if (count == 0) return ACL_SUCCESS;
    if (aclError e = CheckSide(fn, "dst", dst, count, *dstDevice, kind); e != ACL_SUCCESS) return e;
    return CheckSide(fn, "src", src, count, *srcDevice, kind);
}

}  // namespace
}  // namespace mc2::impl

using namespace mc2::impl;

extern "C" ACL_FUNC_VISIBILITY aclError aclrtMemcpy(void *dst, size_t destMax, const void *src, size_t count,
                                                    aclrtMemcpyKind kind) {
    return AclCall(__func__, [&]() -> aclError {
        if (aclError e = RequireInit(__func__); e != ACL_SUCCESS) return e;
        bool dstDevice = false, srcDevice = false;
        aclError e = CheckCopy(__func__, dst, destMax, src, count, EnumBits(kind), &dstDevice, &srcDevice);
        if (e != ACL_SUCCESS) return e;
        if (count > 0) std::memmove(dst, src, count);
        return ACL_SUCCESS;
    });
}

extern "C" ACL_FUNC_VISIBILITY aclError aclrtMemcpyAsync(void *dst, size_t destMax, const void *src, size_t count,
                                                         aclrtMemcpyKind kind, aclrtStream stream) {
    return AclCall(__func__, [&]() -> aclError {
        if (aclError e = RequireInit(__func__); e != ACL_SUCCESS) return e;
        bool dstDevice = false, srcDevice = false;
        aclError e = CheckCopy(__func__, dst, destMax, src, count, EnumBits(kind), &dstDevice, &srcDevice);
        if (e != ACL_SUCCESS) return e;
        Stream *s = LookupStream(stream);
        if (s == nullptr) {  // LookupStream said why
            return stream == nullptr ? ACL_ERROR_RT_CONTEXT_NULL : ACL_ERROR_RT_PARAM_INVALID;
        }
        if (count == 0) return ACL_SUCCESS;
        char label[96];
        std::snprintf(label, sizeof label, "aclrtMemcpyAsync %s->%s %zu bytes", SideName(srcDevice),
                      SideName(dstDevice), count);
        return s->Enqueue(
            [=]() -> aclError {
                if ((dstDevice && !IsDeviceMemory(dst, count)) || (srcDevice && !IsDeviceMemory(src, count))) {
                    const void *bad = dstDevice && !IsDeviceMemory(dst, count) ? dst : src;
                    ReportError("aclrtMemcpyAsync: when the copy ran, %s (freed after the call?)",
                                ExplainNotDeviceMemory(bad, count).c_str());
                    return ACL_ERROR_RT_PARAM_INVALID;
                }
                std::memmove(dst, src, count);
                return ACL_SUCCESS;
            },
            label);
    });
}

extern "C" ACL_FUNC_VISIBILITY aclError aclrtMemset(void *devPtr, size_t maxCount, int32_t value, size_t count) {
    return AclCall(__func__, [&]() -> aclError {
        if (devPtr == nullptr) {
            ReportError("aclrtMemset: devPtr is null");
            return ACL_ERROR_INVALID_PARAM;
        }
        if (aclError e = RequireInit(__func__); e != ACL_SUCCESS) return e;
        if (maxCount < count) {
            ReportError("aclrtMemset: count %zu exceeds maxCount %zu", count, maxCount);
            return ACL_ERROR_INVALID_PARAM;
        }
        if (count == 0) return ACL_SUCCESS;
        if (!IsDeviceMemory(devPtr, count)) {
            ReportError("aclrtMemset: %s", ExplainNotDeviceMemory(devPtr, count).c_str());
            return ACL_ERROR_INVALID_PARAM;
        }
        // Like memset, only the low byte of `value` is used.
        std::memset(devPtr, static_cast<unsigned char>(value & 0xFF), count);
        return ACL_SUCCESS;
    });
}
