// impl/atbfw/group_comm.h — the communicator ATB creates for a communication operation when
// the caller passes none (hcclComm == nullptr, commMode COMM_MULTI_PROCESS).
//
// In ATB each rank is a process: the ranks of one commDomain exchange an HCCL root info
// through shared memory and call HcclCommInitRootInfo. In this one-process emulation the ranks
// are threads, so the exchange is a process-wide table: the first rank of (commDomain,
// rankSize) to arrive draws a root info (HcclGetRootInfo), the others of that round take the
// same one, and each joins with HcclCommInitRootInfo on its thread's current device. The
// call blocks until every rank joined or HCCL's connect timeout passed (HCCL_CONNECT_TIMEOUT,
// MC2_HCCL_TIMEOUT_MS). Each operation owns the communicator it joined.
#ifndef MC2_IMPL_ATBFW_GROUP_COMM_H_
#define MC2_IMPL_ATBFW_GROUP_COMM_H_

#include <string>

#include "hccl/hccl_types.h"

namespace mc2::impl::atbfw {

// HCCL_SUCCESS with *comm set, or the HCCL error (with *why) of the failed join.
HcclResult JoinGroupComm(const std::string &commDomain, int rankSize, int rank, HcclComm *comm, std::string *why);

}  // namespace mc2::impl::atbfw

#endif  // MC2_IMPL_ATBFW_GROUP_COMM_H_
