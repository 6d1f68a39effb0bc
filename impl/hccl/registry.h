// impl/hccl/registry.h — the live communicators of the process: what an HcclComm handle
// stands for, and lookup by (group name, device) for the operators.
//
// Handles are opaque numbers, never addresses: a destroyed or made-up handle is simply not in
// the table (HCCL_E_PARA instead of a crash), and a new communicator never reuses an old
// handle's value.
#ifndef MC2_IMPL_HCCL_REGISTRY_H_
#define MC2_IMPL_HCCL_REGISTRY_H_

#include <cstdint>
#include <memory>
#include <string>

#include "hccl/communicator.h"
#include "hccl/hccl_types.h"

namespace mc2::impl::hccl {

HcclComm RegisterCommunicator(std::shared_ptr<Communicator> comm);
// nullptr for a null, unknown or destroyed handle.
std::shared_ptr<Communicator> LookupCommunicator(HcclComm handle);
// Removes the handle; returns its communicator, or nullptr when it was not live.
std::shared_ptr<Communicator> UnregisterCommunicator(HcclComm handle);

// A process-unique group name ("mc2_hccl_<pid>_<n>"), shorter than MAX_GROUP_NAME.
std::string NewGroupName();

}  // namespace mc2::impl::hccl

#endif  // MC2_IMPL_HCCL_REGISTRY_H_
