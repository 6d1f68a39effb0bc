// harness/report/ulp_histogram.h — the histogram of errors in output ulps that travels with each
// output check (OutputCheck::ulp_histogram) and that the HTML report plots. Header-only so that
// the runner (harness/run) can fill it without depending on the report writers.
//
// The error of an element is |got − exact| / ulp_T(exact), where ulp_T is the spacing of the
// output dtype's values at |exact| (subnormal spacing below the smallest normal): the same
// definition as harness/compare.cc's ulp statistics (a unit test checks that the histogram's
// largest bin holds CompareReport::ulp_max). Bins are powers of two, because conforming errors
// span from 0 (exact) to many ulps (cancellation after the all-reduce in T):
//   bin 0: exactly 0;  bin 1: (0, 2^-4];  bin i in 2..21: (2^(i-6), 2^(i-5)];  bin 22: > 2^16;
//   bin 23: non-finite (got or exact is Inf/NaN; a class match, no distance).
#ifndef MC2_HARNESS_REPORT_ULP_HISTOGRAM_H_
#define MC2_HARNESS_REPORT_ULP_HISTOGRAM_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "acl/acl_base.h"

namespace mc2::harness::report {

inline constexpr int kUlpBins = 24;

// The bin of an error in ulps (finite, ≥ 0).
inline int UlpBin(double ulps) {
    if (!(ulps > 0)) return 0;
    if (ulps <= 0x1p-4) return 1;
    if (ulps > 0x1p16) return kUlpBins - 2;
    int e = 0;
    const double m = std::frexp(ulps, &e);  // ulps = m·2^e, m in [0.5, 1)
    const int upper = m == 0.5 ? e - 1 : e;  // smallest power with ulps ≤ 2^upper
    return std::clamp(upper + 5, 2, kUlpBins - 3);
}

// Short label of a bin for plots: "0", "≤1/16", "≤1/8" ... "≤1", "≤2", ... "≤65536", ">65536", "inf/nan".
inline std::string UlpBinLabel(int bin) {
    if (bin == 0) return "0";
    if (bin == 1) return "\u22641/16";
    if (bin == kUlpBins - 2) return ">65536";
    if (bin == kUlpBins - 1) return "inf/nan";
    const int upper = bin - 5;
    if (upper < 0) return "\u22641/" + std::to_string(1 << -upper);
    return "\u2264" + std::to_string(int64_t{1} << upper);
}

// Spacing of dtype's values at |x|; 0 for a dtype the comparator does not handle.
inline double OutputUlp(aclDataType dtype, double x) {
    int mantissa = 0, min_exponent = 0;
    switch (dtype) {
        case ACL_FLOAT16: mantissa = 10; min_exponent = -14; break;
        case ACL_BF16: mantissa = 7; min_exponent = -126; break;
        case ACL_FLOAT: mantissa = 23; min_exponent = -126; break;
        default: return 0;
    }
    int e = 0;
    std::frexp(std::fabs(x), &e);
    return std::ldexp(1.0, std::max(e - 1, min_exponent) - mantissa);
}

// The histogram of |got[i] − exact[i]| in ulps of `dtype` (kUlpBins counts; empty when the
// dtype has no ulp definition or the sizes differ).
inline std::vector<int64_t> UlpHistogram(aclDataType dtype, std::span<const double> exact,
                                         std::span<const double> got) {
    if (exact.size() != got.size() || OutputUlp(dtype, 1.0) == 0) return {};
    std::vector<int64_t> bins(kUlpBins, 0);
    for (size_t i = 0; i < got.size(); ++i) {
        if (!std::isfinite(got[i]) || !std::isfinite(exact[i])) {
            ++bins[kUlpBins - 1];
            continue;
        }
        ++bins[static_cast<size_t>(UlpBin(std::fabs(got[i] - exact[i]) / OutputUlp(dtype, exact[i])))];
    }
    return bins;
}

}  // namespace mc2::harness::report

#endif  // MC2_HARNESS_REPORT_ULP_HISTOGRAM_H_
