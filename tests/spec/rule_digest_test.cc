// tests/spec/rule_digest_test.cc — pins a digest of the rule tables of the families built on
// spec/common (tests/spec/rule_table_dump.h: every rule's fields, its violate() descriptors on
// seeded valid cases and every rank's expectations), so that an accidental change of a rule, of
// the common builder or of a family's declaration fails here. After an intended change: run
// `build/default/bin/dump_rule_tables <family>` before and after, check the diff says what the
// change meant, and copy the new digest (its last line) below.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "spec/catalogue.h"
#include "tests/common/sanitized_build.h"
#include "tests/spec/rule_table_dump.h"

namespace mc2::spec {
namespace {

// Seeds per API and platform, as dump_rule_tables' default.
constexpr uint64_t kSeeds = 3;

const std::map<std::string, std::string> kPinned = {
    {"all_gather_matmul", "7be30d98b2d004bd"},
    {"matmul_all_reduce", "e37bace79e468bbb"},
    {"matmul_all_reduce_add_rms_norm", "754c364f37d0b595"},
    {"quant_matmul_all_reduce", "f438d1e5da4b991b"},
    {"quant_matmul_all_reduce_v4", "8ca6ac8f8dd36233"},
    {"weight_quant_matmul_all_reduce", "fa17d0a0dbeab888"},
};

// Under sanitizers (sanitized_build.h) one family's digest: the dump runs the same generator and
// expectation code for every family (45 s for all six under ASan in CI), and the default preset
// checks all six digests.
const char *const kSanitizedFamily = "matmul_all_reduce";

TEST(RuleTableDigest, CommonBuilderFamiliesAreUnchanged) {
    int seen = 0;
    for (const OpFamily &f : AllFamilies()) {
        const auto it = kPinned.find(f.name);
        if (it == kPinned.end()) continue;
        ++seen;
        if (tests::kSanitizedBuild && f.name != kSanitizedFamily) continue;
        EXPECT_EQ(testing::Digest(testing::DumpRuleTable(f, kSeeds)), it->second)
            << f.name << ": its rule table changed; diff `dump_rule_tables " << f.name
            << "` against the previous build and pin the new digest if the change is intended";
    }
    EXPECT_EQ(seen, static_cast<int>(kPinned.size())) << "a pinned family is not registered";
}

// The digest tells tables apart: one changed character of one rule's text changes it.
TEST(RuleTableDigest, DigestSeesOneCharacter) {
    const OpFamily *f = FindFamily("matmul_all_reduce");
    ASSERT_NE(f, nullptr);
    std::vector<Rule> changed = *f->rules;
    changed.front().text += " ";
    OpFamily copy = *f;
    copy.rules = &changed;
    EXPECT_NE(testing::Digest(testing::DumpRuleTable(copy, 1)), testing::Digest(testing::DumpRuleTable(*f, 1)));
}

}  // namespace
}  // namespace mc2::spec
