// oracle/contract.h — the numerics contract: every freedom a conforming implementation of the
// fp16/bf16 matmul + all-reduce family has, as one struct. The defaults are the documented
// vendor behaviour (shared/spec-notes/ops.md §2.7, §8.4) widened only where the documents leave
// a choice open; oracle/contract.md is the human-readable text of the same contract (the report
// quotes it). The oracle turns a Contract into per-element acceptance intervals
// (oracle/reference.h); nothing here is a tolerance constant picked by hand.
#ifndef MC2_ORACLE_CONTRACT_H_
#define MC2_ORACLE_CONTRACT_H_

namespace mc2::oracle {

// Whether an optional step happens: never, always, or either (both outcomes conform).
enum class Allowance { kNo, kYes, kEither };

// Where the sum over ranks may be computed.
enum class ReductionPrecision {
    kOutputOrWider,  // in the output dtype T or anything wider (vendor: HCCL sums in T)
    kFp32OrWider,    // in fp32 or wider
    kExact,          // exactly (a model with no reduction error; for tests and tight profiles)
};

struct Contract {
    // --- the k-sum (x1 @ x2 [+ bias]) on each rank -------------------------------------------
    // Unit roundoff of the accumulator; every addition rounds with |δ| ≤ u, in any order or
    // tree. 2^-24 = fp32 round-to-nearest (vendor: L0C fp32). An accumulator that truncates
    // must declare 2^-23. Bound (Higham, Accuracy and Stability, §3.1, any summation order):
    //   |acc − Σ terms| ≤ γ_{n−1}(u)·Σ|terms|, γ_n(u) = n·u/(1 − n·u), n = number of terms.
    double acc_unit_roundoff = 0x1p-24;
    // The bias is one more term of that sum, added inside the accumulator (vendor: bf16 bias
    // cast to fp32 first; fp16/bf16 values are exact in fp32). This is fixed, not a freedom.
    //
    // Statistical level (0 = off, the rigorous worst case). With λ > 0 the accumulation bound
    // becomes min(γ_{n−1}(u), γ̃_n(λ)) with γ̃_n(λ) = exp(λ·√n·u + n·u²/(1−u)) − 1 (Higham &
    // Mary, SISC 2019, Thm 2.4), valid with probability ≥ 1 − 2n·exp(−λ²(1−u)²/2) when
    // rounding errors are independent and mean-zero. Used only for the "precision suspect"
    // check of harness/compare.h, never for pass/fail of a single element.
    double acc_probabilistic_lambda = 0.0;

    // --- after the k-sum ---------------------------------------------------------------------
    // The per-rank partial round_T(x1@x2 + bias) may be rounded to the output dtype T before
    // communication (vendor: it is) or kept wider.
    Allowance partial_rounded_to_output = Allowance::kEither;
    // x3 (V2) is added to the partial exactly-then-rounded in fp32 (vendor bf16 path) or in T
    // (vendor fp16 path) or wider: the exact sum may be rounded to fp32, ...
    Allowance x3_sum_rounded_to_fp32 = Allowance::kEither;
    // ... and the result may be rounded to T.
    Allowance x3_sum_rounded_to_output = Allowance::kEither;

    // --- the all-reduce over R ranks ---------------------------------------------------------
    // Any order / tree; in T: |Σ̂ − Σ Z_r| ≤ γ_{R−1}(u_T)·Σ_r|Z_r| (u_T: fp16 2^-11, bf16
    // 2^-8); in fp32: γ_{R−1}(2^-24)·Σ|Z_r|.
    ReductionPrecision reduction = ReductionPrecision::kOutputOrWider;

    // --- range ---------------------------------------------------------------------------------
    // Underflow: IEEE gradual underflow is the default (additions with subnormal results are
    // then exact; an fp32 product below 2^-126 errs by ≤ 2^-150). When flushing is allowed every
    // operation may lose up to the smallest normal of its format (fp32 2^-126, fp16 2^-14,
    // bf16 2^-126), which is added as an absolute error term.
    bool subnormal_flush_allowed = false;
    // Overflow: an element whose admissible real interval reaches beyond the largest finite T
    // value admits ±Inf of that sign; with saturation allowed (AscendC Cast float→half is
    // documented as saturating, ops.md §8.4) it also admits ±max where RNE would give ±Inf.
    bool overflow_saturation_allowed = true;

    bool operator==(const Contract &) const = default;

    // Fixed by the contract (no field): the final cast to T rounds to nearest, ties to even;
    // special values follow IEEE 754 (NaN inputs → NaN, Inf·0 → NaN, +Inf + −Inf → NaN). An
    // element whose admissible set contains both +Inf and −Inf also admits NaN, because an
    // Inf − Inf inside the reduction is then possible.
};

// The vendor's documented behaviour, widened as above (== Contract{}).
inline Contract DefaultContract() { return Contract{}; }

}  // namespace mc2::oracle

#endif  // MC2_ORACLE_CONTRACT_H_
