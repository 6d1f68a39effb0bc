// impl/atbfw/context.cc — atb::Context and CreateContext / DestroyContext (see context.h).
#include "atbfw/context.h"

#include <new>

#include "atbfw/report.h"
#include "runtime/live_set.h"

namespace mc2::impl::atbfw {
namespace {

LiveSet &LiveContexts() {
    static LiveSet *set = new LiveSet;  // never destroyed: operations may outlive statics
    return *set;
}

atb::Status NewContext(atb::Context **context) {
    if (context == nullptr) return Fail(atb::ERROR_INVALID_PARAM, "CreateContext", "context is null");
    auto *impl = new (std::nothrow) ContextImpl;
    if (impl == nullptr) return Fail(atb::ERROR_OUT_OF_HOST_MEMORY, "CreateContext", "out of host memory");
    LiveContexts().Add(static_cast<atb::Context *>(impl));
    *context = impl;
    return atb::NO_ERROR;
}

}  // namespace

atb::Status ContextImpl::SetExecuteStream(aclrtStream stream) {
    std::lock_guard lock(mu_);
    streams_.at(0) = stream;
    return atb::NO_ERROR;
}

aclrtStream ContextImpl::GetExecuteStream() const {
    std::lock_guard lock(mu_);
    return streams_.at(0);
}

atb::Status ContextImpl::SetAsyncTilingCopyStatus(bool enable) {
    std::lock_guard lock(mu_);
    asyncTilingCopy_ = enable;
    return atb::NO_ERROR;
}

bool ContextImpl::GetAsyncTilingCopyStatus() const {
    std::lock_guard lock(mu_);
    return asyncTilingCopy_;
}

atb::Status ContextImpl::SetExecuteStreams(const std::vector<aclrtStream> &streams) {
    if (streams.empty()) {
        return Fail(atb::ERROR_INVALID_PARAM, "Context::SetExecuteStreams", "the list of streams is empty");
    }
    std::lock_guard lock(mu_);
    streams_ = streams;
    return atb::NO_ERROR;
}

std::vector<aclrtStream> ContextImpl::GetExecuteStreams() {
    std::lock_guard lock(mu_);
    return streams_;
}

atb::Status ContextImpl::SetExecuteType(atb::ExecuteType type) {
    const int v = static_cast<int>(type);
    if (v != atb::EXECUTE_NORMAL && v != atb::EXECUTE_PRELAUNCH && v != atb::EXECUTE_LAUNCH) {
        return Fail(atb::ERROR_INVALID_PARAM, "Context::SetExecuteType",
                    "execute type %d is not EXECUTE_NORMAL, EXECUTE_PRELAUNCH or EXECUTE_LAUNCH", v);
    }
    std::lock_guard lock(mu_);
    executeType_ = type;
    return atb::NO_ERROR;
}

atb::ExecuteType ContextImpl::GetExecuteType() {
    std::lock_guard lock(mu_);
    return executeType_;
}

atb::Status ContextImpl::SetLaunchMode(atb::LaunchMode mode) {
    const int v = static_cast<int>(mode);
    if (v != atb::KERNEL_LAUNCH_MODE && v != atb::GRAPH_LAUNCH_MODE) {
        return Fail(atb::ERROR_INVALID_PARAM, "Context::SetLaunchMode",
                    "launch mode %d is not KERNEL_LAUNCH_MODE or GRAPH_LAUNCH_MODE", v);
    }
    std::lock_guard lock(mu_);
    launchMode_ = mode;
    return atb::NO_ERROR;
}

atb::LaunchMode ContextImpl::GetLaunchMode() {
    std::lock_guard lock(mu_);
    return launchMode_;
}

aclrtStream ContextImpl::StreamFor(uint32_t streamId) const {
    std::lock_guard lock(mu_);
    return streamId < streams_.size() ? streams_[streamId] : nullptr;
}

ContextImpl *LiveContext(atb::Context *context) {
    if (context == nullptr || !LiveContexts().Contains(context)) return nullptr;
    return static_cast<ContextImpl *>(context);
}

}  // namespace mc2::impl::atbfw

namespace atb {

using mc2::impl::atbfw::NewContext;

Status CreateContext(Context **context) { return NewContext(context); }

// The allocator and the tiling block counts size tiling memory, which this emulation does
// not have: they are accepted and not used.
Status CreateContext(Context **context, const std::function<void *(size_t)> &alloc,
                     const std::function<void(void *)> &dealloc) {
    (void)alloc;
    (void)dealloc;
    return NewContext(context);
}

Status CreateContext(Context **context, uint32_t hostTilingBlockNum, uint32_t deviceTilingBlockNum) {
    (void)hostTilingBlockNum;
    (void)deviceTilingBlockNum;
    return NewContext(context);
}

// A null context is a no-op (as in ATB); one that is not live is refused instead of freed
// twice.
Status DestroyContext(Context *context) {
    if (context == nullptr) return NO_ERROR;
    if (!mc2::impl::atbfw::LiveContexts().Remove(context)) {
        return mc2::impl::atbfw::Fail(ERROR_INVALID_PARAM, "DestroyContext",
                                      "context %p is not live (destroyed already, or not made by CreateContext)",
                                      static_cast<void *>(context));
    }
    delete static_cast<mc2::impl::atbfw::ContextImpl *>(context);
    return NO_ERROR;
}

}  // namespace atb
