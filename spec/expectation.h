// spec/expectation.h — the spec catalogue's answer for a Case: what each rank's call may return.
// The catalogue is the single source of expected error codes (DESIGN.md rule 4).
//
// An Expectation is a set of admitted answers, each with the rule that gives it and that rule's
// level (DESIGN.md "Verdicts: conformance and hardening"): the primary answer (the first broken
// rule in the vendor's check order) plus alternatives where the order is not certain (a rule an
// implementation may refuse early, a tensor descriptor the runtime may refuse). It is computed
// for one of two profiles: kStrict (every rule, hardening included: what this suite demands) and
// kVendor (as if the hardening rules did not exist: what the documents and the vendor's code
// admit). The harness (harness/run/verdict.h) passes an answer admitted by kStrict, warns on one
// admitted only by kVendor, and fails anything else.
#ifndef MC2_SPEC_EXPECTATION_H_
#define MC2_SPEC_EXPECTATION_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "harness/case.h"

namespace mc2::spec {

// Which layer of the vendor stack enforces a rule (spec-notes/ops.md §1.2).
enum class Layer {
    kOpApi,   // documented hand-written checks in GetWorkspaceSize: a fixed code (161001 / 161002)
    kTiling,  // the generated inner layer / tiling: an "inner error" class, any 561xxx code
    kRuntime, // fails at execution (second phase or stream synchronisation), e.g. unknown group
};

// Where a rule's demand comes from (DESIGN.md "Verdicts: conformance and hardening").
enum class Level {
    kDocumented,  // the documents, the vendor's op_api order, the mathematics: broken = FAILED
    kHardening,   // this suite's demand beyond the documents: broken = WARNING (FAILED if --strict)
};
const char *LevelName(Level level);  // "documented", "hardening"

enum class Outcome {
    kSuccess,
    kStatus,       // GetWorkspaceSize returns exactly `status` (or one of `also_accepted`)
    kInnerError,   // GetWorkspaceSize or the execute phase returns some 561xxx code
    kRuntimeError, // execute phase or synchronisation fails with a non-zero code
    // The documents leave the behaviour undefined (kVendor profile, a broken hardening rule: the
    // vendor does not check and reads, writes or dereferences what it was given). Any answer
    // that returns is admitted, and the outputs of a "success" mean nothing.
    kUndefined,
};

// One admitted answer.
struct Answer {
    Outcome outcome = Outcome::kSuccess;
    int32_t status = 0;                 // for kStatus
    std::vector<int32_t> also_accepted; // document versions disagree (spec-notes/ops.md §8)
    // Success expected, but the documents let the tiling layer refuse (e.g. commTurn != 0, which
    // the vendor documents as unsupported and this suite's implementation supports): a 561xxx
    // rejection with nothing written is conforming too. On a failure expectation it likewise
    // adds "or any 561xxx inner error" to the accepted answers (e.g. negative commTurn).
    bool inner_error_accepted = false;
    // A success that computes nothing (a note with Rule::writes_nothing, e.g. agm.empty.m_zero:
    // the vendor returns SUCCESS before any shape check, so a declared output may be any size):
    // every output must keep what it held, as after a failure; nothing is compared.
    bool writes_nothing = false;
    // The rule giving the answer. On success: the first documented tolerance ("note" rule, e.g.
    // k == 0 or commTurn > 0) that names the case, else empty.
    std::string rule_id;
    std::string reason;                 // one line: the rule's text
    Level level = Level::kDocumented;   // the rule's level
};

struct Expectation : Answer {
    // Further answers when the case breaks several rules whose relative order is not certain:
    // a rule an implementation may refuse anywhere in GetWorkspaceSize (Rule::may_refuse_early)
    // adds that refusal; a tensor descriptor the runtime's aclCreateTensor may refuse adds the
    // answers for the case with that tensor null (what the operator then sees); a hardening
    // rule that decides adds the answer of the first documented rule the case also breaks after
    // it (the documents do not place this suite's demands in the vendor's order); where a tiling
    // or runtime rule decides, each op_api-layer hardening rule the case breaks after it in the
    // table adds its refusal (op_api checks come before tiling ones); a documented success
    // short-cut (an empty tensor) and a hardening rule admit each other's answer, whichever the
    // table lists first.
    std::vector<Answer> alternatives;

    // The primary answer followed by the alternatives.
    std::vector<const Answer *> All() const;
    // Whether GetWorkspaceSize returning `status` (non-zero) is an answer this admits. (The
    // execute phase and synchronisation are judged by harness/run/verdict.h.)
    bool AdmitsPrepareStatus(int32_t status) const;
    // Whether some admitted answer is a failure (or undefined): a runtime that refuses one of
    // the case's descriptors at aclCreateTensor then conforms.
    bool AdmitsFailure() const;
};

enum class Profile {
    kStrict,  // every rule
    kVendor,  // hardening rules give kUndefined instead of their demand
};

// Expected result of rank `rank`'s call in `c` under the case's platform profile. Rules are
// evaluated in the vendor's check order; the first violated rule gives the primary answer.
Expectation Expect(const harness::Case &c, int rank, Profile profile = Profile::kStrict);

// True when the call is expected to succeed on every rank (strict profile, primary answers).
bool ExpectSuccessEverywhere(const harness::Case &c);

// While a scope for a case lives, the Expect and OwnExpectation calls made on this thread for
// that very object (by address) share their work: each rank's own rules are walked once per
// profile, not once per caller and per peer that asks (a cross-rank rule asks for every other
// rank), and each rank's Expect is computed once. The case must not change while the scope
// lives. Scopes may overlap and end in any order; a second scope for a case that has one
// shares its memo. Without one every call computes afresh; the answers are the same either way.
class ExpectationScope {
  public:
    explicit ExpectationScope(const harness::Case &c);
    ~ExpectationScope();
    ExpectationScope(const ExpectationScope &) = delete;
    ExpectationScope &operator=(const ExpectationScope &) = delete;

    struct Memo;

  private:
    std::unique_ptr<Memo> memo_;
};

// Whether the runtime's aclCreateTensor may refuse this descriptor (include/aclnn/acl_meta.h:
// more than 8 view or storage dims, a negative view or storage dim, a negative offset), or the
// runner may not pass it (a view reaching before its storage: TensorSpec::ReachesBeforeStorage).
bool RuntimeMayRefuseDescriptor(const harness::TensorSpec &t);

// Whether `t` has a zero dim (no elements) but the product of its dims, taken from the left as
// a checked int64 product, overflows before reaching it: a vendor's element count then is not 0
// (gert::Shape::GetShapeSize), and Expect also admits the failures of the non-empty reading.
bool CountOverflowsBeforeZero(const harness::TensorSpec &t);

// Whether a caller cannot pass tensor `name` of `op` as declared (OpFamily::caller_cannot_pass,
// e.g. an AllToAllVV2 output view that aliases itself): the suite's runner makes no call then,
// and Expect admits that as it admits a refused descriptor.
bool RunnerCannotPass(std::string_view op, const harness::TensorSpec &t, std::string_view name);

}  // namespace mc2::spec

#endif  // MC2_SPEC_EXPECTATION_H_
