// impl/ops/common/tiling_checks.cc — tiling-layer limits shared by the operators (see
// tiling_checks.h).
#include "ops/common/tiling_checks.h"

#include <algorithm>
#include <string>

namespace mc2::impl::ops {

bool CheckWorldSize(Checker &c, const hccl::Communicator &comm, const std::vector<uint32_t> &(*sizesOf)(Platform)) {
    if (!c.ok()) return false;
    Platform platform;
    std::string error;
    if (!CurrentPlatform(&platform, &error)) return c.Fail(ACLNN_ERR_INNER, "%s", error.c_str());
    const auto &sizes = sizesOf(platform);
    if (std::find(sizes.begin(), sizes.end(), comm.Size()) != sizes.end()) return true;
    std::string list;
    for (uint32_t s : sizes) list += (list.empty() ? "" : ", ") + std::to_string(s);
    return c.Fail(ACLNN_ERR_INNER_TILING_ERROR, "world size %u of group \"%s\" not supported on %s; expected %s",
                  comm.Size(), comm.Name().c_str(), PlatformName(platform), list.c_str());
}

}  // namespace mc2::impl::ops
