// oracle/matmul_all_reduce_pass.h — the per-element pass of oracle/matmul_all_reduce.cc (fast
// and exact mode), as templates over the output dtype and contract shape. Only that oracle's
// files include it: each output dtype's instances compile in a translation unit of their own
// (matmul_all_reduce_{assemble,fold}_{fp16,bf16,fp32}.cc), because all of them in one file
// took 142 s to compile under ASan+UBSan, the serial tail of the sanitize build.
#ifndef MC2_ORACLE_MATMUL_ALL_REDUCE_PASS_H_
#define MC2_ORACLE_MATMUL_ALL_REDUCE_PASS_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "oracle/contract.h"
#include "oracle/internal/accumulator.h"
#include "oracle/internal/interval.h"
#include "oracle/internal/k_sum.h"
#include "oracle/internal/memory.h"
#include "oracle/internal/reduce_cast.h"
#include "oracle/internal/rounding.h"
#include "oracle/matmul_all_reduce.h"
#include "oracle/reference.h"

namespace mc2::oracle::matmul_all_reduce_pass {

using internal::AccumulatorBound;
using internal::DtypeMath;
using internal::Interval;
using internal::KSums;

// The stage loops' arrays are distinct (the block's own, x3, the outputs): vectorise without
// run-time overlap checks. Where the compiler still cannot (sanitizer builds instrument every
// access), the scalar loop computes the same bits, so that is not an error.
#if defined(__clang__)
#define MC2_DISTINCT_ARRAYS _Pragma("clang loop vectorize(assume_safety)")
#pragma clang diagnostic ignored "-Wpass-failed"
#else
#define MC2_DISTINCT_ARRAYS _Pragma("GCC ivdep")
#endif

struct Dims {
    int64_t m = 0;
    int64_t n = 0;
};

// The set of values rank r may contribute to the reduction, from its accumulator's interval.
// kOrdinary (an ordinary block, no x3): acc's endpoints are finite and within ±max_finite / 4.
template <bool kOrdinary = false>
[[gnu::always_inline]] inline Interval RankContribution(const Interval &acc, const double *x3, const DtypeMath &t, const Contract &c) {
    Interval y = internal::RoundInterval<kOrdinary>(acc, t, c.partial_rounded_to_output, c);
    if (x3 != nullptr) {
        y = internal::Shift(y, *x3);
        y = internal::RoundInterval(y, internal::kFp32Math, c.x3_sum_rounded_to_fp32, c);
        y = internal::RoundInterval(y, t, c.x3_sum_rounded_to_output, c);
    }
    return y;
}

// Every intermediate of an element's finite terms is below Σ|finite terms| times the growth of
// all roundings, (1 + 2^-8)^(R+3)·(1 + γ_k(2^-24)), which is below 2 for R ≤ 160 ranks
// (internal/special_values.h's obligation).
void SpecialElement(const std::vector<MatmulAllReduceRank> &ranks, Dims d, int64_t i, int64_t j,
                    const DtypeMath &t, Bounds &b);

// Everything after the per-rank k-sums, shared by both modes.
struct Pipeline {
    const std::vector<MatmulAllReduceRank> &ranks;
    Dims d;
    const DtypeMath &t;
    const Contract &c;
    const std::vector<KSums> &sums;
    const std::vector<AccumulatorBound> &acc;
    const internal::RankReduction &reduction;
    const std::vector<char> &special;  // empty: no element is special
    Bounds &b;
};

// The per-element pass works on blocks of up to kBlock consecutive elements of a row, stage by
// stage over arrays (each stage a loop without branches the compiler cannot turn into selects,
// so it vectorises), folding the ranks into the reduction one at a time. Every element goes
// through the same IEEE operations in the same order as the scalar chain (RankContribution,
// RankReduction::ReduceAndCast), so the bounds do not depend on the vector width.
constexpr int64_t kBlock = 128;

// One rank's k-sums of the block.
struct KBlock {
    double lo[kBlock], hi[kBlock], approx[kBlock], abs_up[kBlock];
};

// The reduction's running state of the block (internal::ReductionState, one array per field),
// and the running best estimate and scale.
struct FoldBlock {
    double slo[kBlock], shi[kBlock], alo[kBlock], ahi[kBlock], pos[kBlock], neg[kBlock];
    bool nan[kBlock], neg_inf[kBlock], pos_inf[kBlock];
    double approx[kBlock], scale[kBlock];
};

// What the block's outputs are written to.
struct Out {
    double *__restrict lo;
    double *__restrict hi;
    double *__restrict exact;
    double *__restrict scale;
};

// Rank contribution z of each element of the block (x3: the block's x3 values or null, decided
// per rank outside the loop), then either the world-1 cast and store or the fold into `fold`.
// kFirst: rank 0 (its approx and scale start the running ones as the scalar chain does).
enum class Stage { kWorld1, kFirst, kNext };
//
// Compiled per output dtype kT and contract shape kShape (the caller dispatches on them): the
// loop's copies of T's facts and of the contract then hold constants the compiler folds,
// instead of computing both sides of every dtype, allowance and range test as selects.
enum class Shape {
    kVendor,   // as Contract{} where it steers selects: no flush, saturation, roundings
               // "either", reduction in T or wider
    kNoFlush,  // any other contract without subnormal flush
    kFlush,    // any contract with subnormal flush
};
inline Shape ShapeOf(const Contract &c) {
    if (c.subnormal_flush_allowed) return Shape::kFlush;
    const bool vendor = c.overflow_saturation_allowed && c.partial_rounded_to_output == Allowance::kEither &&
                        c.x3_sum_rounded_to_fp32 == Allowance::kEither &&
                        c.x3_sum_rounded_to_output == Allowance::kEither &&
                        c.reduction == ReductionPrecision::kOutputOrWider;
    return vendor ? Shape::kVendor : Shape::kNoFlush;
}
// (Every assignment below stores the value the field already has: the caller dispatched on it.)
template <aclDataType kT, Shape kShape>
[[gnu::always_inline]] inline void Specialise(DtypeMath &t, Contract &c) {
    t = kT == ACL_FLOAT16 ? internal::kFp16Math : kT == ACL_BF16 ? internal::kBf16Math : internal::kFp32Math;
    c.subnormal_flush_allowed = kShape == Shape::kFlush;
    if constexpr (kShape == Shape::kVendor) {
        c.overflow_saturation_allowed = true;
        c.partial_rounded_to_output = Allowance::kEither;
        c.x3_sum_rounded_to_fp32 = Allowance::kEither;
        c.x3_sum_rounded_to_output = Allowance::kEither;
        c.reduction = ReductionPrecision::kOutputOrWider;
    }
}

// World 1: the final cast of the rank's contribution, from its accumulator's interval a. For
// the vendor contract without x3 the contribution is a's image under "may be rounded to T"
// (RoundInterval kEither: [min(RL(lo), lo), max(RU(hi), hi)], RL/RU the endpoint roundings,
// no flush, saturation) and the cast rounds it again (CastWorld1: RL/RU of the endpoints + 0.0).
// RL and RU are monotone and idempotent, so the cast of the union is the cast of a alone, and
// only zeros' signs need care: RL(min(RL(lo), lo) + 0.0) = RL(lo + 0.0) and
// RU(max(RU(hi), hi) + 0.0) = RU(hi) + 0.0 bit for bit (e.g. lo = −2^-30 gives −0 in both, and
// hi = −2^-30 gives +0; checked on 12 M endpoints incl. ±0, ±Inf, subnormals, ±max and the
// overflow thresholds of fp16, bf16 and fp32), two roundings instead of four.
//
// kOrdinary (an ordinary block, no x3): a's endpoints are finite and within ±max_finite / 4, so
// the rounded contribution is within ±max_finite / 2 and no range rule applies to the cast.
template <Shape kShape, bool kHasX3, bool kOrdinary>
[[gnu::always_inline]] inline Interval CastWorld1(const Interval &a, const double *x3, const DtypeMath &t,
                                                  const Contract &c) {
    if constexpr (kShape == Shape::kVendor && !kHasX3 && kOrdinary) {
        return Interval{internal::RoundNearestEvenInRange(t, a.lo + 0.0),
                        internal::RoundNearestEvenInRange(t, a.hi) + 0.0, a.nan};
    } else if constexpr (kShape == Shape::kVendor && !kHasX3) {
        return Interval{internal::RoundLowerEndpoint(a.lo + 0.0, t, true),
                        internal::RoundUpperEndpoint(a.hi, t, true) + 0.0, a.nan};
    } else {
        return internal::RankReduction::CastWorld1<kOrdinary>(RankContribution<kOrdinary>(a, x3, t, c), t, c);
    }
}

// kOrdinary: the block is ordinary (KSums::Ordinary with limit max_finite / 16, the rank's
// accumulator bound ordinary(), no x3), so every step may drop its range tests: the k-sums
// are within ±2.01·L, the accumulator's interval within ±4.02·L = ±max_finite / 4 (γ ≤ 1),
// the rank's contribution (rounded or not) within ±max_finite / 2 and finite.
template <aclDataType kT, Shape kShape, bool kHasX3, Stage kStage, bool kOrdinary = false>
[[gnu::always_inline]] inline void RankStage(const KBlock &v, const double *__restrict x3, int64_t len,
                                             const AccumulatorBound &acc_ref, const DtypeMath &t_ref,
                                             const Contract &c_ref,
                                             FoldBlock &f, const Out &out) {
    // Local copies: stores into the outputs cannot alias them.
    const AccumulatorBound acc = acc_ref;
    DtypeMath t = t_ref;
    Contract c = c_ref;
    Specialise<kT, kShape>(t, c);
    // (The arrays are distinct: the block's own, x3 and the outputs.)
    MC2_DISTINCT_ARRAYS
    for (int64_t l = 0; l < len; ++l) {
        const internal::KSumElement e{v.lo[l], v.hi[l], v.approx[l], v.abs_up[l]};
        const Interval a = acc.Enclose<kOrdinary>(e);
        const double approx_r = e.approx + (kHasX3 ? x3[l] : 0.0);
        // (AddUp(s, 0) is s + 0: the directed additions only where something is added.)
        const double rank_scale = kHasX3 ? internal::AddUp(e.abs_up, std::fabs(x3[l])) : e.abs_up + 0.0;
        if constexpr (kStage == Stage::kWorld1) {
            const Interval r = CastWorld1<kShape, kHasX3, kOrdinary>(a, kHasX3 ? &x3[l] : nullptr, t, c);
            out.lo[l] = r.nan ? -internal::kInf : r.lo;
            out.hi[l] = r.nan ? internal::kInf : r.hi;
            out.exact[l] = 0.0 + approx_r;
            out.scale[l] = 0.0 + rank_scale;
        } else {
            const Interval z = RankContribution<kOrdinary>(a, kHasX3 ? &x3[l] : nullptr, t, c);
            internal::ReductionState s;
            if constexpr (kStage == Stage::kNext) {
                s = internal::ReductionState{f.slo[l], f.shi[l], f.alo[l], f.ahi[l], f.pos[l], f.neg[l],
                                             f.nan[l],  f.neg_inf[l], f.pos_inf[l]};
                internal::RankReduction::Fold<kOrdinary>(s, z);
            } else {
                s = internal::RankReduction::Start(z);  // Fold into zeros, without its six additions
            }
            f.slo[l] = s.slo, f.shi[l] = s.shi, f.alo[l] = s.alo, f.ahi[l] = s.ahi;
            f.pos[l] = s.pos, f.neg[l] = s.neg;
            f.nan[l] = s.nan, f.neg_inf[l] = s.any_neg_inf, f.pos_inf[l] = s.any_pos_inf;
            if constexpr (kStage == Stage::kFirst) {
                f.approx[l] = 0.0 + approx_r;
                f.scale[l] = 0.0 + rank_scale;
            } else {
                f.approx[l] = f.approx[l] + approx_r;
                f.scale[l] = internal::AddUp(f.scale[l], rank_scale);
            }
        }
    }
}

// Element l's reduction state in the block.
[[gnu::always_inline]] inline internal::ReductionState StateAt(const FoldBlock &f, int64_t l) {
    return internal::ReductionState{f.slo[l], f.shi[l], f.alo[l], f.ahi[l], f.pos[l],
                                    f.neg[l], f.nan[l], f.neg_inf[l], f.pos_inf[l]};
}

// Whether every element of the block may end the reduction by RankReduction's ordinary variant
// (OrdinaryState; one branch-free loop, so that it vectorises).
[[gnu::always_inline]] inline bool OrdinaryFinishBlock(const FoldBlock &f, int64_t len, const DtypeMath &t) {
    bool ok = true;
    for (int64_t l = 0; l < len; ++l) ok &= internal::RankReduction::OrdinaryState(StateAt(f, l), t);
    return ok;
}

// The reduction's end for the block (world ≥ 2); kOrdinary: the block is OrdinaryFinishBlock
// and the reduction OrdinaryFinish (the same bits, fewer selects).
// (t and c: the caller's specialised copies.)
template <bool kOrdinary>
[[gnu::always_inline]] inline void FinishStageAs(const FoldBlock &f, int64_t len, const DtypeMath &t,
                                                 const Contract &c, const internal::RankReduction &red,
                                                 const Out &out) {
    MC2_DISTINCT_ARRAYS
    for (int64_t l = 0; l < len; ++l) {
        const Interval r = red.Finish<kOrdinary>(StateAt(f, l), t, c);
        out.lo[l] = r.nan ? -internal::kInf : r.lo;
        out.hi[l] = r.nan ? internal::kInf : r.hi;
        out.exact[l] = f.approx[l];
        out.scale[l] = f.scale[l];
    }
}
template <aclDataType kT, Shape kShape>
[[gnu::always_inline]] inline void FinishStage(const FoldBlock &f, int64_t len, const DtypeMath &t_ref,
                                               const Contract &c_ref, const internal::RankReduction &red_ref,
                                               const Out &out) {
    DtypeMath t = t_ref;
    Contract c = c_ref;
    Specialise<kT, kShape>(t, c);
    const internal::RankReduction red = red_ref;
    if (red.OrdinaryFinish() && OrdinaryFinishBlock(f, len, t))
        FinishStageAs<true>(f, len, t, c, red, out);
    else
        FinishStageAs<false>(f, len, t, c, red, out);
}

// Rank r's k-sums of the block (sums index s: r, or 0 in the folded pass) and its stage, the
// ordinary variant where the block is ordinary (RankStage).
template <aclDataType kT, Shape kShape, Stage kStage>
[[gnu::always_inline]] inline void RankStageFor(const Pipeline &p, size_t r, size_t s, KBlock &v, size_t e, int64_t j,
                                                int64_t len, FoldBlock &f, const Out &out) {
    const auto &x3 = p.ranks[r].x3;
    const internal::KSums &sums = p.sums[s];
    if (!x3 && p.acc[s].ordinary() && sums.Ordinary(e, j, len, p.t.max_finite / 16)) {
        sums.LoadRow<true>(e, j, len, v.lo, v.hi, v.approx, v.abs_up);
        RankStage<kT, kShape, false, kStage, true>(v, nullptr, len, p.acc[s], p.t, p.c, f, out);
        return;
    }
    sums.LoadRow(e, j, len, v.lo, v.hi, v.approx, v.abs_up);
    if (x3)
        RankStage<kT, kShape, true, kStage>(v, x3->v.data() + e, len, p.acc[s], p.t, p.c, f, out);
    else
        RankStage<kT, kShape, false, kStage>(v, nullptr, len, p.acc[s], p.t, p.c, f, out);
}

// Calls fn(i, j, len, e, out) for each block of the rows [row_begin, row_end): up to kBlock
// consecutive elements of row i from column j, e = i·n + j, out their place in the bounds. The
// one row × block loop of both passes (fn is inlined into each clone of its caller).
template <class Fn>
[[gnu::always_inline]] inline void ForEachRowBlock(const Pipeline &p, int64_t row_begin, int64_t row_end, Fn &&fn) {
    for (int64_t i = row_begin; i < row_end; ++i)
        for (int64_t j = 0; j < p.d.n; j += kBlock) {
            const int64_t len = std::min(kBlock, p.d.n - j);
            const size_t e = static_cast<size_t>(i * p.d.n + j);
            fn(i, j, len, e, Out{p.b.lo.data() + e, p.b.hi.data() + e, p.b.exact.data() + e, p.b.scale.data() + e});
        }
}

// Elements of the block reached by NaN / Inf inputs: their values written by the stages are
// meaningless (and harmless: nothing traps); the IEEE class rules overwrite them.
[[gnu::always_inline]] inline void SpecialElements(const Pipeline &p, int64_t i, int64_t j, int64_t len, size_t e) {
    if (p.special.empty()) return;
    for (int64_t l = 0; l < len; ++l)
        if (p.special[e + static_cast<size_t>(l)]) SpecialElement(p.ranks, p.d, i, j + l, p.t, p.b);
}

// Rows [row_begin, row_end) of the output, for output dtype kT and contract shape kShape.
template <aclDataType kT, Shape kShape>
[[gnu::always_inline]] inline void AssembleRowsAs(const Pipeline &p, int64_t row_begin, int64_t row_end) {
    const size_t world = p.ranks.size();
    KBlock v;
    FoldBlock f;
    ForEachRowBlock(p, row_begin, row_end,
                    [&](int64_t i, int64_t j, int64_t len, size_t e, const Out &out) __attribute__((always_inline)) {
                        for (size_t r = 0; r < world; ++r) {
                            if (world == 1)
                                RankStageFor<kT, kShape, Stage::kWorld1>(p, r, r, v, e, j, len, f, out);
                            else if (r == 0)
                                RankStageFor<kT, kShape, Stage::kFirst>(p, r, r, v, e, j, len, f, out);
                            else
                                RankStageFor<kT, kShape, Stage::kNext>(p, r, r, v, e, j, len, f, out);
                        }
                        if (world > 1) FinishStage<kT, kShape>(f, len, p.t, p.c, p.reduction, out);
                        SpecialElements(p, i, j, len, e);
                    });
}

template <aclDataType kT>
[[gnu::always_inline]] inline void AssembleRowsFor(const Pipeline &p, int64_t row_begin, int64_t row_end) {
    switch (ShapeOf(p.c)) {
        case Shape::kVendor: return AssembleRowsAs<kT, Shape::kVendor>(p, row_begin, row_end);
        case Shape::kNoFlush: return AssembleRowsAs<kT, Shape::kNoFlush>(p, row_begin, row_end);
        case Shape::kFlush: return AssembleRowsAs<kT, Shape::kFlush>(p, row_begin, row_end);
    }
}

// Fast mode at large world sizes: rank r's two dgemm results are folded into the reduction as
// soon as they exist, so that two m×n result buffers serve every rank instead of two per rank
// (a GPT-3 world-8 case at S = 8192 kept 14 of 512 MiB each). Between ranks each element's
// fold state (FoldBlock's fields) is kept in m×n arrays: slo, shi, approx and scale in the
// bounds' lo, hi, exact and scale (the reduction's end overwrites them), alo, ahi, pos and neg
// in four more, the three flags in a byte. Every element goes through the same stages with the
// same operands in the same order as in Assemble, so the bounds are the same bits.
struct FoldState {
    double *slo, *shi, *approx, *scale;
    internal::DoubleBuffer alo, ahi, pos, neg;
    std::unique_ptr<uint8_t[]> flags;  // bit 0 nan, 1 neg_inf, 2 pos_inf

    void Load(size_t e, int64_t len, FoldBlock &f) const {
        for (int64_t l = 0; l < len; ++l) {
            const size_t x = e + static_cast<size_t>(l);
            f.slo[l] = slo[x], f.shi[l] = shi[x], f.alo[l] = alo[x], f.ahi[l] = ahi[x];
            f.pos[l] = pos[x], f.neg[l] = neg[x], f.approx[l] = approx[x], f.scale[l] = scale[x];
            f.nan[l] = (flags[x] & 1) != 0, f.neg_inf[l] = (flags[x] & 2) != 0, f.pos_inf[l] = (flags[x] & 4) != 0;
        }
    }
    void Store(size_t e, int64_t len, const FoldBlock &f) const {
        for (int64_t l = 0; l < len; ++l) {
            const size_t x = e + static_cast<size_t>(l);
            slo[x] = f.slo[l], shi[x] = f.shi[l], alo[x] = f.alo[l], ahi[x] = f.ahi[l];
            pos[x] = f.pos[l], neg[x] = f.neg[l], approx[x] = f.approx[l], scale[x] = f.scale[l];
            flags[x] = static_cast<uint8_t>((f.nan[l] ? 1 : 0) | (f.neg_inf[l] ? 2 : 0) | (f.pos_inf[l] ? 4 : 0));
        }
    }
};

// One rank's step of the folded pass (world ≥ 2): rank 0 starts the fold state, the last rank
// ends the reduction into the bounds.
struct FoldStep {
    const Pipeline &p;  // its sums and acc are rank r's alone (index 0)
    size_t r;
    const FoldState &state;
};

template <aclDataType kT, Shape kShape>
[[gnu::always_inline]] inline void FoldRowsAs(const FoldStep &s, int64_t row_begin, int64_t row_end) {
    const Pipeline &p = s.p;
    const bool first = s.r == 0, last = s.r + 1 == p.ranks.size();
    KBlock v;
    FoldBlock f;
    ForEachRowBlock(p, row_begin, row_end,
                    [&](int64_t i, int64_t j, int64_t len, size_t e, const Out &out) __attribute__((always_inline)) {
                        if (!first) s.state.Load(e, len, f);
                        if (first)
                            RankStageFor<kT, kShape, Stage::kFirst>(p, s.r, 0, v, e, j, len, f, out);
                        else
                            RankStageFor<kT, kShape, Stage::kNext>(p, s.r, 0, v, e, j, len, f, out);
                        if (!last) {
                            s.state.Store(e, len, f);
                            return;
                        }
                        FinishStage<kT, kShape>(f, len, p.t, p.c, p.reduction, out);
                        SpecialElements(p, i, j, len, e);
                    });
}

template <aclDataType kT>
[[gnu::always_inline]] inline void FoldRowsFor(const FoldStep &s, int64_t row_begin, int64_t row_end) {
    switch (ShapeOf(s.p.c)) {
        case Shape::kVendor: return FoldRowsAs<kT, Shape::kVendor>(s, row_begin, row_end);
        case Shape::kNoFlush: return FoldRowsAs<kT, Shape::kNoFlush>(s, row_begin, row_end);
        case Shape::kFlush: return FoldRowsAs<kT, Shape::kFlush>(s, row_begin, row_end);
    }
}

// Rows [row_begin, row_end) of the output (the pass of Assemble / one rank's step of the
// folded pass), one function per output dtype, each in its own translation unit. Compiled for
// AVX-512, for FMA (AVX) and for the baseline ISA on x86-64 (picked at load time): the
// outward-rounded products (internal/interval.h MulUp) need an exact fma, a library call
// without the instruction, and the stage loops vectorise to the widest registers there are.
// Every operation is the same IEEE operation in every clone (the oracle is built with
// -ffp-contract=off), so the bounds are too. Not under ThreadSanitizer: the clones' load-time
// resolver is instrumented and runs during relocation, before the TSan runtime is initialised
// (a segfault before main()).
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define MC2_ORACLE_NO_CLONES 1
#endif
#endif
#if defined(__x86_64__) && !defined(MC2_ORACLE_NO_CLONES)
#define MC2_ORACLE_PASS_CLONES __attribute__((target_clones("avx512f", "fma", "default")))
#else
#define MC2_ORACLE_PASS_CLONES
#endif
void AssembleRowsFp16(const Pipeline &p, int64_t row_begin, int64_t row_end);
void AssembleRowsBf16(const Pipeline &p, int64_t row_begin, int64_t row_end);
void AssembleRowsFp32(const Pipeline &p, int64_t row_begin, int64_t row_end);
void FoldRowsFp16(const FoldStep &s, int64_t row_begin, int64_t row_end);
void FoldRowsBf16(const FoldStep &s, int64_t row_begin, int64_t row_end);
void FoldRowsFp32(const FoldStep &s, int64_t row_begin, int64_t row_end);

}  // namespace mc2::oracle::matmul_all_reduce_pass

#endif  // MC2_ORACLE_MATMUL_ALL_REDUCE_PASS_H_
