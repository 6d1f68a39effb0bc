// tests/spec/common_rules_test.cc — the common-rule builder (spec/common/common_rules.h) on its
// own: it emits the declared rules under the family's prefix with the builder's stage and code,
// honours a family's short-cut, and refuses a rule the family did not declare.
#include <gtest/gtest.h>

#include <stdexcept>

#include "spec/catalogue.h"
#include "spec/common/common_rules.h"
#include "spec/generate.h"

namespace mc2::spec::common {
namespace {

using harness::Platform;

CommonRules Declaration() {
    CommonRules c;
    c.family = {.prefix = "test", .ops = {"matmul_all_reduce"}};
    c.stream_mode = StreamMode{{"streamMode must be 1.", "a citation"}, {0, 7}};
    c.group_null = Words{"group must not be null.", "a citation"};
    return c;
}

harness::Case Valid() {
    SeededChoices ch(1);
    return GenerateValid("matmul_all_reduce", Platform::kAtlasA2, ch);
}

TEST(CommonRules, EmitsTheDeclaredRulesInTheGivenOrder) {
    std::vector<Rule> t;
    Add(t, Declaration(), {Which::kGroupNull, Which::kStreamMode});
    ASSERT_EQ(t.size(), 2u);
    EXPECT_EQ(t[0].id, "test.inner.group_null");
    EXPECT_EQ(t[0].stage, Stage::kInnerNull);
    EXPECT_EQ(t[0].status, 161001);
    EXPECT_EQ(t[1].id, "test.attr.stream_mode");
    EXPECT_EQ(t[1].stage, Stage::kAttr);
    EXPECT_EQ(t[1].status, 161002);
    EXPECT_EQ(t[1].text, "streamMode must be 1.");

    const harness::Case valid = Valid();
    EXPECT_FALSE(t[1].Violated(valid, 0));
    SeededChoices ch(2);
    const auto bad = t[1].Violate(valid, ch);
    ASSERT_TRUE(bad.has_value());
    for (int r = 0; r < bad->world; ++r) {
        EXPECT_TRUE(t[1].Violated(*bad, r));
        const int64_t mode = std::get<int64_t>(bad->Get(r, "stream_mode"));
        EXPECT_TRUE(mode == 0 || mode == 7) << mode;  // drawn from the declared values
    }
}

TEST(CommonRules, AShortCutRankIsExempt) {
    CommonRules c = Declaration();
    c.family.short_cut = [](const harness::Case &, int rank) { return rank == 0; };
    std::vector<Rule> t;
    Add(t, c, {Which::kGroupNull});
    SeededChoices ch(3);
    const auto bad = t[0].Violate(Valid(), ch);
    ASSERT_TRUE(bad.has_value());
    EXPECT_FALSE(t[0].Violated(*bad, 0));
    if (bad->world > 1) EXPECT_TRUE(t[0].Violated(*bad, 1));
}

TEST(CommonRules, AnUndeclaredRuleIsABuildError) {
    std::vector<Rule> t;
    EXPECT_THROW(Add(t, Declaration(), {Which::kUnknownGroup}), std::logic_error);
}

}  // namespace
}  // namespace mc2::spec::common
