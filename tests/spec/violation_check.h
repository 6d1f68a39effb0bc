// tests/spec/violation_check.h — the check shared by the example-based and the property tests:
// a case made by rule.Violate() must break that rule and no earlier one. Returns an error line,
// empty when the case is right (usable from gtest and RapidCheck alike).
#ifndef MC2_TESTS_SPEC_VIOLATION_CHECK_H_
#define MC2_TESTS_SPEC_VIOLATION_CHECK_H_

#include <string>

#include "harness/case.h"
#include "spec/catalogue.h"

namespace mc2::spec::testing {

inline std::string CheckViolation(const Rule &rule, const harness::Case &bad) {
    // Ranks whose own arguments break the rule report exactly it; the others (ranks violate()
    // could not bend) are failed peers and report a cross-rank rule.
    int affected = 0;
    for (int r = 0; r < bad.world; ++r) {
        const Expectation e = Expect(bad, r);
        if (rule.Violated(bad, r)) {
            ++affected;
            if (e.rule_id != rule.id) {
                return "rank " + std::to_string(r) + " expected rule " + rule.id + ", got '" + e.rule_id + "' in " +
                       bad.ToString();
            }
            const Expectation want = rule.ToExpectation();
            if (e.outcome != want.outcome || e.status != want.status || e.also_accepted != want.also_accepted) {
                return "rank " + std::to_string(r) + ": expectation differs from rule " + rule.id;
            }
        } else {
            const Rule *got = FindRule(e.rule_id);
            if (!got || (got->scope != Scope::kCrossRank && rule.scope != Scope::kCrossRank)) {
                return "unaffected rank " + std::to_string(r) + " reports '" + e.rule_id + "' for a violation of " +
                       rule.id + " in " + bad.ToString();
            }
        }
    }
    if (affected == 0) return "no rank breaks " + rule.id + " in " + bad.ToString();
    auto parsed = harness::ParseCase(bad.ToString());
    if (!parsed.value) return "descriptor does not parse: " + parsed.error + " in " + bad.ToString();
    harness::Case normal = bad;
    normal.Normalize();
    if (!(*parsed.value == normal)) return "descriptor does not round-trip: " + bad.ToString();
    return "";
}

}  // namespace mc2::spec::testing

#endif  // MC2_TESTS_SPEC_VIOLATION_CHECK_H_
