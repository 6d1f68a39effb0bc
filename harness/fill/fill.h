// harness/fill/fill.h — input data for a Case: the logical values of every input tensor as a
// function of (case seed, rank, tensor name, distribution) only, so a descriptor reproduces
// its data exactly and a rank's data do not depend on how many threads generate them.
//
// Fillers need to know what the values feed: an operator binding describes its contraction
// (ContractionSpec: output dtype, operand dtypes, accumulation length k, world size, number of
// addends) and each tensor's role in it. The distributions (Dist in harness/case.h):
//   normal, uniform  typical values (unit scale; integers scaled to a few bits)
//   cancel           products in nearly opposite pairs along k (x1[:,2p+1] = x1[:,2p]·(1+δ),
//                    x2[2p+1,:] = -x2[2p,:]) and addends in opposite pairs across ranks, so the
//                    result is tiny relative to Σ|terms|
//   ties             integers whose sum on every element is 2^p + T (p = output digits,
//                    0 ≤ T < 2^p): odd sums sit exactly on a rounding midpoint of the output, and a
//                    ±1/4 term on rank 0 moves some just off it (near-ties)
//   extreme          a mix of near-max, subnormal, tiny-normal and wide-exponent values, sized so
//                    Σ|terms| stays below the output's max (the exact result is finite)
//   exact            small integers such that Σ|terms| ≤ the output's exact-integer limit (and
//                    fp32's 2^24): every partial sum in any order and any grouping across ranks
//                    is exact, so a conforming result is bit-exact (benchdnn's safe-n_acc,
//                    nccl-tests' verifiable sums); rows are made sparse when k is too long.
// Every tensor has at least one non-zero element; every value is representable in its dtype.
#ifndef MC2_HARNESS_FILL_FILL_H_
#define MC2_HARNESS_FILL_FILL_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "acl/acl_base.h"
#include "harness/case.h"

namespace mc2::harness {

enum class Role {
    kLhs,     // [..., k]: contracted along its last dim (x1)
    kRhs,     // [k, ...]: contracted along its first dim (x2, logical view)
    kAddend,  // added to the contraction's result on every rank (bias, x3, residual)
    kOther,   // anything else (scales, gamma): typical values of its dtype
    kData,    // moved, not computed (all-to-all, gather payloads): every bit pattern of the dtype,
              // NaN payloads and subnormals included (FillCodes), so any conversion shows
    // Quantisation scales of an int8 exchange of the contraction's result, which the documents
    // require to be identical on every rank (QuantMatmulAllReduceV3's commQuantScale1/2): seeded
    // without the rank (the same values everywhere), positive, per element a random factor in
    // [2^-4, 2) of a rank-independent estimate of |result| / 32 (dtypes, k, distribution,
    // post_scale), so that the quantised values spread over the int8 range, some saturate and few
    // are zero whatever the result's actual size (FillQuantScale in fill.cc).
    kQuantScaleIn,   // the result is divided by it before the exchange
    kQuantScaleOut,  // the sum of the world's int8 values: element e is In's e times sqrt(world)·[0.5, 2)
};

struct ContractionSpec {
    aclDataType out_dtype = ACL_FLOAT16;
    aclDataType lhs_dtype = ACL_FLOAT16;
    aclDataType rhs_dtype = ACL_FLOAT16;
    int64_t k = 1;     // products per output element on one rank
    int world = 1;     // ranks whose results are summed
    int addends = 0;   // addend tensors per rank
    // k as every rank sees it (rank 0's), for the rank-identical fills (kQuantScaleIn/Out) when
    // k may differ between ranks; 0 = use k.
    int64_t shared_k = 0;
    // Typical |factor| applied to the contraction's result after it (dequant scales), per output
    // column (one value: every column), the same on every rank, for kQuantScaleIn/Out.
    std::vector<double> post_scale = {1.0};
    // The largest |result| the extreme distribution aims at (0: out_dtype's max finite). An
    // operator whose later steps square the result caps it (AddRmsNorm: its fp32 Σy² must stay
    // finite, see harness/ops/matmul_all_reduce_add_rms_norm.cc).
    double result_max = 0;
};

// Logical values (row-major over the view shape) of input `name` of rank `rank`.
std::vector<double> FillValues(const TensorSpec &tensor, Role role, const ContractionSpec &contraction, Dist dist,
                               uint64_t seed, int rank, std::string_view name);

// The storage bytes of EncodeStorage(tensor, FillValues(...)) (harness/fill/storage.h): for
// the typical distributions of a contiguous fp16/bf16 view made on every core without the
// view's doubles (a GPT-3 x2 is 22 M elements a rank), else exactly that call.
std::vector<uint8_t> FillStorage(const TensorSpec &tensor, Role role, const ContractionSpec &contraction, Dist dist,
                                 uint64_t seed, int rank, std::string_view name);

// Storage bytes of a kData tensor: a random code in every view element (independent of the
// distribution: data movement has no numerics to stress), the canary in the gaps. A function of
// (seed, rank, name) only, like FillValues.
std::vector<uint8_t> FillCodes(const TensorSpec &tensor, uint64_t seed, int rank, std::string_view name);

// The integer ranges the exact and ties distributions use (exposed for tests): |lhs| ≤ lhs,
// |rhs| ≤ rhs, |addend| ≤ lhs·rhs, at most `per_row` non-zero lhs values per row (k = dense),
// and `budget` = the bound on Σ|terms| of one output element over all ranks.
struct ExactPlan {
    double lhs = 1;
    double rhs = 1;
    int64_t per_row = 1;
    double budget = 1;
};
ExactPlan PlanExact(const ContractionSpec &contraction, double budget);
// Σ|terms| bound of the exact distribution: min(output exact-integer limit, 2^24).
double ExactBudget(aclDataType out_dtype);

// 64-bit mix of the identifying parts (public for tests and the rank schedule).
uint64_t MixSeed(uint64_t seed, uint64_t a, uint64_t b = 0);

}  // namespace mc2::harness

#endif  // MC2_HARNESS_FILL_FILL_H_
