// oracle/quant_matmul_all_reduce.h — acceptance intervals for aclnnQuantMatmulAllReduce V1–V3
// (int8 × int8): output = allreduce_r( dequant_r(x1_r @ x2_r + bias_r) + x3_r ).
// Everything before the all-reduce is modelled bit for bit (the documented kernel order, ops.md
// §2.7, §3); the all-reduce in the output dtype uses the interval model of
// oracle/internal/reduce_cast.h; V3's int8 low-bit communication (both comm scales, §4.1) is
// element-wise and bit-exact up to the enumerated readings of its UNVERIFIED fp16 steps
// (oracle/quant_comm_int8.cc). The per-path rounding is written in oracle/contract.md.
#ifndef MC2_ORACLE_QUANT_MATMUL_ALL_REDUCE_H_
#define MC2_ORACLE_QUANT_MATMUL_ALL_REDUCE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "acl/acl_base.h"
#include "oracle/contract.h"
#include "oracle/reference.h"

namespace mc2::oracle {

// One rank's inputs, decoded: x1 (m×k) and x2 (k×n) int8 values, bias (n) int32 values,
// dequant scale (1 or n values) of dtype `dequant_dtype` — for UINT64/INT64 the packed codes
// (TransQuantParamV2 layout) as exact integers, for FLOAT/BF16 the scale values —, pertoken
// (m) fp32 values, x3 (m×n) values of the output dtype.
struct QuantMatmulAllReduceRank {
    Matrix x1;
    Matrix x2;
    std::optional<std::vector<double>> bias;
    std::vector<double> dequant;
    aclDataType dequant_dtype = ACL_UINT64;
    std::optional<std::vector<double>> pertoken;
    std::optional<Matrix> x3;
    // V3's commQuantScale1/2 (n values of the output dtype each, both or neither): the int8
    // low-bit communication replaces the all-reduce (ops.md §4.1). The documents require them
    // identical on every rank; ranks that differ are refused (undefined, no answer).
    std::optional<std::vector<double>> comm_scale1;
    std::optional<std::vector<double>> comm_scale2;
};

// The fp32 scale the A2 fixpipe applies for a packed UINT64/INT64 dequant code (ops.md §3):
// bits 0–31 with the low 13 mantissa bits cleared (fp19: 1 + 8 + 10 bits), read as an fp32.
// (A local helper until oracle/internal/uint64_scale.h lands; the lead unifies them.)
double Fp19ScaleOfCode(uint64_t code);

// Per-element steps of one rank, exposed for tests: the set of values rank r contributes to
// the all-reduce for element (i, j) (a point or the hull of the admitted orderings).
struct QuantRankValue {
    double lo = 0, hi = 0;
    bool nan = false;
    double exact = 0;  // the unrounded real value, for error statistics
    double scale = 0;  // its magnitude
};
QuantRankValue QuantRankContribution(const QuantMatmulAllReduceRank &rank, int64_t i, int64_t j, aclDataType out,
                                     const Contract &contract = Contract{});

// The int8 communication's steps the documents leave UNVERIFIED (ops.md §8.4) for fp16 output:
// the fp16 vector Div (correctly rounded to nearest even, or through the rounded reciprocal) and
// the fp16 dequant Mul (to nearest even, or truncated). bf16 output has no such step.
enum class Fp16DivReading { kRoundNearest, kReciprocalThenMultiply };
enum class Fp16MulReading { kRoundNearest, kTruncate };
struct CommInt8Reading {
    Fp16DivReading div = Fp16DivReading::kRoundNearest;
    Fp16MulReading mul = Fp16MulReading::kRoundNearest;
};
// The admissible readings for output dtype `out`, the assumed one (round to nearest even) first.
std::vector<CommInt8Reading> CommInt8Readings(aclDataType out);
// The reading in words, as the reports print it ("fp16 Div rounds to nearest, fp16 Mul truncates").
std::string CommInt8ReadingName(CommInt8Reading reading);
// One output element of the int8 communication (oracle/quant_comm_int8.cc) from every rank's
// partial result y_r (values of `out`) and the channel's scales (values of `out`) under
// `reading`; NaN where the documents define nothing (a NaN quotient).
double CommInt8Element(const std::vector<double> &y, double s1, double s2, aclDataType out, CommInt8Reading reading);

// Throws std::invalid_argument when shapes disagree, `out` is not FLOAT16/BF16, or a code is
// not an exactly decoded integer.
Bounds QuantMatmulAllReduceBounds(const std::vector<QuantMatmulAllReduceRank> &ranks, aclDataType out,
                                  const Contract &contract = Contract{});

}  // namespace mc2::oracle

#endif  // MC2_ORACLE_QUANT_MATMUL_ALL_REDUCE_H_
