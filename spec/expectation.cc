// spec/expectation.cc — the evaluation engine: walks an operator's rule table in check order and
// returns the first failing rule's answer, plus the alternatives that multi-rule cases admit
// (expectation.h, catalogue.h).
#include <algorithm>
#include <optional>

#include "harness/dtype_names.h"
#include "harness/signatures.h"
#include "spec/case_edit.h"
#include "spec/catalogue.h"

namespace mc2::spec {
namespace {

constexpr size_t kMaxTensorDims = 8;  // aclCreateTensor's limit on view and storage dims
// Tensors whose null variants are tried at most (2^n - 1 variants): a case has five at most.
constexpr size_t kMaxRefusableTensors = 5;

}  // namespace

// What an ExpectationScope keeps: per rank, the walk of its own rules under each profile and its
// full Expect answer under each profile (index 0 strict, 1 vendor).
// Also, per rank, whether each rule of the case's table is violated (-1 not asked yet): a rule's
// predicate does not depend on the profile, and the walks of both profiles, their early-refusal
// passes and the search for the next documented rule all ask the same questions; answering each
// once halved what the runner's expectations cost in a small world-4 api_fuzzer input
// (fuzz/README.md "Session 12").
struct ExpectationScope::Memo {
    using Table = std::vector<std::optional<Expectation>>[2];
    const harness::Case *c = nullptr;
    Table own, full;
    std::vector<std::vector<int8_t>> violated;
    // What every rank's ExpectUncached asks of the case alike (ParamNames, and per rank the
    // tensors RefusableTensors names): 4 % of api_fuzzer's CPU when each rank and profile sorted
    // and scanned them anew (perf, session 14).
    std::optional<std::vector<const std::string *>> names;
    std::vector<std::optional<std::vector<std::string>>> refusable;
};

namespace {

// The scopes open on this thread, newest last (ExpectationScope).
thread_local std::vector<ExpectationScope::Memo *> t_memos;

int ProfileIndex(Profile profile) { return profile == Profile::kStrict ? 0 : 1; }

// The memo of the newest scope open for `c` on this thread, or nullptr.
ExpectationScope::Memo *FindMemo(const harness::Case &c) {
    for (auto it = t_memos.rbegin(); it != t_memos.rend(); ++it) {
        if ((*it)->c == &c) return *it;
    }
    return nullptr;
}

// The memo slot for `rank` of `c` in one of a scope's tables, or nullptr without a scope.
std::optional<Expectation> *MemoSlot(const harness::Case &c, int rank,
                                     ExpectationScope::Memo::Table ExpectationScope::Memo::*table,
                                     Profile profile) {
    if (rank < 0 || rank >= std::max(c.world, 1)) return nullptr;
    ExpectationScope::Memo *memo = FindMemo(c);
    if (memo == nullptr) return nullptr;
    auto &v = (memo->*table)[ProfileIndex(profile)];
    if (v.size() < static_cast<size_t>(std::max(c.world, 1))) v.resize(static_cast<size_t>(std::max(c.world, 1)));
    return &v[static_cast<size_t>(rank)];
}

// Whether rules[i] is violated on `rank` of `c`, answered once per open scope of `c`.
bool RuleViolated(const std::vector<const Rule *> &rules, size_t i, const harness::Case &c, int rank) {
    const size_t world = static_cast<size_t>(std::max(c.world, 1));
    ExpectationScope::Memo *memo = FindMemo(c);
    if (memo == nullptr || rank < 0 || static_cast<size_t>(rank) >= world) return rules[i]->Violated(c, rank);
    // Sized before any slot is taken, and indexed afresh after the predicate: a predicate may
    // walk a peer's rules (a cross-rank rule asks for the peer's own answer), which fills that
    // peer's row meanwhile.
    std::vector<std::vector<int8_t>> &rows = memo->violated;
    if (rows.size() < world) rows.resize(world);
    if (rows[static_cast<size_t>(rank)].size() != rules.size()) {
        rows[static_cast<size_t>(rank)].assign(rules.size(), int8_t{-1});
    }
    if (rows[static_cast<size_t>(rank)][i] < 0) {
        const bool violated = rules[i]->Violated(c, rank);
        rows[static_cast<size_t>(rank)][i] = violated ? 1 : 0;
    }
    return rows[static_cast<size_t>(rank)][i] == 1;
}

bool IsInner(int32_t code) { return code >= 561000 && code <= 561999; }

bool HasAnswer(const std::vector<Answer> &list, const Answer &a) {
    return std::any_of(list.begin(), list.end(), [&](const Answer &b) {
        return b.outcome == a.outcome && b.status == a.status && b.also_accepted == a.also_accepted &&
               b.inner_error_accepted == a.inner_error_accepted && b.writes_nothing == a.writes_nothing &&
               b.rule_id == a.rule_id;
    });
}

void AddAlternative(Expectation &e, const Answer &a) {
    if (!HasAnswer(e.alternatives, a)) e.alternatives.push_back(a);
}

// The refusal a may-refuse-early rule adds wherever it sits in the order: its GetWorkspaceSize
// codes (Rule::may_refuse_early).
Answer EarlyRefusal(const Rule &rule) {
    Answer a;
    a.outcome = Outcome::kStatus;
    a.status = rule.also_accepted.front();
    a.also_accepted.assign(rule.also_accepted.begin() + 1, rule.also_accepted.end());
    a.rule_id = rule.id;
    a.reason = rule.text + " (refused early)";
    a.level = rule.level;
    return a;
}

// Where a hardening rule decides (strict profile), the answer of the first documented rule the
// case also breaks after it in the same scope (a documented success short-cut included), or
// nullopt. A hardening rule is this suite's own
// demand: the documents place it nowhere in the vendor's order, so a library may make its own
// check after a documented one (the api_fuzzer campaign of 2026-12-06: a negative stride beside
// k = 0, refused by the tiling rule's 561xxx first). Only the first documented rule: among
// documented rules the first failure wins, so a later one's answer is wrong whatever the library
// does with the hardening rule. Hardening rules in between are skipped (their place is as open as
// the decisive one's, and the decisive answer stays admitted); the notes before that rule carry
// their inner-error tolerance onto its answer, as the walk does onto a decisive one.
std::optional<Answer> NextDocumentedAnswer(const std::vector<const Rule *> &rules, const Rule *decisive,
                                           const harness::Case &c, int rank, Scope scope,
                                           const Expectation &before) {
    bool inner_error_accepted = before.inner_error_accepted;
    const auto at = std::find(rules.begin(), rules.end(), decisive);
    if (at == rules.end()) return std::nullopt;
    for (size_t i = static_cast<size_t>(at - rules.begin()) + 1; i < rules.size(); ++i) {
        const Rule *rule = rules[i];
        if (rule->scope != scope || !RuleViolated(rules, i, c, rank)) continue;
        if (rule->IsNote() && rule->writes_nothing) {
            // A documented success short-cut (the call returns SUCCESS there, writing nothing) is
            // a documented answer like a refusal: a library whose hardening check, if any, comes
            // later takes it (HardeningRefusalsBeforeTheShortCut is the mirror).
            Answer a = rule->ToExpectation();
            a.writes_nothing = true;
            a.inner_error_accepted = a.inner_error_accepted || inner_error_accepted;
            a.reason = rule->text + " (a documented short-cut, taken before this suite's " + decisive->id + ")";
            return a;
        }
        if (rule->IsNote()) {
            inner_error_accepted = inner_error_accepted || rule->inner_error_accepted;
            continue;
        }
        if (rule->level != Level::kDocumented) continue;
        Answer a = rule->ToExpectation();
        a.inner_error_accepted = a.inner_error_accepted || inner_error_accepted;
        a.reason = rule->text + " (checked before this suite's " + decisive->id + ")";
        return a;
    }
    return std::nullopt;
}

// The refusals of the op_api-layer hardening rules the case breaks after a deciding rule of a
// later layer (tiling, runtime), in the same scope: the mirror of NextDocumentedAnswer for a
// table that places such a check after the tiling rules. An op_api check is made in
// GetWorkspaceSize's hand-written part, before any tiling check (ops.md §8.3), and a hardening
// rule is this suite's own demand, whose place the documents do not give: a library that makes
// it at all makes it before the deciding rule's layer, so its refusal is admitted beside the
// decisive answer, which stays admitted. (The torch CPU adapter on session 14's quick gate: the
// embedded WeightQuantMatmulAllReduce's scale layout check, which the ARN table places after
// its tiling rules, refused a case that arn.tiling.wq_scale_shape decides; nine ARN hardening
// rules sit there.) Only across layers: a rule's predicate may assume that the rules before it
// in its table passed, and a later op_api rule's predicate does not depend on a tiling limit,
// while a later tiling rule's may well depend on the op_api rule that decided (session 15's
// first version asked every later hardening rule, and the api_fuzzer met predicates that
// overflowed on counts an earlier rule refuses). Notes are not asked: the deciding answer, an
// inner error or a runtime one, already admits what a tiling tolerance would.
std::vector<Answer> LaterOpApiHardeningRefusals(const std::vector<const Rule *> &rules, const Rule *decisive,
                                                const harness::Case &c, int rank, Scope scope) {
    std::vector<Answer> out;
    if (decisive->layer == Layer::kOpApi) return out;
    const auto at = std::find(rules.begin(), rules.end(), decisive);
    if (at == rules.end()) return out;
    for (size_t i = static_cast<size_t>(at - rules.begin()) + 1; i < rules.size(); ++i) {
        const Rule *rule = rules[i];
        if (rule->scope != scope || rule->IsNote() || rule->level != Level::kHardening || rule->layer != Layer::kOpApi) {
            continue;
        }
        if (!RuleViolated(rules, i, c, rank)) continue;
        Answer a = rule->ToExpectation();
        a.reason = rule->text + " (an op_api check, which a library makes before " + decisive->id + ")";
        out.push_back(std::move(a));
    }
    return out;
}

// Where a documented success short-cut (rules[short_cut], a note that writes nothing) decides,
// the refusals of the op_api hardening rules placed after it that the case breaks once the
// short-cut's exemption is set aside (Rule::short_cut): a hardening rule is this suite's own
// demand, whose place the documents do not give, so a library may make it before the short-cut
// (AllGatherMatmul's table places its layout rules after its empty-x1 short-cut, AddRmsNorm's
// storage rule sits after its own; the mirror of NextDocumentedAnswer, which admits the short-cut
// where a hardening rule placed before it decides). The scan stops at the first documented check
// the case breaks after the short-cut: a later predicate may assume that it passed, and a
// library reaching it is past the short-cut's place anyway. Notes and later layers are not asked.
std::vector<Answer> HardeningRefusalsBeforeTheShortCut(const std::vector<const Rule *> &rules, size_t short_cut,
                                                       const harness::Case &c, int rank, Scope scope) {
    std::vector<Answer> out;
    for (size_t i = short_cut + 1; i < rules.size(); ++i) {
        const Rule *rule = rules[i];
        if (rule->scope != scope || rule->IsNote() || rule->layer != Layer::kOpApi) continue;
        if (!rule->violated(c, rank)) continue;  // the predicate alone: the exemption set aside
        if (rule->level == Level::kDocumented) break;
        Answer a = rule->ToExpectation();
        a.reason = rule->text + " (this suite's check, which a library may make before the short-cut " +
                   rules[short_cut]->id + ")";
        out.push_back(std::move(a));
    }
    return out;
}

// Evaluates the rules of one scope. Notes (success tolerances) do not stop the walk: they name
// the case when nothing fails and carry their inner-error tolerance onto the final answer,
// because the layer that would refuse them (tiling) runs before any later failure. Under the
// vendor profile a broken hardening rule stops the walk with kUndefined: the vendor does not
// check it, and what it does with such an argument is not documented; under the strict profile
// it decides, and the next documented rule's answer is admitted beside it (NextDocumentedAnswer).
// Under either profile, the op_api hardening rules the case breaks after a deciding tiling or
// runtime rule add their refusals (LaterOpApiHardeningRefusals), and those after a deciding
// success short-cut theirs (HardeningRefusalsBeforeTheShortCut).
Expectation Walk(const harness::Case &c, int rank, Scope scope, const Expectation &start, Profile profile) {
    Expectation result = start;
    const std::vector<const Rule *> &rules = RulesFor(c.op, c.platform);
    const Rule *decisive = nullptr;
    std::optional<size_t> short_cut;  // the first success short-cut the walk passed
    for (size_t i = 0; i < rules.size(); ++i) {
        const Rule *rule = rules[i];
        if (rule->scope != scope || !RuleViolated(rules, i, c, rank)) continue;
        if (rule->IsNote()) {
            if (result.rule_id.empty()) {
                result.rule_id = rule->id;
                result.reason = rule->text;
            }
            result.inner_error_accepted = result.inner_error_accepted || rule->inner_error_accepted;
            result.writes_nothing = result.writes_nothing || rule->writes_nothing;
            if (rule->writes_nothing && !short_cut) short_cut = i;
            continue;
        }
        decisive = rule;
        break;
    }
    if (decisive == nullptr) {
        if (short_cut) {
            for (const Answer &a : HardeningRefusalsBeforeTheShortCut(rules, *short_cut, c, rank, scope)) {
                AddAlternative(result, a);
            }
        }
        // A tolerance that may also be refused early (a2av.param.rank_size_devices): its refusal is
        // admitted beside the success the walk found.
        for (size_t i = 0; i < rules.size(); ++i) {
            const Rule *rule = rules[i];
            if (!rule->IsNote() || !rule->may_refuse_early || rule->also_accepted.empty()) continue;
            if (rule->scope != scope || !RuleViolated(rules, i, c, rank)) continue;
            AddAlternative(result, EarlyRefusal(*rule));
        }
        return result;
    }
    Expectation e;
    if (profile == Profile::kVendor && decisive->level == Level::kHardening) {
        e.outcome = Outcome::kUndefined;
        e.rule_id = decisive->id;
        e.reason = decisive->text;
        e.level = Level::kHardening;
        return e;
    }
    static_cast<Answer &>(e) = decisive->ToExpectation();
    e.inner_error_accepted = e.inner_error_accepted || result.inner_error_accepted;
    if (decisive->success_admitted) {
        // Completing is admitted too (Rule::success_admitted); its outputs are compared.
        Answer completed;
        completed.rule_id = decisive->id;
        completed.reason = decisive->text + " (completed)";
        completed.level = decisive->level;
        completed.inner_error_accepted = result.inner_error_accepted;
        AddAlternative(e, completed);
    }
    if (decisive->level == Level::kHardening) {
        if (std::optional<Answer> next = NextDocumentedAnswer(rules, decisive, c, rank, scope, result)) {
            AddAlternative(e, *next);
        }
    }
    for (const Answer &later : LaterOpApiHardeningRefusals(rules, decisive, c, rank, scope)) {
        AddAlternative(e, later);
    }
    // Rules whose place in the order is not certain add their early refusal, whether they come
    // before or after the decisive rule in the table; the decisive answer stays admitted.
    for (size_t i = 0; i < rules.size(); ++i) {
        const Rule *rule = rules[i];
        if (rule == decisive || !rule->may_refuse_early || rule->also_accepted.empty()) continue;
        if (rule->scope != scope || !RuleViolated(rules, i, c, rank)) continue;
        AddAlternative(e, EarlyRefusal(*rule));
    }
    return e;
}

// Rank `rank`'s own (per-rank) rules walked, memoised by an open ExpectationScope.
Expectation OwnWalk(const harness::Case &c, int rank, Profile profile) {
    std::optional<Expectation> *slot = MemoSlot(c, rank, &ExpectationScope::Memo::own, profile);
    if (slot == nullptr) return Walk(c, rank, Scope::kRank, Expectation{}, profile);
    if (!*slot) *slot = Walk(c, rank, Scope::kRank, Expectation{}, profile);
    return **slot;
}

// The case's own (per-rank) and cross-rank answers for one rank, without descriptor variants.
Expectation ExpectOne(const harness::Case &c, int rank, Profile profile) {
    if (!FindFamily(c.op)) {
        Expectation e;
        e.reason = "no spec rules for operator '" + c.op + "'";
        return e;
    }
    Expectation own = OwnWalk(c, rank, profile);
    if (own.outcome != Outcome::kSuccess) return own;
    if (profile == Profile::kVendor) {
        // A peer whose own call is undefined may or may not join the collective: this rank's
        // answer is undefined as well (the cross-rank rules look at the strict answers).
        for (int q = 0; q < c.world; ++q) {
            if (q == rank) continue;
            const Expectation peer = OwnWalk(c, q, profile);
            if (peer.outcome == Outcome::kUndefined) {
                Expectation e = peer;
                e.reason = "rank " + std::to_string(q) + ": " + peer.reason;
                return e;
            }
        }
    }
    return Walk(c, rank, Scope::kCrossRank, own, profile);
}

}  // namespace

const char *LevelName(Level level) {
    switch (level) {
        case Level::kDocumented: return "documented";
        case Level::kHardening: return "hardening";
    }
    return "?";
}

std::vector<const Answer *> Expectation::All() const {
    std::vector<const Answer *> out = {this};
    for (const Answer &a : alternatives) out.push_back(&a);
    return out;
}

bool Expectation::AdmitsPrepareStatus(int32_t status) const {
    if (status == 0) return false;
    for (const Answer *a : All()) {
        if (a->outcome == Outcome::kUndefined) return true;
        if (a->outcome == Outcome::kStatus && status == a->status) return true;
        if (a->outcome == Outcome::kInnerError && IsInner(status)) return true;
        if (a->outcome != Outcome::kSuccess &&
            std::find(a->also_accepted.begin(), a->also_accepted.end(), status) != a->also_accepted.end()) {
            return true;
        }
        if (a->inner_error_accepted && IsInner(status)) return true;
    }
    return false;
}

bool Expectation::AdmitsFailure() const {
    for (const Answer *a : All()) {
        if (a->outcome != Outcome::kSuccess) return true;
    }
    return false;
}

bool RuntimeMayRefuseDescriptor(const harness::TensorSpec &t) {
    if (t.offset < 0 || t.shape.size() > kMaxTensorDims) return true;
    // A view that steps back before its storage (negative strides beyond the offset) with no
    // explicit values has contents in no memory of the tensor's: no conforming call can be made
    // with it, so refusing it is admitted (a widening only; every family's own rules on negative
    // strides still decide what else is admitted). The suite's runner passes no such tensor to
    // an operator that takes raw tensors (ATB: harness/run/run_case.cc), as a runtime refusing it.
    if (t.ContentsUndefined()) return true;
    for (int64_t d : t.shape) {
        if (d < 0) return true;
    }
    // Only a declared storage shape can break these: a derived one (TensorSpec::StorageShape) is
    // the view's dims, a permutation of them or one non-negative span.
    if (t.storage_shape.size() > kMaxTensorDims) return true;
    return std::any_of(t.storage_shape.begin(), t.storage_shape.end(), [](int64_t d) { return d < 0; });
}

bool CountOverflowsBeforeZero(const harness::TensorSpec &t) {
    int64_t product = 1;
    for (int64_t d : t.shape) {
        if (d <= 0) return false;  // a zero reached first (or a negative dim, refused elsewhere)
        if (__builtin_mul_overflow(product, d, &product)) {
            return std::find(t.shape.begin(), t.shape.end(), 0) != t.shape.end();
        }
    }
    return false;
}

bool RunnerCannotPass(std::string_view op, const harness::TensorSpec &t, std::string_view name) {
    const OpFamily *family = FindFamily(op);
    return family != nullptr && family->caller_cannot_pass != nullptr && family->caller_cannot_pass(t, name);
}

Expectation OwnExpectation(const harness::Case &c, int rank) {
    if (!FindFamily(c.op)) {
        Expectation e;
        e.reason = "no spec rules for operator '" + c.op + "'";
        return e;
    }
    return OwnWalk(c, rank, Profile::kStrict);
}

namespace {

// The parameters every rank passes (the keys of EffectiveParams, in its order: the signature's
// and the case's, sorted by name), as names only: Expect looks values up in place instead of
// copying every rank's parameter map (fuzz/README.md "Session 9").
std::vector<const std::string *> ParamNames(const harness::Case &c) {
    std::vector<const std::string *> names;
    if (const harness::OpSignature *sig = harness::FindSignature(c.op)) {
        for (const auto &p : sig->params) names.push_back(&p.name);
    }
    for (const auto &[name, v] : c.params) names.push_back(&name);
    std::sort(names.begin(), names.end(), [](const std::string *a, const std::string *b) { return *a < *b; });
    names.erase(std::unique(names.begin(), names.end(), [](const std::string *a, const std::string *b) { return *a == *b; }),
                names.end());
    return names;
}

// The names of rank `who`'s tensors whose descriptors the runtime may refuse, or the caller
// cannot pass (RunnerCannotPass).
std::vector<std::string> RefusableTensors(const harness::Case &c, const std::vector<const std::string *> &names, int who) {
    std::vector<std::string> out;
    for (const std::string *name : names) {
        const harness::TensorSpec *t = c.Tensor(who, *name);
        if (t != nullptr && (RuntimeMayRefuseDescriptor(*t) || RunnerCannotPass(c.op, *t, *name))) out.push_back(*name);
    }
    return out;
}

Expectation ExpectUncached(const harness::Case &c, int rank, Profile profile) {
    Expectation e = ExpectOne(c, rank, profile);
    if (!FindFamily(c.op) || e.outcome == Outcome::kUndefined) return e;
    // A descriptor the runtime may refuse reaches the operator as a null tensor (a caller that
    // passes aclCreateTensor's nullptr on) — or, where the caller gives up, no call at all. The
    // answers for every subset of such tensors set to null are admitted too, whatever rule
    // decides the case as written: this rank's own tensors (what its call then sees), and each
    // peer's (a peer refused that way never joins the collective, so this rank's cross-rank
    // rules then admit their runtime error).
    if (rank < 0 || rank >= std::max(c.world, 1)) return e;
    ExpectationScope::Memo *memo = FindMemo(c);
    std::optional<std::vector<const std::string *>> own_names;
    std::optional<std::vector<const std::string *>> &names_slot = memo != nullptr ? memo->names : own_names;
    if (!names_slot) names_slot = ParamNames(c);
    const std::vector<const std::string *> &names = *names_slot;
    if (memo != nullptr && memo->refusable.size() < static_cast<size_t>(c.world)) {
        memo->refusable.resize(static_cast<size_t>(c.world));
    }
    // A tensor whose dtype has no element width (a value outside aclDataType, ACL_DT_UNDEFINED,
    // ACL_STRING) cannot be addressed, and no document says where an operator looks at it first:
    // one may refuse it as an invalid parameter before the rule that decides the case (the
    // built-in library does so in its layout checks, before a tiling rule). Only an alternative:
    // every documented answer stays admitted. (Found by the api_fuzzer campaign: a V4
    // commQuantScale of dtype 23 beside a tiling violation.) Where the operator checks dtypes in
    // its tiling layer (as the MC2 APIs do), that refusal is a 561xxx inner error, so either is
    // admitted (api_fuzzer fresh seed 6001: an empty antiquantScale of dtype 20 for the in-place
    // weight-quant MatmulAllReduceAddRmsNorm, refused with 561002).
    for (const std::string *name : names) {
        const harness::TensorSpec *t = c.Tensor(rank, *name);
        if (t == nullptr || harness::DtypeBits(t->dtype) != 0) continue;
        Answer refused;
        refused.outcome = Outcome::kStatus;
        refused.status = kInvalid.status;
        refused.inner_error_accepted = true;
        refused.reason = *name + " has dtype " + harness::DtypeName(t->dtype) +
                         ", which has no element width; an operator may refuse it as invalid wherever it checks it";
        AddAlternative(e, refused);
        break;
    }
    // An empty tensor whose dims before the zero overflow int64 when multiplied from the left:
    // the vendor's element count (gert::Shape::GetShapeSize, hicann/metadef: a checked product
    // that returns an invalid size at the first overflow) is then not 0, so its op_api may take
    // the tensor for a non-empty one and skip an empty-tensor short-cut. Both readings are
    // admitted: the answers as the case is written (the count is 0), and the failures of the case
    // with that tensor's zero dims read as 1 (api_fuzzer fresh seed 8001: a QuantAddRmsNorm gamma
    // [23, 2^62, 7, 31, 7, 15, 0] beside streamMode 0).
    for (int who = 0; who < c.world; ++who) {
        std::optional<harness::Case> counted;  // copied only for such a tensor: most cases have none
        for (const std::string *name : names) {
            const harness::TensorSpec *t = c.Tensor(who, *name);
            if (t == nullptr || !CountOverflowsBeforeZero(*t)) continue;
            harness::TensorSpec full = *t;
            for (int64_t &d : full.shape) d = d == 0 ? 1 : d;
            full.strides.clear();
            full.storage_shape.clear();
            if (!counted) counted = c;
            counted->SetForRank(who, *name, full);
        }
        if (!counted) continue;
        counted->Normalize();
        const Expectation variant = ExpectOne(*counted, rank, profile);
        for (const Answer *a : variant.All()) {
            if (a->outcome == Outcome::kSuccess) continue;
            Answer copy = *a;
            copy.reason = (who == rank ? std::string("with an empty tensor whose element count overflows before its zero dim "
                                                     "counted as not empty: ")
                                       : "with rank " + std::to_string(who) +
                                             "'s empty tensor whose element count overflows counted as not empty: ") +
                          copy.reason;
            AddAlternative(e, copy);
        }
    }
    for (int who = 0; who < c.world; ++who) {
        std::optional<std::vector<std::string>> own_refusable;
        std::optional<std::vector<std::string>> &refusable_slot =
            memo != nullptr ? memo->refusable[static_cast<size_t>(who)] : own_refusable;
        if (!refusable_slot) refusable_slot = RefusableTensors(c, names, who);
        const std::vector<std::string> &refusable = *refusable_slot;
        if (refusable.empty()) continue;
        if (who == rank) {
            // The refusal itself: the runtime may refuse the descriptor whatever the tensor is
            // for — also an optional one, whose null variant below is a valid case (e.g. a
            // TransQuantParam offset at a negative offset) — and the call is then never made;
            // an operator that receives it may refuse it as an invalid parameter.
            Answer refused;
            refused.outcome = Outcome::kStatus;
            refused.status = kInvalid.status;
            refused.also_accepted = {kNullptr.status};
            refused.reason = "the runtime may refuse the descriptor of " + refusable.front() +
                             " (a negative offset or dim, more than 8 dims, or a view the caller cannot pass as declared); an operator "
                             "given it may refuse it as invalid";
            AddAlternative(e, refused);
        } else {
            // A peer refused by the runtime makes no call: to this rank it is a peer whose call
            // failed before communicating, like one whose every tensor is null (the null
            // variants below do not show that when the refusable tensors are optional).
            harness::Case silent = c;
            for (const std::string *name : names) {
                if (std::holds_alternative<harness::TensorSpec>(c.Get(who, *name))) {
                    silent.SetForRank(who, *name, harness::Null{});
                }
            }
            silent.Normalize();
            const Expectation variant = ExpectOne(silent, rank, profile);
            for (const Answer *a : variant.All()) {
                if (a->outcome == Outcome::kSuccess) continue;
                Answer copy = *a;
                copy.reason = "with rank " + std::to_string(who) + " refused by the runtime: " + copy.reason;
                AddAlternative(e, copy);
            }
        }
        if (refusable.size() > kMaxRefusableTensors) continue;
        for (uint32_t mask = 1; mask < (1u << refusable.size()); ++mask) {
            harness::Case nulled = c;
            for (size_t i = 0; i < refusable.size(); ++i) {
                if ((mask & (1u << i)) != 0) nulled.SetForRank(who, refusable[i], harness::Null{});
            }
            nulled.Normalize();
            const Expectation variant = ExpectOne(nulled, rank, profile);
            for (const Answer *a : variant.All()) {
                // Only refusals: a success would be the success of another case (one without
                // the tensor), and the call as written has a tensor the runtime refused.
                if (a->outcome == Outcome::kSuccess) continue;
                Answer copy = *a;
                copy.reason = (who == rank ? std::string("with the refused descriptor(s) null: ")
                                           : "with rank " + std::to_string(who) + "'s refused descriptor(s) null: ") +
                              copy.reason;
                AddAlternative(e, copy);
            }
        }
    }
    return e;
}

}  // namespace

Expectation Expect(const harness::Case &c, int rank, Profile profile) {
    std::optional<Expectation> *slot = MemoSlot(c, rank, &ExpectationScope::Memo::full, profile);
    if (slot == nullptr) return ExpectUncached(c, rank, profile);
    if (!*slot) *slot = ExpectUncached(c, rank, profile);
    return **slot;
}

ExpectationScope::ExpectationScope(const harness::Case &c) {
    // A scope already open for this case keeps the memo; this one then only borrows it.
    if (FindMemo(c) != nullptr) return;
    memo_ = std::make_unique<Memo>();
    memo_->c = &c;
    t_memos.push_back(memo_.get());
}

ExpectationScope::~ExpectationScope() {
    if (memo_) std::erase(t_memos, memo_.get());
}

bool ExpectSuccessEverywhere(const harness::Case &c) {
    const ExpectationScope scope(c);  // every rank's Expect asks for each peer's own answer
    for (int r = 0; r < c.world; ++r) {
        if (Expect(c, r).outcome != Outcome::kSuccess) return false;
    }
    return true;
}

}  // namespace mc2::spec
