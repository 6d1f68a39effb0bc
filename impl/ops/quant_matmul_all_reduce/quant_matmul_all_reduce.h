// impl/ops/quant_matmul_all_reduce/quant_matmul_all_reduce.h — aclnnQuantMatmulAllReduce (V1),
// V2 (pertokenScale) and V3 (commQuantScale1/2) inside impl/: the argument check that builds an
// execution plan (GetWorkspaceSize) and the run that executes it on a stream. The exported ABI
// functions are in quant_matmul_all_reduce_api.cc.
//
// output = allreduce_sum(dequant(x1 @ x2 + bias) [+ x3]) over the ranks of `group`, x1 and x2
// int8, bias int32 (documents: aclnnQuantMatmulAllReduce*.md; facts: spec-notes/ops.md §1.5,
// §2.3, §2.4, §2.7, §3, §8).
//
// Decisions (each also stated where it is implemented):
//  * Check order (ops.md §2.3): null (161001: x1, x2, output, dequantScale, then reduceOp and
//    the out-pointers) -> dtype -> attributes (reduceOp exactly "sum", streamMode 1,
//    commTurn >= 0) -> shape (a weight-NZ x2 stops them after x1's rank, as the vendor's op_api
//    does; the skipped checks and the NZ storage are refused with 561002 before tiling's
//    limits, and the weight is read through ops/common/nz_layout.h) (V3: the comm-scale sizes are read from commQuantScale2 only, as the vendor
//    does) -> layout (x1 contiguous, x2 plain or transposed, output without self-overlap, views
//    inside storage) -> null group (161001) -> group resolution (161002) -> tiling-layer limits
//    with ACLNN_ERR_INNER_TILING_ERROR 561002 (world size, m <= INT32_MAX, empty output, k == 0,
//    k and x2's last dim <= 65535, FLOAT32 dequant with fp16 output needs pertoken, comm scale 1
//    holds n elements) -> device memory (161002). First failure wins.
//  * Both comm scales: int8 low-bit communication (ops.md §4.1, quant_matmul_all_reduce_comm_int8.cc)
//    replaces each piece's all-reduce; the scales must be identical on every rank (documented),
//    which the run's handshake checks (a runtime error on every rank otherwise).
//  * commTurn as in MatmulAllReduce: > 0 all-reduces the rows in that many pieces, 0 in one.
//  * An INT64 dequantScale is read as UINT64; the caller's descriptor is not rewritten (the
//    vendor rewrites its dtype, ops.md §8.3: a side effect not reproduced).
#ifndef MC2_IMPL_OPS_QUANT_MATMUL_ALL_REDUCE_QUANT_MATMUL_ALL_REDUCE_H_
#define MC2_IMPL_OPS_QUANT_MATMUL_ALL_REDUCE_QUANT_MATMUL_ALL_REDUCE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "aclnn/acl_meta.h"
#include "hccl/communicator.h"
#include "ops/common/executor.h"
#include "ops/common/nz_layout.h"
#include "ops/common/tensor_desc.h"

namespace mc2::impl::ops {

enum class QuantMatmulAllReduceVersion { kV1, kV2, kV3 };

// The arguments of any of the three GetWorkspaceSize functions (absent parameters null).
struct QuantMatmulAllReducePlan;
struct CommInt8Scales;

struct QuantMatmulAllReduceArgs {
    QuantMatmulAllReduceVersion version = QuantMatmulAllReduceVersion::kV1;
    const aclTensor *x1 = nullptr;
    const aclTensor *x2 = nullptr;
    const aclTensor *bias = nullptr;
    const aclTensor *x3 = nullptr;
    const aclTensor *dequantScale = nullptr;
    const aclTensor *pertokenScale = nullptr;
    const aclTensor *commQuantScale1 = nullptr;
    const aclTensor *commQuantScale2 = nullptr;
    const char *group = nullptr;
    const char *reduceOp = nullptr;
    int64_t commTurn = 0;
    int64_t streamMode = 0;
    const aclTensor *output = nullptr;
    uint64_t *workspaceSize = nullptr;
    aclOpExecutor **executor = nullptr;
    // When set, a successful check hands the plan back here instead of publishing an executor
    // (the *MatmulAllReduceAddRmsNorm variants embed this matmul, ops.md §6.1).
    QuantMatmulAllReducePlan *planOut = nullptr;
};

// Everything the run needs, copied at GetWorkspaceSize.
struct QuantMatmulAllReducePlan {
    std::string api;
    aclDataType outType = ACL_FLOAT16;
    aclDataType scaleType = ACL_UINT64;
    TensorDesc x1, x2, output, dequantScale;
    bool x2Nz = false;  // x2 in FRACTAL_NZ: element (q, j) at x2Layout.Index(0, q, j)
    NzPlan x2Layout;
    bool hasBias = false, hasX3 = false, hasPertoken = false;
    TensorDesc bias, x3, pertokenScale;
    int64_t m = 0, k = 0, n = 0;
    int64_t scaleCount = 1;    // 1 (per tensor) or n (per channel)
    int64_t commTurn = 0;      // as the caller gave it; every rank must agree
    int64_t rowsPerPiece = 0;  // rows all-reduced together
    // Both comm scales: int8 communication (comm_int8.cc); commPadRows = rowsPerPiece rounded
    // up to a multiple of the world size.
    bool hasCommScales = false;
    TensorDesc commScale1, commScale2;
    int64_t commPadRows = 0;
    // Replaces CommInt8Piece when set (QuantMatmulAllReduceV4 on Ascend 950: ReduceScatter with an
    // fp32 reduction + AllGather, ops.md §4.2); the workspace's comm part is then its own layout.
    hccl::Status (*commPiece)(const QuantMatmulAllReducePlan &, const CommInt8Scales &, uint16_t *, int64_t,
                              int8_t *) = nullptr;
    // Workspace: [staging: m x n output codes][int32 accumulator row: n]
    //            [int8 comm: send, receive, gather buffers, commPadRows x n each].
    uint64_t accOffset = 0;
    uint64_t commOffset = 0;
    uint64_t workspaceBytes = 0;
    std::shared_ptr<hccl::Communicator> comm;
};

aclnnStatus QuantMatmulAllReducePrepare(const char *api, const QuantMatmulAllReduceArgs &args);

std::unique_ptr<OpRun> MakeQuantMatmulAllReduceRun(QuantMatmulAllReducePlan plan);

// The int8 communication's per-channel scales as fp32: s1, s2 and the ratio s1/s2 (one fp32 Div).
struct CommInt8Scales {
    std::vector<float> s1, s2, ratio;
};
CommInt8Scales LoadCommInt8Scales(const QuantMatmulAllReducePlan &p);
// Replaces the all-reduce of `rows` rows of output codes `rowsT` (this rank's partial results, T
// codes, row-major n wide) by the int8 communication of ops.md §4.1; `buffers` is the plan's
// int8 workspace (3 · commPadRows · n bytes).
hccl::Status CommInt8Piece(const QuantMatmulAllReducePlan &p, const CommInt8Scales &s, uint16_t *rowsT, int64_t rows,
                           int8_t *buffers);
// The steps the transports share (QuantMatmulAllReduceV4's Ascend 950 ReduceScatter scheme reuses
// them): the cast of one value, fp32 → fp16 → int8 (RINT, saturating); the quantisation of `rows`
// rows of T codes with s1 into `dst` (padRows · n int8, the pad rows zero); the dequantisation of
// the first `rows` gathered rows with s2 into T codes.
int8_t CommInt8Cast(float v);
void CommInt8Quantise(const QuantMatmulAllReducePlan &p, const CommInt8Scales &s, const uint16_t *rowsT, int64_t rows,
                      int64_t padRows, int8_t *dst);
void CommInt8Dequantise(const QuantMatmulAllReducePlan &p, const CommInt8Scales &s, const int8_t *gathered,
                        uint16_t *rowsT, int64_t rows);

}  // namespace mc2::impl::ops

#endif  // MC2_IMPL_OPS_QUANT_MATMUL_ALL_REDUCE_QUANT_MATMUL_ALL_REDUCE_H_
