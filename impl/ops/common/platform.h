// impl/ops/common/platform.h — which Ascend product this implementation emulates, for the
// limits the documents give per product (world sizes, dtype lists).
//
// Default: Atlas A2 (800I A2 / A200I A2; "ASCEND910B" in the vendor code), the product every
// fp16/bf16 MC2 document marks as supported. Env MC2_PLATFORM selects another profile:
//   MC2_PLATFORM=atlas_a2     Atlas A2 (default): MatmulAllReduce world sizes 1, 2, 4, 8;
//                             AllGatherMatmul 2, 4, 8
//   MC2_PLATFORM=ascend_950   Ascend 950: MatmulAllReduce world sizes 1, 2, 4, 8, 16, 32, 64;
//                             AllGatherMatmul 2, 4, 8, 16, 32
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

// World sizes AllGatherMatmul supports (aclnnAllGatherMatmul.md 约束说明: Atlas A2 2, 4, 8;
// Atlas A3 2, 4, 8, 16, 32). The public document has no Ascend 950 row, though the operator
// definition registers ascend910_95 and its tiling keeps one list for A2 and one for A3
// (ops.md §5.1); the 950 profile takes the A3 list, the larger of the two documented ones.
const std::vector<uint32_t> &AllGatherMatmulWorldSizes(Platform platform);

}  // namespace mc2::impl::ops

#endif  // MC2_IMPL_OPS_COMMON_PLATFORM_H_
