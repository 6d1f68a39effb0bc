// impl/ops/quant_matmul_all_reduce_v4/quant_matmul_all_reduce_v4.h — aclnnQuantMatmulAllReduceV4
// inside impl/: the argument check that builds an execution plan (GetWorkspaceSize) and the run
// of the FP8 / HiF8 / per-block / MX scenarios. The int8 scenarios (formulas 1-3) build a
// QuantMatmulAllReduce plan and run through its execution (the same kernel order; Atlas A2's
// int8 low-bit communication included). Document: aclnnQuantMatmulAllReduceV4.md (seed 004);
// facts: spec-notes/ops.md §2.5, §8.
//
// Decisions (each also stated where it is implemented):
//  * Check order (ops.md §2.5): null (161001: x1, x2, x2Scale, output, reduceOp, then the
//    out-pointers) -> dtype -> attributes (reduceOp starting with "sum", then exactly "sum" —
//    the vendor's strncmp accepts "sumX", this library refuses it unless built vendor-faithful;
//    streamMode 1; commTurn >= 0) -> shape (a weight-NZ x2 stops them after x1's rank) ->
//    layout -> null group (161001) -> NZ storage -> group -> tiling (561002): world size, limits,
//    scenario classification, bias and scale dtypes, scale shapes, groupSize, comm scales,
//    commQuantMode -> device memory (161002). First failure wins.
//  * Ascend 950's low-bit communication (ops.md §4.2, §4.3): commQuantMode = 1 replaces each
//    piece's all-reduce by the pertile FP8 exchange of the fp32 partials (+ x3 in fp32, no
//    rounding to T before it; comm_pertile.cc); int8 with both comm scales runs QuantMatmulAllReduce's
//    plan with its transport swapped for ReduceScatter (fp32 reduce) + AllGather (comm_int8.cc).
//    Atlas A2's int8 comm stays V3's AllToAll scheme.
#ifndef MC2_IMPL_OPS_QUANT_MATMUL_ALL_REDUCE_V4_QUANT_MATMUL_ALL_REDUCE_V4_H_
#define MC2_IMPL_OPS_QUANT_MATMUL_ALL_REDUCE_V4_QUANT_MATMUL_ALL_REDUCE_V4_H_

#include <cstdint>
#include <memory>
#include <string>

#include "aclnn/acl_meta.h"
#include "hccl/communicator.h"
#include "ops/common/executor.h"
#include "ops/common/tensor_desc.h"
#include "ops/quant_matmul_all_reduce/quant_matmul_all_reduce.h"

namespace mc2::impl::ops {

struct QuantMatmulAllReduceV4Args {
    const aclTensor *x1 = nullptr;
    const aclTensor *x2 = nullptr;
    const aclTensor *bias = nullptr;
    const aclTensor *x3 = nullptr;
    const aclTensor *x1Scale = nullptr;
    const aclTensor *x2Scale = nullptr;
    const aclTensor *commQuantScale1 = nullptr;
    const aclTensor *commQuantScale2 = nullptr;
    const char *group = nullptr;
    const char *reduceOp = nullptr;
    int64_t commTurn = 0;
    int64_t streamMode = 0;
    int64_t groupSize = 0;
    int64_t commQuantMode = 0;
    const aclTensor *output = nullptr;
    uint64_t *workspaceSize = nullptr;
    aclOpExecutor **executor = nullptr;
};

// The tiling layer's scenarios (ops.md §2.5).
enum class V4Kind { kInt8, kFp8, kFp8Uint64, kPerBlock, kMx, kNone };

// Everything the FP8 / HiF8 / per-block / MX run needs, copied at GetWorkspaceSize.
struct QuantMatmulAllReduceV4Plan {
    std::string api;
    V4Kind kind = V4Kind::kFp8;
    aclDataType outType = ACL_FLOAT16;
    TensorDesc x1, x2, output, x2Scale;
    bool hasBias = false, hasX3 = false, hasX1Scale = false;
    TensorDesc bias, x3, x1Scale;
    int64_t m = 0, k = 0, n = 0;
    int64_t rowsPerBatch = 0;  // per-block: s of a 3-D x1 (m for 2-D)
    bool x2Transposed = false;
    int64_t scaleCount = 1;  // kFp8 / kFp8Uint64: x2Scale elements (1 or n)
    int64_t commTurn = 0;
    int64_t rowsPerPiece = 0;
    int64_t commQuantMode = 0;
    // commQuantMode = 1: rowsPerPiece rounded up to a multiple of the world size, and where the
    // pertile buffers start (after the fp32 m x n staging).
    int64_t commPadRows = 0;
    uint64_t commOffset = 0;
    uint64_t workspaceBytes = 0;  // staging: m x n output codes (pertile: fp32) [+ pertile buffers]
    std::shared_ptr<hccl::Communicator> comm;
};

aclnnStatus QuantMatmulAllReduceV4Prepare(const char *api, const QuantMatmulAllReduceV4Args &args);

std::unique_ptr<OpRun> MakeQuantMatmulAllReduceV4Run(QuantMatmulAllReduceV4Plan plan);

// The pertile FP8 communication (comm_pertile.cc) of `rows` rows of fp32 partials `values`
// (n wide; replaced by the reduced, dequantised rows), exchanged in format `fp8` (x1's);
// `buffers` holds PertileBufferBytes(capRows, n) bytes, capRows >= rows rounded up to a multiple
// of the world size.
int64_t PertileRowBytes(int64_t n);
uint64_t PertileBufferBytes(int64_t padRows, int64_t n);
hccl::Status PertilePiece(hccl::Communicator &comm, aclDataType fp8, float *values, int64_t rows, int64_t n,
                          int64_t capRows, uint8_t *buffers);

// Ascend 950's int8 communication (comm_int8.cc): QuantMatmulAllReducePlan::commPiece, and the
// bytes its buffers take after the plan's commOffset.
hccl::Status CommInt8ReduceScatterPiece(const QuantMatmulAllReducePlan &p, const CommInt8Scales &s, uint16_t *rowsT,
                                        int64_t rows, int8_t *buffers);
uint64_t CommInt8ReduceScatterBytes(int64_t padRows, int64_t n, int64_t world);

}  // namespace mc2::impl::ops

#endif  // MC2_IMPL_OPS_QUANT_MATMUL_ALL_REDUCE_V4_QUANT_MATMUL_ALL_REDUCE_V4_H_
