// spec/rule.h — one documented constraint as a data entry: id, the APIs and platforms it applies
// to, its citation, the layer that enforces it, the expected outcome, a predicate that says
// whether a rank's call breaks it and a violate() that turns a valid case into one that breaks
// exactly this rule (DESIGN.md rule 4). Rules of one operator family live in spec/<op>/ as a
// table in the vendor's check order; spec/catalogue.h evaluates them.
#ifndef MC2_SPEC_RULE_H_
#define MC2_SPEC_RULE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/case.h"
#include "spec/choices.h"
#include "spec/expectation.h"

namespace mc2::spec {

// Where a check sits in the vendor's order (spec-notes/ops.md §1.2, §10). A rule table lists its
// rules with non-decreasing stages; within a stage the table order is the check order.
enum class Stage {
    kNull,       // required pointers (161001)
    kDtype,      // dtype lists and equalities (161002)
    kAttr,       // attribute values (161002)
    kFormat,     // storage formats (161002)
    kShape,      // ranks, dims, strides, storage (161002)
    kInnerNull,  // the generated inner layer's required attributes (161001)
    kEmpty,      // empty-tensor rejections or short-cuts
    kTiling,     // host tiling limits (inner error class)
    kRuntime,    // execution-time failures
    kCrossRank,  // consequences of the other ranks' calls
};
const char *StageName(Stage stage);

// Per-rank rules look at one rank's own arguments; cross-rank rules are evaluated only for a
// rank whose own arguments pass every per-rank rule, and may look at the other ranks.
enum class Scope { kRank, kCrossRank };

struct Rule {
    std::string id;                          // e.g. "mar.dtype.x1"
    std::vector<std::string> ops;            // operator ids (harness signatures) it applies to
    std::vector<harness::Platform> platforms;
    Stage stage = Stage::kShape;
    Layer layer = Layer::kOpApi;
    Scope scope = Scope::kRank;
    // What a call breaking the rule must return. A rule whose outcome is kSuccess is a documented
    // tolerance ("note"): it does not stop the evaluation, it only names the case and may set
    // inner_error_accepted on the final expectation.
    Outcome outcome = Outcome::kStatus;
    int32_t status = 0;
    std::vector<int32_t> also_accepted;
    bool inner_error_accepted = false;
    // Documented (breaking it is FAILED) or this suite's hardening demand (breaking it is a
    // WARNING, FAILED under --strict; the vendor profile treats the case as undefined
    // behaviour). The text says why (expectation.h, DESIGN.md "Verdicts").
    Level level = Level::kDocumented;
    // The documents do not fix where an implementation checks this rule: it may refuse at any
    // point of GetWorkspaceSize with the first of `also_accepted` (e.g. an unknown group, which
    // the vendor finds only at execution). Such a refusal is admitted whatever other rule the
    // case breaks, beside the answer the check order gives (expectation.cc).
    bool may_refuse_early = false;
    // The documents leave open whether the call completes at all (e.g. AllToAllVV2 on a
    // commDomain claimed by more ranks than its rankSize: which claimants ATB groups is not
    // documented): beside the rule's failure, a success is admitted, and its outputs are judged
    // like any success's (Expectation::alternatives).
    bool success_admitted = false;
    // A note whose call returns SUCCESS before computing anything (a documented short-cut, e.g.
    // AllGatherMatmul's empty x1): every output keeps what it held (Answer::writes_nothing).
    bool writes_nothing = false;
    std::string text;      // one line, shown in reports and the Markdown catalogue
    std::string citation;  // document path + section, seed file + line, or spec-notes section

    std::function<bool(const harness::Case &, int rank)> violated;
    // The family's documented success short-cut (AllGatherMatmul's empty x1, AddRmsNorm's empty
    // tensors) where the table places this rule after it: a rank taking the short-cut does not
    // break the rule (Violated), whatever `violated` says. `violated` alone is what a library
    // that makes the check before the short-cut would find (expectation.cc
    // HardeningRefusalsBeforeTheShortCut). Empty for a rule the short-cut does not exempt.
    std::function<bool(const harness::Case &, int rank)> short_cut;
    // Turns a valid case into one breaking this rule and no earlier one; nullopt when the case
    // cannot be bent that way (e.g. a cross-rank rule with one rank).
    std::function<std::optional<harness::Case>(const harness::Case &valid, Choices &)> violate;

    bool Violated(const harness::Case &c, int rank) const {
        return !(short_cut && short_cut(c, rank)) && violated(c, rank);
    }
    std::optional<harness::Case> Violate(const harness::Case &valid, Choices &choices) const;

    bool AppliesTo(const std::string &op, harness::Platform platform) const;
    bool IsNote() const { return outcome == Outcome::kSuccess; }
    Expectation ToExpectation() const;
    // "161002", "inner (561xxx) | 161002", "runtime | 161002", "success (inner refusal tolerated)"...
    std::string ExpectedText() const;
};

// What a call breaking a rule must return (the Rule fields of the same names).
struct Code {
    Outcome outcome = Outcome::kStatus;
    int32_t status = 0;
    std::vector<int32_t> also_accepted = {};
    bool inner_error_accepted = false;
};
// The answers most op_api checks give (spec-notes/ops.md §1.2).
inline const Code kNullptr{Outcome::kStatus, 161001, {}, false};
inline const Code kInvalid{Outcome::kStatus, 161002, {}, false};
inline const Code kInner{Outcome::kInnerError, 0, {}, false};
// A descriptor the runtime may refuse to build: aclCreateTensor may return nullptr for it
// (include/aclnn/acl_meta.h documents which), and the operator then sees a null tensor.
inline const Code kInvalidOrRefusedTensor{Outcome::kStatus, 161002, {161001}, false};

// Where a rule applies and where it sits in the check order; most rules of a family share all
// but the stage, so call sites name only what differs from these defaults.
struct RuleOptions {
    std::vector<std::string> ops = {};
    std::vector<harness::Platform> platforms = {harness::Platform::kAtlasA2, harness::Platform::kAscend950};
    Stage stage = Stage::kShape;
    Layer layer = Layer::kOpApi;
    Scope scope = Scope::kRank;
    // The family's success short-cut, for a rule placed after it (Rule::short_cut).
    std::function<bool(const harness::Case &, int rank)> short_cut = {};
};

using RulePredicate = std::function<bool(const harness::Case &, int rank)>;
using RuleViolator = std::function<std::optional<harness::Case>(const harness::Case &valid, Choices &)>;

// Appends one rule to a family's table (the one builder every spec/<op>/rules.cc uses).
void AddRule(std::vector<Rule> &table, std::string id, const RuleOptions &options, const Code &code,
             std::string text, std::string citation, RulePredicate violated, RuleViolator violate);

// One row of an operator's level table: rules whose id starts with `prefix` get `level`, and
// " Level: <level> (<why>)." is appended to their text. The first matching row wins, so specific
// ids come before the prefixes that cover them.
struct LevelEntry {
    const char *prefix;
    Level level;
    const char *why;
};
// Applies `table` to every rule of `rules` (a rule no row matches keeps its level and text: the
// catalogue test fails on a text without a level).
void AssignLevels(std::vector<Rule> &rules, const std::vector<LevelEntry> &table);

}  // namespace mc2::spec

#endif  // MC2_SPEC_RULE_H_
