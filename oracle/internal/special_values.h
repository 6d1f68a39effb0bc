// oracle/internal/special_values.h — elements reached by a NaN or Inf input follow IEEE 754
// class rules instead of the interval pipeline (oracle/contract.h, "special values"): the
// double evaluation of the element's terms gives NaN or ±Inf (an infinite input meets every
// other term of its sum). NaN is then certain; ±Inf is certain unless the finite terms could
// overflow a format on the way (then the opposite infinity, and so NaN, is possible too —
// admitted as "anything").
#ifndef MC2_ORACLE_INTERNAL_SPECIAL_VALUES_H_
#define MC2_ORACLE_INTERNAL_SPECIAL_VALUES_H_

#include <cmath>
#include <cstddef>
#include <vector>

#include "oracle/internal/interval.h"
#include "oracle/internal/rounding.h"
#include "oracle/reference.h"

namespace mc2::oracle::internal {

// Sets special[i·n + j] for every element of a (m×k) @ b (k×n) [+ bias] that a non-finite value
// of a's row i, b's column j or bias[j] reaches (special has m·n entries; others are kept).
void MarkNonFinite(const Matrix &a, const Matrix &b, const std::vector<double> *bias,
                   std::vector<char> &special);

// Accumulates an element's terms (products, bias, x3, over every rank) in double.
struct SpecialTerms {
    double sum = 0.0;         // NaN or ±Inf when a term is
    double finite_mag = 0.0;  // Σ|finite terms|
    void Add(double v) {
        sum += v;
        if (std::isfinite(v)) finite_mag += std::fabs(v);
    }
};

// Writes the element's bounds, exact value and scale into b at e. The caller's proof
// obligation: every intermediate of the finite terms stays below
// 2·Σ|finite terms| (true when the roundings along the pipeline grow values by less than 2,
// e.g. (1 + 2^-8)^(R+3)·(1 + γ_k(2^-24)) for R ≤ 160 ranks); T's max is then the smallest max
// of the formats passed through.
inline void StoreSpecial(const SpecialTerms &s, const DtypeMath &t, size_t e, Bounds &b) {
    b.exact[e] = s.sum;
    b.scale[e] = s.finite_mag;
    if (std::isnan(s.sum) || s.finite_mag * 2.0 < t.max_finite) {
        b.lo[e] = b.hi[e] = s.sum;
    } else {
        b.lo[e] = -kInf;
        b.hi[e] = kInf;
    }
}

}  // namespace mc2::oracle::internal

#endif  // MC2_ORACLE_INTERNAL_SPECIAL_VALUES_H_
