// impl/ops/common/tiling_checks.h — limits the vendor enforces in its tiling layer rather than
// in the op_api (spec-notes/ops.md §1.2 item 2): refused here at GetWorkspaceSize with
// ACLNN_ERR_INNER_TILING_ERROR (561002), the "inner error" class, after every documented
// 161001/161002 check.
#ifndef MC2_IMPL_OPS_COMMON_TILING_CHECKS_H_
#define MC2_IMPL_OPS_COMMON_TILING_CHECKS_H_

#include <cstdint>
#include <vector>

#include "hccl/communicator.h"
#include "ops/common/checks.h"
#include "ops/common/platform.h"

namespace mc2::impl::ops {

// The world size of `comm` must be one of `sizesOf(platform)` for the emulated platform
// (platform.h): 561002 otherwise, 561000 when MC2_PLATFORM names no known platform.
bool CheckWorldSize(Checker &c, const hccl::Communicator &comm, const std::vector<uint32_t> &(*sizesOf)(Platform));

}  // namespace mc2::impl::ops

#endif  // MC2_IMPL_OPS_COMMON_TILING_CHECKS_H_
