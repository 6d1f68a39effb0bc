// tests/gates/gates_test.cc — the gate builder (harness/gates): a gate is a fixed list (same
// seed, same descriptors; another seed, other cases), filters never change the cases that
// remain, every failing rule of the catalogue is covered per op × platform, every dtype
// combination × world size gets valid cases, the edge cases are there, and every case's
// expectation agrees with why it is in the gate.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness/gates/gates.h"
#include "spec/catalogue.h"
#include "spec/expectation.h"
#include "spec/generate.h"
#include "tests/common/sanitized_build.h"

namespace mc2::harness::gates {
namespace {

std::vector<std::string> Descriptors(const std::vector<GateCase> &cases) {
    std::vector<std::string> out;
    for (const GateCase &c : cases) out.push_back(c.value.ToString());
    return out;
}

// The tests that build further whole gates build one operator's share under sanitizers
// (sanitized_build.h): the same drawing code, a tenth of the cases.
GateFilter Scope() {
    GateFilter f;
    if (tests::kSanitizedBuild) f.op = "matmul_all_reduce";
    return f;
}

const std::vector<GateCase> &Quick() {
    static const std::vector<GateCase> cases = BuildGate(Gate::kQuick);
    return cases;
}

// For the tests that judge each case on its own: the quick gate, or its Scope() under sanitizers
// (the tests that need every operator still build the whole gate there).
const std::vector<GateCase> &QuickInScope() {
    if (!tests::kSanitizedBuild) return Quick();
    static const std::vector<GateCase> cases = BuildGate(Gate::kQuick, kDefaultSeed, Scope());
    return cases;
}

TEST(Gates, NamesRoundTrip) {
    for (Gate g : {Gate::kQuick, Gate::kFull, Gate::kGpt3}) EXPECT_EQ(ParseGate(GateName(g)), g);
    for (CaseKind k : {CaseKind::kValid, CaseKind::kInvalid, CaseKind::kEdge, CaseKind::kTypical, CaseKind::kSingle}) {
        EXPECT_EQ(ParseKind(KindName(k)), k);
    }
    EXPECT_FALSE(ParseGate("slow"));
    EXPECT_FALSE(ParseKind(""));
}

// Whether the gates draw cases of `op` on `platform` (spec::OpFamily::gate_platforms).
bool Gated(const std::string &op, Platform p) {
    const spec::OpFamily *f = spec::FindFamily(op);
    return f == nullptr || f->gate_platforms.empty() ||
           std::find(f->gate_platforms.begin(), f->gate_platforms.end(), p) != f->gate_platforms.end();
}

// Valid cases per (dtype combination, world) bucket of `op` (spec::OpFamily::gate_valid_per_combination).
int PerCombination(const std::string &op, const GateConfig &cfg) {
    const spec::OpFamily *f = spec::FindFamily(op);
    return f != nullptr && f->gate_valid_per_combination > 0
               ? std::min(f->gate_valid_per_combination, cfg.cases_per_combination)
               : cfg.cases_per_combination;
}

TEST(Gates, SameSeedSameDescriptors) {
    const auto first = Descriptors(BuildGate(Gate::kQuick, kDefaultSeed, Scope()));
    EXPECT_EQ(Descriptors(BuildGate(Gate::kQuick, kDefaultSeed, Scope())), first);
    EXPECT_NE(Descriptors(BuildGate(Gate::kQuick, kDefaultSeed + 1, Scope())), first);
}

TEST(Gates, DescriptorsParseBackToTheSameCase) {
    for (const GateCase &c : QuickInScope()) {
        const CaseParse p = ParseCase(c.value.ToString());
        ASSERT_TRUE(p.value) << p.error << "\n" << c.value.ToString();
        EXPECT_EQ(*p.value, c.value) << c.value.ToString();
    }
}

TEST(Gates, FiltersKeepTheRemainingCasesUnchanged) {
    GateFilter filter;
    filter.platforms = {Platform::kAscend950};
    for (const std::string &op : spec::GeneratableOps()) {
        if (Gated(op, Platform::kAscend950)) filter.op = op;  // the last one the gates draw on 950
    }
    const auto filtered = Descriptors(BuildGate(Gate::kQuick, kDefaultSeed, filter));
    ASSERT_FALSE(filtered.empty());
    std::vector<std::string> expected;
    for (const GateCase &c : Quick()) {
        if (c.value.platform == Platform::kAscend950 && c.value.op == filter.op) expected.push_back(c.value.ToString());
    }
    EXPECT_EQ(filtered, expected);
}

TEST(Gates, UnknownOperatorIsRejected) {
    GateFilter filter;
    filter.op = "no_such_op";
    EXPECT_THROW(BuildGate(Gate::kQuick, kDefaultSeed, filter), std::invalid_argument);
}

// Every failing rule on every op and platform — or, where the family spreads its shared rules
// over some of its ops (OpFamily::gate_rule_on), on those ops — and at least twice in its family.
TEST(Gates, EveryFailingRuleIsViolatedPerOpAndPlatform) {
    std::map<std::pair<std::string, Platform>, int> per_family;  // (rule, platform) -> quick cases
    for (const GateCase &c : Quick()) {
        if (c.kind == CaseKind::kInvalid) ++per_family[{c.rule_id, c.value.platform}];
    }
    for (const std::string &op : spec::GeneratableOps()) {
        const spec::OpFamily *family = spec::FindFamily(op);
        for (Platform p : {Platform::kAtlasA2, Platform::kAscend950}) {
            if (!Gated(op, p)) continue;
            std::set<std::string> hit;
            for (const GateCase &c : Quick()) {
                if (c.kind == CaseKind::kInvalid && c.value.op == op && c.value.platform == p) hit.insert(c.rule_id);
            }
            for (const spec::Rule *r : spec::RulesFor(op, p)) {
                if (r->IsNote()) continue;
                const bool spread = family != nullptr && family->gate_rule_on != nullptr;
                if (!spread || family->gate_rule_on(op, *r)) {
                    EXPECT_TRUE(hit.count(r->id)) << r->id << " not in quick for " << op;
                } else {
                    EXPECT_FALSE(hit.count(r->id)) << r->id << " in quick for " << op << ", not one of its gated ops";
                }
                EXPECT_GE((per_family[{r->id, p}]), 2) << r->id << " violated less than twice in quick";
            }
        }
    }
}

TEST(Gates, InvalidCasesBreakTheirRuleAndValidCasesBreakNone) {
    for (const GateCase &c : QuickInScope()) {
        if (c.kind == CaseKind::kValid) {
            EXPECT_TRUE(spec::ExpectSuccessEverywhere(c.value)) << c.value.ToString();
            continue;
        }
        if (c.kind != CaseKind::kInvalid) continue;
        EXPECT_FALSE(spec::ExpectSuccessEverywhere(c.value)) << c.rule_id << ": " << c.value.ToString();
        bool named = false;
        for (int r = 0; r < c.value.world; ++r) named = named || spec::Expect(c.value, r).rule_id == c.rule_id;
        EXPECT_TRUE(named) << c.rule_id << ": " << c.value.ToString();
    }
}

// Above quick's world cap: QuantMatmulAllReduceV4 on Ascend 950, whose documents give worlds up to
// 64 (seed 004: 支持1、2、4、8、16、32、64卡) and whose gate runs every scenario at worlds 16 and 64
// (OpFamily::gate_extras) — at tiny shapes only, so those cases cost their ranks' start-up.
bool WideWorldException(const Case &c) {
    return c.op == "quant_matmul_all_reduce_v4" && c.platform == Platform::kAscend950;
}

TEST(Gates, EveryDtypeCombinationAndWorldSizeHasValidCases) {
    const GateConfig cfg = ConfigFor(Gate::kQuick);
    std::map<std::string, int> per_group;
    for (const GateCase &c : Quick()) {
        if (c.kind == CaseKind::kValid) ++per_group[GroupLabel(c.value)];
    }
    for (const std::string &op : spec::GeneratableOps()) {
        for (Platform p : {Platform::kAtlasA2, Platform::kAscend950}) {
            if (!Gated(op, p)) continue;
            // Every combination the generator can produce within the quick limits.
            spec::SeededChoices ch(99);
            std::set<std::string> groups;
            for (int i = 0; i < 300; ++i) groups.insert(GroupLabel(spec::GenerateValid(op, p, ch, cfg.valid_limits)));
            for (const std::string &g : groups) {
                EXPECT_EQ(per_group[g], PerCombination(op, cfg)) << g;
            }
        }
    }
    for (const GateCase &c : Quick()) {
        // Invalid cases may break a world-size rule; everything else stays within quick's cap, but
        // for the named exception below.
        if (c.kind != CaseKind::kInvalid) {
            EXPECT_LE(c.value.world, WideWorldException(c.value) ? 64 : 8) << c.value.ToString();
        }
    }
}

TEST(Gates, QuickCasesAboveWorldEightAreTheTinyNamedException) {
    int wide = 0;
    for (const GateCase &c : Quick()) {
        if (c.kind == CaseKind::kInvalid || c.value.world <= 8) continue;
        ++wide;
        EXPECT_TRUE(WideWorldException(c.value)) << c.value.ToString();
        for (int r = 0; r < c.value.world; ++r) {
            const TensorSpec *x1 = c.value.Tensor(r, "x1");
            const TensorSpec *x2 = c.value.Tensor(r, "x2");
            ASSERT_TRUE(x1 != nullptr && x2 != nullptr && x2->shape.size() == 2) << c.value.ToString();
            int64_t mk = 1;
            for (int64_t d : x1->shape) mk *= d;
            // m <= 4, k <= 64 (+128 for a transposed per-block x2), n <= 32 (generate.cc).
            EXPECT_LE(mk * x2->shape[1], 4 * 192 * 32) << "rank " << r << ": " << c.value.ToString();
        }
    }
    EXPECT_GT(wide, 0);
}

TEST(Gates, QuickHasTheEdgeCases) {
    std::set<std::string> notes, rules;
    for (const GateCase &c : Quick()) {
        if (c.kind != CaseKind::kEdge) continue;
        notes.insert(c.note);
        rules.insert(c.rule_id);
    }
    EXPECT_TRUE(notes.count("3-D x1"));
    EXPECT_TRUE(notes.count("transposed x2"));
    EXPECT_TRUE(rules.count("mar.empty.k_zero"));
    EXPECT_TRUE(rules.count("mar.tiling.comm_turn_positive"));
    EXPECT_TRUE(rules.count("mar.xrank.peer_failed"));
    EXPECT_TRUE(notes.count("cross-rank failure at world 2"));
    EXPECT_TRUE(notes.count("cross-rank failure at world 8"));
}

TEST(Gates, FullIsLargerAndGpt3UsesTypicalShapes) {
    const std::vector<GateCase> full = BuildGate(Gate::kFull, kDefaultSeed, Scope());
    EXPECT_GT(full.size(), BuildGate(Gate::kQuick, kDefaultSeed, Scope()).size());
    int64_t max_k = 0;
    int max_world = 0;
    for (const GateCase &c : full) {
        // The named exception reaches Ascend 950's 64 in the full gate too (its cap is 16).
        if (WideWorldException(c.value)) {
            EXPECT_LE(c.value.world, 64) << c.value.ToString();
        } else {
            max_world = std::max(max_world, c.value.world);
        }
        if (const TensorSpec *x1 = c.value.Tensor(0, "x1"); x1 && !x1->shape.empty()) {
            max_k = std::max(max_k, x1->shape.back());
        }
    }
    EXPECT_GT(max_k, 256);
    EXPECT_EQ(max_world, 16);
    const std::vector<GateCase> gpt3 = BuildGate(Gate::kGpt3, kDefaultSeed, Scope());
    ASSERT_FALSE(gpt3.empty());
    for (const GateCase &c : gpt3) {
        EXPECT_EQ(c.kind, CaseKind::kTypical);
        EXPECT_EQ(c.value.Tensor(0, "x2")->shape.back(), 8192) << c.value.ToString();
    }
}

TEST(Gates, Labels) {
    // A MatmulAllReduce case: the mixed-dtype label below edits its x2.
    const auto first = std::find_if(QuickInScope().begin(), QuickInScope().end(),
                                    [](const GateCase &g) { return g.value.op == "matmul_all_reduce"; });
    ASSERT_NE(first, QuickInScope().end());
    const Case &c = first->value;
    EXPECT_EQ(GroupLabel(c), c.op + "." + PlatformName(c.platform) + "." + DtypeLabel(c) + ".w" +
                                 std::to_string(c.world));
    Case mixed = c;
    TensorSpec x2 = *mixed.Tensor(0, "x2");
    x2.dtype = ACL_FLOAT;
    mixed.Set("x2", x2);
    EXPECT_EQ(DtypeLabel(mixed), DtypeLabel(c) + ":float");  // x2 after x1 in signature order
}

}  // namespace
}  // namespace mc2::harness::gates
