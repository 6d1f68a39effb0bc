// impl/ops/common/executor.h — the aclOpExecutor behind every two-phase aclnn call, and the
// execute phase they all share.
//
// Life of an executor (as in CANN, single use): XxxGetWorkspaceSize validates the arguments,
// copies everything the run needs (tensor metadata, attributes, the resolved communicator) into
// an OpRun, and publishes an executor; aclnnXxx(workspace, size, executor, stream) checks its
// own arguments, queues the run on the stream as one task, and the executor is freed when that
// task has run (or at once, when the execute phase fails before queuing). Because nothing
// points back into the caller's aclTensor objects, the caller may destroy them between the two
// phases; only the memory they describe must stay allocated until the stream has run the task.
#ifndef MC2_IMPL_OPS_COMMON_EXECUTOR_H_
#define MC2_IMPL_OPS_COMMON_EXECUTOR_H_

#include <cstdint>
#include <memory>
#include <string>

#include "acl/acl.h"
#include "aclnn/acl_meta.h"

namespace mc2::impl::ops {

// What the execute phase runs, on the stream's worker thread.
class OpRun {
public:
    virtual ~OpRun() = default;
    // `workspace` holds at least the executor's workspaceSize bytes of device memory (nullptr
    // when that size is 0). Returns 0 or an error code, after ReportError with the reason (the
    // runtime hands both to whoever synchronises the stream).
    virtual aclError Run(void *workspace) = 0;
    // The device whose streams may run it (the rank's device), or -1 for any.
    virtual int32_t DeviceId() const { return -1; }
};

}  // namespace mc2::impl::ops

struct aclOpExecutor {
    std::string api;             // the aclnn function that must execute it ("aclnnMatmulAllReduce")
    uint64_t workspaceSize = 0;  // bytes the execute phase needs
    // An empty-tensor short-cut (AllGatherMatmul with m = 0): nothing to compute or
    // communicate, so the execute phase returns SUCCESS at once, as the vendor's does
    // (spec-notes/ops.md §1.2 item 4), without looking at the workspace or the stream. `run`
    // stays null.
    bool nothingToRun = false;
    std::unique_ptr<mc2::impl::ops::OpRun> run;
};

namespace mc2::impl::ops {

// Registers `executor` as live and hands it out (GetWorkspaceSize's last step).
aclOpExecutor *PublishExecutor(std::unique_ptr<aclOpExecutor> executor);

// The execute phase of `api`. Checks, in order: executor null (161001); executor not live, i.e.
// already executed or never published (161002); executor built for another API (161002); then
// an executor with nothingToRun is consumed and SUCCESS returned;
// workspace null while the executor needs some, or workspaceSize smaller than needed, or the
// workspace not inside one device allocation (161002); stream invalid or on another device than
// the run needs (161002). Then queues the run (a queuing failure gives 361001). The executor is
// consumed by every call that got past the liveness check, successful or not.
aclnnStatus ExecutePhase(const char *api, void *workspace, uint64_t workspaceSize, aclOpExecutor *executor,
                         aclrtStream stream);

}  // namespace mc2::impl::ops

#endif  // MC2_IMPL_OPS_COMMON_EXECUTOR_H_
