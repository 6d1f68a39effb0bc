// oracle/quant_matmul_all_reduce.cc — acceptance intervals for QuantMatmulAllReduce V1–V3.
//
// Per element (i, j) and rank r (ops.md §2.7, the A2 kernel order; contract.md "Quantised"):
//   acc = Σ_t x1[i,t]·x2[t,j] + bias[j]          exact (int64 here; the kernel's int32 must hold it)
//   UINT64/INT64 dequant: y = RN_f16(acc · fp19(code))   product exact in double, one rounding
//       (the fixpipe's rounding mode is UNVERIFIED: round to nearest even is assumed)
//   FLOAT32/BF16 dequant: y = RN_T(RN_32(RN_32(f32(acc)·s)·pt)) (RINT; pertoken when given;
//       the documents fix no order for the two products: every order is admitted, see below)
//   x3: z = RN_T(RN_32(y + x3))                   (bf16: fp32 add then RINT; fp16: the fp16 add,
//       which equals it because fp32 carries more than 2p + 2 bits)
//   out = RN_T(all-reduce_r z_r in T, any order)  the interval model of internal/reduce_cast.h
// So every rank's contribution is one value (a hull of at most three with pertoken), and the
// output is exact at world size 1. Independence: rounding through internal/rounding.h and the
// C++ double→float conversion; nothing from impl/.
#include "oracle/quant_matmul_all_reduce.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "oracle/internal/interval.h"
#include "oracle/internal/reduce_cast.h"
#include "oracle/internal/uint64_scale.h"
#include "oracle/internal/rounding.h"

namespace mc2::oracle {
namespace {

using internal::DtypeMath;
using internal::Interval;
using internal::kInf;

[[noreturn]] void Bad(const std::string &what) { throw std::invalid_argument("QuantMatmulAllReduceBounds: " + what); }

constexpr double kInt32Max = 2147483647.0;

bool IntegerScale(aclDataType d) { return d == ACL_UINT64 || d == ACL_INT64; }

// An exactly decoded 64-bit code from its double (the harness decodes integers exactly below
// 2^53; negative INT64 codes keep their two's complement low bits).
uint64_t CodeOf(double v) {
    if (!(std::fabs(v) < 0x1p53) || v != std::floor(v)) Bad("dequant code is not an exactly decoded integer");
    return v < 0 ? static_cast<uint64_t>(static_cast<int64_t>(v)) : static_cast<uint64_t>(v);
}

double ScaleAt(const QuantMatmulAllReduceRank &rk, int64_t j) {
    const double raw = rk.dequant.size() == 1 ? rk.dequant[0] : rk.dequant[static_cast<size_t>(j)];
    return IntegerScale(rk.dequant_dtype) ? Fp19ScaleOfCode(CodeOf(raw)) : raw;
}

// The rounded image of one real value in T under the contract's range rules (RNE; overflow
// admits ±Inf and, with saturation, ±max).
Interval RoundPoint(double v, const DtypeMath &t, const Contract &c) {
    if (std::isnan(v)) return internal::Everything();
    return internal::RoundInterval(Interval{v, v, false}, t, Allowance::kYes, c);
}

// One rank's value for element (i, j) from its integer accumulator Σ_q x1(i, q)·x2(q, j) + bias(j)
// (the rest of QuantRankContribution's steps).
QuantRankValue ContributionOfAccumulator(const QuantMatmulAllReduceRank &rk, int64_t i, int64_t j, int64_t acc,
                                         aclDataType out, const Contract &c);
// Every element's accumulator of one rank, row by row over contiguous x2 rows (the element-wise
// dot products walked x2 by column: the largest single cost of the api_fuzzer's judgement of
// V3 cases). Integer products of int8 (or narrower) values with k < 2^16 and an int32 bias sum
// exactly in int64 in any order, so the values are those of the per-element loop.
std::vector<int64_t> RankAccumulators(const QuantMatmulAllReduceRank &rk);

Interval Hull(const Interval &a, const Interval &b) {
    return Interval{std::min(a.lo, b.lo), std::max(a.hi, b.hi), a.nan || b.nan};
}

}  // namespace

// V3 with both comm scales (ops.md §4.1): every rank's contribution is a point or the hull of
// the admitted dequant orders; the int8 communication is monotone in each contribution (every
// step is a rounding, a saturation or a sum, and all ranks share the scales' signs), so its
// image of the hulls lies between the images of the all-lower and all-upper ends. Each
// admissible reading of the UNVERIFIED fp16 steps is evaluated; the element's interval is the
// hull of those values — width 0 wherever the readings agree.
namespace {
Bounds CommInt8Bounds(const std::vector<QuantMatmulAllReduceRank> &ranks, aclDataType out, const Contract &contract) {
    const int64_t m = ranks[0].x1.rows, n = ranks[0].x2.cols;
    const std::vector<CommInt8Reading> readings = CommInt8Readings(out);
    Bounds b = internal::ShapedBounds(m, n, out);
    if (readings.size() > 1) {
        for (const CommInt8Reading &r : readings) {
            b.readings.push_back({CommInt8ReadingName(r), std::vector<double>(b.lo.size()), std::vector<double>(b.lo.size())});
        }
    }
    std::vector<double> lo(ranks.size()), hi(ranks.size());
    std::vector<std::vector<int64_t>> accs;
    for (const QuantMatmulAllReduceRank &rk : ranks) accs.push_back(RankAccumulators(rk));
    for (int64_t i = 0; i < m; ++i) {
        for (int64_t j = 0; j < n; ++j) {
            const size_t e = static_cast<size_t>(i * n + j);
            const auto uj = static_cast<size_t>(j);
            const double s1 = (*ranks[0].comm_scale1)[uj], s2 = (*ranks[0].comm_scale2)[uj];
            bool nan = false;
            for (size_t r = 0; r < ranks.size(); ++r) {
                const QuantRankValue v = ContributionOfAccumulator(ranks[r], i, j, accs[r][e], out, contract);
                lo[r] = v.lo;
                hi[r] = v.hi;
                nan = nan || v.nan;
            }
            Interval f{kInf, -kInf, nan};
            double primary = 0;
            for (size_t k = 0; k < readings.size() && !f.nan; ++k) {
                Interval g{kInf, -kInf, false};  // this reading's own image of the hulls
                for (const std::vector<double> *ends : {&lo, &hi}) {
                    const double v = CommInt8Element(*ends, s1, s2, out, readings[k]);
                    if (std::isnan(v)) g.nan = true;
                    g.lo = std::min(g.lo, v);
                    g.hi = std::max(g.hi, v);
                    if (k == 0 && ends == &lo) primary = v;
                }
                f.nan = f.nan || g.nan;
                f.lo = std::min(f.lo, g.lo);
                f.hi = std::max(f.hi, g.hi);
                if (!b.readings.empty()) {
                    b.readings[k].lo[e] = g.nan ? -kInf : g.lo;
                    b.readings[k].hi[e] = g.nan ? kInf : g.hi;
                }
            }
            if (f.nan) {
                for (Bounds::Reading &r : b.readings) {
                    r.lo[e] = -kInf;
                    r.hi[e] = kInf;
                }
            }
            internal::StoreInterval(f.nan ? internal::Everything() : f, e, b);
            b.exact[e] = primary;  // the assumed reading's value: the defined result, not the real one
            b.scale[e] = std::fabs(primary);
        }
    }
    return b;
}
}  // namespace

// The UINT64 word's scale as the fixpipe uses it (oracle/internal/uint64_scale.h, shared with
// TransQuantParam's oracle).
double Fp19ScaleOfCode(uint64_t code) { return Uint64ScaleEffective(code); }

QuantRankValue QuantRankContribution(const QuantMatmulAllReduceRank &rk, int64_t i, int64_t j, aclDataType out,
                                     const Contract &c) {
    int64_t acc = 0;
    for (int64_t q = 0; q < rk.x1.cols; ++q) {
        acc += static_cast<int64_t>(rk.x1.at(i, q)) * static_cast<int64_t>(rk.x2.at(q, j));
    }
    if (rk.bias) acc += static_cast<int64_t>((*rk.bias)[static_cast<size_t>(j)]);
    return ContributionOfAccumulator(rk, i, j, acc, out, c);
}

namespace {

QuantRankValue ContributionOfAccumulator(const QuantMatmulAllReduceRank &rk, int64_t i, int64_t j, int64_t acc,
                                         aclDataType out, const Contract &c) {
    const DtypeMath &t = internal::MathOf(out);
    QuantRankValue v;
    const double s = ScaleAt(rk, j);
    const double pt = rk.pertoken ? (*rk.pertoken)[static_cast<size_t>(i)] : 1.0;
    const double x3 = rk.x3 ? rk.x3->at(i, j) : 0.0;
    const auto a = static_cast<double>(acc);
    v.exact = a * s * pt + x3;
    v.scale = std::fabs(a * s * pt) + std::fabs(x3);
    if (std::fabs(a) > kInt32Max) {
        // The kernel accumulates in int32: a sum outside its range is not defined by the
        // documents (the generators keep far inside it).
        v.lo = -kInf;
        v.hi = kInf;
        v.nan = true;
        return v;
    }
    Interval y;
    if (IntegerScale(rk.dequant_dtype)) {
        y = RoundPoint(a * s, t, c);  // |acc| < 2^31 times an 11-bit significand: exact in double
    } else {
        const double fa = internal::RoundFp32(a);
        if (!rk.pertoken) {
            y = RoundPoint(internal::RoundFp32(fa * s), t, c);
        } else {
            y = RoundPoint(internal::RoundFp32(internal::RoundFp32(fa * s) * pt), t, c);
            y = Hull(y, RoundPoint(internal::RoundFp32(internal::RoundFp32(fa * pt) * s), t, c));
            y = Hull(y, RoundPoint(internal::RoundFp32(fa * internal::RoundFp32(s * pt)), t, c));
        }
    }
    if (rk.x3) {
        y = internal::Shift(y, x3);
        y = internal::RoundInterval(y, internal::kFp32Math, Allowance::kYes, c);
        y = internal::RoundInterval(y, t, Allowance::kYes, c);
    }
    v.lo = y.lo;
    v.hi = y.hi;
    v.nan = y.nan;
    return v;
}

std::vector<int64_t> RankAccumulators(const QuantMatmulAllReduceRank &rk) {
    const int64_t m = rk.x1.rows, k = rk.x1.cols, n = rk.x2.cols;
    std::vector<int64_t> rhs(rk.x2.v.size());
    for (size_t e = 0; e < rhs.size(); ++e) rhs[e] = static_cast<int64_t>(rk.x2.v[e]);
    std::vector<int64_t> acc(static_cast<size_t>(m * n), 0);
    for (int64_t i = 0; i < m; ++i) {
        int64_t *const row = acc.data() + i * n;
        for (int64_t q = 0; q < k; ++q) {
            const auto a = static_cast<int64_t>(rk.x1.at(i, q));
            if (a == 0) continue;
            const int64_t *const x2row = rhs.data() + q * n;
            for (int64_t j = 0; j < n; ++j) row[j] += a * x2row[j];
        }
        if (rk.bias) {
            for (int64_t j = 0; j < n; ++j) row[j] += static_cast<int64_t>((*rk.bias)[static_cast<size_t>(j)]);
        }
    }
    return acc;
}

}  // namespace

Bounds QuantMatmulAllReduceBounds(const std::vector<QuantMatmulAllReduceRank> &ranks, aclDataType out,
                                  const Contract &contract) {
    if (ranks.empty()) Bad("no ranks");
    if (out != ACL_FLOAT16 && out != ACL_BF16) Bad("output dtype must be FLOAT16 or BFLOAT16");
    const int64_t m = ranks[0].x1.rows, n = ranks[0].x2.cols;
    for (size_t r = 0; r < ranks.size(); ++r) {
        const auto &rk = ranks[r];
        const std::string at = " (rank " + std::to_string(r) + ")";
        if (rk.x1.rows != m || rk.x2.cols != n) Bad("output shapes [m, n] differ between ranks" + at);
        if (rk.x2.rows != rk.x1.cols) Bad("x1 and x2 do not chain over k" + at);
        if (static_cast<int64_t>(rk.x1.v.size()) != m * rk.x1.cols ||
            static_cast<int64_t>(rk.x2.v.size()) != rk.x1.cols * n)
            Bad("matrix storage does not match its shape" + at);
        if (rk.bias && static_cast<int64_t>(rk.bias->size()) != n) Bad("bias is not [n]" + at);
        if (rk.dequant.size() != 1 && static_cast<int64_t>(rk.dequant.size()) != n)
            Bad("dequant is not (1) or (n)" + at);
        if (rk.pertoken && static_cast<int64_t>(rk.pertoken->size()) != m) Bad("pertoken is not (m)" + at);
        if (rk.x3 && (rk.x3->rows != m || rk.x3->cols != n)) Bad("x3 is not [m, n]" + at);
        if (rk.comm_scale1.has_value() != ranks[0].comm_scale1.has_value() ||
            rk.comm_scale2.has_value() != ranks[0].comm_scale1.has_value())
            Bad("comm scales must be both present or both absent, on every rank" + at);
        if (rk.comm_scale1 && (static_cast<int64_t>(rk.comm_scale1->size()) != n ||
                               static_cast<int64_t>(rk.comm_scale2->size()) != n))
            Bad("comm scales are not [n]" + at);
        if (rk.comm_scale1 && (*rk.comm_scale1 != *ranks[0].comm_scale1 || *rk.comm_scale2 != *ranks[0].comm_scale2))
            Bad("comm scales differ between ranks (the documents require them identical; undefined)" + at);
    }
    if (ranks[0].comm_scale1) return CommInt8Bounds(ranks, out, contract);
    const DtypeMath &t = internal::MathOf(out);
    const internal::RankReduction reduction(static_cast<int64_t>(ranks.size()), t, contract);
    Bounds b = internal::ShapedBounds(m, n, out);
    std::vector<Interval> z(ranks.size());
    std::vector<std::vector<int64_t>> accs;
    for (const QuantMatmulAllReduceRank &rk : ranks) accs.push_back(RankAccumulators(rk));
    for (int64_t i = 0; i < m; ++i) {
        for (int64_t j = 0; j < n; ++j) {
            double exact = 0, scale = 0;
            const size_t e = static_cast<size_t>(i * n + j);
            for (size_t r = 0; r < ranks.size(); ++r) {
                const QuantRankValue v = ContributionOfAccumulator(ranks[r], i, j, accs[r][e], out, contract);
                z[r] = Interval{v.lo, v.hi, v.nan};
                exact += v.exact;
                scale += v.scale;
            }
            internal::StoreInterval(reduction.ReduceAndCast(z), e, b);
            b.exact[e] = exact;
            b.scale[e] = scale;
        }
    }
    return b;
}

}  // namespace mc2::oracle
