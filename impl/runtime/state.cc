// impl/runtime/state.cc — the registry of devices, contexts and streams (see state.h).
#include "runtime/state.h"

#include "runtime/stream.h"

namespace mc2::impl {

RuntimeState &State() {
    static RuntimeState *state = new RuntimeState;
    return *state;
}

uintptr_t &ThreadContext() {
    thread_local uintptr_t current = 0;
    return current;
}

uintptr_t NewHandleLocked(uintptr_t tag) {
    return tag | (State().nextSerial++ & 0x0000FFFFFFFFFFFFULL);
}

bool IsInitialized() {
    auto &st = State();
    std::lock_guard lock(st.mu);
    return st.initialized;
}

aclError RequireInitLocked(const char *fn) {
    if (State().initialized) return ACL_SUCCESS;
    ReportError("%s: the runtime is not initialised (call aclInit first)", fn);
    return ACL_ERROR_UNINITIALIZE;
}

aclError RequireInit(const char *fn) {
    std::lock_guard lock(State().mu);
    return RequireInitLocked(fn);
}

aclError CheckDeviceId(int32_t id, const char *fn) {
    uint32_t count = DeviceCount();
    if (id >= 0 && static_cast<uint32_t>(id) < count) return ACL_SUCCESS;
    ReportError("%s: device id %d is out of range [0, %u)", fn, id, count);
    return ACL_ERROR_RT_INVALID_DEVICEID;
}

std::shared_ptr<ContextImpl> CurrentContextLocked() {
    uintptr_t h = ThreadContext();
    if (h == 0) return nullptr;
    auto &contexts = State().contexts;
    auto it = contexts.find(h);
    return it == contexts.end() ? nullptr : it->second;
}

aclError NoContextError(const char *fn) {
    if (ThreadContext() != 0) {
        ReportError("%s: this thread's current context %p was destroyed (device reset, context destroyed "
                    "or aclFinalize)", fn, reinterpret_cast<void *>(ThreadContext()));
    } else {
        ReportError("%s: this thread has no current context (call aclrtSetDevice or aclrtSetCurrentContext)", fn);
    }
    return ACL_ERROR_RT_CONTEXT_NULL;
}

std::shared_ptr<ContextImpl> NewContextLocked(int32_t device, bool isDefault) {
    auto ctx = std::make_shared<ContextImpl>();
    ctx->handle = NewHandleLocked(kContextTag);
    ctx->device = device;
    ctx->isDefault = isDefault;
    State().contexts.emplace(ctx->handle, ctx);
    return ctx;
}

void DetachContextLocked(const std::shared_ptr<ContextImpl> &ctx, std::vector<std::shared_ptr<StreamImpl>> *out) {
    auto &st = State();
    for (uintptr_t h : ctx->streams) {
        auto it = st.streams.find(h);
        if (it == st.streams.end()) continue;
        out->push_back(it->second);
        st.streams.erase(it);
    }
    ctx->streams.clear();
    if (ctx->defaultStream) out->push_back(std::move(ctx->defaultStream));
    ctx->defaultStream = nullptr;
    st.contexts.erase(ctx->handle);
}

aclError ShutdownStreams(std::vector<std::shared_ptr<StreamImpl>> &streams, const char *fn) {
    aclError first = ACL_SUCCESS;
    for (auto &s : streams) {
        aclError code = s->Shutdown(fn);
        if (first == ACL_SUCCESS) first = code;
    }
    streams.clear();
    return first;
}

}  // namespace mc2::impl
