// impl/runtime/context.cc — explicit contexts and the per-thread current context.
//
// aclrtCreateContext makes the new context current on the calling thread. Destroying a context
// drains and destroys the streams created on it. A device's default context (the one
// aclrtSetDevice makes current) cannot be destroyed here: aclrtResetDevice releases it.
#include <memory>
#include <vector>

#include "runtime/abi_call.h"
#include "runtime/state.h"
#include "runtime/stream.h"

using namespace mc2::impl;

extern "C" ACL_FUNC_VISIBILITY aclError aclrtCreateContext(aclrtContext *context, int32_t deviceId) {
    return AclCall(__func__, [&]() -> aclError {
        if (context == nullptr) {
            ReportError("aclrtCreateContext: context (output pointer) is null");
            return ACL_ERROR_INVALID_PARAM;
        }
        std::lock_guard lock(State().mu);
        if (aclError e = RequireInitLocked(__func__); e != ACL_SUCCESS) return e;
        if (aclError e = CheckDeviceId(deviceId, __func__); e != ACL_SUCCESS) return e;
        auto ctx = NewContextLocked(deviceId, false);
        ThreadContext() = ctx->handle;
        *context = reinterpret_cast<aclrtContext>(ctx->handle);
        return ACL_SUCCESS;
    });
}

extern "C" ACL_FUNC_VISIBILITY aclError aclrtDestroyContext(aclrtContext context) {
    return AclCall(__func__, [&]() -> aclError {
        if (context == nullptr) {
            ReportError("aclrtDestroyContext: context is null");
            return ACL_ERROR_INVALID_PARAM;
        }
        std::vector<std::shared_ptr<StreamImpl>> streams;
        {
            auto &st = State();
            std::lock_guard lock(st.mu);
            if (aclError e = RequireInitLocked(__func__); e != ACL_SUCCESS) return e;
            auto it = st.contexts.find(reinterpret_cast<uintptr_t>(context));
            if (it == st.contexts.end()) {
                ReportError("aclrtDestroyContext: %p is not a live context (never created, or already destroyed)",
                            context);
                return ACL_ERROR_RT_PARAM_INVALID;
            }
            if (it->second->isDefault) {
                ReportError("aclrtDestroyContext: %p is the default context of device %d; aclrtResetDevice "
                            "releases it",
                            context, it->second->device);
                return ACL_ERROR_INVALID_PARAM;
            }
            DetachContextLocked(it->second, &streams);
            // Other threads that have it current see a stale handle and get
            // ACL_ERROR_RT_CONTEXT_NULL; this thread simply has none now.
            if (ThreadContext() == reinterpret_cast<uintptr_t>(context)) ThreadContext() = 0;
        }
        return ShutdownStreams(streams, __func__);
    });
}

extern "C" ACL_FUNC_VISIBILITY aclError aclrtSetCurrentContext(aclrtContext context) {
    return AclCall(__func__, [&]() -> aclError {
        if (context == nullptr) {
            ReportError("aclrtSetCurrentContext: context is null");
            return ACL_ERROR_INVALID_PARAM;
        }
        auto &st = State();
        std::lock_guard lock(st.mu);
        if (aclError e = RequireInitLocked(__func__); e != ACL_SUCCESS) return e;
        if (st.contexts.count(reinterpret_cast<uintptr_t>(context)) == 0) {
            ReportError("aclrtSetCurrentContext: %p is not a live context (never created, or destroyed)", context);
            return ACL_ERROR_RT_PARAM_INVALID;
        }
        ThreadContext() = reinterpret_cast<uintptr_t>(context);
        return ACL_SUCCESS;
    });
}

extern "C" ACL_FUNC_VISIBILITY aclError aclrtGetCurrentContext(aclrtContext *context) {
    return AclCall(__func__, [&]() -> aclError {
        if (context == nullptr) {
            ReportError("aclrtGetCurrentContext: context (output pointer) is null");
            return ACL_ERROR_INVALID_PARAM;
        }
        *context = nullptr;
        std::lock_guard lock(State().mu);
        if (aclError e = RequireInitLocked(__func__); e != ACL_SUCCESS) return e;
        auto ctx = CurrentContextLocked();
        if (!ctx) return NoContextError(__func__);
        *context = reinterpret_cast<aclrtContext>(ctx->handle);
        return ACL_SUCCESS;
    });
}
