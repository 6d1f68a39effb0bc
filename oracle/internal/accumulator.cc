// oracle/internal/accumulator.cc — see accumulator.h.
#include "oracle/internal/accumulator.h"

#include <algorithm>
#include <cmath>

namespace mc2::oracle::internal {

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
}

}  // namespace mc2::oracle::internal
