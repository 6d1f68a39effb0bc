// impl/hccl/status.h — the result of an internal HCCL call: a public HcclResult code plus a
// human-readable message (what the ABI layer reports through aclGetRecentErrMsg).
#ifndef MC2_IMPL_HCCL_STATUS_H_
#define MC2_IMPL_HCCL_STATUS_H_

#include <string>
#include <utility>

#include "hccl/hccl_types.h"

namespace mc2::impl::hccl {

struct Status {
    HcclResult code = HCCL_SUCCESS;
    std::string message;

    bool ok() const { return code == HCCL_SUCCESS; }
    static Status Ok() { return {}; }
    static Status Error(HcclResult c, std::string m) { return {c, std::move(m)}; }
};

// "HCCL_E_TIMEOUT" etc., for messages.
const char *ResultName(HcclResult code);

}  // namespace mc2::impl::hccl

#endif  // MC2_IMPL_HCCL_STATUS_H_
