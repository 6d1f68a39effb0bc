// impl/ops/matmul_all_reduce/matmul_all_reduce.h — aclnnMatmulAllReduce and V2 (x3) inside
// impl/: the argument check that builds an execution plan (GetWorkspaceSize) and the run that
// executes it on a stream. The exported ABI functions are in matmul_all_reduce_api.cc.
//
// output = allreduce_sum(x1 @ x2 + bias [+ x3]) over the ranks of `group`
// (documents: aclnnMatmulAllReduce.md, aclnnMatmulAllReduceV2.md; facts: spec-notes/ops.md §1,
// §2.1, §2.7, §8.3).
//
// Decisions where the documents leave room (each also stated where it is implemented):
//  * Check order (ops.md §1.2): null (161001: x1, x2, output, then reduceOp, then the
//    workspaceSize / executor out-pointers) -> live handles (161002) -> dtype -> attributes
//    (reduceOp exactly "sum", streamMode 1, commTurn >= 0) -> format (only a weight-NZ x2 is
//    refused; any other format label is read as ND, as the vendor's op_api does) -> shape ->
//    layout (x1 contiguous, x2 contiguous or last-two-dims transposed, no negative strides,
//    output without self-overlap, every view within its storage shape's element count) -> null
//    group (161001, where the vendor's generated inner layer checks it) -> group resolution
//    (161002) -> the tiling-layer limits, which this implementation enforces at
//    GetWorkspaceSize with ACLNN_ERR_INNER_TILING_ERROR 561002 (world size per platform, m, k,
//    n <= INT32_MAX, empty output) -> tensor memory inside device allocations (161002). First
//    failure wins.
//  * A null reduceOp returns 161001 (the vendor dereferences it).
//  * commTurn: the documents allow only 0 and define it as the number of communication splits
//    ("总数据量/单次通信量"). This implementation accepts any commTurn >= 0: the m rows are cut
//    into min(commTurn, m) pieces of ceil(m / pieces) rows, and each piece is all-reduced while
//    the next is computed. 0 chooses: at least 4 pieces, more so that one piece is about 4
//    GFLOP (never more than m). Negative -> 161002. Every rank of the group must pass the same
//    commTurn (the pieces' all-reduces pair up one by one); ranks that disagree all fail at
//    execution, even where their piece sizes happen to coincide, so the contract does not
//    depend on m (spec rule mar.xrank.mismatch).
//  * An unknown group (no live communicator of that name on the calling thread's current
//    device) fails at GetWorkspaceSize with 161002, not later as on the vendor stack.
//  * k == 0 is accepted: output = allreduce(bias + x3) (ops.md §8.3).
#ifndef MC2_IMPL_OPS_MATMUL_ALL_REDUCE_MATMUL_ALL_REDUCE_H_
#define MC2_IMPL_OPS_MATMUL_ALL_REDUCE_MATMUL_ALL_REDUCE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "aclnn/acl_meta.h"
#include "hccl/communicator.h"
#include "ops/common/executor.h"
#include "ops/common/tensor_desc.h"

namespace mc2::impl::ops {

// The arguments of either GetWorkspaceSize function (V1 passes x3 = nullptr).
struct MatmulAllReduceArgs {
    const aclTensor *x1 = nullptr;
    const aclTensor *x2 = nullptr;
    const aclTensor *bias = nullptr;
    const aclTensor *x3 = nullptr;
    const char *group = nullptr;
    const char *reduceOp = nullptr;
    int64_t commTurn = 0;
    int64_t streamMode = 0;
    const aclTensor *output = nullptr;
    uint64_t *workspaceSize = nullptr;
    aclOpExecutor **executor = nullptr;
};

// Everything the run needs, copied at GetWorkspaceSize.
struct MatmulAllReducePlan {
    std::string api;
    aclDataType dataType = ACL_FLOAT16;  // of every tensor
    TensorDesc x1, x2, output;
    bool hasBias = false;
    bool hasX3 = false;
    TensorDesc bias, x3;
    int64_t m = 0, k = 0, n = 0;  // m = product of x1's leading dims
    int64_t commTurn = 0;         // as the caller gave it (0 = chosen here); every rank must agree
    int64_t rowsPerPiece = 0;     // rows all-reduced together
    int64_t chunkRows = 0;        // rows of the fp32 accumulator
    // Workspace layout, each part 64-byte aligned: [staging: m x n elements of the output
    // dtype][fp32 accumulator: chunkRows x n][x2 decoded and packed once for the GEMM].
    uint64_t accOffset = 0;
    uint64_t packedBOffset = 0;
    uint64_t workspaceBytes = 0;
    std::shared_ptr<hccl::Communicator> comm;
};

// The body of aclnnMatmulAllReduce[V2]GetWorkspaceSize (`api` names it in messages).
aclnnStatus MatmulAllReducePrepare(const char *api, const MatmulAllReduceArgs &args);

// Fills the piece split and the workspace layout of a plan whose m, k and n are set (m > 0),
// for `commTurn` as the caller gave it (0 = chosen here). Shared with the *AddRmsNorm family,
// whose matmul + all-reduce is this run.
void PlanMatmulAllReducePieces(MatmulAllReducePlan &p, int64_t commTurn);

// The execute-phase run of a plan (matmul_all_reduce_run.cc).
std::unique_ptr<OpRun> MakeMatmulAllReduceRun(MatmulAllReducePlan plan);

}  // namespace mc2::impl::ops

#endif  // MC2_IMPL_OPS_MATMUL_ALL_REDUCE_MATMUL_ALL_REDUCE_H_
