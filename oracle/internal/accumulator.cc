// oracle/internal/accumulator.cc — see accumulator.h.
#include "oracle/internal/accumulator.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace mc2::oracle::internal {

// The largest double x ≥ 0 with MulUp(x, b) < the fp32 overflow threshold, by bisection over
// the bit patterns of non-negative doubles (ordered as the values they encode). MulUp(·, b) is
// non-decreasing (RU(x·b), or one step up from RN(x·b) below 2^-960: both monotone), so the
// x ≥ 0 that pass are exactly [0, result]: comparing with the result decides what comparing
// the product decided, for every abs_up (negative ones and −0 pass both ways, NaN neither).
double AccumulatorBound::OverflowLimit(double b) {
    const auto passes = [b](uint64_t bits) {
        double x;
        std::memcpy(&x, &bits, sizeof x);
        return MulUp(x, b) < kFp32OverflowThreshold;
    };
    uint64_t lo = 0, hi = 0x7FF0000000000000;  // passes(0): MulUp(0, b) = 0; hi is +Inf
    if (passes(hi)) return kInf;               // only for b = 0 (Up(1 + g) ≥ 1 never is)
    while (hi - lo > 1) {
        const uint64_t mid = lo + (hi - lo) / 2;
        (passes(mid) ? lo : hi) = mid;
    }
    double x;
    std::memcpy(&x, &lo, sizeof x);
    return x;
}

double AccumulatorGamma(int64_t n_terms, const Contract &c) {
    const double u = c.acc_unit_roundoff;
    const double worst = GammaUp(n_terms - 1, u);
    if (c.acc_probabilistic_lambda <= 0.0 || n_terms <= 1) return worst;
    const double nd = static_cast<double>(n_terms);
    const double x = c.acc_probabilistic_lambda * std::sqrt(nd) * u + nd * u * u / (1.0 - u);
    return std::min(worst, std::expm1(x) * (1.0 + 1e-9));
}

AccumulatorBound::AccumulatorBound(int64_t k, bool has_bias, const Contract &c)
    : g_(AccumulatorGamma(k + (has_bias ? 1 : 0), c)), one_plus_g_up_(Up(1.0 + g_)) {
    // Underflow (contract.h): gradual — an fp32 product below 2^-126 errs by ≤ 2^-150 (sums
    // with subnormal results are exact); flush — each of the k products and n additions may
    // lose < 2^-126. (k·2^-150 and (2k+1)·2^-126 are exact products of an integer and a power
    // of two.)
    const double kd = static_cast<double>(k);
    underflow_ = c.subnormal_flush_allowed ? (2.0 * kd + 1.0) * 0x1p-126 : kd * 0x1p-150;
    // (Some oracles build a bound per element and block with the same few k: the last limit
    // is kept per thread, so the bisection's 63 products run once per distinct 1 + g.)
    thread_local double last_b = -1.0, last_limit = 0.0;
    if (one_plus_g_up_ != last_b) last_b = one_plus_g_up_, last_limit = OverflowLimit(one_plus_g_up_);
    overflow_limit_ = last_limit;
}

}  // namespace mc2::oracle::internal
