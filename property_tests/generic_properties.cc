// property_tests/generic_properties.cc — the RapidCheck properties every registered operator gets
// with no code of its own (the operator list comes from the registries: harness/ops/registry.h),
// against the implementation under test (the built-in libmc2impl.so or MC2CONF_IMPL) reached only
// through the ABI. Every decision is drawn through spec::RcChoices, so a failing case shrinks to a
// minimal one whose `mc2conf run '<descriptor>'` line is in the failure message.
//
//   ValidCasesPassTheOracle       generated valid cases succeed on every rank, inside the oracle's
//                                 answer (intervals or exact codes)
//   ViolatedRuleGivesItsCode      a valid case with one rule's violate() gets that rule's code on
//                                 the affected ranks, outputs untouched
//   EachRule/GivesItsCode         the same, once per (operator, failing rule)
//   ExactDataIgnoreTheSchedule    exact-by-construction data: bit-identical under any schedule
//   ReplicatedOutputsAgree        an all-reduced or all-gathered output is bit-identical on every
//                                 rank (each rank receives the same result of the collective)
//
// Operator files (property_tests/<op>_properties.cc) keep only their metamorphic relations.
#include <algorithm>
#include <cctype>

#include "harness/ops/registry.h"
#include "property_tests/support.h"
#include "spec/case_edit.h"
#include "spec/catalogue.h"
#include "spec/expectation.h"
#include "spec/rc_choices.h"

namespace mc2::properties {
namespace {

using harness::Case;
using harness::CaseResult;
using harness::Dist;

Case DrawValid(spec::Choices &ch) {
    return spec::GenerateValid(ch.Pick(RegisteredOps()), ProfilePlatform(), ch, PropertyLimits());
}

// ---- 1. valid cases ---------------------------------------------------------------------------

MC2_PROPERTY(OperatorProperty, ValidCasesPassTheOracle, 300) {
    spec::RcChoices ch;
    const Case c = DrawValid(ch);
    RC_LOG() << Repro(c) << "\n";
    RC_TAG(c.op, "world=" + std::to_string(c.world), DtypeOf(c));
    const CaseResult r = RunKeep(c);
    RequireConforming(r, "valid case");
    RC_ASSERT(spec::ExpectSuccessEverywhere(c));
}

// ---- 2. each rule violated --------------------------------------------------------------------

// Runs an invalid case made by `rule_id`'s violate() and requires what the spec expects of it.
// The runner judges every rank against spec::Expect: the exact documented code (or a
// version-drift alternative the rule lists) from the phase the rule's layer answers in, and on
// any failure every output byte-identical to its poison. The explicit checks below restate the
// two halves of the requirement on the affected ranks.
void RequireRuleOutcome(const Case &c, const std::string &rule_id) {
    RC_LOG() << "rule " << rule_id << ": " << Repro(c) << "\n";
    const CaseResult r = RunKeep(c);
    RequireConforming(r, "invalid case");
    RC_ASSERT(r.ranks.size() == static_cast<size_t>(c.world));
    bool named = false;
    for (int rank = 0; rank < c.world; ++rank) {
        const spec::Expectation e = spec::Expect(c, rank);
        const harness::RankReport &rep = r.ranks[static_cast<size_t>(rank)];
        named = named || e.rule_id == rule_id;
        // A descriptor the implementation's aclCreateTensor refused never reaches the operator;
        // the runner judges it (conforming exactly when the spec expects this rank to fail), and
        // RequireConforming above already required that.
        if (e.outcome == spec::Outcome::kStatus && rep.descriptor_refused.empty()) {
            const bool admitted = rep.prepare_status == e.status ||
                                  std::find(e.also_accepted.begin(), e.also_accepted.end(), rep.prepare_status) !=
                                      e.also_accepted.end();
            if (!admitted) {
                RC_FAIL("rank " + std::to_string(rank) + ": first phase " + std::to_string(rep.prepare_status) +
                        ", expected " + std::to_string(e.status) + " for " + e.rule_id);
            }
        }
        const bool succeeded = rep.prepare_status == 0 && rep.execute_status == 0 && rep.sync_status == 0;
        if (!succeeded && !rep.outputs_untouched) RC_FAIL("rank " + std::to_string(rank) + ": refused but wrote its output");
    }
    // violate() breaks exactly its rule, so the rule is the first failing one on some rank.
    if (!named) RC_FAIL("no rank's expectation names " + rule_id);
}

MC2_PROPERTY(OperatorProperty, ViolatedRuleGivesItsCode, 300) {
    spec::RcChoices ch;
    const spec::InvalidCase bad = spec::GenerateInvalid(ch.Pick(RegisteredOps()), ProfilePlatform(), ch, PropertyLimits());
    RC_TAG(bad.rule_id);
    RequireRuleOutcome(bad.value, bad.rule_id);
}

// Found by these properties and reported (the properties are correct; the implementation is not):
//   mar.shape.storage   a storage shape smaller than the view's reach (x1=float16[1,1]st(0)) is
//                       accepted; the spec requires 161002 (impl never compares storageShape
//                       with the span the view addresses).
//   mar.xrank.mismatch  ranks that disagree only on the output dtype (bf16 vs float16, same byte
//                       count) all succeed; the spec requires a runtime error on every rank.
//
// GenerateInvalid picks the rule too, and small sizes favour the first rules of the catalogue;
// so that every rule is violated at least once per run (the quick gate's promise), each
// (operator, failing rule) pair is also a property of its own.
struct RuleParam {
    std::string op;
    std::string rule_id;
};
// gtest prints the parameter of a failing test with this (not as raw bytes).
void PrintTo(const RuleParam &p, std::ostream *os) { *os << p.op << " " << p.rule_id; }

std::vector<RuleParam> FailingRules() {
    std::vector<RuleParam> out;
    for (const std::string &op : RegisteredOps()) {
        for (const spec::Rule *rule : spec::RulesFor(op, ProfilePlatform())) {
            if (!rule->IsNote()) out.push_back({op, rule->id});
        }
    }
    return out;
}

class EachRule : public ::testing::TestWithParam<RuleParam> {};

TEST_P(EachRule, GivesItsCode) {
    const RuleParam param = GetParam();
    const spec::Rule *found = spec::FindRule(param.rule_id);
    ASSERT_NE(found, nullptr);
    // A cross-rank failure leaves the healthy ranks waiting for their peer until the collective
    // times out (HCCL_EXEC_TIMEOUT; the quick gate sets 2 s): few iterations, capped in the full gate.
    const bool cross_rank = found->scope == spec::Scope::kCrossRank;
    CheckProperty(cross_rank ? 6 : 10, [param] {
        spec::RcChoices ch;
        const spec::Rule *rule = spec::FindRule(param.rule_id);
        RC_ASSERT(rule != nullptr);
        Case valid = spec::GenerateValid(param.op, ProfilePlatform(), ch, PropertyLimits());
        auto bad = rule->Violate(valid, ch);
        if (!bad && valid.world == 1) {
            // Cross-rank rules need peers; small sizes draw world 1.
            spec::ResizeWorld(valid, 2);
            bad = rule->Violate(valid, ch);
        }
        RC_PRE(bad.has_value());
        RequireRuleOutcome(*bad, param.rule_id);
    }, cross_rank ? 20 : 1 << 30);
}

INSTANTIATE_TEST_SUITE_P(Operators, EachRule, ::testing::ValuesIn(FailingRules()),
                         [](const ::testing::TestParamInfo<RuleParam> &param_info) {
                             std::string name = param_info.param.op + "_" + param_info.param.rule_id;
                             for (char &ch : name) {
                                 if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                             }
                             return name;
                         });

// With exact data every conforming result is E, whatever order the ranks enter, straggle or
// reduce in: bit-identical across schedules. (Data-movement outputs are exact on any data.)
MC2_PROPERTY(OperatorProperty, ExactDataIgnoreTheSchedule, 100) {
    spec::RcChoices ch;
    Case base = DrawValid(ch);
    base.dist = Dist::kExact;
    base.schedule = 0;
    Case other = base;
    other.schedule = static_cast<uint64_t>(ch.Int(1, 1 << 30));
    RC_LOG() << Repro(base) << "\n" << Repro(other) << "\n";
    RC_TAG("world=" + std::to_string(base.world));
    const CaseResult r0 = RunKeep(base);
    const CaseResult r1 = RunKeep(other);
    RequireConforming(r0, "no schedule");
    RequireConforming(r1, "schedule");
    if (!AllRanksSucceeded(r0) || !AllRanksSucceeded(r1)) {
        RC_TAG("refused (commTurn > 0)");
        return;
    }
    RequireSameBits(base, r0, other, r1, "schedule");
}


MC2_PROPERTY(OperatorProperty, ReplicatedOutputsAgree, 100) {
    spec::RcChoices ch;
    Case c = DrawValid(ch);
    // Small sizes draw world 1, where there is nothing to compare: two ranks at least.
    if (c.world == 1) spec::ResizeWorld(c, 2);
    RC_LOG() << Repro(c) << "\n";
    RC_TAG(c.op, "world=" + std::to_string(c.world));
    const CaseResult r = RunKeep(c);
    RequireConforming(r, "valid case");
    if (!AllRanksSucceeded(r)) {
        RC_TAG("refused (a permitted tiling refusal)");
        return;
    }
    for (const harness::OutputDecl &out : harness::FindBinding(c.op)->outputs) {
        if (!out.replicated) continue;
        const std::vector<uint64_t> first = OutputCodes(c, r, 0, out.name);
        for (int rank = 1; rank < c.world; ++rank) {
            if (OutputCodes(c, r, rank, out.name) != first) {
                RC_FAIL(out.name + ": rank " + std::to_string(rank) + " differs from rank 0");
            }
        }
    }
}

}  // namespace
}  // namespace mc2::properties
