// impl/runtime/abi_call.h — the exception barrier every exported function runs its body in.
// Nothing may throw across the C ABI: std::bad_alloc becomes the caller-chosen "out of memory"
// code, anything else an internal-error code, each with a message for aclGetRecentErrMsg.
#ifndef MC2_IMPL_RUNTIME_ABI_CALL_H_
#define MC2_IMPL_RUNTIME_ABI_CALL_H_

#include <exception>
#include <new>

#include "runtime/runtime.h"

namespace mc2::impl {

template <typename R, typename F>
R AbiCall(const char *fn, R onBadAlloc, R onError, F &&body) noexcept {
    try {
        return body();
    } catch (const std::bad_alloc &) {
        ReportError("%s: out of host memory", fn);
        return onBadAlloc;
    } catch (const std::exception &e) {
        ReportError("%s: internal error: %s", fn, e.what());
        return onError;
    } catch (...) {
        ReportError("%s: internal error (unknown exception)", fn);
        return onError;
    }
}

// The common case: an aclError-returning runtime call.
template <typename F>
aclError AclCall(const char *fn, F &&body) noexcept {
    return AbiCall<aclError>(fn, ACL_ERROR_BAD_ALLOC, ACL_ERROR_INTERNAL_ERROR, static_cast<F &&>(body));
}

}  // namespace mc2::impl

#endif  // MC2_IMPL_RUNTIME_ABI_CALL_H_
