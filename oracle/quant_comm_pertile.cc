// oracle/quant_comm_pertile.cc — the model of QuantMatmulAllReduceV4's pertile FP8 communication on
// Ascend 950 (commQuantMode = 1; ops.md §4.3), one row tile of 128 columns at a time, declared in
// quant_matmul_all_reduce_v4.h.
//
// Given every rank's fp32 partials z_r of the tile (matmul, scales, bias, + x3, all in fp32):
//   quantise    amax_r = max|z_r| (0 → fpMax), s_r = RN32(fpMax / amax_r) (0 → 1),
//               q = fp8(RN32(z · s_r)), RINT with saturation (the oracle's codebook, oracle/codecs)
//   dequantise  d = RN32(q / s_r)
//   reduce      fp32 pairwise tree over the ranks in rank order (neighbours added, an odd count
//               first folding its last block into the one before), each add RN32
//   requantise  the reduced tile, as above; dequantise again: the result before the output cast
// fpMax = 448 (E4M3FN) or 57344 (E5M2). Padding rows, the packed layout, AllToAll and AllGather
// only move values: row i's tile depends on row i's tile of every rank alone, at any world size,
// piece size or row split. Every rounding here is one the documents fix (RINT casts, fp32 Div and
// Mul, the fixed tree), so the model is exact: no reading is enumerated.
//
// The enclosure, for partials known only as intervals: quantise-dequantise moves a value x of a
// tile with amax <= A by at most 2^-(p+1)·|x| (p = the format's fraction bits) plus half the
// smallest subnormal step in x's units (sub/2 · A/fpMax), plus the fp32 Mul/Div roundings (a
// relative 2^-21 covers them); the tree adds at most ·2^-23·Σ|d|; the requantisation is bounded
// like the quantisation.
// Independence: codebook codecs and double arithmetic; nothing from impl/.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "oracle/codecs/codebook.h"
#include "oracle/internal/rounding.h"
#include "oracle/quant_matmul_all_reduce_v4.h"

namespace mc2::oracle {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Fp8Facts {
    const Format *format;
    double fp_max;
    int fraction_bits;
    double min_subnormal;
};

Fp8Facts FactsOf(aclDataType fp8) {
    if (fp8 == ACL_FLOAT8_E4M3FN) return {&kFloat8E4m3fn, 448.0, 3, 0x1p-9};
    if (fp8 == ACL_FLOAT8_E5M2) return {&kFloat8E5m2, 57344.0, 2, 0x1p-16};
    throw std::invalid_argument("pertile: the exchange format must be FLOAT8_E4M3FN or FLOAT8_E5M2");
}

// One rank's tile quantised and dequantised in place; false where the multiplier is not finite
// (an amax so small that fpMax/amax overflows fp32: undocumented).
bool QuantDequant(std::vector<double> &x, const Fp8Facts &f) {
    double amax = 0;
    for (double v : x) amax = std::max(amax, std::fabs(v));
    if (amax == 0) amax = f.fp_max;
    double s = internal::RoundFp32(f.fp_max / amax);
    if (s == 0) s = 1;
    if (!std::isfinite(s)) return false;
    for (double &v : x) {
        const double q = Decode(*f.format, Encode(*f.format, internal::RoundFp32(v * s), Saturation::kFinite));
        v = internal::RoundFp32(q / s);
    }
    return true;
}

// The tree of ops.md §4.3 over blocks (each a tile's values), every add rounded to fp32.
std::vector<double> TreeSum(std::vector<std::vector<double>> blocks) {
    while (blocks.size() > 1) {
        if (blocks.size() % 2 == 1) {
            std::vector<double> &into = blocks[blocks.size() - 2];
            for (size_t j = 0; j < into.size(); ++j) into[j] = internal::RoundFp32(into[j] + blocks.back()[j]);
            blocks.pop_back();
        }
        std::vector<std::vector<double>> next;
        for (size_t b = 0; b + 1 < blocks.size(); b += 2) {
            std::vector<double> sum(blocks[b].size());
            for (size_t j = 0; j < sum.size(); ++j) sum[j] = internal::RoundFp32(blocks[b][j] + blocks[b + 1][j]);
            next.push_back(std::move(sum));
        }
        blocks = std::move(next);
    }
    return blocks.front();
}

// The worst quantise-dequantise error of a value of magnitude <= x in a tile with amax <= a.
double QuantError(double x, double a, const Fp8Facts &f) {
    const double relative = std::ldexp(1.0, -(f.fraction_bits + 1)) + 0x1p-21;
    return (relative * x + f.min_subnormal / 2 * (a / f.fp_max)) * (1 + 0x1p-20);
}

}  // namespace

std::vector<double> PertileTile(const std::vector<std::vector<double>> &partials, aclDataType fp8) {
    const Fp8Facts f = FactsOf(fp8);
    if (partials.empty()) throw std::invalid_argument("PertileTile: no ranks");
    const size_t cols = partials[0].size();
    std::vector<std::vector<double>> blocks = partials;
    for (std::vector<double> &b : blocks) {
        if (b.size() != cols) throw std::invalid_argument("PertileTile: ranks' tiles differ in width");
        if (!QuantDequant(b, f)) return std::vector<double>(cols, kNaN);
    }
    std::vector<double> sum = TreeSum(std::move(blocks));
    if (!QuantDequant(sum, f)) return std::vector<double>(cols, kNaN);
    return sum;
}

void PertileTileEnclosure(const std::vector<std::vector<double>> &lo, const std::vector<std::vector<double>> &hi,
                          aclDataType fp8, std::vector<double> *out_lo, std::vector<double> *out_hi) {
    const Fp8Facts f = FactsOf(fp8);
    const size_t world = lo.size(), cols = world == 0 ? 0 : lo[0].size();
    std::vector<double> sum_lo(cols, 0), sum_hi(cols, 0), mag(cols, 0);
    for (size_t r = 0; r < world; ++r) {
        double a = 0;
        for (size_t j = 0; j < cols; ++j) a = std::max({a, std::fabs(lo[r][j]), std::fabs(hi[r][j])});
        for (size_t j = 0; j < cols; ++j) {
            const double x = std::max(std::fabs(lo[r][j]), std::fabs(hi[r][j]));
            const double e = QuantError(x, a, f);
            sum_lo[j] += lo[r][j] - e;
            sum_hi[j] += hi[r][j] + e;
            mag[j] += x + e;
        }
    }
    double a = 0;
    for (size_t j = 0; j < cols; ++j) {
        const double tree = static_cast<double>(world) * 0x1p-23 * mag[j] * (1 + 0x1p-20);
        sum_lo[j] -= tree;
        sum_hi[j] += tree;
        a = std::max({a, std::fabs(sum_lo[j]), std::fabs(sum_hi[j])});
    }
    out_lo->resize(cols);
    out_hi->resize(cols);
    for (size_t j = 0; j < cols; ++j) {
        const double e = QuantError(std::max(std::fabs(sum_lo[j]), std::fabs(sum_hi[j])), a, f);
        // A double-arithmetic slack for the sums above.
        const double slack = 0x1p-40 * (mag[j] + a);
        (*out_lo)[j] = sum_lo[j] - e - slack;
        (*out_hi)[j] = sum_hi[j] + e + slack;
    }
}

}  // namespace mc2::oracle
