// impl/hccl/api_util.h — shared pieces of the exported HCCL functions: the exception barrier
// (nothing throws across the C ABI) and error reporting into aclGetRecentErrMsg.
#ifndef MC2_IMPL_HCCL_API_UTIL_H_
#define MC2_IMPL_HCCL_API_UTIL_H_

#include <exception>
#include <new>
#include <string>

#include "hccl/status.h"
#include "runtime/runtime.h"

namespace mc2::impl::hccl {

// Reports `st` (prefixed by the function name) and returns its code.
inline HcclResult Fail(const char *fn, const Status &st) {
    ReportErrorString(std::string(fn) + ": " + st.message + " [" + ResultName(st.code) + "]");
    return st.code;
}

inline HcclResult Fail(const char *fn, HcclResult code, const std::string &message) {
    return Fail(fn, Status::Error(code, message));
}

template <typename F>
HcclResult HcclCall(const char *fn, F &&body) noexcept {
    try {
        return body();
    } catch (const std::bad_alloc &) {
        ReportError("%s: out of host memory [HCCL_E_MEMORY]", fn);
        return HCCL_E_MEMORY;
    } catch (const std::exception &e) {
        ReportError("%s: internal error: %s [HCCL_E_INTERNAL]", fn, e.what());
        return HCCL_E_INTERNAL;
    } catch (...) {
        ReportError("%s: internal error [HCCL_E_INTERNAL]", fn);
        return HCCL_E_INTERNAL;
    }
}

}  // namespace mc2::impl::hccl

#endif  // MC2_IMPL_HCCL_API_UTIL_H_
