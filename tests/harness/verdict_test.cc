// tests/harness/verdict_test.cc — harness/run/verdict.h: which observed phase statuses each kind
// of spec answer admits, at the strict and the vendor level.
#include "harness/run/verdict.h"

#include <gtest/gtest.h>

namespace mc2::harness {
namespace {

ApiBinding Api() {
    ApiBinding api;
    api.api = "aclnnTest";
    return api;
}

RankReport Prepared(int32_t prepare, int32_t execute = 0, int32_t sync = 0) {
    RankReport r;
    r.prepare_called = true;
    r.prepare_status = prepare;
    if (prepare == 0) {
        r.execute_called = true;
        r.execute_status = execute;
        if (execute == 0) {
            r.sync_called = true;
            r.sync_status = sync;
        }
    }
    return r;
}

spec::Expectation Answer(spec::Outcome outcome, int32_t status = 0, std::vector<int32_t> also = {}) {
    spec::Expectation e;
    e.outcome = outcome;
    e.status = status;
    e.also_accepted = std::move(also);
    e.rule_id = "test.rule";
    return e;
}

Admission AdmissionOf(const spec::Expectation &e, const RankReport &r) { return Admit(e, e, r, Api()).admission; }

// An inner-error rule that also names documented op_api codes (newer op_api refuses in the first
// phase what older versions leave to tiling) admits either; nothing else.
TEST(Verdict, InnerErrorAdmitsItsAlsoAcceptedFirstPhaseCodes) {
    const spec::Expectation e = Answer(spec::Outcome::kInnerError, 0, {161002});
    EXPECT_EQ(AdmissionOf(e, Prepared(561002)), Admission::kStrict);
    EXPECT_EQ(AdmissionOf(e, Prepared(0, 561000)), Admission::kStrict);
    EXPECT_EQ(AdmissionOf(e, Prepared(161002)), Admission::kStrict);
    EXPECT_EQ(AdmissionOf(e, Prepared(161001)), Admission::kNone);
    EXPECT_EQ(AdmissionOf(e, Prepared(0)), Admission::kNone);
    EXPECT_NE(DescribeExpectation(e, Api()).find("161002"), std::string::npos) << DescribeExpectation(e, Api());
    // Without the code, 161002 is not admitted.
    EXPECT_EQ(AdmissionOf(Answer(spec::Outcome::kInnerError), Prepared(161002)), Admission::kNone);
}

TEST(Verdict, StatusAndRuntimeAnswers) {
    const spec::Expectation status = Answer(spec::Outcome::kStatus, 161002, {161001});
    EXPECT_EQ(AdmissionOf(status, Prepared(161002)), Admission::kStrict);
    EXPECT_EQ(AdmissionOf(status, Prepared(161001)), Admission::kStrict);
    EXPECT_EQ(AdmissionOf(status, Prepared(561002)), Admission::kNone);
    EXPECT_EQ(AdmissionOf(status, Prepared(0)), Admission::kNone);
    const spec::Expectation runtime = Answer(spec::Outcome::kRuntimeError, 0, {161002});
    EXPECT_EQ(AdmissionOf(runtime, Prepared(0, 507035)), Admission::kStrict);
    EXPECT_EQ(AdmissionOf(runtime, Prepared(0, 0, 507035)), Admission::kStrict);
    EXPECT_EQ(AdmissionOf(runtime, Prepared(161002)), Admission::kStrict);
    EXPECT_EQ(AdmissionOf(runtime, Prepared(0)), Admission::kNone);
}

// A broken hardening rule: strict demands the refusal, the vendor profile leaves it undefined, so
// a library that accepts is a WARNING, never FAILED.
TEST(Verdict, HardeningRuleAcceptedIsVendorOnly) {
    const spec::Expectation strict = Answer(spec::Outcome::kStatus, 161002);
    spec::Expectation vendor = Answer(spec::Outcome::kUndefined);
    EXPECT_EQ(Admit(strict, vendor, Prepared(0), Api()).admission, Admission::kVendorOnly);
    EXPECT_EQ(Admit(strict, vendor, Prepared(161002), Api()).admission, Admission::kStrict);
}

// A short-cut success (spec Answer::writes_nothing, e.g. agm.empty.m_zero): the call must succeed
// and leave every output as it was; nothing goes to the oracle.
TEST(Verdict, ShortCutSuccessWritesNothing) {
    spec::Expectation e = Answer(spec::Outcome::kSuccess);
    e.writes_nothing = true;
    const RankAdmission untouched = Admit(e, e, Prepared(0), Api());
    EXPECT_EQ(untouched.admission, Admission::kStrict);
    EXPECT_FALSE(untouched.compare);
    RankReport written = Prepared(0);
    written.outputs_untouched = false;
    EXPECT_EQ(AdmissionOf(e, written), Admission::kNone);
    EXPECT_EQ(AdmissionOf(e, Prepared(161002)), Admission::kNone);
    // An ordinary success is compared.
    EXPECT_TRUE(Admit(Answer(spec::Outcome::kSuccess), Answer(spec::Outcome::kSuccess), Prepared(0), Api()).compare);
}

}  // namespace
}  // namespace mc2::harness
