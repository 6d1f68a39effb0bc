// impl/runtime/stream_api.cc — the stream ABI (create, destroy, synchronize) and LookupStream.
#include <memory>

#include "runtime/abi_call.h"
#include "runtime/state.h"
#include "runtime/stream.h"

namespace mc2::impl {
namespace {

void *AsPtr(uintptr_t h) { return reinterpret_cast<void *>(h); }

// Resolves `handle` (nullptr = the current context's default stream, created on first use).
// Returns nullptr with *code set and a message reported when it cannot.
std::shared_ptr<StreamImpl> ResolveStream(aclrtStream handle, const char *fn, aclError *code) {
    auto &st = State();
    std::lock_guard lock(st.mu);
    if ((*code = RequireInitLocked(fn)) != ACL_SUCCESS) return nullptr;
    if (handle == nullptr) {
        auto ctx = CurrentContextLocked();
        if (!ctx) {
            *code = NoContextError(fn);
            return nullptr;
        }
        if (!ctx->defaultStream) {
            ctx->defaultStream = std::make_shared<StreamImpl>(NewHandleLocked(kStreamTag), ctx->handle, ctx->device);
        }
        return ctx->defaultStream;
    }
    auto it = st.streams.find(reinterpret_cast<uintptr_t>(handle));
    if (it == st.streams.end()) {
        ReportError("%s: %p is not a live stream (never created by aclrtCreateStream, or already destroyed)", fn,
                    handle);
        *code = ACL_ERROR_RT_PARAM_INVALID;
        return nullptr;
    }
    return it->second;
}

aclError SyncStream(aclrtStream stream, int32_t timeout, const char *fn) {
    if (timeout < -1 || timeout == 0) {
        ReportError("%s: timeout %d ms is invalid (-1 = wait forever, or > 0)", fn, timeout);
        return ACL_ERROR_INVALID_PARAM;
    }
    aclError code = ACL_SUCCESS;
    auto s = ResolveStream(stream, fn, &code);
    if (!s) return code;
    return s->Synchronize(timeout, fn);
}

}  // namespace

Stream *LookupStream(aclrtStream handle) {
    return AbiCall<Stream *>("LookupStream", nullptr, nullptr, [&]() -> Stream * {
        aclError code = ACL_SUCCESS;
        return ResolveStream(handle, "LookupStream", &code).get();
    });
}

}  // namespace mc2::impl

using namespace mc2::impl;

extern "C" ACL_FUNC_VISIBILITY aclError aclrtCreateStream(aclrtStream *stream) {
    return AclCall(__func__, [&]() -> aclError {
        if (stream == nullptr) {
            ReportError("aclrtCreateStream: stream (output pointer) is null");
            return ACL_ERROR_INVALID_PARAM;
        }
        auto &st = State();
        std::lock_guard lock(st.mu);
        if (aclError e = RequireInitLocked(__func__); e != ACL_SUCCESS) return e;
        auto ctx = CurrentContextLocked();
        if (!ctx) return NoContextError(__func__);
        auto s = std::make_shared<StreamImpl>(NewHandleLocked(kStreamTag), ctx->handle, ctx->device);
        st.streams.emplace(s->Handle(), s);
        ctx->streams.insert(s->Handle());
        *stream = AsPtr(s->Handle());
        return ACL_SUCCESS;
    });
}

extern "C" ACL_FUNC_VISIBILITY aclError aclrtDestroyStream(aclrtStream stream) {
    return AclCall(__func__, [&]() -> aclError {
        if (stream == nullptr) {
            ReportError("aclrtDestroyStream: stream is null (a context's default stream cannot be destroyed)");
            return ACL_ERROR_INVALID_PARAM;
        }
        std::shared_ptr<StreamImpl> s;
        {
            auto &st = State();
            std::lock_guard lock(st.mu);
            if (aclError e = RequireInitLocked(__func__); e != ACL_SUCCESS) return e;
            auto h = reinterpret_cast<uintptr_t>(stream);
            auto it = st.streams.find(h);
            if (it == st.streams.end()) {
                ReportError("aclrtDestroyStream: %p is not a live stream (never created, or already destroyed)",
                            stream);
                return ACL_ERROR_RT_PARAM_INVALID;
            }
            s = std::move(it->second);
            st.streams.erase(it);
            for (auto &[ch, ctx] : st.contexts) ctx->streams.erase(h);
        }
        return s->Shutdown(__func__);
    });
}

extern "C" ACL_FUNC_VISIBILITY aclError aclrtSynchronizeStream(aclrtStream stream) {
    return AclCall(__func__, [&] { return SyncStream(stream, -1, "aclrtSynchronizeStream"); });
}

extern "C" ACL_FUNC_VISIBILITY aclError aclrtSynchronizeStreamWithTimeout(aclrtStream stream, int32_t timeout) {
    return AclCall(__func__, [&] { return SyncStream(stream, timeout, "aclrtSynchronizeStreamWithTimeout"); });
}
