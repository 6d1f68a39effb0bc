// oracle/quant_matmul_all_reduce_v4.h — acceptance intervals for aclnnQuantMatmulAllReduceV4
// (seed 004): output = allreduce_r(dequant_r(x1_r, x2_r) + x3_r), every scenario:
//   int8 (formulas 1-3): QuantMatmulAllReduce's oracle (oracle/quant_matmul_all_reduce.h), the
//     Atlas A2 comm-int8 scheme included;
//   FP8/HiF8, fp32 scales (formula 6): y = (Σ x1·x2 + bias)·x2Scale[j]·x1Scale[i];
//   FP8/HiF8, UINT64 scale (formula 5): y = (Σ x1·x2 + bias)·scale(code);
//   per-block (formula 7): y = Σ_b (Σ_{t in block b} x1·x2)·x1Scale[i/128, b]·x2Scale[b, j/128];
//   MX (formula 4): y = Σ (x1·2^e1)·(x2·2^e2) + bias (scaled products exact);
// then z = y + x3 and the all-reduce in the output dtype (fp16 / bf16 / fp32); with int8 comm
// scales the int8 communication (both platforms: the same arithmetic), with commQuantMode = 1 the
// pertile FP8 communication of the fp32 partials (PertileTile below). The fp32 k-sums
// use the contract's accumulation bound (oracle/internal/accumulator.h): products of 8-bit and
// 4-bit floats (and of their E8M0-scaled values) are exact in fp32 and double.
#ifndef MC2_ORACLE_QUANT_MATMUL_ALL_REDUCE_V4_H_
#define MC2_ORACLE_QUANT_MATMUL_ALL_REDUCE_V4_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "acl/acl_base.h"
#include "oracle/contract.h"
#include "oracle/reference.h"

namespace mc2::oracle {

enum class V4Scenario { kInt8, kFp8, kFp8Uint64, kPerBlock, kMx };

// One rank's inputs, decoded. x1 (m×k), x2 (k×n, logical). Scales as flat row-major values with
// their shapes: kInt8 / kFp8 / kFp8Uint64 x2_scale (1) or (n) (UINT64/INT64: the packed codes as
// exact integers), x1_scale (m); per-block x1_scale (b, ceil(s/128), ceil(k/128)) or (ceil(m/128),
// ceil(k/128)) with `rows_per_batch` = s (m for 2-D x1), x2_scale (ceil(k/128), ceil(n/128)) or,
// with `x2_scale_transposed`, (ceil(n/128), ceil(k/128)); MX x1_scale [m, ceil(k/64), 2],
// x2_scale [n, ceil(k/64), 2] (E8M0 values: powers of two).
struct QuantMatmulAllReduceV4Rank {
    V4Scenario scenario = V4Scenario::kInt8;
    Matrix x1;
    Matrix x2;
    std::optional<std::vector<double>> bias;
    std::vector<double> x2_scale;
    aclDataType x2_scale_dtype = ACL_UINT64;
    std::optional<std::vector<double>> x1_scale;
    int64_t rows_per_batch = 0;
    bool x2_scale_transposed = false;
    std::optional<Matrix> x3;
    std::optional<std::vector<double>> comm_scale1;  // int8 (V3's scheme; Ascend 950's transport
    std::optional<std::vector<double>> comm_scale2;  // differs, the arithmetic does not)
    // commQuantMode = 1 (Ascend 950, formula 8): the FP8 format of the pertile exchange (x1's
    // dtype, FLOAT8_E4M3FN or FLOAT8_E5M2); every rank the same.
    std::optional<aclDataType> pertile;
};

// Every element unbounded (NaN admitted): the answer for calls whose result this suite does not
// judge yet (the low-bit communication of Ascend 950).
Bounds UnjudgedBounds(int64_t rows, int64_t cols, aclDataType out);

// The pertile FP8 communication (ops.md §4.3, quant_comm_pertile.cc) of one row tile (at most 128
// columns): partials[r] is rank r's fp32 tile; the result is the reduced tile after the final
// dequantisation, before the cast to the output dtype (NaN where the documents define nothing).
std::vector<double> PertileTile(const std::vector<std::vector<double>> &partials, aclDataType fp8);
// The same for partials known as intervals [lo[r][j], hi[r][j]]: an enclosure of every result.
void PertileTileEnclosure(const std::vector<std::vector<double>> &lo, const std::vector<std::vector<double>> &hi,
                          aclDataType fp8, std::vector<double> *out_lo, std::vector<double> *out_hi);

// Throws std::invalid_argument when shapes disagree, ranks mix scenarios, or the output dtype
// is not one the scenario allows.
Bounds QuantMatmulAllReduceV4Bounds(const std::vector<QuantMatmulAllReduceV4Rank> &ranks, aclDataType out,
                                    const Contract &contract = Contract{});

}  // namespace mc2::oracle

#endif  // MC2_ORACLE_QUANT_MATMUL_ALL_REDUCE_V4_H_
