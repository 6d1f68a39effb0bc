// impl/ops/common/rank_failure.h — how a stream task of a collective operator fails: with a
// message naming the API, the rank and the group, and (where the peers could otherwise wait)
// by aborting the communicator, so their collectives fail at once instead of at the timeout.
#ifndef MC2_IMPL_OPS_COMMON_RANK_FAILURE_H_
#define MC2_IMPL_OPS_COMMON_RANK_FAILURE_H_

#include <exception>
#include <string>

#include "acl/acl.h"
#include "aclnn/acl_meta.h"
#include "hccl/communicator.h"

namespace mc2::impl::ops {

// Reports "<api>: rank <r> of group "<g>": <why>" without touching the communicator: for a
// failure every rank sees the same way (the handshake), which leaves the group usable.
void ReportRankError(const std::string &api, const hccl::Communicator &comm, const std::string &why);

// ReportRankError, then aborts the communicator ("rank <r> failed in <api>: <why>") so the
// peers stop waiting for this rank. Returns ACLNN_ERR_INNER, the task's status.
aclError FailRank(const std::string &api, hccl::Communicator &comm, const std::string &why);

// Runs a task body; an exception escaping it becomes FailRank("internal error: ...") (nothing
// may leave a stream task without aborting the group first).
template <typename F>
aclError RunTask(const std::string &api, hccl::Communicator &comm, F &&body) {
    try {
        return body();
    } catch (const std::exception &e) {
        return FailRank(api, comm, std::string("internal error: ") + e.what());
    } catch (...) {
        return FailRank(api, comm, "internal error (unknown exception)");
    }
}

}  // namespace mc2::impl::ops

#endif  // MC2_IMPL_OPS_COMMON_RANK_FAILURE_H_
