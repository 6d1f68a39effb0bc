// harness/compare.cc — see compare.h.
#include "harness/compare.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <string>

namespace mc2::harness {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct DtypeFacts {
    int mantissa_bits;
    int min_exponent;  // exponent of the smallest normal
    double vendor_threshold;
    const char *name;
};

DtypeFacts FactsOf(aclDataType t) {
    switch (t) {
        case ACL_FLOAT16: return {10, -14, 0x1p-8, "fp16"};
        case ACL_BF16: return {7, -126, 0x1p-7, "bf16"};
        case ACL_FLOAT: return {23, -126, 0x1p-11, "fp32"};
        default: throw std::invalid_argument("Compare: unsupported output dtype");
    }
}

// Spacing of the output dtype's values at |x| (subnormal spacing below the smallest normal).
double Ulp(const DtypeFacts &f, double x) {
    int e = 0;
    std::frexp(std::fabs(x), &e);  // |x| in [2^(e−1), 2^e)
    return std::ldexp(1.0, std::max(e - 1, f.min_exponent) - f.mantissa_bits);
}

bool Inside(double lo, double hi, double v) {
    if (std::isnan(lo) || std::isnan(hi)) return std::isnan(v);
    if (std::isnan(v)) return lo == -kInf && hi == kInf;
    return lo <= v && v <= hi;
}

// |got − exact| over the interval's extent from exact on got's side (0 when equal, Inf when the
// interval has no room on that side or a class is wrong).
double Ratio(double lo, double hi, double exact, double v) {
    if (!std::isfinite(v) || !std::isfinite(exact)) return Inside(lo, hi, v) ? 0.0 : kInf;
    const double d = std::fabs(v - exact);
    if (d == 0.0) return 0.0;
    const double room = v > exact ? hi - exact : exact - lo;
    return room > 0.0 ? d / room : kInf;
}

double Quantile(std::vector<double> &v, double q) {
    if (v.empty()) return 0.0;
    const size_t i = std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())));
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), v.end());
    return v[i];
}

// "<name> k/n, ..." with "(all)" on the readings the result matches everywhere.
std::string ReadingsText(const std::vector<CompareReport::ReadingMatch> &readings, int64_t elements) {
    std::string text;
    for (const CompareReport::ReadingMatch &m : readings) {
        if (!text.empty()) text += ", ";
        text += "[" + m.name + "] " + std::to_string(m.consistent) + "/" + std::to_string(elements);
        if (m.consistent == elements) text += " (all)";
    }
    return text;
}

}  // namespace

CompareReport Compare(const oracle::Bounds &bounds, const std::vector<double> &got,
                      const CompareOptions &opt) {
    const size_t n = got.size();
    if (bounds.lo.size() != n || bounds.hi.size() != n || bounds.exact.size() != n)
        throw std::invalid_argument("Compare: bounds and result sizes differ");
    if (opt.probable && (opt.probable->lo.size() != n || opt.probable->hi.size() != n))
        throw std::invalid_argument("Compare: probable bounds and result sizes differ");
    for (const oracle::Bounds::Reading &reading : bounds.readings) {
        if (reading.lo.size() != n || reading.hi.size() != n)
            throw std::invalid_argument("Compare: reading '" + reading.name + "' and result sizes differ");
    }
    const DtypeFacts facts = FactsOf(bounds.dtype);

    CompareReport r;
    r.elements = static_cast<int64_t>(n);
    for (const oracle::Bounds::Reading &reading : bounds.readings) r.readings.push_back({reading.name, 0});
    std::vector<double> ulps;
    ulps.reserve(n);
    int64_t zeros = 0, vendor_fail = 0, eligible = 0, improbable = 0, unbounded = 0;
    double worst_key = -1.0;
    bool worst_outside = false;
    for (size_t e = 0; e < n; ++e) {
        const double lo = bounds.lo[e], hi = bounds.hi[e], ex = bounds.exact[e], v = got[e];
        const bool inside = Inside(lo, hi, v);
        if (!inside) ++r.outside;
        if (lo == hi && std::isfinite(lo)) ++r.exact_checked;
        for (size_t k = 0; k < bounds.readings.size(); ++k) {
            if (Inside(bounds.readings[k].lo[e], bounds.readings[k].hi[e], v)) ++r.readings[k].consistent;
        }
        if (v == 0.0) ++zeros;
        if (lo == -std::numeric_limits<double>::infinity() && hi == std::numeric_limits<double>::infinity()) ++unbounded;
        const double ratio = Ratio(lo, hi, ex, v);
        r.ratio_max = std::max(r.ratio_max, ratio);
        // The worst element: an outside one before any inside one, then the largest ratio.
        if ((!inside && !worst_outside) || ((!inside) == worst_outside && ratio > worst_key)) {
            worst_outside = !inside;
            worst_key = ratio;
            r.worst_index = static_cast<int64_t>(e);
        }
        const bool finite = std::isfinite(v) && std::isfinite(ex);
        if (finite) ulps.push_back(std::fabs(v - ex) / Ulp(facts, ex));
        // Vendor rule; non-finite values pass it only by matching class and sign.
        const bool vendor_ok =
            finite ? std::fabs(v - ex) <= facts.vendor_threshold * std::max(1.0, std::fabs(ex))
                   : (std::isnan(v) && std::isnan(ex)) || (std::isinf(v) && v == ex);
        if (!vendor_ok) ++vendor_fail;
        if (opt.probable && finite && std::isfinite(opt.probable->lo[e]) &&
            std::isfinite(opt.probable->hi[e])) {
            ++eligible;
            if (!Inside(opt.probable->lo[e], opt.probable->hi[e], v)) ++improbable;
        }
    }
    if (r.worst_index >= 0) {
        const auto w = static_cast<size_t>(r.worst_index);
        r.worst_got = got[w];
        r.worst_lo = bounds.lo[w];
        r.worst_hi = bounds.hi[w];
        r.worst_exact = bounds.exact[w];
    }
    r.ulp_max = ulps.empty() ? 0.0 : *std::max_element(ulps.begin(), ulps.end());
    r.ulp_p99 = Quantile(ulps, 0.99);
    r.ulp_median = Quantile(ulps, 0.5);
    r.zero_share = n ? static_cast<double>(zeros) / static_cast<double>(n) : 0.0;
    r.mistrusted = n == 0 || r.zero_share > opt.mistrust_zero_share ||
                   (n != 0 && static_cast<double>(unbounded) / static_cast<double>(n) > opt.mistrust_unbounded_share);
    r.vendor_fail_share = n ? static_cast<double>(vendor_fail) / static_cast<double>(n) : 0.0;
    r.vendor_pass = r.vendor_fail_share <= opt.vendor_max_fail_share;

    char buf[256];
    if (!opt.probable) {
        r.precision_note = "not run (no statistical bounds)";
    } else if (eligible < opt.precision_min_elements) {
        std::snprintf(buf, sizeof buf, "not run (%lld finite elements < %lld)",
                      static_cast<long long>(eligible),
                      static_cast<long long>(opt.precision_min_elements));
        r.precision_note = buf;
    } else {
        const double share = static_cast<double>(improbable) / static_cast<double>(eligible);
        r.precision_suspect = improbable > 0 && share > opt.precision_max_share;
        std::snprintf(buf, sizeof buf,
                      "%s: %lld of %lld elements (%.4g) outside the fp32-accumulation "
                      "statistical bound (allowed %.4g)",
                      r.precision_suspect ? "FAILED" : "ok", static_cast<long long>(improbable),
                      static_cast<long long>(eligible), share, opt.precision_max_share);
        r.precision_note = buf;
    }
    r.pass = r.outside == 0 && !(r.precision_suspect && opt.precision_in_pass);

    std::string verdict = !r.pass ? "FAILED" : (r.mistrusted ? "MISTRUSTED" : "PASSED");
    std::snprintf(buf, sizeof buf, "%s %s: %lld elements, %lld outside", verdict.c_str(),
                  facts.name, static_cast<long long>(r.elements),
                  static_cast<long long>(r.outside));
    r.summary = buf;
    std::snprintf(buf, sizeof buf, ", %lld exact-checked", static_cast<long long>(r.exact_checked));
    r.summary += buf;
    if (r.worst_index >= 0) {
        const int64_t cols = bounds.cols > 0 ? bounds.cols : 1;
        std::snprintf(buf, sizeof buf, "; worst [%lld,%lld] got %.9g in [%.9g, %.9g] exact %.9g",
                      static_cast<long long>(r.worst_index / cols),
                      static_cast<long long>(r.worst_index % cols), r.worst_got, r.worst_lo,
                      r.worst_hi, r.worst_exact);
        r.summary += buf;
    }
    std::snprintf(buf, sizeof buf,
                  "; ulps median %.3g p99 %.3g max %.3g; observed/bound %.3g; vendor %s (%.3g); "
                  "zeros %.3g",
                  r.ulp_median, r.ulp_p99, r.ulp_max, r.ratio_max,
                  r.vendor_pass ? "pass" : "fail", r.vendor_fail_share, r.zero_share);
    r.summary += buf;
    r.summary += "; precision " + r.precision_note;
    if (!r.readings.empty()) r.summary += "; readings " + ReadingsText(r.readings, r.elements);
    return r;
}

}  // namespace mc2::harness
