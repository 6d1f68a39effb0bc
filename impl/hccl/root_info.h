// impl/hccl/root_info.h — the root-info rendezvous behind HcclGetRootInfo /
// HcclCommInitRootInfo: rank threads that present the same root-info bytes form one group, or
// ranks in separate processes joined over sockets when the bytes name a socket group.
#ifndef MC2_IMPL_HCCL_ROOT_INFO_H_
#define MC2_IMPL_HCCL_ROOT_INFO_H_

#include <cstdint>
#include <memory>

#include "hccl/communicator.h"
#include "hccl/hccl_types.h"
#include "hccl/status.h"

namespace mc2::impl::hccl {

// Writes a process-unique id into `info` (the rest of the bytes zeroed): an in-process group's,
// or with MC2_HCCL_TRANSPORT=socket a socket group's (socket_transport.h: a listener is opened).
Status NewRootInfo(HcclRootInfo *info);

// Joins the group named by `info` as `rank` of `n_ranks`, running on `device`. Blocks until
// all ranks joined (then *out is this rank's communicator) or the connect timeout passed
// (HCCL_E_TIMEOUT for every waiting rank; later joiners of that id fail at once).
// HCCL_E_PARA: bytes that HcclGetRootInfo did not write, a rank or device already taken, or
// an n_ranks that differs from the other ranks'.
Status JoinRootInfo(const HcclRootInfo &info, uint32_t n_ranks, uint32_t rank, int32_t device,
                    std::shared_ptr<Communicator> *out);

}  // namespace mc2::impl::hccl

#endif  // MC2_IMPL_HCCL_ROOT_INFO_H_
