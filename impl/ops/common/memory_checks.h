// impl/ops/common/memory_checks.h — the operators' tensors and workspace must be device memory
// (aclrtMalloc), at GetWorkspaceSize and again when the stream runs the task: the caller may
// free memory between the phases, and touching it then would corrupt whatever reused it.
#ifndef MC2_IMPL_OPS_COMMON_MEMORY_CHECKS_H_
#define MC2_IMPL_OPS_COMMON_MEMORY_CHECKS_H_

#include <cstdint>
#include <span>
#include <string>

#include "ops/common/checks.h"
#include "ops/common/tensor_desc.h"

namespace mc2::impl::ops {

// 161002 unless the bytes the view can touch lie in one live device allocation (an empty view
// touches nothing and passes). Always passes in the vendor-faithful variant (faults.h).
bool CheckDeviceMemory(Checker &c, const TensorDesc &t, const char *name);

struct NamedDesc {
    const TensorDesc *desc;  // null: absent optional tensor, skipped
    const char *name;
};

// Execute phase: false, with *why, when a tensor's memory or the workspace (when
// workspaceBytes > 0) is no longer a live device allocation.
bool StillDeviceMemory(std::span<const NamedDesc> tensors, const void *workspace, uint64_t workspaceBytes,
                       std::string *why);

}  // namespace mc2::impl::ops

#endif  // MC2_IMPL_OPS_COMMON_MEMORY_CHECKS_H_
