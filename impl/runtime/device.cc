// impl/runtime/device.cc — emulated devices: count, selection (aclrtSetDevice makes the
// device's default context current), reference-counted reset, run mode, device-wide sync.
//
// aclrtSetDevice/aclrtResetDevice are counted process-wide, as in CANN: the device's default
// context (and the streams created on it) is released by the reset that balances the last
// set. A reset of a device with no outstanding set is a successful no-op. Contexts created
// with aclrtCreateContext are not released by a reset; aclrtDestroyContext or aclFinalize
// releases them.
#include <cstdlib>
#include <memory>
#include <vector>

#include "runtime/abi_call.h"
#include "runtime/state.h"
#include "runtime/stream.h"

namespace mc2::impl {

uint32_t DeviceCount() {
    const char *env = std::getenv("MC2_DEVICE_COUNT");
    if (env != nullptr) {
        char *end = nullptr;
        long v = std::strtol(env, &end, 10);
        // An unusable value is ignored rather than failing every call that needs the count.
        if (end != env && *end == '\0' && v >= 1 && v <= 1024) return static_cast<uint32_t>(v);
    }
    return 64;
}

int32_t CurrentDeviceId() {
    try {
        std::lock_guard lock(State().mu);
        auto ctx = CurrentContextLocked();
        return ctx ? ctx->device : -1;
    } catch (...) {
        return -1;
    }
}

}  // namespace mc2::impl

using namespace mc2::impl;

extern "C" ACL_FUNC_VISIBILITY aclError aclrtGetDeviceCount(uint32_t *count) {
    // Needs no aclInit: it describes the emulated machine, not the session.
    if (count == nullptr) {
        ReportError("aclrtGetDeviceCount: count is null");
        return ACL_ERROR_INVALID_PARAM;
    }
    *count = DeviceCount();
    return ACL_SUCCESS;
}

extern "C" ACL_FUNC_VISIBILITY aclError aclrtSetDevice(int32_t deviceId) {
    return AclCall(__func__, [&]() -> aclError {
        auto &st = State();
        std::lock_guard lock(st.mu);
        if (aclError e = RequireInitLocked(__func__); e != ACL_SUCCESS) return e;
        if (aclError e = CheckDeviceId(deviceId, __func__); e != ACL_SUCCESS) return e;
        DeviceState &dev = st.devices[deviceId];
        if (dev.refCount == 0 || st.contexts.count(dev.defaultContext) == 0) {
            dev.defaultContext = NewContextLocked(deviceId, true)->handle;
        }
        ++dev.refCount;
        ThreadContext() = dev.defaultContext;
        return ACL_SUCCESS;
    });
}

extern "C" ACL_FUNC_VISIBILITY aclError aclrtGetDevice(int32_t *deviceId) {
    return AclCall(__func__, [&]() -> aclError {
        if (deviceId == nullptr) {
            ReportError("aclrtGetDevice: deviceId is null");
            return ACL_ERROR_INVALID_PARAM;
        }
        std::lock_guard lock(State().mu);
        if (aclError e = RequireInitLocked(__func__); e != ACL_SUCCESS) return e;
        auto ctx = CurrentContextLocked();
        if (!ctx) return NoContextError(__func__);
        *deviceId = ctx->device;
        return ACL_SUCCESS;
    });
}

extern "C" ACL_FUNC_VISIBILITY aclError aclrtResetDevice(int32_t deviceId) {
    return AclCall(__func__, [&]() -> aclError {
        std::vector<std::shared_ptr<StreamImpl>> streams;
        {
            auto &st = State();
            std::lock_guard lock(st.mu);
            if (aclError e = RequireInitLocked(__func__); e != ACL_SUCCESS) return e;
            if (aclError e = CheckDeviceId(deviceId, __func__); e != ACL_SUCCESS) return e;
            auto it = st.devices.find(deviceId);
            if (it == st.devices.end() || it->second.refCount == 0) return ACL_SUCCESS;
            if (--it->second.refCount > 0) return ACL_SUCCESS;
            auto ctx = st.contexts.find(it->second.defaultContext);
            if (ctx != st.contexts.end()) DetachContextLocked(ctx->second, &streams);
            st.devices.erase(it);
        }
        return ShutdownStreams(streams, __func__);
    });
}

extern "C" ACL_FUNC_VISIBILITY aclError aclrtGetRunMode(aclrtRunMode *runMode) {
    if (runMode == nullptr) {
        ReportError("aclrtGetRunMode: runMode is null");
        return ACL_ERROR_INVALID_PARAM;
    }
    *runMode = ACL_HOST;  // the program runs on the host and drives devices, as on a server
    return ACL_SUCCESS;
}

extern "C" ACL_FUNC_VISIBILITY aclError aclrtSynchronizeDevice() {
    return AclCall(__func__, [&]() -> aclError {
        std::vector<std::shared_ptr<StreamImpl>> streams;
        {
            auto &st = State();
            std::lock_guard lock(st.mu);
            if (aclError e = RequireInitLocked(__func__); e != ACL_SUCCESS) return e;
            auto current = CurrentContextLocked();
            if (!current) return NoContextError(__func__);
            for (auto &[h, ctx] : st.contexts) {
                if (ctx->device != current->device) continue;
                if (ctx->defaultStream) streams.push_back(ctx->defaultStream);
                for (uintptr_t sh : ctx->streams) {
                    auto it = st.streams.find(sh);
                    if (it != st.streams.end()) streams.push_back(it->second);
                }
            }
        }
        // Every stream is waited for (and its error reported) even after one failed.
        aclError first = ACL_SUCCESS;
        for (auto &s : streams) {
            aclError code = s->Synchronize(-1, __func__);
            if (first == ACL_SUCCESS) first = code;
        }
        return first;
    });
}
