// tests/fuzz/reach_test.cc — the per-operator tallies that fuzz/campaign's reach table is made of
// (fuzz/internal/reach.h), without libFuzzer: which inputs count, which rules an input names, the
// catalogue listed for every operator, and the block written at exit.
#include "fuzz/internal/reach.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "spec/catalogue.h"
#include "spec/choices.h"
#include "spec/expectation.h"
#include "spec/generate.h"

namespace mc2::fuzz {
namespace {

constexpr harness::Platform kPlatform = harness::Platform::kAtlasA2;

std::vector<std::vector<std::string>> Lines(const std::string &text) {
    std::vector<std::vector<std::string>> lines;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        std::vector<std::string> fields;
        std::istringstream fs(line);
        std::string field;
        while (std::getline(fs, field, '\t')) fields.push_back(field);
        lines.push_back(fields);
    }
    return lines;
}

// The "op" line of `op` (empty when absent).
std::vector<std::string> OpLine(const std::string &text, const std::string &op) {
    for (const auto &fields : Lines(text)) {
        if (fields.size() >= 2 && fields[0] == "op" && fields[1] == op) return fields;
    }
    return {};
}

std::map<std::string, std::string> RuleHits(const std::string &text, const std::string &op) {
    std::map<std::string, std::string> hits;
    for (const auto &fields : Lines(text)) {
        if (fields.size() == 4 && fields[0] == "rule" && fields[1] == op) hits[fields[2]] = fields[3];
    }
    return hits;
}

class Reach : public ::testing::Test {
  protected:
    void SetUp() override {
        // A threadsafe death test's child re-runs SetUp in a new process: it takes the parent's
        // file from the environment it inherits.
        const char *inherited = std::getenv("MC2_REACH_TEST_PATH");
        path_ = inherited != nullptr ? inherited : ::testing::TempDir() + "reach_test_" + std::to_string(getpid()) + ".tsv";
        setenv("MC2_REACH_TEST_PATH", path_.c_str(), 1);
        setenv("MC2_FUZZ_REACH", path_.c_str(), 1);
        ResetReach();
    }
    void TearDown() override {
        unsetenv("MC2_FUZZ_REACH");
        unsetenv("MC2_REACH_TEST_PATH");
        ResetReach();
        std::remove(path_.c_str());
    }
    std::string path_;
};

TEST_F(Reach, NothingIsCountedWithoutTheVariable) {
    unsetenv("MC2_FUZZ_REACH");
    spec::SeededChoices choices(1);
    const std::string op = spec::GeneratableOps().front();
    NoteReach(spec::GenerateValid(op, kPlatform, choices), Handling::kEndToEnd);
    const std::vector<std::string> line = OpLine(ReachText(kPlatform), op);
    ASSERT_EQ(line.size(), 9u);
    EXPECT_EQ(line[2], "0");
}

TEST_F(Reach, EveryOperatorIsListedWithItsWholeCatalogue) {
    const std::string text = ReachText(kPlatform);
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(Lines(text).front(), (std::vector<std::string>{"reach-v1", "atlas_a2"}));
    for (const std::string &op : spec::GeneratableOps()) {
        const std::vector<std::string> line = OpLine(text, op);
        ASSERT_EQ(line.size(), 9u) << op;
        EXPECT_EQ(line[2], "0") << op;
        EXPECT_EQ(line[8], "-") << op;  // no world seen
        std::set<std::string> listed;
        for (const auto &fields : Lines(text)) {
            if (fields.size() == 3 && fields[0] == "catalogue" && fields[1] == op) listed.insert(fields[2]);
        }
        std::set<std::string> expected;
        for (const spec::Rule *rule : spec::RulesFor(op, kPlatform)) expected.insert(rule->id);
        EXPECT_FALSE(expected.empty()) << op;
        EXPECT_EQ(listed, expected) << op;
    }
}

TEST_F(Reach, AnInvalidCaseNamesTheRuleItBreaks) {
    // Each operator's refused cases, over a few seeds: the rule its generator broke is counted
    // once per input that broke it, and no rule is counted that no rank's expectation names.
    for (const std::string &op : spec::GeneratableOps()) {
        ResetReach();
        std::map<std::string, int> broken;
        std::set<std::string> named;
        for (uint64_t seed = 1; seed <= 8; ++seed) {
            spec::SeededChoices choices(seed);
            const spec::InvalidCase invalid = spec::GenerateInvalid(op, kPlatform, choices);
            ++broken[invalid.rule_id];
            for (int rank = 0; rank < invalid.value.world; ++rank) {
                const spec::Expectation e = spec::Expect(invalid.value, rank);  // All() points into it
                for (const spec::Answer *a : e.All()) named.insert(a->rule_id);
            }
            NoteReach(invalid.value, Handling::kEndToEnd);
        }
        const std::string text = ReachText(kPlatform);
        const std::vector<std::string> line = OpLine(text, op);
        ASSERT_EQ(line.size(), 9u) << op;
        EXPECT_EQ(line[2], "8") << op;  // inputs
        EXPECT_EQ(line[3], "8") << op;  // end to end
        EXPECT_EQ(line[7], "0") << op;  // none expected to succeed
        const std::map<std::string, std::string> hits = RuleHits(text, op);
        for (const auto &[id, n] : broken) {
            ASSERT_TRUE(hits.count(id)) << op << " " << id;
            EXPECT_GE(std::stoi(hits.at(id)), n) << op << " " << id;
        }
        for (const auto &[id, n] : hits) EXPECT_TRUE(named.count(id)) << op << " " << id;
    }
}

TEST_F(Reach, InputsThatMadeNoCallNameNoRule) {
    const std::string op = spec::GeneratableOps().front();
    spec::SeededChoices choices(3);
    const spec::InvalidCase invalid = spec::GenerateInvalid(op, kPlatform, choices);
    NoteReach(invalid.value, Handling::kSkipped);
    NoteReach(invalid.value, Handling::kRepeat);
    const std::string text = ReachText(kPlatform);
    const std::vector<std::string> line = OpLine(text, op);
    ASSERT_EQ(line.size(), 9u);
    EXPECT_EQ(line[2], "2");  // inputs
    EXPECT_EQ(line[3], "0");  // end to end
    EXPECT_EQ(line[4], "0");  // metadata-only
    EXPECT_EQ(line[5], "1");  // skipped
    EXPECT_EQ(line[6], "1");  // repeats
    EXPECT_TRUE(RuleHits(text, op).empty());
}

TEST_F(Reach, ValidCasesCountAsExpectedToSucceedAndTheirWorldsAreListed) {
    const std::string op = spec::GeneratableOps().front();
    std::set<int> worlds;
    int valid = 0;
    for (uint64_t seed = 1; seed <= 6; ++seed) {
        spec::SeededChoices choices(seed);
        const harness::Case c = spec::GenerateValid(op, kPlatform, choices);
        ASSERT_TRUE(spec::ExpectSuccessEverywhere(c));
        worlds.insert(c.world);
        NoteReach(c, Handling::kEndToEnd);
        ++valid;
    }
    std::string joined;
    for (int w : worlds) joined += (joined.empty() ? "" : ",") + std::to_string(w);
    const std::vector<std::string> line = OpLine(ReachText(kPlatform), op);
    ASSERT_EQ(line.size(), 9u);
    EXPECT_EQ(line[2], std::to_string(valid));
    EXPECT_EQ(line[7], std::to_string(valid));
    EXPECT_EQ(line[8], joined);
}

TEST_F(Reach, TheTalliesAreAppendedAtExit) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");  // the child re-runs this test alone, no fork of threads
    const std::string op = spec::GeneratableOps().front();
    EXPECT_EXIT(
        {
            spec::SeededChoices choices(1);
            NoteReach(spec::GenerateValid(op, kPlatform, choices), Handling::kEndToEnd);
            std::exit(0);
        },
        ::testing::ExitedWithCode(0), "");
    std::ifstream in(path_);
    std::stringstream text;
    text << in.rdbuf();
    ASSERT_FALSE(text.str().empty()) << path_;
    EXPECT_EQ(Lines(text.str()).front(), (std::vector<std::string>{"reach-v1", "atlas_a2"}));
    const std::vector<std::string> line = OpLine(text.str(), op);
    ASSERT_EQ(line.size(), 9u) << text.str();
    EXPECT_EQ(line[2], "1");
}

// Rule feedback: the counters an input sets are its operator's slots for the rules its ranks'
// expectations named, its world size and (for a case every rank must run) success; inputs that
// made no call set none.
TEST_F(Reach, AnInputSetsTheFeedbackOfTheRulesItNamed) {
    for (const std::string &op : spec::GeneratableOps()) {
        spec::SeededChoices choices(5);
        const spec::InvalidCase invalid = spec::GenerateInvalid(op, kPlatform, choices);
        std::set<std::string> want = {op + " world " + std::to_string(std::min(invalid.value.world, 17))};
        for (int rank = 0; rank < invalid.value.world; ++rank) {
            const spec::Expectation e = spec::Expect(invalid.value, rank);
            for (const spec::Answer *a : e.All()) {
                if (!a->rule_id.empty()) want.insert(op + " " + a->rule_id);
            }
        }
        ASSERT_TRUE(want.count(op + " " + invalid.rule_id) || want.size() > 1) << op;
        ClearRuleFeedback();
        NoteReach(invalid.value, Handling::kEndToEnd);
        const std::vector<std::string> got = RuleFeedbackSet(kPlatform);
        EXPECT_EQ(std::set<std::string>(got.begin(), got.end()), want) << op;
        EXPECT_EQ(got.size(), want.size()) << op;  // one slot each

        ClearRuleFeedback();
        spec::SeededChoices valid_choices(5);
        const harness::Case valid = spec::GenerateValid(op, kPlatform, valid_choices);
        NoteReach(valid, Handling::kEndToEnd);
        const std::vector<std::string> got_valid = RuleFeedbackSet(kPlatform);
        EXPECT_TRUE(std::count(got_valid.begin(), got_valid.end(), op + " success")) << op;

        ClearRuleFeedback();
        NoteReach(invalid.value, Handling::kSkipped);
        NoteReach(valid, Handling::kRepeat);
        EXPECT_TRUE(RuleFeedbackSet(kPlatform).empty()) << op;
    }
    ClearRuleFeedback();
}

}  // namespace
}  // namespace mc2::fuzz
