// impl/ops/common/platform.h — which Ascend product this implementation emulates, for the
// limits the documents give per product (world sizes, dtype lists).
//
// Default: Atlas A2 (800I A2 / A200I A2; "ASCEND910B" in the vendor code), the product every
// fp16/bf16 MC2 document marks as supported. Env MC2_PLATFORM selects another profile:
//   MC2_PLATFORM=atlas_a2     Atlas A2 (default): MatmulAllReduce world sizes 1, 2, 4, 8
//   MC2_PLATFORM=ascend_950   Ascend 950: world sizes 1, 2, 4, 8, 16, 32, 64
// The variable is read at every GetWorkspaceSize call; an unknown value is an error (reported
// by the operator) rather than a silent fallback, so a typo cannot test the wrong profile.
#ifndef MC2_IMPL_OPS_COMMON_PLATFORM_H_
#define MC2_IMPL_OPS_COMMON_PLATFORM_H_

#include <cstdint>
#include <string>
#include <vector>

namespace mc2::impl::ops {

enum class Platform { kAtlasA2, kAscend950 };

// False (with *error set) when MC2_PLATFORM names no known profile.
bool CurrentPlatform(Platform *platform, std::string *error);

const char *PlatformName(Platform platform);

// World sizes the MatmulAllReduce family supports on `platform` (doc 约束说明 / ops.md §2.1).
const std::vector<uint32_t> &MatmulAllReduceWorldSizes(Platform platform);

}  // namespace mc2::impl::ops

#endif  // MC2_IMPL_OPS_COMMON_PLATFORM_H_
