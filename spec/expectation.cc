// spec/expectation.cc — the evaluation engine: walks an operator's rule table in check order
// and returns the first failing rule's expectation (expectation.h, catalogue.h).
#include <algorithm>

#include "spec/catalogue.h"

namespace mc2::spec {
namespace {

// Evaluates the rules of one scope. Notes (success tolerances) do not stop the walk: they name
// the case when nothing fails and carry their inner-error tolerance onto the final answer,
// because the layer that would refuse them (tiling) runs before any later failure.
Expectation Walk(const harness::Case &c, int rank, Scope scope, const Expectation &start) {
    Expectation result = start;
    for (const Rule *rule : RulesFor(c.op, c.platform)) {
        if (rule->scope != scope || !rule->Violated(c, rank)) continue;
        if (rule->IsNote()) {
            if (result.rule_id.empty()) {
                result.rule_id = rule->id;
                result.reason = rule->text;
            }
            result.inner_error_accepted = result.inner_error_accepted || rule->inner_error_accepted;
            continue;
        }
        Expectation e = rule->ToExpectation();
        e.inner_error_accepted = e.inner_error_accepted || result.inner_error_accepted;
        return e;
    }
    return result;
}

}  // namespace

Expectation OwnExpectation(const harness::Case &c, int rank) {
    if (!FindFamily(c.op)) {
        Expectation e;
        e.reason = "no spec rules for operator '" + c.op + "'";
        return e;
    }
    return Walk(c, rank, Scope::kRank, Expectation{});
}

Expectation Expect(const harness::Case &c, int rank) {
    Expectation own = OwnExpectation(c, rank);
    if (own.outcome != Outcome::kSuccess || !FindFamily(c.op)) return own;
    return Walk(c, rank, Scope::kCrossRank, own);
}

bool ExpectSuccessEverywhere(const harness::Case &c) {
    for (int r = 0; r < c.world; ++r) {
        if (Expect(c, r).outcome != Outcome::kSuccess) return false;
    }
    return true;
}

}  // namespace mc2::spec
