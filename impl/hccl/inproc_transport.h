// impl/hccl/inproc_transport.h — the in-process transport: the ranks of a group are threads
// of this process sharing one rendezvous object (see transport.h for the contract).
#ifndef MC2_IMPL_HCCL_INPROC_TRANSPORT_H_
#define MC2_IMPL_HCCL_INPROC_TRANSPORT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hccl/transport.h"

namespace mc2::impl::hccl {

// The `size` connected endpoints of one new group; element r is rank r. `name` appears in
// error messages.
std::vector<std::unique_ptr<Transport>> CreateInProcGroup(uint32_t size, const std::string &name);

}  // namespace mc2::impl::hccl

#endif  // MC2_IMPL_HCCL_INPROC_TRANSPORT_H_
