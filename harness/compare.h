// harness/compare.h — the shared comparator: a returned output against the oracle's acceptance
// intervals (oracle/reference.h), in the spirit of benchdnn's compare_t, plus error statistics,
// the vendor's own acceptance rule for comparison, and a statistical precision check. The
// harness, the property tests and the fuzzers all call Compare; tests/harness/compare_test.cc
// checks the comparator itself.
//
// Verdict rules
//   - Interval: element e passes when lo ≤ got ≤ hi (Inf endpoints admit Inf of that sign; an
//     element with finite bounds must not be Inf or NaN). NaN is accepted only where the oracle
//     admits it: lo = hi = NaN (NaN required) or lo = −Inf and hi = +Inf (both infinities
//     admitted, so Inf − Inf is possible). −0 and +0 compare equal.
//   - Zero trust (benchdnn's MISTRUSTED): when more than mistrust_zero_share of the returned
//     values are exactly zero the comparison says little; `mistrusted` is set, `pass` is kept.
//   - Precision (statistical; enters `pass` unless precision_in_pass is false): see
//     CompareOptions::probable below.
#ifndef MC2_HARNESS_COMPARE_H_
#define MC2_HARNESS_COMPARE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "oracle/reference.h"

namespace mc2::harness {

// The λ the harness uses for the statistical bounds (Contract::acc_probabilistic_lambda).
// Per element, under the model of independent mean-zero rounding errors (Higham & Mary, SISC
// 2019, Thm 2.4), an fp32 k-sum exceeds γ̃_n(λ)·Σ|terms| with probability at most
// 2n·exp(−λ²(1−u)²/2): for λ = 8 and n ≤ 2^16 terms that is ≤ 1.7e-9.
inline constexpr double kStatisticalLambda = 8.0;

struct CompareOptions {
    double mistrust_zero_share = 0.5;  // more outputs exactly zero than this → MISTRUSTED
    // More elements whose interval admits anything (lo = −Inf and hi = +Inf) than this share →
    // MISTRUSTED: the oracle could not bound them (e.g. an RMS-norm row whose scale is unbounded).
    // Above 1 (the default) it never triggers; an output opts in (OutputDecl).
    double mistrust_unbounded_share = 2.0;

    // Statistical precision check. `probable` are the oracle's bounds for the same call at the
    // statistical level (the same Contract with acc_probabilistic_lambda = kStatisticalLambda):
    // the k-sum's error bound γ_{n−1}(u)·S is replaced by min(γ_{n−1}, γ̃_n(λ))·S ≈ λ√n·u·S,
    // while every rounding to T, the x3 step and the reduction keep their worst-case bounds.
    // The check fails ("precision suspect") when more than precision_max_share of the finite
    // elements (and at least one) fall outside `probable`, on outputs of at least
    // precision_min_elements elements.
    //
    // False alarms: a conforming implementation differs from the exact result by rounding
    // errors to T (bounded worst-case inside `probable`, so they can never trigger it) plus its
    // fp32 accumulation error, which under the model leaves `probable` with probability
    // p ≤ 1.7e-9 per element (kStatisticalLambda). The number of elements outside is then
    // dominated by a Binomial(N, p), and P(at least max(1, 1%·N) outside) ≤ N·p ≤ 1.1e-7 for N
    // up to 64 elements and far smaller above (Chernoff: (e·N·p/c)^c with c = 1%·N). Data that
    // break the model are those whose fp32 rounding errors are systematic (the same direction
    // at every addition); the suite's random fills do not, and its exact-sum fills (benchdnn's
    // integer ranges) have no accumulation error at all. Where the reduction in T dominates
    // the interval (world 8, small k) the contract itself admits errors as large as an fp16
    // accumulator makes, so no sound check can tell them apart: the check is built to catch
    // low-precision accumulation where k is large, which is where the worst-case interval is
    // loose.
    const oracle::Bounds *probable = nullptr;
    int64_t precision_min_elements = 64;
    double precision_max_share = 0.01;
    bool precision_in_pass = true;

    // Vendor criterion (ATB single-benchmark rule, shared/spec-notes/ops.md §2.8):
    // |got − golden| ≤ thr·max(1, |golden|) with thr fp16 2^-8, bf16 2^-7, fp32 2^-11, golden
    // = the oracle's exact value. The share of elements allowed to fail it is not in our notes;
    // one per mille is this suite's assumption.
    double vendor_max_fail_share = 0.001;
};

struct CompareReport {
    bool pass = false;
    bool mistrusted = false;
    int64_t elements = 0;
    int64_t outside = 0;  // elements outside their interval
    int64_t worst_index = -1;  // the element with the largest observed/bound ratio (outside first)
    double worst_got = 0, worst_lo = 0, worst_hi = 0, worst_exact = 0;
    double ulp_median = 0, ulp_p99 = 0, ulp_max = 0;  // |got − exact| / ulp_T(exact), finite ones
    // max over elements of |got − exact| / (the interval's extent from exact on got's side):
    // "observed / bound"; ≤ 1 for every element inside its interval.
    double ratio_max = 0;
    double vendor_fail_share = 0;
    bool vendor_pass = false;
    bool precision_suspect = false;
    std::string precision_note;
    double zero_share = 0;
    // Elements whose interval is a single value (lo == hi, finite): judged by equality, not by
    // an interval. The rest are interval-checked.
    int64_t exact_checked = 0;
    // Per reading of Bounds::readings (when the oracle admits several): how many elements lie
    // inside that reading's own interval. A reading with consistent == elements is one the
    // result matches in full.
    struct ReadingMatch {
        std::string name;
        int64_t consistent = 0;
    };
    std::vector<ReadingMatch> readings;
    std::string summary;  // one line
};

// Throws std::invalid_argument when sizes disagree.
CompareReport Compare(const oracle::Bounds &bounds, const std::vector<double> &got,
                      const CompareOptions &opt = {});

}  // namespace mc2::harness

#endif  // MC2_HARNESS_COMPARE_H_
