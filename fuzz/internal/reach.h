// fuzz/internal/reach.h — what a fuzzer's inputs reach, per operator: how many inputs made a
// case of each operator, how each was handled, and which catalogue rules their expectations
// named. fuzz/campaign replays a campaign's merged corpus once with $MC2_FUZZ_REACH set and puts
// the table in its summary, so a campaign says, operator by operator, what it exercised and which
// rules its corpus never reached (issue 12.5: every registered operator is fuzzed; this shows
// how far).
//
// With MC2_FUZZ_REACH=<file> (non-empty), the tallies of this process are appended to <file> at
// exit as tab-separated lines (fuzz/campaign reads them; the format is ReachText's):
//   reach-v1  <platform>
//   op        <op>  <inputs>  <end to end>  <metadata-only>  <skipped>  <repeats>  <expected to succeed>  <world sizes, comma-separated>
//   rule      <op>  <rule id>  <inputs that named it>
//   catalogue <op>  <rule id>            (every rule of the operator on the platform, reached or not)
// The operators are those the fuzzers draw from (spec::GeneratableOps), each listed even with no
// input. A rule counts once per input when some rank's expectation (strict profile) names it, as
// its answer or as an admitted alternative, and only for inputs whose calls were made (end to end
// or metadata-only): a skipped input or a repeat tests no rule.
//
// The same rules are also libFuzzer's guidance (rule feedback): each (operator, rule) pair, and
// per operator an expected success and each world size, is an extra counter
// (__libfuzzer_extra_counters) set for the input that named it, so an input that reaches a rule
// no kept input reached for that operator is kept like one that covers a new edge. Code coverage
// alone kept few inputs of an operator whose code another one shares (MatmulAllReduce V1 beside
// V2: 26 of its 37 rules in session 19's 6,343-input corpus). MC2_FUZZ_RULE_FEEDBACK=0 turns it
// off (for measuring what it is worth).
#ifndef MC2_FUZZ_INTERNAL_REACH_H_
#define MC2_FUZZ_INTERNAL_REACH_H_

#include <string>
#include <vector>

#include "harness/case.h"

namespace mc2::fuzz {

// How a case-running fuzzer handled one input.
enum class Handling {
    kEndToEnd,      // harness::RunCase: every phase, judged by the oracle
    kMetadataOnly,  // too big to run; only GetWorkspaceSize, which every rank must refuse
    kSkipped,       // too big to run and may succeed: not called
    kRepeat,        // a case an earlier input already made (repeat_filter.h): not called
};

// Tallies one input when $MC2_FUZZ_REACH is set, and sets its rule-feedback counters unless
// MC2_FUZZ_RULE_FEEDBACK=0. Call it inside the input's spec::ExpectationScope when there is one:
// the rules come from spec::Expect (the run has already asked, so they cost a lookup).
void NoteReach(const harness::Case &c, Handling how);

// The tallies so far in the format above, for `platform`'s catalogue. What is appended at exit.
std::string ReachText(harness::Platform platform);

// Forgets every tally (tests).
void ResetReach();

// The rule-feedback counters (tests): the slots are numbered once per process, from the platform
// of the first case noted (a fuzzer's cases all have one), and RuleFeedbackSet names those set
// since the last ClearRuleFeedback, as
// "<op> success", "<op> world <n>" (n = 17 for any larger world) or "<op> <rule id>".
std::vector<std::string> RuleFeedbackSet(harness::Platform platform);
void ClearRuleFeedback();

}  // namespace mc2::fuzz

#endif  // MC2_FUZZ_INTERNAL_REACH_H_
