// impl/ops/common/executor.cc — executor registry and the shared execute phase (see executor.h).
#include "ops/common/executor.h"

#include <memory>
#include <string>
#include <utility>

#include "runtime/live_set.h"
#include "runtime/memory.h"
#include "runtime/runtime.h"

namespace mc2::impl::ops {
namespace {

// Live executors: lets the execute phase tell a published executor from a used or forged one
// without touching it (a second execution would otherwise be a use after free).
LiveSet &LiveExecutors() {
    static LiveSet *set = new LiveSet;  // never destroyed: stream workers may outlive statics
    return *set;
}

}  // namespace

aclOpExecutor *PublishExecutor(std::unique_ptr<aclOpExecutor> executor) {
    aclOpExecutor *raw = executor.get();
    LiveExecutors().Add(raw);
    executor.release();
    return raw;
}

aclnnStatus ExecutePhase(const char *api, void *workspace, uint64_t workspaceSize, aclOpExecutor *executor,
                         aclrtStream stream) {
    if (executor == nullptr) {
        ReportError("%s: executor is null", api);
        return ACLNN_ERR_PARAM_NULLPTR;
    }
    if (!LiveExecutors().Remove(executor)) {
        ReportError("%s: executor %p is not live (already executed, or not returned by a GetWorkspaceSize call)",
                    api, static_cast<void *>(executor));
        return ACLNN_ERR_PARAM_INVALID;
    }
    // From here on the executor is ours: freed on every return path, or by the queued task.
    std::shared_ptr<aclOpExecutor> owned(executor);
    if (owned->api != api) {
        ReportError("%s: executor was created by %sGetWorkspaceSize, not by %sGetWorkspaceSize", api,
                    owned->api.c_str(), api);
        return ACLNN_ERR_PARAM_INVALID;
    }
    if (owned->nothingToRun) return ACLNN_SUCCESS;
    const uint64_t need = owned->workspaceSize;
    if (need > 0 && workspace == nullptr) {
        ReportError("%s: workspace is null but the executor needs %llu bytes", api,
                    static_cast<unsigned long long>(need));
        return ACLNN_ERR_PARAM_INVALID;
    }
    if (workspaceSize < need) {
        ReportError("%s: workspaceSize %llu is smaller than the %llu bytes GetWorkspaceSize asked for", api,
                    static_cast<unsigned long long>(workspaceSize), static_cast<unsigned long long>(need));
        return ACLNN_ERR_PARAM_INVALID;
    }
    if (need > 0 && !IsDeviceMemory(workspace, need)) {
        ReportError("%s: workspace [%p, +%llu bytes) is not device memory: %s", api, workspace,
                    static_cast<unsigned long long>(need), ExplainNotDeviceMemory(workspace, need).c_str());
        return ACLNN_ERR_PARAM_INVALID;
    }
    Stream *s = LookupStream(stream);
    if (s == nullptr) {
        ReportError("%s: invalid stream %p", api, static_cast<void *>(stream));
        return ACLNN_ERR_PARAM_INVALID;
    }
    const int32_t device = owned->run->DeviceId();
    if (device >= 0 && s->DeviceId() != device) {
        ReportError("%s: the stream belongs to device %d but the operator's rank runs on device %d", api,
                    static_cast<int>(s->DeviceId()), static_cast<int>(device));
        return ACLNN_ERR_PARAM_INVALID;
    }
    void *ws = need > 0 ? workspace : nullptr;
    const aclError queued = s->Enqueue([owned, ws]() -> aclError { return owned->run->Run(ws); }, api);
    if (queued != ACL_SUCCESS) {
        ReportError("%s: could not queue the operator on the stream (error %d)", api, static_cast<int>(queued));
        return ACLNN_ERR_RUNTIME_ERROR;
    }
    return ACLNN_SUCCESS;
}

}  // namespace mc2::impl::ops
