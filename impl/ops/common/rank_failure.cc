// impl/ops/common/rank_failure.cc — failing a collective operator's stream task (see
// rank_failure.h).
#include "ops/common/rank_failure.h"

#include "runtime/runtime.h"

namespace mc2::impl::ops {

void ReportRankError(const std::string &api, const hccl::Communicator &comm, const std::string &why) {
    ReportError("%s: rank %u of group \"%s\": %s", api.c_str(), comm.Rank(), comm.Name().c_str(), why.c_str());
}

aclError FailRank(const std::string &api, hccl::Communicator &comm, const std::string &why) {
    ReportRankError(api, comm, why);
    comm.Abort("rank " + std::to_string(comm.Rank()) + " failed in " + api + ": " + why);
    return ACLNN_ERR_INNER;
}

}  // namespace mc2::impl::ops
