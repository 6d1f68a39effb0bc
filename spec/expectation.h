// spec/expectation.h — the spec catalogue's answer for a Case: what each rank's call must
// return. The catalogue is the single source of expected error codes (DESIGN.md rule 4).
#ifndef MC2_SPEC_EXPECTATION_H_
#define MC2_SPEC_EXPECTATION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "harness/case.h"

namespace mc2::spec {

// Which layer of the vendor stack enforces a rule (spec-notes/ops.md §1.2).
enum class Layer {
    kOpApi,   // documented hand-written checks in GetWorkspaceSize: a fixed code (161001 / 161002)
    kTiling,  // the generated inner layer / tiling: an "inner error" class, any 561xxx code
    kRuntime, // fails at execution (second phase or stream synchronisation), e.g. unknown group
};

enum class Outcome {
    kSuccess,
    kStatus,      // GetWorkspaceSize returns exactly `status` (or one of `also_accepted`)
    kInnerError,  // GetWorkspaceSize or the execute phase returns some 561xxx code
    kRuntimeError // execute phase or synchronisation fails with a non-zero code
};

struct Expectation {
    Outcome outcome = Outcome::kSuccess;
    int32_t status = 0;                 // for kStatus
    std::vector<int32_t> also_accepted; // document versions disagree (spec-notes/ops.md §8)
    // Success expected, but the documents let the tiling layer refuse (e.g. commTurn != 0, which
    // the vendor documents as unsupported and this suite's implementation supports): a 561xxx
    // rejection with nothing written is conforming too. On a failure expectation it likewise
    // adds "or any 561xxx inner error" to the accepted answers (e.g. negative commTurn).
    bool inner_error_accepted = false;
    // First violated rule. On success: the first documented tolerance ("note" rule, e.g. k == 0
    // or commTurn > 0) that names the case, else empty.
    std::string rule_id;
    std::string reason;                 // one line: the rule's text
};

// Expected result of rank `rank`'s call in `c` under the case's platform profile. Rules are
// evaluated in the vendor's check order; the first violated rule wins.
Expectation Expect(const harness::Case &c, int rank);

// True when the call is expected to succeed on every rank.
bool ExpectSuccessEverywhere(const harness::Case &c);

}  // namespace mc2::spec

#endif  // MC2_SPEC_EXPECTATION_H_
