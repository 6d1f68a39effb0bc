// tests/fuzz/repeat_filter_test.cc — the case-running fuzzers skip an input that makes a case
// already run, from other bytes than the input just before, and only that
// (fuzz/internal/repeat_filter.h).
#include "fuzz/internal/repeat_filter.h"

#include <gtest/gtest.h>

#include <memory>
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

bool Repeats(RepeatFilter &f, const std::vector<uint8_t> &bytes, const harness::Case &c) {
    return f.Repeats(bytes.data(), bytes.size(), c);
}

TEST(RepeatFilter, SameCaseFromOtherBytesIsARepeat) {
    auto filter = std::make_unique<RepeatFilter>();  // 512 KiB: not on the stack
    const harness::Case c = Parse(kCase);
    EXPECT_FALSE(Repeats(*filter, {1, 2, 3, 4}, c)) << "nothing came before the first input";
    EXPECT_TRUE(Repeats(*filter, {1, 2, 3, 9}, c)) << "a mutation of bytes the case never read";
    EXPECT_TRUE(Repeats(*filter, {1, 2, 3, 9, 0}, c));
}

TEST(RepeatFilter, SameBytesAsTheInputBeforeAreRunAgain) {
    // libFuzzer's leak check re-runs the very input; that run must do the work.
    auto filter = std::make_unique<RepeatFilter>();
    const harness::Case c = Parse(kCase);
    EXPECT_FALSE(Repeats(*filter, {7, 7}, c));
    EXPECT_FALSE(Repeats(*filter, {7, 7}, c));
    // Bytes seen earlier but not just before are an ordinary repeat.
    EXPECT_TRUE(Repeats(*filter, {7, 8}, c));
    EXPECT_TRUE(Repeats(*filter, {7, 7}, c));
    // The same bytes after a skipped input: a mutation that changed nothing, still a repeat.
    EXPECT_TRUE(Repeats(*filter, {7, 7}, c));
}

TEST(RepeatFilter, AnyDifferenceInTheCaseIsRunAndEarlierCasesAreRemembered) {
    auto filter = std::make_unique<RepeatFilter>();
    EXPECT_FALSE(Repeats(*filter, {1}, Parse(kCase)));
    // The seed alone (other data), a per-rank override alone, the schedule alone.
    EXPECT_FALSE(Repeats(*filter, {2}, Parse(kCase + " seed=2")));
    EXPECT_FALSE(Repeats(*filter, {3}, Parse(kCase + " seed=2 x2@1=float16[32,24]s(1,32)")));
    EXPECT_FALSE(Repeats(*filter, {4}, Parse(kCase + " seed=2 x2@1=float16[32,24]s(1,32) sched=8")));
    // Back to the first case, three inputs later, from other bytes: already run.
    EXPECT_TRUE(Repeats(*filter, {5}, Parse(kCase)));
    EXPECT_TRUE(Repeats(*filter, {6}, Parse(kCase + " seed=2")));
}

TEST(RepeatFilter, ManyCasesAreRememberedAtOnce) {
    // A thousand distinct cases, then each again from other bytes: nearly all remembered (a
    // direct-mapped table of 65,536 slots keeps about 99 % of 1,000 hashes).
    auto filter = std::make_unique<RepeatFilter>();
    for (int s = 1; s <= 1000; ++s) {
        EXPECT_FALSE(Repeats(*filter, {static_cast<uint8_t>(s), 0}, Parse(kCase + " seed=" + std::to_string(s + 1))));
    }
    int remembered = 0;
    for (int s = 1; s <= 1000; ++s) {
        remembered += Repeats(*filter, {static_cast<uint8_t>(s), 1}, Parse(kCase + " seed=" + std::to_string(s + 1)));
    }
    EXPECT_GE(remembered, 980);
}

TEST(RepeatFilter, EmptyInputsAreBytesLikeAnyOther) {
    auto filter = std::make_unique<RepeatFilter>();
    const harness::Case c = Parse(kCase);
    EXPECT_FALSE(filter->Repeats(nullptr, 0, c));
    EXPECT_TRUE(Repeats(*filter, {0}, c));
    EXPECT_TRUE(filter->Repeats(nullptr, 0, c));
}

}  // namespace
}  // namespace mc2::fuzz
