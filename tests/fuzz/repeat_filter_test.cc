// tests/fuzz/repeat_filter_test.cc — the case-running fuzzers skip an input that makes the case
// the input before it made from other bytes, and only that (fuzz/internal/repeat_filter.h).
#include "fuzz/internal/repeat_filter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mc2::fuzz {
namespace {

harness::Case Parse(const std::string &text) {
    harness::CaseParse p = harness::ParseCase(text);
    EXPECT_TRUE(p.value.has_value()) << p.error;
    return p.value.value_or(harness::Case{});
}

const std::string kCase =
    "matmul_all_reduce platform=atlas_a2 world=2 x1=float16[16,32] x2=float16[32,24] bias=- group=comm "
    "reduce_op=\"sum\" comm_turn=0 stream_mode=1 output=float16[16,24] seed=1 dist=normal sched=7";

TEST(RepeatFilter, SameCaseFromOtherBytesIsARepeat) {
    RepeatFilter filter;
    const harness::Case c = Parse(kCase);
    const std::vector<uint8_t> input = {1, 2, 3, 4};
    const std::vector<uint8_t> tail_mutated = {1, 2, 3, 9};
    EXPECT_FALSE(filter.Repeats(input.data(), input.size(), c)) << "nothing came before the first input";
    EXPECT_TRUE(filter.Repeats(tail_mutated.data(), tail_mutated.size(), c));
    // A repeat is remembered too: a third mutation making the case again is one more.
    const std::vector<uint8_t> longer = {1, 2, 3, 9, 0};
    EXPECT_TRUE(filter.Repeats(longer.data(), longer.size(), c));
}

TEST(RepeatFilter, SameBytesAgainAreRunAgain) {
    // libFuzzer's leak check re-runs the very input; that run must do the work.
    RepeatFilter filter;
    const harness::Case c = Parse(kCase);
    const std::vector<uint8_t> input = {7, 7};
    EXPECT_FALSE(filter.Repeats(input.data(), input.size(), c));
    EXPECT_FALSE(filter.Repeats(input.data(), input.size(), c));
}

TEST(RepeatFilter, AnyDifferenceInTheCaseIsRun) {
    RepeatFilter filter;
    const std::vector<uint8_t> a = {1}, b = {2}, d = {3}, e = {4};
    EXPECT_FALSE(filter.Repeats(a.data(), a.size(), Parse(kCase)));
    // The seed alone (other data), a per-rank override alone, the schedule alone.
    EXPECT_FALSE(filter.Repeats(b.data(), b.size(), Parse(kCase + " seed=2")));
    EXPECT_FALSE(filter.Repeats(d.data(), d.size(), Parse(kCase + " seed=2 x2@1=float16[32,24]s(1,32)")));
    EXPECT_FALSE(filter.Repeats(e.data(), e.size(), Parse(kCase + " seed=2 x2@1=float16[32,24]s(1,32) sched=8")));
    // Only the input just before counts: back to the first case is a new run.
    EXPECT_FALSE(filter.Repeats(a.data(), a.size(), Parse(kCase)));
}

TEST(RepeatFilter, EmptyInputsAreBytesLikeAnyOther) {
    RepeatFilter filter;
    const harness::Case c = Parse(kCase);
    const std::vector<uint8_t> one = {0};
    EXPECT_FALSE(filter.Repeats(nullptr, 0, c));
    EXPECT_TRUE(filter.Repeats(one.data(), one.size(), c));
    EXPECT_TRUE(filter.Repeats(nullptr, 0, c));
}

}  // namespace
}  // namespace mc2::fuzz
