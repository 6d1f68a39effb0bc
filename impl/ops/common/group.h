// impl/ops/common/group.h — the `group` argument of the MC2 operators: the name
// HcclGetCommName gave a communicator, resolved at GetWorkspaceSize to the live communicator
// whose rank runs on the calling thread's current device.
#ifndef MC2_IMPL_OPS_COMMON_GROUP_H_
#define MC2_IMPL_OPS_COMMON_GROUP_H_

#include <cstdint>
#include <memory>

#include "hccl/communicator.h"
#include "ops/common/checks.h"
#include "ops/common/executor.h"

namespace mc2::impl::ops {

// The communicator `group` names on the current device, or nullptr after a 161002 through `c`
// (no current device, or no live communicator of that name with a rank on it). `group` is not
// null (the caller has checked it). The vendor resolves the name only at execution; refusing an
// unknown group here is this implementation's choice (a clean error instead of a later failure).
// In the vendor-faithful variant (faults.h) an unknown name is not refused here: it returns
// nullptr with `c` still ok, for UnresolvedGroup.
std::shared_ptr<hccl::Communicator> ResolveGroup(Checker &c, const char *group);

// GetWorkspaceSize's answer after ResolveGroup returned nullptr: c's refusal, or (the
// vendor-faithful variant, where `c` is still ok) SUCCESS with an executor of workspace 0 whose
// run fails at execution, as the vendor's, which resolves the name only then.
aclnnStatus UnresolvedGroup(Checker &c, const char *api, const char *group, uint64_t *workspaceSize,
                            aclOpExecutor **executor);

}  // namespace mc2::impl::ops

#endif  // MC2_IMPL_OPS_COMMON_GROUP_H_
