// impl/ops/common/group.cc — group name -> live communicator (see group.h).
#include "ops/common/group.h"

#include "runtime/runtime.h"

namespace mc2::impl::ops {

std::shared_ptr<hccl::Communicator> ResolveGroup(Checker &c, const char *group) {
    const int32_t device = CurrentDeviceId();
    if (device < 0) {
        c.Fail(ACLNN_ERR_PARAM_INVALID, "no current device on this thread (aclrtSetDevice or "
                                        "aclrtSetCurrentContext first); cannot resolve group \"%.128s\"",
               group);
        return nullptr;
    }
    auto comm = hccl::FindCommunicatorShared(group, device);
    if (comm == nullptr) {
        c.Fail(ACLNN_ERR_PARAM_INVALID,
               "group \"%.128s\" names no live communicator with a rank on device %d (the name comes from "
               "HcclGetCommName)",
               group, static_cast<int>(device));
    }
    return comm;
}

}  // namespace mc2::impl::ops
