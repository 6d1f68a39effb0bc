// impl/ops/all_gather_matmul/all_gather_matmul.h — aclnnAllGatherMatmul inside impl/: the
// argument check that builds an execution plan (GetWorkspaceSize) and the run that executes it
// on a stream. The exported ABI functions are in all_gather_matmul_api.cc.
//
// gatherOut = allgather(x1) (every rank's x1 stacked in rank order, bit-exact);
// output = gatherOut @ x2 + bias, per rank (document: aclnnAllGatherMatmul.md; facts:
// spec-notes/ops.md §1, §5, §8.2, §8.3; MindSpore's all_gather_matmul: seed 001).
//
// Decisions where the documents leave room (each also stated where it is implemented):
//  * Check order, as the vendor's op_api (ops.md §5.1): null (161001: x1, x2, output, then the
//    workspaceSize / executor out-pointers; gatherOut may be null) -> live handles (161002) ->
//    dtype (fp16/bf16, x2 == output == x1, bias == x1 when given; a bias only warns, as
//    documented) -> streamMode 1 -> k (x1 dim 1) != 0 -> empty x1: SUCCESS with workspace 0,
//    nothing else checked (the vendor's short-cut) -> shapes on view shapes (x1, x2 2-D, x1 not
//    transposed, k equal, gatherOut dim 1 == k when gatherOut is non-null and non-empty,
//    256 <= k < 65535, x2 dim 1 == output dim 1) -> layout hardening (below) -> null group
//    (161001, the vendor's generated inner layer) -> group resolution (161002) -> the tiling
//    layer, refused with ACLNN_ERR_INNER_TILING_ERROR 561002 like MatmulAllReduce's (x1, x2 ND
//    and output's format == x1's; gatherIndex 0; commTurn 0; world size per platform; output
//    rows == m * worldSize; gatherOut rows == m * worldSize when produced) -> memory inside
//    device allocations (161002). First failure wins.
//  * x1 of rank < 2 fails at the k check with 161002 "x1 must be 2-D" (the vendor reads a
//    dimension 1 it does not have); an empty x1 of rank > 2 whose dim 1 is not 0 takes the
//    short-cut, as the vendor's IsEmpty() test does.
//  * A produced gatherOut must have x1's dtype (161002, with the dtype checks; the parameter
//    table says so, the op_api does not check it, the kernel copies x1's codes into it).
//  * Hardening beyond the op_api (161002, after the shape checks): output and a produced
//    gatherOut are 2-D; bias is 1-D with at least n elements (the vendor never checks its
//    shape and its unit test passes a bias of 32 for n = 16; the first n are added); x1 may be
//    any non-transposed strided view (the table's non-contiguous √; read row by row); x2
//    contiguous or a last-two-dims transpose; no negative strides; no output whose elements
//    alias each other; output and gatherOut disjoint; every view inside its storage shape.
//  * An unknown group fails at GetWorkspaceSize with 161002 (the vendor fails later).
//  * The execute phase refuses a null workspace where the executor needs one (161002); the
//    vendor's returns SUCCESS without running anything. The m = 0 executor needs none and
//    returns SUCCESS at once, without looking at the workspace or the stream.
//  * Bias, documented as "not supported when non-zero, results not guaranteed", is computed:
//    fp32(bias) starts the fp32 accumulator (ops.md §5.1 bias numerics), rounded once.
#ifndef MC2_IMPL_OPS_ALL_GATHER_MATMUL_ALL_GATHER_MATMUL_H_
#define MC2_IMPL_OPS_ALL_GATHER_MATMUL_ALL_GATHER_MATMUL_H_

#include <cstdint>
#include <memory>
#include <string>

#include "aclnn/acl_meta.h"
#include "hccl/communicator.h"
#include "ops/common/executor.h"
#include "ops/common/tensor_desc.h"

namespace mc2::impl::ops {

struct AllGatherMatmulArgs {
    const aclTensor *x1 = nullptr;
    const aclTensor *x2 = nullptr;
    const aclTensor *bias = nullptr;
    const char *group = nullptr;
    int64_t gatherIndex = 0;
    int64_t commTurn = 0;
    int64_t streamMode = 0;
    const aclTensor *output = nullptr;
    const aclTensor *gatherOut = nullptr;
    uint64_t *workspaceSize = nullptr;
    aclOpExecutor **executor = nullptr;
};

// Everything the run needs, copied at GetWorkspaceSize.
struct AllGatherMatmulPlan {
    std::string api;
    aclDataType dataType = ACL_FLOAT16;  // of every tensor
    TensorDesc x1, x2, output;
    bool hasBias = false;
    bool hasGatherOut = false;  // gatherOut non-null and non-empty
    TensorDesc bias, gatherOut;
    int64_t m = 0, k = 0, n = 0;  // per rank: x1 (m, k), x2 (k, n)
    uint32_t worldSize = 0;
    int64_t chunkRows = 0;  // rows of the fp32 accumulator
    // Workspace layout, each part 64-byte aligned: [gathered x1: worldSize*m x k][staged
    // output: worldSize*m x n][fp32 accumulator: chunkRows x n][x2 decoded and packed once].
    uint64_t stageOffset = 0;
    uint64_t accOffset = 0;
    uint64_t packedBOffset = 0;
    uint64_t workspaceBytes = 0;
    std::shared_ptr<hccl::Communicator> comm;
};

// The body of aclnnAllGatherMatmulGetWorkspaceSize.
aclnnStatus AllGatherMatmulPrepare(const char *api, const AllGatherMatmulArgs &args);

// The execute-phase run of a plan (all_gather_matmul_run.cc).
std::unique_ptr<OpRun> MakeAllGatherMatmulRun(AllGatherMatmulPlan plan);

}  // namespace mc2::impl::ops

#endif  // MC2_IMPL_OPS_ALL_GATHER_MATMUL_ALL_GATHER_MATMUL_H_
