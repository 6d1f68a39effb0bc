// oracle/matmul_all_reduce.cc — acceptance intervals for MatmulAllReduce (fp16/bf16).
//
// Per element (i, j) and rank r the pipeline of the contract (oracle/contract.h) is
//   V_r = Σ_t x1_r[i,t]·x2_r[t,j] + bias_r[j]        (n = k [+1] exact terms, real value)
//   A_r = V_r ± γ_{n−1}(u_acc)·S_r (+ underflow term) (accumulator, any order; S_r = Σ|terms|)
//   Y_r = A_r, or round_T(A_r)                       (partial rounded before communication)
//   Z_r = Y_r [+ x3, maybe rounded to fp32, maybe rounded to T]
//   out = round_T(reduce_r Z_r)                       (any tree, in T or wider)
// and each step maps an interval of possible values to the interval of possible results. The
// rounding steps are monotone, so endpoints map to endpoints; "may be rounded" is the union of
// the rounded and unrounded intervals. Interval arithmetic is outward (internal/interval.h).
// The reusable steps live in internal/: k_sum (V_r, S_r), accumulator (A_r), reduce_cast (the
// reduction and the final cast), special_values (NaN/Inf inputs); this file is the chain.
#include "oracle/matmul_all_reduce.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>

#include "oracle/internal/accumulator.h"
#include "oracle/internal/exact_sum.h"
#include "oracle/internal/interval.h"
#include "oracle/internal/k_sum.h"
#include "oracle/internal/parallel.h"
#include "oracle/internal/reduce_cast.h"
#include "oracle/internal/rounding.h"
#include "oracle/internal/special_values.h"

namespace mc2::oracle {
namespace {

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

// Elements per thread below which the O(m·n) pass is not split.
constexpr int64_t kMinElementsPerThread = 1 << 14;

struct Dims {
    int64_t m = 0;
    int64_t n = 0;
};

[[noreturn]] void Bad(const std::string &what) {
    throw std::invalid_argument("MatmulAllReduceBounds: " + what);
}

Dims Validate(const std::vector<MatmulAllReduceRank> &ranks) {
    if (ranks.empty()) Bad("no ranks");
    // m and n are common to every rank (the all-reduce adds [m, n] blocks); k, bias and x3 are
    // each rank's own: nothing in the documents ties one rank's contraction to another's.
    const Dims d{ranks[0].X1().rows, ranks[0].X2().cols};
    for (size_t r = 0; r < ranks.size(); ++r) {
        const auto &rk = ranks[r];
        const std::string at = " (rank " + std::to_string(r) + ")";
        const int64_t k = rk.X1().cols;
        if (rk.X1().rows != d.m || rk.X2().cols != d.n) Bad("output shapes [m, n] differ between ranks" + at);
        if (rk.X2().rows != k) Bad("x1 and x2 do not chain over k" + at);
        if (d.m < 0 || k < 0 || d.n < 0) Bad("negative dimension" + at);
        if (static_cast<int64_t>(rk.X1().v.size()) != d.m * k || static_cast<int64_t>(rk.X2().v.size()) != k * d.n)
            Bad("matrix storage does not match its shape" + at);
        if (rk.bias && static_cast<int64_t>(rk.bias->size()) != d.n) Bad("bias is not [n]" + at);
        if (rk.x3 && (rk.x3->rows != d.m || rk.x3->cols != d.n ||
                      static_cast<int64_t>(rk.x3->v.size()) != d.m * d.n))
            Bad("x3 is not [m, n]" + at);
    }
    return d;
}

const std::vector<double> *BiasOf(const MatmulAllReduceRank &rk) { return rk.bias ? &*rk.bias : nullptr; }

bool AnyNonFinite(const std::vector<double> &v) {
    bool any = false;
    for (const double x : v) any |= !std::isfinite(x);
    return any;
}

// Elements reached by a NaN or Inf input on some rank; they follow IEEE class rules instead
// of the interval pipeline. Empty (no m·n flags to write) when every input is finite.
std::vector<char> SpecialElements(const std::vector<MatmulAllReduceRank> &ranks, Dims d) {
    bool any = false;
    for (const auto &rk : ranks)
        any = any || AnyNonFinite(rk.X1().v) || AnyNonFinite(rk.X2().v) || (rk.bias && AnyNonFinite(*rk.bias)) ||
              (rk.x3 && AnyNonFinite(rk.x3->v));
    if (!any) return {};
    std::vector<char> special(static_cast<size_t>(d.m * d.n), 0);
    for (const auto &rk : ranks) {
        internal::MarkNonFinite(rk.X1(), rk.X2(), BiasOf(rk), special);
        if (rk.x3)
            for (size_t e = 0; e < special.size(); ++e)
                if (!std::isfinite(rk.x3->v[e])) special[e] = 1;
    }
    return special;
}

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
                    const DtypeMath &t, Bounds &b) {
    internal::SpecialTerms terms;
    for (const auto &rk : ranks) {
        for (int64_t q = 0; q < rk.X1().cols; ++q) terms.Add(rk.X1().at(i, q) * rk.X2().at(q, j));
        if (rk.bias) terms.Add((*rk.bias)[static_cast<size_t>(j)]);
        if (rk.x3) terms.Add(rk.x3->at(i, j));
    }
    internal::StoreSpecial(terms, t, static_cast<size_t>(i * d.n + j), b);
}

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
Shape ShapeOf(const Contract &c) {
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

// The reduction's end for the block (world ≥ 2).
template <aclDataType kT, Shape kShape>
[[gnu::always_inline]] inline void FinishStage(const FoldBlock &f, int64_t len, const DtypeMath &t_ref,
                                               const Contract &c_ref, const internal::RankReduction &red_ref,
                                               const Out &out) {
    DtypeMath t = t_ref;
    Contract c = c_ref;
    Specialise<kT, kShape>(t, c);
    const internal::RankReduction red = red_ref;
    MC2_DISTINCT_ARRAYS
    for (int64_t l = 0; l < len; ++l) {
        const internal::ReductionState s{f.slo[l], f.shi[l], f.alo[l], f.ahi[l], f.pos[l],
                                         f.neg[l], f.nan[l], f.neg_inf[l], f.pos_inf[l]};
        const Interval r = red.Finish(s, t, c);
        out.lo[l] = r.nan ? -internal::kInf : r.lo;
        out.hi[l] = r.nan ? internal::kInf : r.hi;
        out.exact[l] = f.approx[l];
        out.scale[l] = f.scale[l];
    }
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

// Rows [row_begin, row_end) of the output, for output dtype kT and contract shape kShape.
template <aclDataType kT, Shape kShape>
[[gnu::always_inline]] inline void AssembleRowsAs(const Pipeline &p, int64_t row_begin, int64_t row_end) {
    const size_t world = p.ranks.size();
    KBlock v;
    FoldBlock f;
    for (int64_t i = row_begin; i < row_end; ++i)
        for (int64_t j = 0; j < p.d.n; j += kBlock) {
            const int64_t len = std::min(kBlock, p.d.n - j);
            const size_t e = static_cast<size_t>(i * p.d.n + j);
            const Out out{p.b.lo.data() + e, p.b.hi.data() + e, p.b.exact.data() + e, p.b.scale.data() + e};
            for (size_t r = 0; r < world; ++r) {
                if (world == 1)
                    RankStageFor<kT, kShape, Stage::kWorld1>(p, r, r, v, e, j, len, f, out);
                else if (r == 0)
                    RankStageFor<kT, kShape, Stage::kFirst>(p, r, r, v, e, j, len, f, out);
                else
                    RankStageFor<kT, kShape, Stage::kNext>(p, r, r, v, e, j, len, f, out);
            }
            if (world > 1) FinishStage<kT, kShape>(f, len, p.t, p.c, p.reduction, out);
            // Elements reached by NaN / Inf inputs: their values above are meaningless (and
            // harmless: nothing traps); the IEEE class rules overwrite them.
            if (!p.special.empty())
                for (int64_t l = 0; l < len; ++l)
                    if (p.special[e + static_cast<size_t>(l)]) SpecialElement(p.ranks, p.d, i, j + l, p.t, p.b);
        }
}

template <aclDataType kT>
[[gnu::always_inline]] inline void AssembleRowsFor(const Pipeline &p, int64_t row_begin, int64_t row_end) {
    switch (ShapeOf(p.c)) {
        case Shape::kVendor: return AssembleRowsAs<kT, Shape::kVendor>(p, row_begin, row_end);
        case Shape::kNoFlush: return AssembleRowsAs<kT, Shape::kNoFlush>(p, row_begin, row_end);
        case Shape::kFlush: return AssembleRowsAs<kT, Shape::kFlush>(p, row_begin, row_end);
    }
}

// Rows [row_begin, row_end) of the output. Compiled for AVX-512, for FMA (AVX) and for the
// baseline ISA on x86-64 (picked at load time): the outward-rounded products
// (internal/interval.h MulUp) need an exact fma, a library call without the instruction, and
// the stage loops vectorise to the widest registers there are. Every operation is the same
// IEEE operation in every clone (the oracle is built with -ffp-contract=off), so the bounds
// are too. Not under ThreadSanitizer: the clones' load-time resolver is instrumented and runs
// during relocation, before the TSan runtime is initialised (a segfault before main()).
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define MC2_ORACLE_NO_CLONES 1
#endif
#endif
#if defined(__x86_64__) && !defined(MC2_ORACLE_NO_CLONES)
__attribute__((target_clones("avx512f", "fma", "default")))
#endif
void AssembleRows(const Pipeline &p, int64_t row_begin, int64_t row_end) {
    switch (p.t.dtype) {
        case ACL_FLOAT16: return AssembleRowsFor<ACL_FLOAT16>(p, row_begin, row_end);
        case ACL_BF16: return AssembleRowsFor<ACL_BF16>(p, row_begin, row_end);
        default: return AssembleRowsFor<ACL_FLOAT>(p, row_begin, row_end);  // MathOf admits nothing else
    }
}

// One pass over the elements, split over the cores by rows.
// b: ShapedBounds; its values may be the k-sums' storage (each element is read before written).
Bounds Assemble(const std::vector<MatmulAllReduceRank> &ranks, Dims d, aclDataType out, const Contract &c,
                const std::vector<KSums> &sums, const std::vector<char> &special, Bounds b) {
    const DtypeMath &t = internal::MathOf(out);
    std::vector<AccumulatorBound> acc;
    for (const KSums &s : sums) acc.emplace_back(s, c);
    const internal::RankReduction reduction(static_cast<int64_t>(ranks.size()), t, c);
    const Pipeline pipeline{ranks, d, t, c, sums, acc, reduction, special, b};
    const int64_t rows_per_thread = d.n > 0 ? std::max<int64_t>(1, kMinElementsPerThread / d.n) : d.m;
    internal::ParallelFor(d.m, rows_per_thread,
                          [&](int64_t row_begin, int64_t row_end) { AssembleRows(pipeline, row_begin, row_end); });
    return b;
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
    for (int64_t i = row_begin; i < row_end; ++i)
        for (int64_t j = 0; j < p.d.n; j += kBlock) {
            const int64_t len = std::min(kBlock, p.d.n - j);
            const size_t e = static_cast<size_t>(i * p.d.n + j);
            const Out out{p.b.lo.data() + e, p.b.hi.data() + e, p.b.exact.data() + e, p.b.scale.data() + e};
            if (!first) s.state.Load(e, len, f);
            if (first)
                RankStageFor<kT, kShape, Stage::kFirst>(p, s.r, 0, v, e, j, len, f, out);
            else
                RankStageFor<kT, kShape, Stage::kNext>(p, s.r, 0, v, e, j, len, f, out);
            if (!last) {
                s.state.Store(e, len, f);
                continue;
            }
            FinishStage<kT, kShape>(f, len, p.t, p.c, p.reduction, out);
            if (!p.special.empty())
                for (int64_t l = 0; l < len; ++l)
                    if (p.special[e + static_cast<size_t>(l)]) SpecialElement(p.ranks, p.d, i, j + l, p.t, p.b);
        }
}

template <aclDataType kT>
[[gnu::always_inline]] inline void FoldRowsFor(const FoldStep &s, int64_t row_begin, int64_t row_end) {
    switch (ShapeOf(s.p.c)) {
        case Shape::kVendor: return FoldRowsAs<kT, Shape::kVendor>(s, row_begin, row_end);
        case Shape::kNoFlush: return FoldRowsAs<kT, Shape::kNoFlush>(s, row_begin, row_end);
        case Shape::kFlush: return FoldRowsAs<kT, Shape::kFlush>(s, row_begin, row_end);
    }
}

// (Clones as AssembleRows.)
#if defined(__x86_64__) && !defined(MC2_ORACLE_NO_CLONES)
__attribute__((target_clones("avx512f", "fma", "default")))
#endif
void FoldRows(const FoldStep &s, int64_t row_begin, int64_t row_end) {
    switch (s.p.t.dtype) {
        case ACL_FLOAT16: return FoldRowsFor<ACL_FLOAT16>(s, row_begin, row_end);
        case ACL_BF16: return FoldRowsFor<ACL_BF16>(s, row_begin, row_end);
        default: return FoldRowsFor<ACL_FLOAT>(s, row_begin, row_end);
    }
}

// Fast mode with every rank's dgemm results folded in as they are produced (FoldState), under
// each of `contracts` (one fold state and one set of bounds each; the dgemm once per rank).
std::vector<Bounds> AssembleFolded(const std::vector<MatmulAllReduceRank> &ranks, Dims d, aclDataType out,
                                   std::span<const Contract> contracts, const std::vector<char> &special) {
    const DtypeMath &t = internal::MathOf(out);
    const size_t size = static_cast<size_t>(d.m * d.n);
    std::vector<Bounds> bounds;
    std::vector<FoldState> states;
    std::vector<internal::RankReduction> reductions;
    bounds.reserve(contracts.size());  // (the states point into the bounds' vectors)
    for (const Contract &c : contracts) {
        Bounds &b = bounds.emplace_back(internal::ShapedBounds(d.m, d.n, out));
        states.push_back(FoldState{b.lo.data(), b.hi.data(), b.exact.data(), b.scale.data(),
                                   internal::AllocateDoubles(size), internal::AllocateDoubles(size),
                                   internal::AllocateDoubles(size), internal::AllocateDoubles(size),
                                   std::unique_ptr<uint8_t[]>(new uint8_t[size])});  // written by rank 0's step
        reductions.emplace_back(static_cast<int64_t>(ranks.size()), t, c);
    }
    // Every rank's dgemm results and its |x1|, |x2|, in turn.
    size_t abs_a_size = 0, abs_b_size = 0;
    for (const auto &rk : ranks) {
        abs_a_size = std::max(abs_a_size, rk.X1().v.size());
        abs_b_size = std::max(abs_b_size, rk.X2().v.size());
    }
    const internal::DoubleBuffer cbuf = internal::AllocateDoubles(size), cabs = internal::AllocateDoubles(size),
                                 abs_a = internal::AllocateDoubles(abs_a_size),
                                 abs_b = internal::AllocateDoubles(abs_b_size);
    const int64_t rows_per_thread = d.n > 0 ? std::max<int64_t>(1, kMinElementsPerThread / d.n) : d.m;
    for (size_t r = 0; r < ranks.size(); ++r) {
        const auto &rk = ranks[r];
        KSums::Storage storage;
        storage.c = cbuf.get(), storage.cabs = cabs.get(), storage.abs_a = abs_a.get(), storage.abs_b = abs_b.get();
        std::vector<KSums> sums;
        sums.push_back(KSums::Fast(rk.X1(), rk.X2(), BiasOf(rk), storage));
        for (size_t q = 0; q < contracts.size(); ++q) {
            const Contract &c = contracts[q];
            const std::vector<AccumulatorBound> acc{AccumulatorBound(sums[0], c)};
            const Pipeline pipeline{ranks, d, t, c, sums, acc, reductions[q], special, bounds[q]};
            const FoldStep step{pipeline, r, states[q]};
            internal::ParallelFor(d.m, rows_per_thread,
                                  [&](int64_t row_begin, int64_t row_end) { FoldRows(step, row_begin, row_end); });
        }
    }
    return bounds;
}

// From this world size on, the folded pass keeps fewer m×n buffers (6 beside the bounds, and a
// byte) than one with every rank's two dgemm results (2·(world − 1)).
constexpr size_t kFoldFromWorld = 5;

}  // namespace

Bounds MatmulAllReduceBounds(const std::vector<MatmulAllReduceRank> &ranks, aclDataType out,
                             const Contract &contract) {
    return std::move(MatmulAllReduceBoundsForContracts(ranks, out, std::span<const Contract>(&contract, 1))[0]);
}

std::vector<Bounds> MatmulAllReduceBoundsForContracts(const std::vector<MatmulAllReduceRank> &ranks, aclDataType out,
                                                      std::span<const Contract> contracts) {
    const Dims d = Validate(ranks);
    internal::MathOf(out);  // rejects an unsupported dtype before any work
    if (contracts.empty()) return {};
    const std::vector<char> special = SpecialElements(ranks, d);
    if (ranks.size() >= kFoldFromWorld) return AssembleFolded(ranks, d, out, contracts, special);
    const size_t size = static_cast<size_t>(d.m * d.n);
    std::vector<KSums> sums;
    sums.reserve(ranks.size());
    std::vector<Bounds> result;
    if (contracts.size() > 1) {
        // The k-sums are read once per contract: their own storage.
        for (const auto &rk : ranks) sums.push_back(KSums::Fast(rk.X1(), rk.X2(), BiasOf(rk)));
        for (const Contract &c : contracts)
            result.push_back(Assemble(ranks, d, out, c, sums, special, internal::ShapedBounds(d.m, d.n, out)));
        return result;
    }
    // One contract: the bounds' four m×n vectors double as the k-sums' storage, so that fewer
    // fresh m×n buffers are touched per call: rank 0's dgemm results go into exact and scale
    // (the pass reads each element before writing it), and every rank's |x1| and |x2| copies
    // into lo and hi while they are big enough (they are free again once that rank's dgemm
    // returns).
    Bounds b = internal::ShapedBounds(d.m, d.n, out);
    for (size_t r = 0; r < ranks.size(); ++r) {
        const auto &rk = ranks[r];
        KSums::Storage storage;
        if (r == 0) storage.c = b.exact.data(), storage.cabs = b.scale.data();
        if (rk.X1().v.size() <= size) storage.abs_a = b.lo.data();
        if (rk.X2().v.size() <= size) storage.abs_b = b.hi.data();
        sums.push_back(KSums::Fast(rk.X1(), rk.X2(), BiasOf(rk), storage));
    }
    result.push_back(Assemble(ranks, d, out, contracts[0], sums, special, std::move(b)));
    return result;
}

Bounds MatmulAllReduceBoundsExact(const std::vector<MatmulAllReduceRank> &ranks, aclDataType out,
                                  const Contract &contract) {
    const Dims d = Validate(ranks);
    internal::MathOf(out);
    const std::vector<char> special = SpecialElements(ranks, d);
    const size_t size = static_cast<size_t>(d.m * d.n);
    std::vector<KSums> sums;
    sums.reserve(ranks.size());
    for (const auto &rk : ranks) sums.push_back(KSums::ExactUnfilled(d.m, d.n, rk.X1().cols, rk.bias.has_value()));
    std::vector<double> exact(size, 0.0);
    internal::ExactSum value, magnitude, total;
    for (int64_t i = 0; i < d.m; ++i)
        for (int64_t j = 0; j < d.n; ++j) {
            const size_t e = static_cast<size_t>(i * d.n + j);
            if (!special.empty() && special[e]) continue;
            total.Clear();
            for (size_t r = 0; r < ranks.size(); ++r) {
                const auto &rk = ranks[r];
                internal::AccumulateExact(rk.X1(), rk.X2(), BiasOf(rk), i, j, value, magnitude);
                sums[r].SetExact(e, value, magnitude);
                total.AddSum(value);
                if (rk.x3) total.Add(rk.x3->at(i, j));
            }
            exact[e] = total.Get().value;
        }
    Bounds b = Assemble(ranks, d, out, contract, sums, special, internal::ShapedBounds(d.m, d.n, out));
    for (size_t e = 0; e < size; ++e)
        if (special.empty() || !special[e]) b.exact[e] = exact[e];
    return b;
}

}  // namespace mc2::oracle
