// tests/fuzz/wild_case_test.cc — every case api_fuzzer builds from bytes (fuzz/internal/
// wild_case.h) is one its printed reproducer replays: the descriptor (Case::ToString) parses back
// to the same case. A finding whose `mc2conf run '…'` line does not parse, or parses to another
// case, cannot be reproduced (session 16: a reshaped uint64 scale kept one explicit value for
// nine elements).
#include "fuzz/internal/wild_case.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "harness/case.h"
#include "spec/choices.h"
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

}  // namespace
}  // namespace mc2::fuzz
