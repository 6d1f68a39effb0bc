// impl/ops/common/group.cc — group name -> live communicator (see group.h).
#include "ops/common/group.h"

#include <string>
#include <utility>

#include "ops/common/faults.h"
#include "runtime/runtime.h"

namespace mc2::impl::ops {
namespace {

// The vendor-faithful variant's executor for a group naming no communicator.
class UnknownGroupRun final : public OpRun {
public:
    UnknownGroupRun(std::string api, std::string group) : api_(std::move(api)), group_(std::move(group)) {}
    aclError Run(void *) override {
        ReportError("%s: group \"%.128s\" names no live communicator", api_.c_str(), group_.c_str());
        return ACLNN_ERR_INNER;
    }

private:
    std::string api_, group_;
};

}  // namespace

std::shared_ptr<hccl::Communicator> ResolveGroup(Checker &c, const char *group) {
    const int32_t device = CurrentDeviceId();
    if (device < 0) {
        c.Fail(ACLNN_ERR_PARAM_INVALID, "no current device on this thread (aclrtSetDevice or "
                                        "aclrtSetCurrentContext first); cannot resolve group \"%.128s\"",
               group);
        return nullptr;
    }
    auto comm = hccl::FindCommunicatorShared(group, device);
    if (comm == nullptr && !kVendorFaithful) {
        c.Fail(ACLNN_ERR_PARAM_INVALID,
               "group \"%.128s\" names no live communicator with a rank on device %d (the name comes from "
               "HcclGetCommName)",
               group, static_cast<int>(device));
    }
    return comm;
}

aclnnStatus UnresolvedGroup(Checker &c, const char *api, const char *group, uint64_t *workspaceSize,
                            aclOpExecutor **executor) {
    if (!c.ok()) return c.status();
    auto ex = std::make_unique<aclOpExecutor>();
    ex->api = api;
    ex->run = std::make_unique<UnknownGroupRun>(api, group);
    *workspaceSize = 0;
    *executor = PublishExecutor(std::move(ex));
    return ACLNN_SUCCESS;
}

}  // namespace mc2::impl::ops
