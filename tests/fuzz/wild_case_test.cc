// tests/fuzz/wild_case_test.cc — every case api_fuzzer builds from bytes (fuzz/internal/
// wild_case.h) is one its printed reproducer replays: the descriptor (Case::ToString) parses back
// to the same case. A finding whose `mc2conf run '…'` line does not parse, or parses to another
// case, cannot be reproduced (session 16: a reshaped uint64 scale kept one explicit value for
// nine elements).
#include "fuzz/internal/wild_case.h"
#include "fuzz/internal/run_support.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "harness/case.h"
#include "spec/catalogue.h"
#include "spec/choices.h"
#include "spec/expectation.h"
#include "spec/generate.h"
#include "tests/common/sanitized_build.h"

namespace mc2::fuzz {
namespace {

TEST(WildCase, EveryCaseRoundTripsThroughItsDescriptor) {
    const int inputs = tests::kSanitizedBuild ? 400 : 4000;
    std::mt19937_64 rng(16);
    int with_values = 0;
    for (int i = 0; i < inputs; ++i) {
        std::vector<uint8_t> bytes(static_cast<size_t>(64 + rng() % 448));
        for (uint8_t &b : bytes) b = static_cast<uint8_t>(rng());
        spec::ByteChoices ch(bytes.data(), bytes.size());
        const harness::Case c = WildCase(ch);
        const std::string text = c.ToString();
        const harness::CaseParse back = harness::ParseCase(text);
        ASSERT_TRUE(back.value.has_value()) << "input " << i << ": " << back.error << "\n" << text;
        EXPECT_EQ(back.value->ToString(), text) << "input " << i;
        EXPECT_TRUE(*back.value == c) << "input " << i << ": " << text;
        for (int r = 0; r < c.world; ++r) {
            for (const auto &[name, v] : c.params) {
                const harness::TensorSpec *t = c.Tensor(r, name);
                if (t != nullptr && !t->values.empty()) ++with_values;
            }
        }
    }
    EXPECT_GT(with_values, 0) << "no case carried explicit values: the test reaches nothing it guards";
}

// The documented tolerances (note rules: k == 0, commTurn > 0, …) are successes that only a note
// rule's violate() makes. Session 20's reach tables showed no campaign ever reached
// MatmulAllReduce's and WeightQuantMatmulAllReduce's *.empty.k_zero until the wild cases bent a
// share of their valid cases by one (start byte 2 mod 8). Every tolerance of every operator must
// be named by some wild case's expectations.
TEST(WildCase, EveryDocumentedToleranceIsReached) {
    std::set<std::pair<std::string, std::string>> want;
    for (const std::string &op : WildOps()) {
        for (const spec::Rule *r : spec::Tolerances(op, Platform())) want.insert({op, r->id});
    }
    ASSERT_FALSE(want.empty());
    std::mt19937_64 rng(20);
    const int inputs = tests::kSanitizedBuild ? 3000 : 12000;
    for (int i = 0; i < inputs && !want.empty(); ++i) {
        std::vector<uint8_t> bytes(static_cast<size_t>(16 + rng() % 112));
        for (uint8_t &b : bytes) b = static_cast<uint8_t>(rng());
        bytes[1] = static_cast<uint8_t>(2 + 8 * (rng() % 32));  // the start byte after the operator's: a tolerance
        spec::ByteChoices ch(bytes.data(), bytes.size());
        const harness::Case c = WildCase(ch);
        const spec::ExpectationScope scope(c);
        for (int r = 0; r < c.world; ++r) {
            const spec::Expectation e = spec::Expect(c, r);
            for (const spec::Answer *a : e.All()) want.erase({c.op, a->rule_id});
        }
    }
    for (const auto &[op, id] : want) ADD_FAILURE() << op << ": tolerance " << id << " never reached";
}

}  // namespace
}  // namespace mc2::fuzz
