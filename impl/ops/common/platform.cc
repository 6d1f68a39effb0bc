// impl/ops/common/platform.cc — the emulated product profile (see platform.h).
#include "ops/common/platform.h"

#include <cstdlib>
#include <string_view>

namespace mc2::impl::ops {

bool CurrentPlatform(Platform *platform, std::string *error) {
    const char *env = std::getenv("MC2_PLATFORM");
    if (env == nullptr || *env == '\0' || std::string_view(env) == "atlas_a2") {
        *platform = Platform::kAtlasA2;
        return true;
    }
    if (std::string_view(env) == "ascend_950") {
        *platform = Platform::kAscend950;
        return true;
    }
    *error = std::string("MC2_PLATFORM=") + env + " is not a known platform; expected atlas_a2 or ascend_950";
    return false;
}

const char *PlatformName(Platform platform) {
    return platform == Platform::kAscend950 ? "ascend_950" : "atlas_a2";
}

const std::vector<uint32_t> &MatmulAllReduceWorldSizes(Platform platform) {
    static const std::vector<uint32_t> a2 = {1, 2, 4, 8};
    static const std::vector<uint32_t> ascend950 = {1, 2, 4, 8, 16, 32, 64};
    return platform == Platform::kAscend950 ? ascend950 : a2;
}

const std::vector<uint32_t> &AllGatherMatmulWorldSizes(Platform platform) {
    static const std::vector<uint32_t> a2 = {2, 4, 8};
    static const std::vector<uint32_t> ascend950 = {2, 4, 8, 16, 32};
    return platform == Platform::kAscend950 ? ascend950 : a2;
}

}  // namespace mc2::impl::ops
