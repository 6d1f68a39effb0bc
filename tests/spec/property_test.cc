// tests/spec/property_test.cc — RapidCheck properties over generated cases, with every decision
// drawn through rc::gen (RcChoices) so that a failure shrinks to a small case: valid cases
// succeed everywhere and round-trip; any rule's violate() breaks exactly that rule.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "spec/catalogue.h"
#include "spec/generate.h"
#include "spec/rc_choices.h"
#include "tests/spec/violation_check.h"

namespace mc2::spec {
namespace {

struct Drawn {
    std::string op;
    harness::Platform platform;
};

Drawn DrawOp(Choices &ch) {
    const auto ops = GeneratableOps();
    return {ch.Pick(ops), ch.Bool() ? harness::Platform::kAscend950 : harness::Platform::kAtlasA2};
}

RC_GTEST_PROP(SpecProperty, ValidCasesSucceedAndRoundTrip, ()) {
    RcChoices ch;
    const Drawn d = DrawOp(ch);
    const harness::Case c = GenerateValid(d.op, d.platform, ch);
    RC_ASSERT(ExpectSuccessEverywhere(c));
    auto parsed = harness::ParseCase(c.ToString());
    RC_ASSERT(parsed.value.has_value());
    RC_ASSERT(*parsed.value == c);
}

RC_GTEST_PROP(SpecProperty, ViolateBreaksExactlyThatRule, ()) {
    RcChoices ch;
    const Drawn d = DrawOp(ch);
    const harness::Case valid = GenerateValid(d.op, d.platform, ch);
    const auto rules = RulesFor(d.op, d.platform);
    const Rule *rule = ch.Pick(rules);
    auto bad = rule->Violate(valid, ch);
    RC_PRE(bad.has_value());
    RC_TAG(rule->id);
    const std::string err = testing::CheckViolation(*rule, *bad);
    RC_LOG() << err << "\n";
    RC_ASSERT(err.empty());
}

}  // namespace
}  // namespace mc2::spec
