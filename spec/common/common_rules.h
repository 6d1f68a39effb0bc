// spec/common/common_rules.h — the rules every matmul + collective family repeats, built from a
// table: a family declares which of them it has and their per-family parameters (texts,
// citations, the values its violations draw, the ranks its short-cut exempts), and the emitters
// below append identical rules at the places of its check order. A family keeps its own rules
// (dtype lists, shapes, tiling limits) in spec/<op>/rules.cc; docs/adding-an-operator.md lists
// which rules are common, what differs per family, and how a new family declares them.
//
// The code (predicate, violate(), stage, layer, expected answer) is the builder's; the text and
// the citation stay the family's, because they cite its own document.
#ifndef MC2_SPEC_COMMON_COMMON_RULES_H_
#define MC2_SPEC_COMMON_COMMON_RULES_H_

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/case.h"
#include "spec/case_edit.h"
#include "spec/rule.h"

namespace mc2::spec::common {

// Applies an edit to every rank's parameters (spec::EditEachRank's shape).
using EachRankEditor =
    std::function<std::optional<harness::Case>(const harness::Case &, const std::function<bool(int, ParamMap &)> &)>;

// What every common rule of one family shares.
struct FamilyTraits {
    std::string prefix;            // rule ids are "<prefix>.<stage>.<name>", e.g. "mar"
    std::vector<std::string> ops;  // the APIs the common rules apply to
    // The world sizes the family's tiling accepts per platform (for the world-size rules).
    const std::vector<int> &(*world_sizes)(harness::Platform) = nullptr;
    // A rank whose call returns before the later checks (AllGatherMatmul's empty-x1 short-cut):
    // the rules after the short-cut in the check order (group, world size, unknown group,
    // cross-rank) do not apply to it, and a peer taking it never joins the collective. Null: none.
    RulePredicate short_cut;
    // The valid case made fit for a rule after the short-cut (AllGatherMatmul: x1 not empty).
    // Null: the case as it is.
    std::function<harness::Case(const harness::Case &)> reach;
    // The valid case at another world size (for the world-size rules): the default resizes the
    // world only (spec::ResizeWorld); a family whose shapes follow the world (AllGatherMatmul's
    // gathered output) reshapes them too. Called on the reached case.
    std::function<std::optional<harness::Case>(const harness::Case &, int world)> resize_world;
    // How a violation edits every rank's parameters: the default is spec::EditEachRank; a family
    // whose parameters depend on each other re-derives them after the edit (QuantMatmulAllReduce
    // recomputes its dequant scale codes).
    EachRankEditor edit_each_rank;
};

// A rule's family-owned words.
struct Words {
    std::string text;
    std::string citation;
};

// <prefix>.null.<name> of a tensor only some of the family's APIs have (MatmulAllReduceAddRmsNorm's
// dequantScale on its quant APIs), with its own words: the documents list it per API.
struct VariantNullTensor {
    std::string name;
    std::vector<std::string> ops;  // the APIs that have it
    Words words;
};
// <prefix>.null.<name>: each required tensor must not be a null pointer (161001).
struct NullTensors {
    std::vector<std::string> names;  // in the vendor's check order
    std::string note;                // appended to "<name> must not be a null pointer" before the "."
    std::string citation;
    std::vector<VariantNullTensor> variants = {};  // checked after `names`, in this order
};
// <prefix>.attr.reduce_op_prefix: a family whose op_api compares three characters
// (strncmp(reduceOp, "sum", 3), QuantMatmulAllReduceV4) accepts "sumX"; the documents allow "sum"
// only, so this rule asks the refusal of a longer string starting with "sum" (161002).
struct ReduceOpPrefix {
    Words words;
    std::vector<std::string> bad;  // what violate() draws: each starts with "sum"
};
// <prefix>.attr.reduce_op: reduceOp must be exactly "sum" (161002); a null one is left to
// <prefix>.null.reduce_op. With `prefix`, a string starting with "sum" is left to
// <prefix>.attr.reduce_op_prefix, added right after it.
struct ReduceOpSum {
    Words words;
    std::vector<std::string> bad;  // what violate() draws
    std::optional<ReduceOpPrefix> prefix = std::nullopt;
};
// <prefix>.shape.x1_contiguous: x1 must be contiguous (161002, hardening). violate() pads the
// stride of x1's outermost dim of size >= 2 by a drawn multiple of `pad_multiple` up to 8 (a
// family with 4-bit x1 pads by 2: a packed row stays whole bytes). Converts from Words: most
// families only word it.
struct X1Contiguous {
    X1Contiguous(Words w, int64_t multiple = 1) : words(std::move(w)), pad_multiple(multiple) {}
    Words words;
    int64_t pad_multiple;
};
// <prefix>.attr.stream_mode: streamMode must be 1 (161002).
struct StreamMode {
    Words words;
    std::vector<int64_t> bad;
};
// <prefix>.shape.storage: every present tensor's storage covers what its view reaches (161002,
// hardening: the vendor checks no storage size).
struct Storage {
    Words words;
    std::vector<std::string> tensors;  // the tensors the predicate looks at
    std::vector<std::string> bent;     // the tensors violate() draws one of to shrink its storage
    // violate() leaves `short_by` elements too few, and bends no tensor that would keep fewer than
    // `min_left` (4-bit storage: 2 short, 1 left, so the storage stays whole non-empty bytes).
    int64_t short_by = 1;
    int64_t min_left = 0;
};
// <prefix>.tiling.world_size_a2 / _950: the world size must be on the platform's list (inner).
struct WorldSize {
    Words words;
    std::vector<int64_t> bad;  // world sizes violate() draws
};
// <prefix>.tiling.comm_turn_positive: commTurn > 0 succeeds, a tiling refusal tolerated.
struct CommTurnPositive {
    Words words;
    int64_t max = 8;  // violate() draws commTurn in [1, max]
};
// <prefix>.runtime.unknown_group: a group name that is no live communicator fails at execution;
// 161002 admitted wherever an implementation checks it (Rule::may_refuse_early).
struct UnknownGroup {
    Words words;
    Code code{Outcome::kRuntimeError, 0, {161002}, false};
    std::vector<std::string> names;  // names violate() draws
};
// <prefix>.xrank.peer_failed: a rank whose own call passes fails (bounded) when a peer fails.
struct PeerFailed {
    Words words;
    // What violate() sets on one drawn rank to make its call fail, one entry drawn.
    std::vector<std::pair<std::string, harness::Value>> breaks;
};
// <prefix>.xrank.mismatch: ranks disagreeing on what the collective exchanges all fail.
struct Mismatch {
    Words words;
    // What the ranks must agree on, per rank (a rank whose key differs from a peer's breaks it).
    std::function<std::vector<int64_t>(const harness::Case &, int rank)> key;
    RuleViolator violate;  // the family's: its geometry knows how to bend one rank
};

// The common rules, one name each (the field of CommonRules that declares it).
enum class Which {
    kNullTensors,       // <prefix>.null.<name> for each name, in order
    kNullReduceOp,      // <prefix>.null.reduce_op
    kReduceOp,          // <prefix>.attr.reduce_op (and .attr.reduce_op_prefix after it, if declared)
    kStreamMode,        // <prefix>.attr.stream_mode
    kCommTurnNegative,  // <prefix>.attr.comm_turn_negative
    kX1Contiguous,      // <prefix>.shape.x1_contiguous
    kStorage,           // <prefix>.shape.storage
    kGroupNull,         // <prefix>.inner.group_null
    kWorldSizeA2,       // <prefix>.tiling.world_size_a2
    kWorldSize950,      // <prefix>.tiling.world_size_950
    kCommTurnPositive,  // <prefix>.tiling.comm_turn_positive
    kUnknownGroup,      // <prefix>.runtime.unknown_group
    kPeerFailed,        // <prefix>.xrank.peer_failed
    kMismatch,          // <prefix>.xrank.mismatch
};

// Where a family's check order puts a common rule away from its usual place
// (MatmulAllReduceAddRmsNorm checks streamMode after its empty-tensor short-cut, its null group in
// the tiling stage with an inner layer's answer).
struct Placement {
    std::optional<Stage> stage = std::nullopt;  // absent: the rule's usual stage
    std::optional<Code> code = std::nullopt;    // absent: the rule's usual answer
    // Checked after the family's short-cut, so a rank taking it does not break the rule (the
    // group, world-size, unknown-group and cross-rank rules always are).
    bool after_short_cut = false;
};

// One family's declaration: the common rules it has (absent = it has not).
struct CommonRules {
    FamilyTraits family;
    std::optional<NullTensors> null_tensors;
    std::optional<Words> null_reduce_op;  // <prefix>.null.reduce_op (161001, before anything else)
    std::optional<ReduceOpSum> reduce_op;
    std::optional<StreamMode> stream_mode;
    std::optional<Words> comm_turn_negative;  // <prefix>.attr.comm_turn_negative (161002 | inner)
    std::optional<X1Contiguous> x1_contiguous;
    std::optional<Storage> storage;
    std::optional<Words> group_null;          // <prefix>.inner.group_null (161001, the inner layer)
    std::optional<WorldSize> world_size_a2;
    std::optional<WorldSize> world_size_950;
    std::optional<CommTurnPositive> comm_turn_positive;
    std::optional<UnknownGroup> unknown_group;
    std::optional<PeerFailed> peer_failed;
    std::optional<Mismatch> mismatch;
    std::map<Which, Placement> placements = {};  // the rules placed away from their usual place
};

// Appends the common rules `which`, in that order, at this place of the family's check order
// (a family's Build() interleaves these calls with its own rules). Throws std::logic_error for a
// rule the family did not declare: a build-time bug every test of the catalogue shows.
void Add(std::vector<Rule> &t, const CommonRules &c, std::initializer_list<Which> which);

// The all-reduce families' mismatch key: output's rows (b·s or m), n, dtype, and commTurn
// (this suite's implementation all-reduces commTurn pieces, so ranks must cut alike).
std::vector<int64_t> AllReduceKey(const harness::Case &c, int rank);

// Rank `victim`'s commTurn (absent = 0) raised by `delta`, through `edit` (default
// spec::EditEachRank): the commTurn branch of the all-reduce families' mismatch violations.
std::optional<harness::Case> BumpCommTurn(const harness::Case &valid, int victim, int64_t delta,
                                          const EachRankEditor &edit = nullptr);

// Bends rank `victim` of `valid` in way `mode` by `delta` (a family's geometry).
using RankBender =
    std::function<std::optional<harness::Case>(const harness::Case &valid, int victim, int mode, int64_t delta)>;

// The all-reduce families' xrank.mismatch violation: draws a victim rank, one of `modes` ways and
// a delta in [1, 8]; the last way raises the victim's commTurn (BumpCommTurn through `edit`), the
// others are the family's `bend`. Nullopt at world 1.
std::optional<harness::Case> BendOneRank(const harness::Case &valid, Choices &ch, int modes, const RankBender &bend,
                                         const EachRankEditor &edit = nullptr);

}  // namespace mc2::spec::common

#endif  // MC2_SPEC_COMMON_COMMON_RULES_H_
