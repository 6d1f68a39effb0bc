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
#include "oracle/matmul_all_reduce.h"

#include <algorithm>
#include <cblas.h>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "oracle/internal/exact_sum.h"
#include "oracle/internal/interval.h"
#include "oracle/internal/rounding.h"

namespace mc2::oracle {
namespace {

using internal::AddDown;
using internal::AddUp;
using internal::DtypeMath;
using internal::GammaUp;
using internal::Interval;
using internal::kInf;
using internal::MulUp;
using internal::Up;

// u of binary64, for dgemm's own error.
constexpr double kU64 = 0x1p-53;
// fp32 overflow threshold of round-to-nearest: max + ulp(max)/2 = 2^128 − 2^103.
constexpr double kFp32OverflowThreshold = 0x1p128 - 0x1p103;

struct Dims {
    int64_t m = 0;
    int64_t k = 0;  // unused across ranks (each rank's k is its x1.cols)
    int64_t n = 0;
};

[[noreturn]] void Bad(const std::string &what) {
    throw std::invalid_argument("MatmulAllReduceBounds: " + what);
}

Dims Validate(const std::vector<MatmulAllReduceRank> &ranks) {
    if (ranks.empty()) Bad("no ranks");
    // m and n are common to every rank (the all-reduce adds [m, n] blocks); k, bias and x3 are
    // each rank's own: nothing in the documents ties one rank's contraction to another's.
    const Dims d{ranks[0].x1.rows, -1, ranks[0].x2.cols};
    for (size_t r = 0; r < ranks.size(); ++r) {
        const auto &rk = ranks[r];
        const std::string at = " (rank " + std::to_string(r) + ")";
        const int64_t k = rk.x1.cols;
        if (rk.x1.rows != d.m || rk.x2.cols != d.n) Bad("output shapes [m, n] differ between ranks" + at);
        if (rk.x2.rows != k) Bad("x1 and x2 do not chain over k" + at);
        if (d.m < 0 || k < 0 || d.n < 0) Bad("negative dimension" + at);
        if (static_cast<int64_t>(rk.x1.v.size()) != d.m * k || static_cast<int64_t>(rk.x2.v.size()) != k * d.n)
            Bad("matrix storage does not match its shape" + at);
        if (rk.bias && static_cast<int64_t>(rk.bias->size()) != d.n) Bad("bias is not [n]" + at);
        if (rk.x3 && (rk.x3->rows != d.m || rk.x3->cols != d.n ||
                      static_cast<int64_t>(rk.x3->v.size()) != d.m * d.n))
            Bad("x3 is not [m, n]" + at);
    }
    return d;
}

// Per rank and element: an enclosure [lo, hi] of the real V = Σ products + bias, a best
// estimate, and an upper bound of S = Σ|products| + |bias|.
struct RankSums {
    std::vector<double> lo, hi, approx, abs_up;
    void Resize(size_t size) {
        lo.assign(size, 0.0);
        hi.assign(size, 0.0);
        approx.assign(size, 0.0);
        abs_up.assign(size, 0.0);
    }
};

// Elements reached by a NaN or Inf input on some rank; they follow IEEE class rules instead
// of the interval pipeline.
std::vector<char> SpecialElements(const std::vector<MatmulAllReduceRank> &ranks, Dims d) {
    std::vector<char> special(static_cast<size_t>(d.m * d.n), 0);
    for (const auto &rk : ranks) {
        std::vector<char> row(static_cast<size_t>(d.m), 0), col(static_cast<size_t>(d.n), 0);
        for (int64_t i = 0; i < d.m; ++i)
            for (int64_t t = 0; t < rk.x1.cols; ++t)
                if (!std::isfinite(rk.x1.at(i, t))) row[static_cast<size_t>(i)] = 1;
        for (int64_t t = 0; t < rk.x1.cols; ++t)
            for (int64_t j = 0; j < d.n; ++j)
                if (!std::isfinite(rk.x2.at(t, j))) col[static_cast<size_t>(j)] = 1;
        if (rk.bias)
            for (int64_t j = 0; j < d.n; ++j)
                if (!std::isfinite((*rk.bias)[static_cast<size_t>(j)])) col[static_cast<size_t>(j)] = 1;
        for (int64_t i = 0; i < d.m; ++i)
            for (int64_t j = 0; j < d.n; ++j) {
                const size_t e = static_cast<size_t>(i * d.n + j);
                if (row[static_cast<size_t>(i)] || col[static_cast<size_t>(j)] ||
                    (rk.x3 && !std::isfinite(rk.x3->at(i, j))))
                    special[e] = 1;
            }
    }
    return special;
}

// Fast k-sums. Every product of two fp16/bf16 values is exact in binary64 (≤ 22 significant
// bits, exponents within [2^-266, 2^33]), so dgemm's only errors are its additions: each c_ij
// is a tree of at most k additions (FMA chains in the micro-kernel, block partials added into C,
// which beta = 0 zeroes; alpha = 1 is exact), giving |c̃ − c| ≤ γ_{k+1}(2^-53)·Σ|products| (one
// spare addition of margin). No partial sum can underflow (all are multiples of 2^-266) or
// overflow (≤ k·2^256). The |.| product gives S̃ ≥ (1 − γ)·S, so
//   S ≤ S̃/(1 − γ_{k+1}) = S̃·(1 + (k+1)u/(1 − 2(k+1)u)) ≤ S̃·(1 + γ_{2k+2}).
void FastSums(const MatmulAllReduceRank &rk, Dims d, RankSums &out) {
    d.k = rk.x1.cols;
    const size_t size = static_cast<size_t>(d.m * d.n);
    out.Resize(size);
    std::vector<double> c(size, 0.0), cabs(size, 0.0);
    if (d.k > 0 && d.m > 0 && d.n > 0) {
        std::vector<double> a1(rk.x1.v.size()), a2(rk.x2.v.size());
        std::transform(rk.x1.v.begin(), rk.x1.v.end(), a1.begin(), [](double v) { return std::fabs(v); });
        std::transform(rk.x2.v.begin(), rk.x2.v.end(), a2.begin(), [](double v) { return std::fabs(v); });
        const auto m = static_cast<blasint>(d.m), n = static_cast<blasint>(d.n),
                   k = static_cast<blasint>(d.k);
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0, rk.x1.v.data(), k,
                    rk.x2.v.data(), n, 0.0, c.data(), n);
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0, a1.data(), k,
                    a2.data(), n, 0.0, cabs.data(), n);
    }
    const double g = GammaUp(d.k + 1, kU64);
    const double inflate = Up(1.0 + GammaUp(2 * d.k + 2, kU64));
    for (int64_t i = 0; i < d.m; ++i)
        for (int64_t j = 0; j < d.n; ++j) {
            const size_t e = static_cast<size_t>(i * d.n + j);
            const double b = rk.bias ? (*rk.bias)[static_cast<size_t>(j)] : 0.0;
            const double s_up = d.k > 0 ? MulUp(cabs[e], inflate) : 0.0;
            const double half = MulUp(g, s_up);
            out.lo[e] = AddDown(AddDown(c[e], -half), b);
            out.hi[e] = AddUp(AddUp(c[e], half), b);
            out.approx[e] = c[e] + b;
            out.abs_up[e] = AddUp(s_up, std::fabs(b));
        }
}

// The accumulator's bound for n terms: γ_{n−1}(u) (n − 1 additions on any path of any tree,
// every product exact in fp32 for fp16/bf16 inputs in the normal range), or at the statistical
// level min(γ_{n−1}, γ̃_n(λ)), γ̃_n(λ) = exp(λ√n·u + n·u²/(1−u)) − 1 (Higham & Mary 2019),
// evaluated with a relative margin of 1e-9 (it is not used for pass/fail).
double AccGamma(int64_t n_terms, const Contract &c) {
    const double u = c.acc_unit_roundoff;
    const double worst = GammaUp(n_terms - 1, u);
    if (c.acc_probabilistic_lambda <= 0.0 || n_terms <= 1) return worst;
    const double nd = static_cast<double>(n_terms);
    const double x = c.acc_probabilistic_lambda * std::sqrt(nd) * u + nd * u * u / (1.0 - u);
    return std::min(worst, std::expm1(x) * (1.0 + 1e-9));
}

// The set of values rank r may contribute to the reduction.
Interval RankContribution(double v_lo, double v_hi, double s_up, int64_t k, bool has_bias,
                          const double *x3, const DtypeMath &t, const Contract &c) {
    const int64_t n_terms = k + (has_bias ? 1 : 0);
    const double g = AccGamma(n_terms, c);
    // Every partial sum of the accumulator is bounded by (1 + g)·S; below fp32's overflow
    // threshold nothing overflows, otherwise ±Inf and Inf − Inf = NaN are possible.
    if (!(MulUp(s_up, Up(1.0 + g)) < kFp32OverflowThreshold)) return internal::Everything();
    double e = MulUp(g, s_up);
    // Underflow (contract.h): gradual — an fp32 product below 2^-126 errs by ≤ 2^-150 (sums
    // with subnormal results are exact); flush — each of the k products and n additions may
    // lose < 2^-126.
    const double kd = static_cast<double>(k);
    // (k·2^-150 and (2k+1)·2^-126 are exact products of an integer and a power of two.)
    e = AddUp(e, c.subnormal_flush_allowed ? (2.0 * kd + 1.0) * 0x1p-126 : kd * 0x1p-150);
    Interval acc = internal::Widen(Interval{v_lo, v_hi, false}, e);
    Interval y = internal::RoundInterval(acc, t, c.partial_rounded_to_output, c);
    if (x3 != nullptr) {
        y = internal::Shift(y, *x3);
        y = internal::RoundInterval(y, internal::MathOf(ACL_FLOAT), c.x3_sum_rounded_to_fp32, c);
        y = internal::RoundInterval(y, t, c.x3_sum_rounded_to_output, c);
    }
    return y;
}

// The all-reduce of the rank contributions and the final cast.
//
// Every floating-point addition rounds monotonically, so for any fixed reduction tree the
// computed sum of inputs Z_r ∈ [lo_r, hi_r] lies between the computed sums of the lo_r and of
// the hi_r, and those are within γ_{R−1}(u)·Σ|lo_r| (resp. |hi_r|) of the exact sums (Higham
// §4.2: R−1 additions on any path). The same argument bounds every partial sum over a subset
// of ranks by Σ max(hi_r, 0) + γ·Σ|hi_r| (from above) — if that reaches beyond the reduction
// format's max, an intermediate +Inf is possible (similarly −Inf; both → NaN possible).
Interval ReduceAndCast(const std::vector<Interval> &z, const DtypeMath &t, const Contract &c) {
    const int64_t world = static_cast<int64_t>(z.size());
    double u = 0.0, red_max = kInf, red_min_normal = 0.0;
    switch (c.reduction) {
        case ReductionPrecision::kOutputOrWider:
            u = t.unit_roundoff;
            red_max = t.max_finite;
            red_min_normal = t.min_normal;
            break;
        case ReductionPrecision::kFp32OrWider: {
            const DtypeMath &f = internal::MathOf(ACL_FLOAT);
            u = f.unit_roundoff;
            red_max = f.max_finite;
            red_min_normal = f.min_normal;
            break;
        }
        case ReductionPrecision::kExact: break;
    }
    const double g = GammaUp(world - 1, u);
    bool nan = false, any_neg_inf = false, any_pos_inf = false;
    double slo = 0.0, shi = 0.0, alo = 0.0, ahi = 0.0, pos = 0.0, neg = 0.0;
    for (const auto &iv : z) {
        nan = nan || iv.nan;
        any_neg_inf = any_neg_inf || iv.lo == -kInf;
        any_pos_inf = any_pos_inf || iv.hi == kInf;
        slo = AddDown(slo, iv.lo);
        shi = AddUp(shi, iv.hi);
        alo = AddUp(alo, std::fabs(iv.lo));
        ahi = AddUp(ahi, std::fabs(iv.hi));
        pos = AddUp(pos, std::max(iv.hi, 0.0));
        neg = AddDown(neg, std::min(iv.lo, 0.0));
    }
    if (world >= 2 && any_neg_inf && any_pos_inf) nan = true;
    Interval f{slo, shi, nan};
    if (world >= 2 && g > 0.0) {
        if (std::isfinite(slo)) f.lo = AddDown(slo, -MulUp(g, alo));
        if (std::isfinite(shi)) f.hi = AddUp(shi, MulUp(g, ahi));
        // Flushed subnormal partial sums lose < min_normal each (R − 1 additions).
        if (c.subnormal_flush_allowed)
            f = internal::Widen(f, Up(static_cast<double>(world - 1) * red_min_normal));
    }
    bool pos_overflow = false, neg_overflow = false;
    if (world >= 2 && c.reduction != ReductionPrecision::kExact) {
        pos_overflow = AddUp(pos, MulUp(g, ahi)) > red_max;
        neg_overflow = AddDown(neg, -MulUp(g, alo)) < -red_max;
    }
    f = internal::RoundInterval(f, t, Allowance::kYes, c);
    if (pos_overflow) f.hi = kInf;
    if (neg_overflow) f.lo = -kInf;
    if (pos_overflow && neg_overflow) f.nan = true;
    return f;
}

// IEEE class of an element reached by a NaN/Inf input: the double evaluation gives NaN or ±Inf
// (an infinite input meets every other term of its sum). NaN is then certain; ±Inf is certain
// unless the finite terms could overflow a format on the way (then the opposite infinity, and
// so NaN, is possible too — admitted as "anything"). Every intermediate of the finite terms is
// below Σ|finite terms| times the growth of all roundings, (1 + 2^-8)^(R+3)·(1 + γ_k(2^-24)),
// which is below 2 for R ≤ 160; T's max is the smallest max of the formats passed through.
void SpecialElement(const std::vector<MatmulAllReduceRank> &ranks, Dims d, int64_t i, int64_t j,
                    const DtypeMath &t, Bounds &b) {
    const size_t e = static_cast<size_t>(i * d.n + j);
    double sum = 0.0, finite_mag = 0.0;
    auto term = [&](double v) {
        sum += v;
        if (std::isfinite(v)) finite_mag += std::fabs(v);
    };
    for (const auto &rk : ranks) {
        for (int64_t q = 0; q < rk.x1.cols; ++q) term(rk.x1.at(i, q) * rk.x2.at(q, j));
        if (rk.bias) term((*rk.bias)[static_cast<size_t>(j)]);
        if (rk.x3) term(rk.x3->at(i, j));
    }
    b.exact[e] = sum;
    b.scale[e] = finite_mag;
    if (std::isnan(sum)) {
        b.lo[e] = b.hi[e] = sum;
    } else if (finite_mag * 2.0 < t.max_finite) {
        b.lo[e] = b.hi[e] = sum;
    } else {
        b.lo[e] = -kInf;
        b.hi[e] = kInf;
    }
}

// Everything after the per-rank sums, shared by both modes.
Bounds Assemble(const std::vector<MatmulAllReduceRank> &ranks, Dims d, aclDataType out,
                const Contract &c, const std::vector<RankSums> &sums,
                const std::vector<char> &special) {
    const DtypeMath &t = internal::MathOf(out);
    Bounds b;
    b.rows = d.m;
    b.cols = d.n;
    b.dtype = out;
    const size_t size = static_cast<size_t>(d.m * d.n);
    b.lo.resize(size);
    b.hi.resize(size);
    b.exact.resize(size);
    b.scale.resize(size);
    std::vector<Interval> z(ranks.size());
    for (int64_t i = 0; i < d.m; ++i)
        for (int64_t j = 0; j < d.n; ++j) {
            const size_t e = static_cast<size_t>(i * d.n + j);
            if (special[e]) {
                SpecialElement(ranks, d, i, j, t, b);
                continue;
            }
            double approx = 0.0, scale = 0.0;
            for (size_t r = 0; r < ranks.size(); ++r) {
                const auto &rk = ranks[r];
                const auto &s = sums[r];
                const double *x3 = rk.x3 ? &rk.x3->v[e] : nullptr;
                z[r] = RankContribution(s.lo[e], s.hi[e], s.abs_up[e], rk.x1.cols, rk.bias.has_value(),
                                        x3, t, c);
                approx += s.approx[e] + (x3 ? *x3 : 0.0);
                scale = AddUp(scale, AddUp(s.abs_up[e], x3 ? std::fabs(*x3) : 0.0));
            }
            const Interval f = ReduceAndCast(z, t, c);
            if (f.nan) {
                b.lo[e] = -kInf;
                b.hi[e] = kInf;
            } else {
                b.lo[e] = f.lo;
                b.hi[e] = f.hi;
            }
            b.exact[e] = approx;
            b.scale[e] = scale;
        }
    return b;
}

}  // namespace

Bounds MatmulAllReduceBounds(const std::vector<MatmulAllReduceRank> &ranks, aclDataType out,
                             const Contract &contract) {
    const Dims d = Validate(ranks);
    internal::MathOf(out);  // rejects an unsupported dtype before any work
    const std::vector<char> special = SpecialElements(ranks, d);
    std::vector<RankSums> sums(ranks.size());
    for (size_t r = 0; r < ranks.size(); ++r) FastSums(ranks[r], d, sums[r]);
    return Assemble(ranks, d, out, contract, sums, special);
}

Bounds MatmulAllReduceBoundsExact(const std::vector<MatmulAllReduceRank> &ranks, aclDataType out,
                                  const Contract &contract) {
    const Dims d = Validate(ranks);
    internal::MathOf(out);
    const std::vector<char> special = SpecialElements(ranks, d);
    const size_t size = static_cast<size_t>(d.m * d.n);
    std::vector<RankSums> sums(ranks.size());
    for (auto &s : sums) s.Resize(size);
    std::vector<double> exact(size, 0.0);
    internal::ExactSum value, magnitude, total;
    for (int64_t i = 0; i < d.m; ++i)
        for (int64_t j = 0; j < d.n; ++j) {
            const size_t e = static_cast<size_t>(i * d.n + j);
            if (special[e]) continue;
            total.Clear();
            for (size_t r = 0; r < ranks.size(); ++r) {
                const auto &rk = ranks[r];
                value.Clear();
                magnitude.Clear();
                for (int64_t q = 0; q < rk.x1.cols; ++q) {
                    const double a = rk.x1.at(i, q), bq = rk.x2.at(q, j);
                    value.AddProduct(a, bq);
                    magnitude.AddProduct(std::fabs(a), std::fabs(bq));
                }
                if (rk.bias) {
                    const double bj = (*rk.bias)[static_cast<size_t>(j)];
                    value.Add(bj);
                    magnitude.Add(std::fabs(bj));
                }
                const auto v = value.Get();
                sums[r].lo[e] = v.lo;
                sums[r].hi[e] = v.hi;
                sums[r].approx[e] = v.value;
                sums[r].abs_up[e] = magnitude.Get().hi;
                total.AddSum(value);
                if (rk.x3) total.Add(rk.x3->at(i, j));
            }
            exact[e] = total.Get().value;
        }
    Bounds b = Assemble(ranks, d, out, contract, sums, special);
    for (size_t e = 0; e < size; ++e)
        if (!special[e]) b.exact[e] = exact[e];
    return b;
}

}  // namespace mc2::oracle
