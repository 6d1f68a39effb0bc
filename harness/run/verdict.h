// harness/run/verdict.h — how one rank's observed answer is judged against the spec at its two
// levels (DESIGN.md "Verdicts: conformance and hardening"; spec/expectation.h).
//
// The spec's expectation is computed twice: strict (every rule) and vendor (as if the hardening
// rules did not exist: where the vendor does not check, its behaviour is undefined). An answer
// the strict expectation admits conforms; one only the vendor expectation admits met the
// documents but not this suite's hardening demand, and the case is a passing WARNING (FAILED
// under `mc2conf run --strict`); anything else is FAILED.
#ifndef MC2_HARNESS_RUN_VERDICT_H_
#define MC2_HARNESS_RUN_VERDICT_H_

#include <string>

#include "harness/ops/binding.h"
#include "harness/run/result.h"
#include "spec/expectation.h"

namespace mc2::harness {

enum class Admission {
    kStrict,      // conforms, hardening included
    kVendorOnly,  // conforms to the documents only: a WARNING
    kNone,        // FAILED
};

struct RankAdmission {
    Admission admission = Admission::kNone;
    // The rank succeeded as an admitted, defined success: its outputs go to the oracle.
    bool compare = false;
    // kNone: why not ("expected …, got …"); kVendorOnly: "[rule id] …" of the hardening rule.
    std::string why;
};

// Judges the phase statuses (or the refused descriptor) of one rank, and the untouched outputs
// a failed call owes, against both expectations. The harness setup must have succeeded. `api`
// names the phases in messages.
RankAdmission Admit(const spec::Expectation &strict, const spec::Expectation &vendor, const RankReport &rank,
                    const ApiBinding &api);

// Whether a memory-discipline violation (harness/run: outside a buffer, an input changed, ...)
// is only a WARNING: the documents leave the call undefined (the vendor profile's answer for a
// broken hardening rule, e.g. a view reaching past its storage, which the vendor writes as told).
bool MemoryErrorOnlyWarns(const spec::Expectation &strict, const spec::Expectation &vendor);

// "161002 from GetWorkspaceSize [mar.attr.stream_mode] or 161001 from GetWorkspaceSize
// [mar.null.output]": every admitted answer, primary first.
std::string DescribeExpectation(const spec::Expectation &e, const ApiBinding &api);
// "GetWorkspaceSize 0, execute 0, sync 507035 \"…\"", or "no call (aclCreateTensor refused …)".
std::string DescribeObserved(const RankReport &rank, const ApiBinding &api);

// After the per-rank verdicts: when no rank failed and some rank has a warning, the case is a
// WARNING whose reason names the first hardening rule. True when it set the status.
bool ApplyWarnings(CaseResult &result);

// `mc2conf run --strict`: a WARNING becomes FAILED, with the same reason.
void ApplyStrict(CaseResult &result);

// The rule id in brackets at the start of a WARNING's reason after "rank N: " ("[mar.shape.storage]
// …" -> "mar.shape.storage"), else empty.
std::string WarningRule(const CaseResult &result);

}  // namespace mc2::harness

#endif  // MC2_HARNESS_RUN_VERDICT_H_
