// oracle/quant_matmul_all_reduce_v4.cc — acceptance intervals for QuantMatmulAllReduceV4.
//
// Per element (i, j) and rank r (seed 004 formulas; contract.md "Quantised"):
//   acc = Σ_t x1[i,t]·x2[t,j] (+ bias[j]) in an fp32 accumulator: the contract's bound
//         γ_{k}(u)·Σ|terms| around the k-sum (internal/accumulator.h; every product of two 8-bit
//         or 4-bit floats — also times E8M0 powers of two — is exact in fp32);
//   fp32 scales: y = acc·x2Scale·x1Scale in fp32, RINT — the documents fix no order of the two
//         products: every order is admitted (as QuantMatmulAllReduce's pertoken path);
//   UINT64 scale: y = acc·scale, the scale with or without the fixpipe's fp19 truncation and the
//         product rounded to fp32 first or not (Ascend 950's fixpipe is UNVERIFIED: all four);
//   per-block: every 128-wide block's acc scaled as above, the blocks summed in fp32 (any order:
//         γ_{B−1}(2^-24)); MX: the E8M0 scales multiply the inputs exactly, acc is the k-sum;
//   y may be rounded to T (contract), + x3 in fp32 (contract), the all-reduce in T, the final
//         cast (internal/reduce_cast.h).
// commQuantMode = 1 (formula 8): the partials stay fp32 (+ x3 in fp32) and go through the pertile
//         model (quant_comm_pertile.cc) instead of the all-reduce: PertileBounds below.
// Every map is monotone in acc for fixed scales, so an interval's endpoints bound its image.
// An element with a non-finite input on its row / column is left unbounded (NaN admitted).
// Independence: rounding through internal/rounding.h; nothing from impl/.
#include "oracle/quant_matmul_all_reduce_v4.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>

#include "oracle/internal/accumulator.h"
#include "oracle/internal/interval.h"
#include "oracle/internal/k_sum.h"
#include "oracle/internal/reduce_cast.h"
#include "oracle/internal/rounding.h"
#include "oracle/internal/uint64_scale.h"
#include "oracle/quant_matmul_all_reduce.h"

namespace mc2::oracle {
namespace {

using internal::Interval;
using internal::kInf;
using internal::RoundFp32;

[[noreturn]] void Bad(const std::string &what) { throw std::invalid_argument("QuantMatmulAllReduceV4Bounds: " + what); }

constexpr int64_t kBlock = 128;

// The hull of f over an interval, f monotone (increasing or decreasing).
template <class F>
Interval Map(const Interval &a, F f) {
    const double x = f(a.lo), y = f(a.hi);
    const bool nan = a.nan || std::isnan(x) || std::isnan(y);
    return Interval{std::isnan(x) || std::isnan(y) ? -kInf : std::min(x, y),
                    std::isnan(x) || std::isnan(y) ? kInf : std::max(x, y), nan};
}

Interval Hull(const Interval &a, const Interval &b) {
    return Interval{std::min(a.lo, b.lo), std::max(a.hi, b.hi), a.nan || b.nan};
}

// acc·s2·s1 in fp32, every order of the two products.
Interval ScaleFp32(const Interval &acc, double s2, double s1) {
    Interval y = Map(acc, [&](double a) { return RoundFp32(RoundFp32(a * s2) * s1); });
    y = Hull(y, Map(acc, [&](double a) { return RoundFp32(RoundFp32(a * s1) * s2); }));
    return Hull(y, Map(acc, [&](double a) { return RoundFp32(a * RoundFp32(s2 * s1)); }));
}

// acc·scale(code): fp19-truncated or full fp32 scale, product exact or rounded to fp32.
Interval ScaleCode(const Interval &acc, double code_value) {
    if (!(std::fabs(code_value) < 0x1p53) || code_value != std::floor(code_value))
        Bad("x2Scale code is not an integer");
    const uint64_t code =
        code_value < 0 ? static_cast<uint64_t>(static_cast<int64_t>(code_value)) : static_cast<uint64_t>(code_value);
    const double truncated = Uint64ScaleEffective(code);
    const double full = static_cast<double>(std::bit_cast<float>(static_cast<uint32_t>(code)));
    Interval y{kInf, -kInf, false};
    for (double s : {truncated, full}) {
        y = Hull(y, Map(acc, [&](double a) { return a * s; }));
        y = Hull(y, Map(acc, [&](double a) { return RoundFp32(a * s); }));
    }
    return y;
}

// The accumulator's admitted values for one sum of `terms` exact products (value v computed in
// double, Σ|products| = s), rigorous: the double sum's own error is folded in first.
Interval Accumulate(double v, double s, int64_t terms, const internal::AccumulatorBound &bound) {
    const double e = internal::MulUp(internal::GammaUp(std::max<int64_t>(terms, 1), 0x1p-53), s);
    internal::KSumElement k{internal::AddDown(v, -e), internal::AddUp(v, e), v, internal::AddUp(s, 2 * e)};
    return bound.Enclose(k);
}

struct RankState {
    std::vector<char> row_bad, col_bad;
    bool scales_bad = false;
};

RankState Specials(const QuantMatmulAllReduceV4Rank &rk) {
    RankState s;
    const int64_t m = rk.x1.rows, k = rk.x1.cols, n = rk.x2.cols;
    s.row_bad.assign(static_cast<size_t>(m), 0);
    s.col_bad.assign(static_cast<size_t>(n), 0);
    for (int64_t i = 0; i < m; ++i)
        for (int64_t t = 0; t < k; ++t)
            if (!std::isfinite(rk.x1.at(i, t))) s.row_bad[static_cast<size_t>(i)] = 1;
    for (int64_t t = 0; t < k; ++t)
        for (int64_t j = 0; j < n; ++j)
            if (!std::isfinite(rk.x2.at(t, j))) s.col_bad[static_cast<size_t>(j)] = 1;
    if (rk.bias)
        for (int64_t j = 0; j < n; ++j)
            if (!std::isfinite((*rk.bias)[static_cast<size_t>(j)])) s.col_bad[static_cast<size_t>(j)] = 1;
    auto bad = [](const std::vector<double> &v) {
        return std::any_of(v.begin(), v.end(), [](double x) { return !std::isfinite(x); });
    };
    s.scales_bad = bad(rk.x2_scale) || (rk.x1_scale && bad(*rk.x1_scale));
    return s;
}

// Matrices scaled by MX's E8M0 values: x1[i,t]·x1Scale[i, t/32], x2[t,j]·x2Scale[j, t/32]
// (the scale tensors [dim, ceil(k/64), 2] hold 2·ceil(k/64) scales per row).
void ApplyMx(const QuantMatmulAllReduceV4Rank &rk, Matrix &a, Matrix &b) {
    const int64_t m = rk.x1.rows, k = rk.x1.cols, n = rk.x2.cols;
    const int64_t per_row = 2 * ((k + 63) / 64);
    if (!rk.x1_scale || static_cast<int64_t>(rk.x1_scale->size()) != m * per_row ||
        static_cast<int64_t>(rk.x2_scale.size()) != n * per_row)
        Bad("MX scales are not [m, ceil(k/64), 2] and [n, ceil(k/64), 2]");
    a = rk.x1;
    b = rk.x2;
    for (int64_t i = 0; i < m; ++i)
        for (int64_t t = 0; t < k; ++t)
            a.v[static_cast<size_t>(i * k + t)] *= (*rk.x1_scale)[static_cast<size_t>(i * per_row + t / 32)];
    for (int64_t t = 0; t < k; ++t)
        for (int64_t j = 0; j < n; ++j)
            b.v[static_cast<size_t>(t * n + j)] *= rk.x2_scale[static_cast<size_t>(j * per_row + t / 32)];
}

// Rank r's per-block values of row i (before x3), in y[j] and approx[j] for every column j with
// !skip[j]: each 128-wide block's k-sum, its bound, its two grid scales, the blocks summed. The
// columns run side by side (t outer, over x2's rows in memory order); each column's terms are still
// added in t order, block by block, as one column at a time would.
void PerBlockRow(const QuantMatmulAllReduceV4Rank &rk, int64_t i, const Contract &c, const std::vector<char> &skip,
                 std::vector<Interval> &y, std::vector<double> &approx) {
    const int64_t k = rk.x1.cols, n = rk.x2.cols;
    const int64_t kb = (k + kBlock - 1) / kBlock, nb = (n + kBlock - 1) / kBlock;
    const int64_t per_batch = std::max<int64_t>(rk.rows_per_batch, 1);
    const int64_t mb = (per_batch + kBlock - 1) / kBlock;
    const int64_t row_block = (i / per_batch) * mb + (i % per_batch) / kBlock;
    y.assign(static_cast<size_t>(n), Interval{0, 0, false});
    approx.assign(static_cast<size_t>(n), 0.0);
    std::vector<double> mag(static_cast<size_t>(n), 0.0), v(static_cast<size_t>(n)), s(static_cast<size_t>(n));
    for (int64_t b = 0; b < kb; ++b) {
        std::fill(v.begin(), v.end(), 0.0);
        std::fill(s.begin(), s.end(), 0.0);
        const int64_t t1 = std::min(k, (b + 1) * kBlock);
        for (int64_t t = b * kBlock; t < t1; ++t) {
            const double x = rk.x1.at(i, t);
            const double *row = rk.x2.v.data() + t * n;
            for (int64_t j = 0; j < n; ++j) {
                const double p = x * row[j];
                v[static_cast<size_t>(j)] += p;
                s[static_cast<size_t>(j)] += std::fabs(p);
            }
        }
        const internal::AccumulatorBound bound(t1 - b * kBlock, false, c);
        const double s1 = (*rk.x1_scale)[static_cast<size_t>(row_block * kb + b)];
        for (int64_t j = 0; j < n; ++j) {
            const size_t u = static_cast<size_t>(j);
            if (skip[u]) continue;
            const Interval acc = Accumulate(v[u], s[u], t1 - b * kBlock, bound);
            const double s2 = rk.x2_scale_transposed ? rk.x2_scale[static_cast<size_t>((j / kBlock) * kb + b)]
                                                     : rk.x2_scale[static_cast<size_t>(b * nb + j / kBlock)];
            const Interval yb = ScaleFp32(acc, s2, s1);
            y[u] = Interval{internal::AddDown(y[u].lo, yb.lo), internal::AddUp(y[u].hi, yb.hi), y[u].nan || yb.nan};
            mag[u] = internal::AddUp(mag[u], std::max(std::fabs(yb.lo), std::fabs(yb.hi)));
            approx[u] += v[u] * s1 * s2;
        }
    }
    if (kb > 1) {
        for (int64_t j = 0; j < n; ++j) {
            const size_t u = static_cast<size_t>(j);
            if (skip[u]) continue;
            y[u] = internal::Widen(y[u], internal::AddUp(internal::MulUp(internal::GammaUp(kb - 1, 0x1p-24), mag[u]),
                                                         static_cast<double>(kb) * 0x1p-150));
        }
    }
}

void CheckRank(const QuantMatmulAllReduceV4Rank &rk, const QuantMatmulAllReduceV4Rank &first, size_t r) {
    const std::string at = " (rank " + std::to_string(r) + ")";
    const int64_t m = first.x1.rows, n = first.x2.cols;
    if (rk.scenario != first.scenario) Bad("ranks mix scenarios" + at);
    if (rk.x1.rows != m || rk.x2.cols != n) Bad("output shapes [m, n] differ between ranks" + at);
    if (rk.x2.rows != rk.x1.cols) Bad("x1 and x2 do not chain over k" + at);
    if (static_cast<int64_t>(rk.x1.v.size()) != m * rk.x1.cols ||
        static_cast<int64_t>(rk.x2.v.size()) != rk.x1.cols * n)
        Bad("matrix storage does not match its shape" + at);
    if (rk.bias && static_cast<int64_t>(rk.bias->size()) != n) Bad("bias is not [n]" + at);
    if (rk.x3 && (rk.x3->rows != m || rk.x3->cols != n)) Bad("x3 is not [m, n]" + at);
    const int64_t k = rk.x1.cols;
    switch (rk.scenario) {
        case V4Scenario::kFp8:
            if (!rk.x1_scale || static_cast<int64_t>(rk.x1_scale->size()) != m) Bad("x1Scale is not (m)" + at);
            [[fallthrough]];
        case V4Scenario::kFp8Uint64:
            if (rk.x2_scale.size() != 1 && static_cast<int64_t>(rk.x2_scale.size()) != n)
                Bad("x2Scale is not (1) or (n)" + at);
            break;
        case V4Scenario::kPerBlock: {
            const int64_t kb = (k + kBlock - 1) / kBlock, nb = (n + kBlock - 1) / kBlock;
            const int64_t per_batch = std::max<int64_t>(rk.rows_per_batch, 1);
            const int64_t rows = (m / per_batch) * ((per_batch + kBlock - 1) / kBlock);
            if (m % per_batch != 0 || !rk.x1_scale || static_cast<int64_t>(rk.x1_scale->size()) != rows * kb)
                Bad("per-block x1Scale does not match x1" + at);
            if (static_cast<int64_t>(rk.x2_scale.size()) != kb * nb) Bad("per-block x2Scale does not match x2" + at);
            break;
        }
        default:
            break;
    }
}

// The exponent of a finite non-zero double's lowest set bit (v is an odd multiple of 2^result);
// kNoBit for 0 and non-finite values (no term).
constexpr int kNoBit = 1 << 28;
int LowBit(double v) {
    if (v == 0 || !std::isfinite(v)) return kNoBit;
    int e = 0;
    const double f = std::frexp(std::fabs(v), &e);  // |v| = f·2^e, f in [0.5, 1)
    const auto mantissa = static_cast<uint64_t>(std::ldexp(f, 53));
    return e - 53 + std::countr_zero(mantissa);
}

// The k-sums (+ bias) of every element whose fp32 accumulation gives it exactly in every order:
// all terms are integer multiples of 2^emin and Σ|terms| < 2^(24 + emin), so every partial sum,
// in any order, is a multiple of 2^emin below 2^(24 + emin) — an fp32 value. Products of 8-bit /
// 4-bit floats (and E8M0 powers of two) are exact in double, so a product's lowest bit is the sum
// of its factors' (each decoded once here, not once per product). Row by row, the columns in the
// inner loop: each element's terms are still added in t order (then the bias), as one element at
// a time would. exact[e] = 0 where element e has no exact sum (non-finite inputs included: the
// callers leave those unbounded before they look).
struct ExactSums {
    std::vector<double> value;
    std::vector<char> exact;
};
ExactSums ExactAccumulations(const Matrix &a, const Matrix &b, const std::optional<std::vector<double>> &bias) {
    const int64_t m = a.rows, k = a.cols, n = b.cols;
    ExactSums out;
    out.value.assign(static_cast<size_t>(m * n), 0.0);
    out.exact.assign(static_cast<size_t>(m * n), 0);
    std::vector<int> low_b(static_cast<size_t>(k * n));
    for (size_t e = 0; e < low_b.size(); ++e) low_b[e] = LowBit(b.v[e]);
    std::vector<double> sum(static_cast<size_t>(n)), mag(static_cast<size_t>(n));
    std::vector<int> emin(static_cast<size_t>(n));
    for (int64_t i = 0; i < m; ++i) {
        std::fill(sum.begin(), sum.end(), 0.0);
        std::fill(mag.begin(), mag.end(), 0.0);
        std::fill(emin.begin(), emin.end(), kNoBit);
        for (int64_t t = 0; t < k; ++t) {
            const double x = a.at(i, t);
            const int low_a = LowBit(x);
            if (low_a == kNoBit) continue;  // a zero term changes neither sum nor bound
            const double *row = b.v.data() + t * n;
            const int *low = low_b.data() + t * n;
            for (int64_t j = 0; j < n; ++j) {
                const double p = x * row[j];
                sum[static_cast<size_t>(j)] += p;
                mag[static_cast<size_t>(j)] += std::fabs(p);
                emin[static_cast<size_t>(j)] = std::min(emin[static_cast<size_t>(j)], low_a + low[j]);
            }
        }
        for (int64_t j = 0; j < n; ++j) {
            double v = sum[static_cast<size_t>(j)], s = mag[static_cast<size_t>(j)];
            int lowest = emin[static_cast<size_t>(j)];
            if (bias && (*bias)[static_cast<size_t>(j)] != 0) {
                const double c = (*bias)[static_cast<size_t>(j)];
                lowest = std::min(lowest, LowBit(c));
                s += std::fabs(c);
                v += c;
            }
            const size_t e = static_cast<size_t>(i * n + j);
            if (lowest >= kNoBit / 2) {  // a term with a zero factor pairs a real bit with kNoBit
                out.exact[e] = 1;       // no non-zero term: the sum is 0
                continue;
            }
            if (lowest < -149 || !(s < std::ldexp(1.0, std::min(24 + lowest, 127)))) continue;
            out.value[e] = v;
            out.exact[e] = 1;
        }
    }
    return out;
}

// The readings of the fp32 scaling step the documents leave open (names as the reports print).
std::vector<std::string> PertileReadings(V4Scenario s) {
    if (s == V4Scenario::kFp8)
        return {"(acc·x2Scale)·x1Scale in fp32", "(acc·x1Scale)·x2Scale in fp32", "acc·(x2Scale·x1Scale) in fp32"};
    if (s == V4Scenario::kFp8Uint64) return {"x2Scale cut to fp19", "x2Scale with all 32 bits"};
    return {"as documented"};
}

// Rank rk's fp32 partial of element (i, j) from its accumulator `acc`, under reading `rho`.
Interval PertileScaled(const QuantMatmulAllReduceV4Rank &rk, const Interval &acc, int64_t i, int64_t j, size_t rho) {
    const double s2 = rk.x2_scale.size() == 1 ? rk.x2_scale[0] : rk.x2_scale[static_cast<size_t>(j)];
    if (rk.scenario == V4Scenario::kFp8) {
        const double s1 = (*rk.x1_scale)[static_cast<size_t>(i)];
        if (rho == 0) return Map(acc, [&](double a) { return RoundFp32(RoundFp32(a * s2) * s1); });
        if (rho == 1) return Map(acc, [&](double a) { return RoundFp32(RoundFp32(a * s1) * s2); });
        return Map(acc, [&](double a) { return RoundFp32(a * RoundFp32(s2 * s1)); });
    }
    if (rk.scenario == V4Scenario::kFp8Uint64) {
        const auto code = s2 < 0 ? static_cast<uint64_t>(static_cast<int64_t>(s2)) : static_cast<uint64_t>(s2);
        const double scale = rho == 0 ? Uint64ScaleEffective(code)
                                      : static_cast<double>(std::bit_cast<float>(static_cast<uint32_t>(code)));
        return Map(acc, [&](double a) { return RoundFp32(a * scale); });
    }
    return acc;  // MX: the E8M0 scales are inside the exact products
}

// commQuantMode = 1 (formula 8, ops.md §4.3): every rank's fp32 partial (not rounded to T), + x3
// in fp32, then the pertile exchange (quant_comm_pertile.cc), then the cast to T (RINT). A row
// tile whose partials are all known exactly (the k-sum exact in fp32 in every order, see
// ExactAccumulation) is modelled exactly, once per reading of the scaling step; any other tile
// gets the model's enclosure.
Bounds PertileBounds(const std::vector<QuantMatmulAllReduceV4Rank> &ranks, aclDataType out, const Contract &contract) {
    const QuantMatmulAllReduceV4Rank &first = ranks[0];
    const aclDataType fp8 = *first.pertile;
    const internal::DtypeMath &t = internal::MathOf(out);
    const int64_t m = first.x1.rows, n = first.x2.cols;
    const size_t world = ranks.size(), cells = static_cast<size_t>(m * n);
    const std::vector<std::string> names = PertileReadings(first.scenario);
    const size_t readings = names.size();
    // z[rho][r][e]: rank r's partial of element e under reading rho.
    std::vector<std::vector<std::vector<Interval>>> z(
        readings, std::vector<std::vector<Interval>>(world, std::vector<Interval>(cells)));
    std::vector<double> scale(cells, 0.0), approx(cells, 0.0);
    for (size_t r = 0; r < world; ++r) {
        const QuantMatmulAllReduceV4Rank &rk = ranks[r];
        const RankState sp = Specials(rk);
        Matrix a, b;
        if (rk.scenario == V4Scenario::kMx) {
            ApplyMx(rk, a, b);
        } else {
            a = rk.x1;
            b = rk.x2;
        }
        std::optional<internal::KSums> sums;
        ExactSums exact;
        if (rk.scenario != V4Scenario::kPerBlock) {
            sums.emplace(internal::KSums::Fast(a, b, rk.bias ? &*rk.bias : nullptr));
            exact = ExactAccumulations(a, b, rk.bias);
        }
        const internal::AccumulatorBound bound(rk.x1.cols, rk.bias.has_value(), contract);
        std::vector<Interval> block_y;
        std::vector<double> block_approx;
        for (int64_t i = 0; i < m; ++i) {
            if (rk.scenario == V4Scenario::kPerBlock && !sp.scales_bad && !sp.row_bad[static_cast<size_t>(i)])
                PerBlockRow(rk, i, contract, sp.col_bad, block_y, block_approx);
            for (int64_t j = 0; j < n; ++j) {
                const size_t e = static_cast<size_t>(i * n + j);
                const double x3 = rk.x3 ? rk.x3->at(i, j) : 0.0;
                if (sp.scales_bad || sp.row_bad[static_cast<size_t>(i)] || sp.col_bad[static_cast<size_t>(j)] ||
                    !std::isfinite(x3)) {
                    for (size_t rho = 0; rho < readings; ++rho) z[rho][r][e] = internal::Everything();
                    continue;
                }
                const auto plus_x3 = [&](const Interval &y) { return Map(y, [&](double v) { return RoundFp32(v + x3); }); };
                double value = 0;
                if (rk.scenario == V4Scenario::kPerBlock) {
                    const Interval y = plus_x3(block_y[static_cast<size_t>(j)]);
                    value = block_approx[static_cast<size_t>(j)];
                    for (size_t rho = 0; rho < readings; ++rho) z[rho][r][e] = y;
                } else {
                    const internal::KSumElement ks = sums->At(e, j);
                    const Interval acc = exact.exact[e] ? Interval{exact.value[e], exact.value[e], false}
                                                        : bound.Enclose(ks);
                    for (size_t rho = 0; rho < readings; ++rho) z[rho][r][e] = plus_x3(PertileScaled(rk, acc, i, j, rho));
                    value = z[0][r][e].lo;
                }
                approx[e] += value + x3;
                scale[e] += std::fabs(value) + std::fabs(x3);
            }
        }
    }
    Bounds result = internal::ShapedBounds(m, n, out);
    if (readings > 1) {
        for (const std::string &name : names) result.readings.push_back({name, std::vector<double>(cells), std::vector<double>(cells)});
    }
    std::vector<Interval> hull(cells, Interval{kInf, -kInf, false});
    std::vector<double> primary(cells, std::numeric_limits<double>::quiet_NaN());
    constexpr int64_t kTile = 128;
    std::vector<std::vector<double>> lo(world), hi(world);
    std::vector<double> out_lo, out_hi;
    for (size_t rho = 0; rho < readings; ++rho) {
        for (int64_t i = 0; i < m; ++i) {
            for (int64_t j0 = 0; j0 < n; j0 += kTile) {
                const int64_t j1 = std::min(n, j0 + kTile);
                bool nan = false, points = true;
                for (size_t r = 0; r < world; ++r) {
                    lo[r].clear();
                    hi[r].clear();
                    for (int64_t j = j0; j < j1; ++j) {
                        const Interval &v = z[rho][r][static_cast<size_t>(i * n + j)];
                        nan = nan || v.nan || !std::isfinite(v.lo) || !std::isfinite(v.hi);
                        points = points && v.lo == v.hi;
                        lo[r].push_back(v.lo);
                        hi[r].push_back(v.hi);
                    }
                }
                if (!nan && points) {
                    out_lo = PertileTile(lo, fp8);
                    out_hi = out_lo;
                } else if (!nan) {
                    PertileTileEnclosure(lo, hi, fp8, &out_lo, &out_hi);
                }
                for (int64_t j = j0; j < j1; ++j) {
                    const size_t e = static_cast<size_t>(i * n + j), u = static_cast<size_t>(j - j0);
                    Interval f = internal::Everything();
                    if (!nan && !std::isnan(out_lo[u]) && !std::isnan(out_hi[u])) {
                        f = Interval{internal::RoundLowerEndpoint(out_lo[u], t, false),
                                     internal::RoundUpperEndpoint(out_hi[u], t, false), false};
                    }
                    if (rho == 0 && !f.nan && f.lo == f.hi) primary[e] = f.lo;
                    if (readings > 1) {
                        result.readings[rho].lo[e] = f.nan ? -kInf : f.lo;
                        result.readings[rho].hi[e] = f.nan ? kInf : f.hi;
                    }
                    hull[e] = Hull(hull[e], f);
                }
            }
        }
    }
    for (size_t e = 0; e < cells; ++e) {
        internal::StoreInterval(hull[e], e, result);
        result.exact[e] = std::isnan(primary[e]) ? approx[e] : primary[e];
        result.scale[e] = scale[e];
    }
    return result;
}

}  // namespace

Bounds UnjudgedBounds(int64_t rows, int64_t cols, aclDataType out) {
    Bounds b = internal::ShapedBounds(rows, cols, out);
    std::fill(b.lo.begin(), b.lo.end(), -kInf);
    std::fill(b.hi.begin(), b.hi.end(), kInf);
    std::fill(b.exact.begin(), b.exact.end(), 0.0);
    std::fill(b.scale.begin(), b.scale.end(), 0.0);
    return b;
}

Bounds QuantMatmulAllReduceV4Bounds(const std::vector<QuantMatmulAllReduceV4Rank> &ranks, aclDataType out,
                                    const Contract &contract) {
    if (ranks.empty()) Bad("no ranks");
    const QuantMatmulAllReduceV4Rank &first = ranks[0];
    for (size_t r = 0; r < ranks.size(); ++r) CheckRank(ranks[r], first, r);
    if (first.pertile) {
        if (first.scenario == V4Scenario::kInt8) Bad("the pertile communication takes FP8 inputs");
        if (out != ACL_FLOAT16 && out != ACL_BF16 && out != ACL_FLOAT) Bad("output dtype must be FLOAT16, BF16 or FLOAT");
        return PertileBounds(ranks, out, contract);
    }
    if (first.scenario == V4Scenario::kInt8) {
        // Formulas 1-3 are QuantMatmulAllReduce V1-V3's (x2Scale ≙ dequantScale, x1Scale ≙ pertoken).
        std::vector<QuantMatmulAllReduceRank> q;
        for (const QuantMatmulAllReduceV4Rank &rk : ranks) {
            QuantMatmulAllReduceRank v;
            v.x1 = rk.x1;
            v.x2 = rk.x2;
            v.bias = rk.bias;
            v.dequant = rk.x2_scale;
            v.dequant_dtype = rk.x2_scale_dtype;
            v.pertoken = rk.x1_scale;
            v.x3 = rk.x3;
            v.comm_scale1 = rk.comm_scale1;
            v.comm_scale2 = rk.comm_scale2;
            q.push_back(std::move(v));
        }
        return QuantMatmulAllReduceBounds(q, out, contract);
    }
    if (out != ACL_FLOAT16 && out != ACL_BF16 && out != ACL_FLOAT) Bad("output dtype must be FLOAT16, BF16 or FLOAT");
    const internal::DtypeMath &t = internal::MathOf(out);
    const int64_t m = first.x1.rows, n = first.x2.cols;
    const size_t world = ranks.size();
    // Per rank: the element's contribution to the all-reduce, and its exact value.
    std::vector<std::vector<Interval>> z(world, std::vector<Interval>(static_cast<size_t>(m * n)));
    std::vector<std::vector<double>> exact(world, std::vector<double>(static_cast<size_t>(m * n)));
    for (size_t r = 0; r < world; ++r) {
        const QuantMatmulAllReduceV4Rank &rk = ranks[r];
        const RankState sp = Specials(rk);
        const int64_t k = rk.x1.cols;
        Matrix a, b;
        std::optional<internal::KSums> sums;
        if (rk.scenario == V4Scenario::kMx) {
            ApplyMx(rk, a, b);
            sums.emplace(internal::KSums::Fast(a, b, rk.bias ? &*rk.bias : nullptr));
        } else if (rk.scenario != V4Scenario::kPerBlock) {
            sums.emplace(internal::KSums::Fast(rk.x1, rk.x2, rk.bias ? &*rk.bias : nullptr));
        }
        const internal::AccumulatorBound bound(k, rk.bias.has_value(), contract);
        std::vector<Interval> block_y;
        std::vector<double> block_approx;
        for (int64_t i = 0; i < m; ++i) {
            if (rk.scenario == V4Scenario::kPerBlock && !sp.scales_bad && !sp.row_bad[static_cast<size_t>(i)])
                PerBlockRow(rk, i, contract, sp.col_bad, block_y, block_approx);
            for (int64_t j = 0; j < n; ++j) {
                const size_t e = static_cast<size_t>(i * n + j);
                if (sp.scales_bad || sp.row_bad[static_cast<size_t>(i)] || sp.col_bad[static_cast<size_t>(j)]) {
                    z[r][e] = internal::Everything();
                    continue;
                }
                Interval y;
                double approx = 0;
                if (rk.scenario == V4Scenario::kPerBlock) {
                    y = block_y[static_cast<size_t>(j)];
                    approx = block_approx[static_cast<size_t>(j)];
                } else {
                    const internal::KSumElement ks = sums->At(e, j);
                    const Interval acc = bound.Enclose(ks);
                    const double s2 = rk.x2_scale.size() == 1 ? rk.x2_scale[0] : rk.x2_scale[static_cast<size_t>(j)];
                    if (rk.scenario == V4Scenario::kFp8) {
                        const double s1 = (*rk.x1_scale)[static_cast<size_t>(i)];
                        y = ScaleFp32(acc, s2, s1);
                        approx = ks.approx * s2 * s1;
                    } else if (rk.scenario == V4Scenario::kFp8Uint64) {
                        y = ScaleCode(acc, s2);
                        approx = ks.approx * Uint64ScaleEffective(static_cast<uint64_t>(s2));
                    } else {
                        y = acc;
                        approx = ks.approx;
                    }
                }
                y = internal::RoundInterval(y, t, contract.partial_rounded_to_output, contract);
                if (rk.x3) {
                    const double x3 = rk.x3->at(i, j);
                    if (!std::isfinite(x3)) {
                        z[r][e] = internal::Everything();
                        continue;
                    }
                    y = internal::Shift(y, x3);
                    y = internal::RoundInterval(y, internal::kFp32Math, contract.x3_sum_rounded_to_fp32, contract);
                    y = internal::RoundInterval(y, t, contract.x3_sum_rounded_to_output, contract);
                    approx += x3;
                }
                z[r][e] = y;
                exact[r][e] = approx;
            }
        }
    }
    const internal::RankReduction reduction(static_cast<int64_t>(world), t, contract);
    Bounds out_bounds = internal::ShapedBounds(m, n, out);
    std::vector<Interval> per(world);
    for (size_t e = 0; e < static_cast<size_t>(m * n); ++e) {
        double value = 0, scale = 0;
        for (size_t r = 0; r < world; ++r) {
            per[r] = z[r][e];
            value += exact[r][e];
            scale += std::fabs(exact[r][e]);
        }
        internal::StoreInterval(reduction.ReduceAndCast(per), e, out_bounds);
        out_bounds.exact[e] = value;
        out_bounds.scale[e] = scale;
    }
    return out_bounds;
}

}  // namespace mc2::oracle
