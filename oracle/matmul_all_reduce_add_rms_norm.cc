// oracle/matmul_all_reduce_add_rms_norm.cc — the intervals of y and normOut of
// MatmulAllReduceAddRmsNorm (header for the formula).
//
// Derivation, per element and row, every step an outward-rounded interval operation
// (internal/interval.h) followed by the rounding the kernel performs (internal/rounding.h,
// monotone, so the image of an interval's ends bounds the image of the interval):
//  1. mm ∈ [lo, hi]: the MatmulAllReduce bounds (already rounded to T, the all-reduce in T).
//  2. y = round_T(mm + r): [lo + r, hi + r], optionally rounded to fp32 (the bf16 kernel adds in
//     fp32), then rounded to T.
//  3. Per row: each y_j² is exact in fp32 for fp16 y and exact or under/overflowing for bf16 —
//     the fp32 rounding of [min y², max y²] covers both; times c = fp32(1/n) (or the real 1/n:
//     [min, max] of the two), rounded to fp32; the fp32 sum of n non-negative terms in any
//     order lies within γ_{n−1}(2^-24) of the exact sum of the rounded terms (Higham §4.2),
//     overflow (+Inf) admitted when the upper end reaches fp32's threshold; + ε (fp32(ε) or ε),
//     rounded; sqrt, rounded; 1/x, rounded. With subnormal flushing allowed every fp32 rounding
//     is widened by 2^-126 (RoundInterval) and the sum by (n − 1)·2^-126.
//  4. normOut_j: y_j·rstd over the corners of [y_j] × [rstd] (rstd > 0), rounded to fp32 and to
//     T, times γ_j (exact), optionally rounded to fp32, rounded to T.
// A row whose rstd interval is not within a factor 2 (rstd may be 0 or Inf: a sum of squares
// that may overflow fp32, ε below fp32's range with an all-zero row) or whose y may be
// non-finite admits anything (Inf·0, NaN): the comparator then calls its normOut MISTRUSTED
// (harness/compare.h, mistrust_unbounded_share) rather than judging it by a meaningless interval.
#include "oracle/matmul_all_reduce_add_rms_norm.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "oracle/internal/interval.h"
#include "oracle/internal/reduce_cast.h"
#include "oracle/internal/rounding.h"

namespace mc2::oracle {
namespace {

using internal::AddDown;
using internal::AddUp;

using internal::DtypeMath;
using internal::Interval;
using internal::kFp32Math;
using internal::kInf;
using internal::MulUp;
using internal::RoundInterval;

// a·b rounded down for non-negative a, b (0 when the product underflows: a valid lower bound).
double MulDown(double a, double b) {
    if (a == 0.0 || b == 0.0) return 0.0;
    const double p = a * b;
    if (std::isinf(p)) return std::nextafter(p, 0.0);
    if (p < 0x1p-960) return std::max(internal::Down(p), 0.0);
    return std::fma(a, b, -p) < 0.0 ? internal::Down(p) : p;
}
// Signed products of an interval end x by a positive factor f, rounded down / up.
double MulSignedDown(double x, double f) { return x >= 0.0 ? MulDown(x, f) : -MulUp(-x, f); }
double MulSignedUp(double x, double f) { return x >= 0.0 ? MulUp(x, f) : -MulDown(-x, f); }

// [x] · g for an exact g (any sign), outward.
Interval Scale(const Interval &x, double g) {
    if (g >= 0.0) return Interval{MulSignedDown(x.lo, g), MulSignedUp(x.hi, g), x.nan};
    return Interval{-MulSignedUp(x.hi, -g), -MulSignedDown(x.lo, -g), x.nan};
}

bool Unbounded(const Interval &iv) { return iv.nan || !std::isfinite(iv.lo) || !std::isfinite(iv.hi); }

void CheckInputs(const AddRmsNormInputs &in, const Bounds &mm) {
    if (in.residual.rows != mm.rows || in.residual.cols != mm.cols ||
        in.residual.v.size() != static_cast<size_t>(mm.rows * mm.cols)) {
        throw std::invalid_argument("residual is " + std::to_string(in.residual.rows) + "x" +
                                    std::to_string(in.residual.cols) + ", the matmul result " +
                                    std::to_string(mm.rows) + "x" + std::to_string(mm.cols));
    }
    if (in.gamma.size() != static_cast<size_t>(mm.cols)) {
        throw std::invalid_argument("gamma has " + std::to_string(in.gamma.size()) + " elements, n is " +
                                    std::to_string(mm.cols));
    }
}

// The rstd interval of one row from its y intervals (step 3), or nullopt-like {0, Inf} when
// unbounded.
Interval RowRstd(const std::vector<Interval> &y, double epsilon, const Contract &contract) {
    const auto n = static_cast<int64_t>(y.size());
    const double inv_exact = 1.0 / static_cast<double>(n);
    const double inv_fp32 = internal::RoundFp32(inv_exact);
    const double c_lo = internal::Down(std::min(inv_exact, inv_fp32));
    const double c_hi = internal::Up(std::max(inv_exact, inv_fp32));
    double slo = 0.0, shi = 0.0;
    for (const Interval &v : y) {
        const double alo = std::fabs(v.lo), ahi = std::fabs(v.hi);
        const double sq_lo = (v.lo <= 0.0 && v.hi >= 0.0) ? 0.0 : MulDown(std::min(alo, ahi), std::min(alo, ahi));
        const double sq_hi = MulUp(std::max(alo, ahi), std::max(alo, ahi));
        const Interval sq = RoundInterval(Interval{sq_lo, sq_hi, false}, kFp32Math, Allowance::kYes, contract);
        const Interval term = RoundInterval(Interval{MulDown(std::max(sq.lo, 0.0), c_lo), MulUp(sq.hi, c_hi), false},
                                            kFp32Math, Allowance::kYes, contract);
        slo = AddDown(slo, std::max(term.lo, 0.0));
        shi = AddUp(shi, term.hi);
    }
    const double g = internal::GammaUp(n - 1, kFp32Math.unit_roundoff);
    slo = std::max(AddDown(slo, -MulUp(g, slo)), 0.0);
    shi = AddUp(shi, MulUp(g, shi));
    if (contract.subnormal_flush_allowed) {
        const double flush = MulUp(static_cast<double>(n), kFp32Math.min_normal);
        slo = std::max(AddDown(slo, -flush), 0.0);
        shi = AddUp(shi, flush);
    }
    if (shi >= 0x1p128 - 0x1p103) shi = kInf;  // the fp32 sum may overflow
    const double eps32 = internal::RoundFp32(epsilon);
    const Interval a = RoundInterval(
        Interval{AddDown(slo, std::min(epsilon, eps32)), AddUp(shi, std::max(epsilon, eps32)), false}, kFp32Math,
        Allowance::kYes, contract);
    const Interval q = RoundInterval(
        Interval{std::max(internal::Down(std::sqrt(std::max(a.lo, 0.0))), 0.0), internal::Up(std::sqrt(a.hi)), false},
        kFp32Math, Allowance::kYes, contract);
    const double r_lo = std::isinf(q.hi) ? 0.0 : std::max(internal::Down(1.0 / q.hi), 0.0);
    const double r_hi = q.lo <= 0.0 ? kInf : internal::Up(1.0 / q.lo);
    return RoundInterval(Interval{r_lo, r_hi, false}, kFp32Math, Allowance::kYes, contract);
}

AddRmsNormBounds Propagate(const AddRmsNormInputs &in, const Bounds &mm, aclDataType out, const Contract &contract) {
    CheckInputs(in, mm);
    const DtypeMath &t = internal::MathOf(out);
    const int64_t m = mm.rows, n = mm.cols;
    AddRmsNormBounds r;
    r.y = internal::ShapedBounds(m, n, out);
    r.norm_out = internal::ShapedBounds(m, n, out);
    std::vector<Interval> y(static_cast<size_t>(n));
    std::vector<double> y_exact(static_cast<size_t>(n));
    for (int64_t i = 0; i < m; ++i) {
        bool row_unbounded = false;
        double sum_sq = 0.0;
        for (int64_t j = 0; j < n; ++j) {
            const auto e = static_cast<size_t>(i * n + j);
            const double res = in.residual.v[e];
            const bool mm_any = mm.lo[e] == -kInf && mm.hi[e] == kInf;
            Interval s{AddDown(mm.lo[e], res), AddUp(mm.hi[e], res),
                       mm_any || std::isnan(res) || (std::isinf(res) && (std::isinf(mm.lo[e]) || std::isinf(mm.hi[e])))};
            s = RoundInterval(s, kFp32Math, Allowance::kEither, contract);
            s = RoundInterval(s, t, Allowance::kYes, contract);
            y[static_cast<size_t>(j)] = s;
            internal::StoreInterval(s, e, r.y);
            y_exact[static_cast<size_t>(j)] = mm.exact[e] + res;
            r.y.exact[e] = y_exact[static_cast<size_t>(j)];
            r.y.scale[e] = mm.scale[e] + std::fabs(res);
            row_unbounded = row_unbounded || Unbounded(s);
            sum_sq += y_exact[static_cast<size_t>(j)] * y_exact[static_cast<size_t>(j)];
        }
        const double rstd_exact = 1.0 / std::sqrt(sum_sq / static_cast<double>(n) + in.epsilon);
        Interval rstd{0.0, kInf, false};
        if (!row_unbounded) rstd = RowRstd(y, in.epsilon, contract);
        const bool judged = !row_unbounded && rstd.lo > 0.0 && std::isfinite(rstd.hi) && rstd.hi <= 2.0 * rstd.lo;
        if (!judged) ++r.rows_unjudged;
        for (int64_t j = 0; j < n; ++j) {
            const auto e = static_cast<size_t>(i * n + j);
            const double g = in.gamma[static_cast<size_t>(j)];
            const double exact = y_exact[static_cast<size_t>(j)] * rstd_exact * g;
            r.norm_out.exact[e] = exact;
            r.norm_out.scale[e] = std::fabs(exact);
            if (!judged || !std::isfinite(g)) {
                internal::StoreInterval(internal::Everything(), e, r.norm_out);
                continue;
            }
            const Interval &v = y[static_cast<size_t>(j)];
            Interval p{std::min(MulSignedDown(v.lo, rstd.lo), MulSignedDown(v.lo, rstd.hi)),
                       std::max(MulSignedUp(v.hi, rstd.lo), MulSignedUp(v.hi, rstd.hi)), false};
            p = RoundInterval(p, kFp32Math, Allowance::kYes, contract);
            p = RoundInterval(p, t, Allowance::kYes, contract);
            if (g == 0.0 && Unbounded(p)) {
                internal::StoreInterval(internal::Everything(), e, r.norm_out);
                continue;
            }
            Interval q = Scale(p, g);
            q = RoundInterval(q, kFp32Math, Allowance::kEither, contract);
            q = RoundInterval(q, t, Allowance::kYes, contract);
            internal::StoreInterval(q, e, r.norm_out);
        }
    }
    return r;
}

void CheckDtype(aclDataType out) {
    if (out != ACL_FLOAT16 && out != ACL_BF16) throw std::invalid_argument("output dtype must be FLOAT16 or BFLOAT16");
}

}  // namespace

AddRmsNormBounds MatmulAllReduceAddRmsNormBounds(const AddRmsNormInputs &in, aclDataType out,
                                                 const Contract &contract) {
    CheckDtype(out);
    return Propagate(in, MatmulAllReduceBounds(in.ranks, out, contract), out, contract);
}

AddRmsNormBounds MatmulAllReduceAddRmsNormBoundsExact(const AddRmsNormInputs &in, aclDataType out,
                                                      const Contract &contract) {
    CheckDtype(out);
    return Propagate(in, MatmulAllReduceBoundsExact(in.ranks, out, contract), out, contract);
}

AddRmsNormBounds AddRmsNormFromMatmulBounds(const AddRmsNormInputs &in, const Bounds &mm, aclDataType out,
                                            const Contract &contract) {
    CheckDtype(out);
    return Propagate(in, mm, out, contract);
}

}  // namespace mc2::oracle
