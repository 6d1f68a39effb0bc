// tests/spec/vendor_replay.cc — the vendor unit-test replay shared by the spec tests
// (vendor_replay.h says what it checks and why).
#include "tests/spec/vendor_replay.h"

#include <gtest/gtest.h>

namespace mc2::spec::testing {

harness::Case ParseOrFail(const std::string &text) {
    auto r = harness::ParseCase(text);
    EXPECT_TRUE(r.value) << r.error << "\n  in: " << text;
    return r.value.value_or(harness::Case{});
}

bool AdmitsOpApiPass(const Expectation &e) {
    for (const Answer *a : e.All()) {
        if (a->outcome != Outcome::kStatus || a->inner_error_accepted) return true;
    }
    return false;
}

int ExpectAdmitted(const std::string &name, const std::string &text, UtWant want, StrictCheck strict) {
    const harness::Case c = ParseOrFail(text);
    int checks = 0;
    for (Profile profile : {Profile::kVendor, Profile::kStrict}) {
        const Expectation e = Expect(c, 0, profile);
        const std::string where =
            name + (profile == Profile::kVendor ? " (vendor)" : " (strict)") + ": " + text + " -> " + e.rule_id;
        if (profile == Profile::kVendor || strict == StrictCheck::kAdmits) {
            switch (want) {
                case UtWant::kSuccess: EXPECT_TRUE(AdmitsOpApiPass(e)) << where; break;
                case UtWant::kParamInvalid: EXPECT_TRUE(e.AdmitsPrepareStatus(161002)) << where; break;
                case UtWant::kParamNullptr: EXPECT_TRUE(e.AdmitsPrepareStatus(161001)) << where; break;
            }
            ++checks;
        }
        EXPECT_NE(e.outcome, Outcome::kUndefined) << where;
        ++checks;
    }
    return checks;
}

}  // namespace mc2::spec::testing
