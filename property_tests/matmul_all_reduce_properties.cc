// property_tests/matmul_all_reduce_properties.cc — RapidCheck properties of aclnnMatmulAllReduce
// and aclnnMatmulAllReduceV2 against the implementation under test (the built-in libmc2impl.so
// or MC2CONF_IMPL), reached only through the ABI. Every decision is drawn through spec::RcChoices,
// so a failing case shrinks field by field (world, dtype, shapes, layout, data) to a minimal one,
// whose `mc2conf run '<descriptor>'` line is in the failure message (RC_LOG of the minimal case).
//
//   ValidCasesPassTheOracle          generated valid cases succeed on every rank, inside the
//                                    oracle's acceptance intervals
//   ViolatedRuleGivesItsCode         a valid case with one rule's violate() gets that rule's
//                                    code on the affected ranks, outputs untouched
//   EachRule/GivesItsCode            the same, once per (operator, failing rule)
//   CommTurnWithinContract           comm_turn 0 and comm_turn > 0 agree as the contract allows
//   WorldEqualsOneRankConcatenatedK  W ranks = one rank with k concatenated, as the contract allows
//   TransposedX2EqualsContiguous     the same x2 values through strides (1, k) or contiguous
//   ExactDataIgnoreTheSchedule       exact-by-construction data: bit-identical under any schedule
//
// The numerics contract (oracle/contract.md) lets an implementation accumulate in fp32 in any
// order, round the per-rank partial to T or not, and all-reduce in T or wider in any order. Two
// runs that differ only in something the contract does not pin (comm_turn, layout, rank
// schedule, how k is split across ranks) may therefore differ in any way their intervals admit;
// only the exact distribution (harness/fill: every partial sum in any order and grouping is an
// integer within the exact range of fp32 and of T) forces every conforming result to be the
// exact value, and so bit-identical. Each metamorphic property asserts bit equality on exact data
// and the contract's interval relation on every other distribution, and draws exact data half
// the time so both halves are exercised.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>

#include "harness/compare.h"
#include "harness/dtype_names.h"
#include "harness/fill/storage.h"
#include "oracle/contract.h"
#include "property_tests/support.h"
#include "spec/case_edit.h"
#include "spec/catalogue.h"
#include "spec/expectation.h"
#include "spec/matmul_all_reduce/matmul_all_reduce.h"
#include "spec/rc_choices.h"

namespace mc2::properties {
namespace {

using harness::Case;
using harness::CaseResult;
using harness::Dist;
using harness::RankInputs;
namespace mar = spec::matmul_all_reduce;

const std::vector<std::string> &Ops() {
    static const std::vector<std::string> ops = {mar::kV1, mar::kV2};
    return ops;
}

Case DrawValid(spec::Choices &ch) {
    return spec::GenerateValid(ch.Pick(Ops()), ProfilePlatform(), ch, PropertyLimits());
}

std::vector<RankInputs> AllInputs(const Case &c) {
    std::vector<RankInputs> in;
    for (int r = 0; r < c.world; ++r) in.push_back(InputsOf(c, r));
    return in;
}

oracle::Bounds BoundsOf(const Case &c, const std::vector<RankInputs> &in) {
    return harness::FindBinding(c.op)->bounds(c, in, "output", oracle::DefaultContract());
}

// A valid case for a metamorphic relation; half the draws switch to exact-by-construction data
// (the bit-exact half of each relation).
Case DrawValidMaybeExact(spec::Choices &ch) {
    Case c = DrawValid(ch);
    if (ch.Bool()) c.dist = Dist::kExact;
    return c;
}

std::string DtypeOf(const Case &c) {
    const harness::TensorSpec *x1 = c.Tensor(0, "x1");
    return x1 ? harness::DtypeName(x1->dtype) : "-";
}

// Fails the property with the runner's report line (which ends in `mc2conf run '…'`).
void RequireConforming(const CaseResult &r, const char *what) {
    if (harness::IsFailure(r.status)) RC_FAIL(std::string(what) + ": " + r.Line());
}

// Every rank completed the call. The runner has judged the run; a permitted refusal (a 561xxx
// for commTurn > 0, which the documents call unsupported) also conforms but leaves nothing to
// compare, so the relations then pass vacuously and say so in their tags.
bool AllRanksSucceeded(const CaseResult &r) {
    return !r.ranks.empty() && std::all_of(r.ranks.begin(), r.ranks.end(), [](const harness::RankReport &k) {
        return k.prepare_status == 0 && k.execute_called && k.execute_status == 0 && k.sync_status == 0;
    });
}

std::string Element(const char *name, int64_t e, double a, double b) {
    std::ostringstream ss;
    ss.precision(17);
    ss << name << " element " << e << ": " << a << " vs " << b;
    return ss.str();
}

// Bitwise equality of rank outputs of two runs of cases with the same output geometry.
void RequireSameBits(const Case &a, const CaseResult &ra, const Case &b, const CaseResult &rb, const char *what) {
    for (int rank = 0; rank < a.world; ++rank) {
        const std::vector<uint64_t> x = OutputCodes(a, ra, rank, "output");
        const std::vector<uint64_t> y = OutputCodes(b, rb, rank, "output");
        RC_ASSERT(x.size() == y.size());
        for (size_t e = 0; e < x.size(); ++e) {
            if (x[e] != y[e]) {
                RC_FAIL(std::string(what) + ": rank " + std::to_string(rank) + " element " + std::to_string(e) +
                        " codes " + std::to_string(x[e]) + " vs " + std::to_string(y[e]));
            }
        }
    }
}

// Two results of the same inputs (hence the same intervals): both inside [lo, hi], so they
// differ by at most the interval's width. The runner has already checked each against the
// interval; this states the relation between the two runs explicitly.
void RequireWithinOneInterval(const oracle::Bounds &bounds, const oracle::Matrix &x, const oracle::Matrix &y,
                              const char *what) {
    RC_ASSERT(x.v.size() == bounds.lo.size());
    RC_ASSERT(y.v.size() == bounds.lo.size());
    for (size_t e = 0; e < x.v.size(); ++e) {
        if (!std::isfinite(x.v[e]) || !std::isfinite(y.v[e])) continue;  // classes: judged by Compare
        if (std::fabs(x.v[e] - y.v[e]) > bounds.hi[e] - bounds.lo[e]) {
            RC_FAIL(Element(what, static_cast<int64_t>(e), x.v[e], y.v[e]) + " differ by more than the interval width");
        }
    }
}

// The same case on every rank with x2's layout set (transposed through strides (1, k) or
// contiguous): the values are a function of the view shape only (harness/fill), so they stay.
Case WithLayout(const Case &c, bool transposed) {
    std::vector<spec::ParamMap> per = spec::EffectiveParams(c);
    for (spec::ParamMap &p : per) {
        auto g = mar::ReadGeometry(p);
        if (!g) continue;
        g->transposed = transposed;
        mar::WriteGeometry(p, *g, c.op == mar::kV2);
    }
    Case out = c;
    spec::AssignPerRank(out, per);
    return out;
}

// ---- k concatenated over ranks --------------------------------------------------------------

// The one-rank case equivalent to a W-rank case: x1 = [x1_0 | x1_1 | … | 1-columns | identity
// blocks], x2 = [x2_0; x2_1; …; bias_r rows; x3_r rows]. Biases and x3 of the ranks become extra
// products (1·bias_r[j], 1·x3_r[i,j], both exact), so the one-rank call computes exactly the same
// multiset of terms as the W ranks together, with no bias or x3 of its own (a sum of W biases
// would not be representable in T). x2 keeps rank 0's layout.
struct Folded {
    Case c;
    std::map<std::string, std::vector<double>> values;  // logical inputs of the one-rank call
    RankInputs inputs;                                  // the same, for the oracle
};

Folded ConcatK(const Case &c, const std::vector<RankInputs> &in) {
    const oracle::Matrix &x1_0 = in.at(0).at("x1");
    const int64_t m = x1_0.rows;
    const int64_t n = in.at(0).at("x2").cols;
    int64_t k_total = 0;
    for (const RankInputs &r : in) {
        k_total += r.at("x1").cols;
        if (r.count("bias")) k_total += 1;
        if (r.count("x3")) k_total += m;
    }
    oracle::Matrix x1{m, k_total, std::vector<double>(static_cast<size_t>(m * k_total), 0.0)};
    oracle::Matrix x2{k_total, n, std::vector<double>(static_cast<size_t>(k_total * n), 0.0)};
    auto x1_at = [&](int64_t i, int64_t t) -> double & { return x1.v[static_cast<size_t>(i * k_total + t)]; };
    auto x2_at = [&](int64_t t, int64_t j) -> double & { return x2.v[static_cast<size_t>(t * n + j)]; };
    int64_t col = 0;
    for (const RankInputs &r : in) {
        const oracle::Matrix &a = r.at("x1");
        const oracle::Matrix &b = r.at("x2");
        for (int64_t i = 0; i < m; ++i) {
            for (int64_t t = 0; t < a.cols; ++t) x1_at(i, col + t) = a.at(i, t);
        }
        for (int64_t t = 0; t < b.rows; ++t) {
            for (int64_t j = 0; j < n; ++j) x2_at(col + t, j) = b.at(t, j);
        }
        col += a.cols;
    }
    for (const RankInputs &r : in) {
        auto bias = r.find("bias");
        if (bias == r.end()) continue;
        for (int64_t i = 0; i < m; ++i) x1_at(i, col) = 1.0;
        for (int64_t j = 0; j < n; ++j) x2_at(col, j) = bias->second.v[static_cast<size_t>(j)];
        col += 1;
    }
    for (const RankInputs &r : in) {
        auto x3 = r.find("x3");
        if (x3 == r.end()) continue;
        for (int64_t i = 0; i < m; ++i) {
            x1_at(i, col + i) = 1.0;
            for (int64_t j = 0; j < n; ++j) x2_at(col + i, j) = x3->second.at(i, j);
        }
        col += m;
    }

    Folded f;
    spec::ParamMap p = spec::EffectiveParams(c).at(0);
    mar::Geometry g = mar::ReadGeometry(p).value();
    g.k = k_total;
    g.bias = false;
    g.x3 = false;
    mar::WriteGeometry(p, g, c.op == mar::kV2);
    // The documented commTurn 0, which every conforming implementation must accept (a positive
    // value may be refused with a 561xxx, and the relation would then have nothing to compare).
    p["comm_turn"] = int64_t{0};
    f.c.op = c.op;
    f.c.platform = c.platform;
    f.c.seed = c.seed;
    f.c.dist = c.dist;
    spec::AssignPerRank(f.c, {p});
    f.values["x1"] = x1.v;
    f.values["x2"] = x2.v;
    f.inputs["x1"] = std::move(x1);
    f.inputs["x2"] = std::move(x2);
    return f;
}

// ---- 1. valid cases ---------------------------------------------------------------------------

MC2_PROPERTY(MatmulAllReduceProperty, ValidCasesPassTheOracle, 300) {
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
                RC_FAIL("rank " + std::to_string(rank) + ": GetWorkspaceSize " + std::to_string(rep.prepare_status) +
                        ", expected " + std::to_string(e.status) + " for " + e.rule_id);
            }
        }
        const bool succeeded = rep.prepare_status == 0 && rep.execute_status == 0 && rep.sync_status == 0;
        if (!succeeded && !rep.outputs_untouched) RC_FAIL("rank " + std::to_string(rank) + ": refused but wrote its output");
    }
    // violate() breaks exactly its rule, so the rule is the first failing one on some rank.
    if (!named) RC_FAIL("no rank's expectation names " + rule_id);
}

MC2_PROPERTY(MatmulAllReduceProperty, ViolatedRuleGivesItsCode, 300) {
    spec::RcChoices ch;
    const spec::InvalidCase bad = spec::GenerateInvalid(ch.Pick(Ops()), ProfilePlatform(), ch, PropertyLimits());
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
    for (const std::string &op : Ops()) {
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

INSTANTIATE_TEST_SUITE_P(MatmulAllReduce, EachRule, ::testing::ValuesIn(FailingRules()),
                         [](const ::testing::TestParamInfo<RuleParam> &param_info) {
                             std::string name = param_info.param.op + "_" + param_info.param.rule_id;
                             for (char &ch : name) {
                                 if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                             }
                             return name;
                         });

// ---- 3. metamorphic relations -------------------------------------------------------------------

// comm_turn splits the work into pieces the implementation computes and communicates one after
// another. Each output element's terms are the same whatever the split, but the contract does not
// pin the order of their accumulation or reduction, so only exact data must give the same bits;
// otherwise both results lie in the one interval of the shared inputs. A refusal (561xxx; the
// documents call commTurn != 0 unsupported) is conforming and leaves nothing to compare.
MC2_PROPERTY(MatmulAllReduceProperty, CommTurnWithinContract, 150) {
    spec::RcChoices ch;
    Case zero = DrawValidMaybeExact(ch);
    zero.Set("comm_turn", int64_t{0});
    Case turned = zero;
    turned.Set("comm_turn", ch.Int(1, 8));
    RC_LOG() << Repro(zero) << "\n" << Repro(turned) << "\n";
    const CaseResult rz = RunKeep(zero);
    const CaseResult rt = RunKeep(turned);
    RequireConforming(rz, "comm_turn 0");
    RequireConforming(rt, "comm_turn > 0");
    RC_ASSERT(AllRanksSucceeded(rz));
    if (!AllRanksSucceeded(rt)) {
        RC_TAG("comm_turn refused");
        return;
    }
    RC_TAG(zero.dist == Dist::kExact ? "exact: bitwise" : "interval");
    if (zero.dist == Dist::kExact) {
        RequireSameBits(zero, rz, turned, rt, "comm_turn");
        return;
    }
    const oracle::Bounds bounds = BoundsOf(zero, AllInputs(zero));
    for (int rank = 0; rank < zero.world; ++rank) {
        RequireWithinOneInterval(bounds, DecodedOutput(zero, rz, rank, "output"), DecodedOutput(turned, rt, rank, "output"),
                                 "comm_turn");
    }
}

// W ranks against one rank holding every rank's k slice (ConcatK). Both compute the same exact
// value E (the same multiset of exact products), so each result must lie in its own interval,
// and both intervals contain RN_T(E) (what an implementation computing exactly returns; it is
// conforming under both calls), so they must overlap. The difference of the results is then
// bounded by the extents of the intervals on either side of E:
//     lo_W − hi_1 ≤ y_W − y_1 ≤ hi_W − lo_1.
// (Not |y_W − y_1| ≤ half-width_W + half-width_1: after rounding to T and the "partial rounded or
// not" union an interval need not be centred on E, and the half-width form then rejects
// conforming pairs.) The W-rank interval is wider (partials rounded to T, reduction error),
// the one-rank one has a longer k-sum. With exact data every step of both calls is exact, so
// y_W = y_1 = E bit for bit.
MC2_PROPERTY(MatmulAllReduceProperty, WorldEqualsOneRankConcatenatedK, 150) {
    spec::RcChoices ch;
    const Case c = DrawValidMaybeExact(ch);
    const std::vector<RankInputs> in = AllInputs(c);
    const Folded one = ConcatK(c, in);
    RC_LOG() << Repro(c) << "\none rank, k concatenated (data: the world case's inputs, not its seed): "
             << one.c.ToString() << "\n";
    RC_TAG("world=" + std::to_string(c.world), c.dist == Dist::kExact ? "exact: bitwise" : "interval");
    const CaseResult rw = RunKeep(c);
    RequireConforming(rw, "world case");
    if (!AllRanksSucceeded(rw)) {
        RC_TAG("refused (commTurn > 0)");
        return;
    }
    RC_ASSERT(spec::ExpectSuccessEverywhere(one.c));
    const DirectResult d = RunOneRank(one.c, one.values);
    if (!d.ok) {
        RC_FAIL("one-rank call failed: GetWorkspaceSize " + std::to_string(d.prepare_status) + ", execute " +
                std::to_string(d.execute_status) + ", sync " + std::to_string(d.sync_status) + " " + d.error);
    }
    const oracle::Bounds bw = BoundsOf(c, in);
    const oracle::Bounds b1 = BoundsOf(one.c, {one.inputs});
    const harness::CompareReport cmp = harness::Compare(b1, d.output.v);
    if (!cmp.pass) RC_FAIL("one-rank result outside its interval: " + cmp.summary);
    RC_ASSERT(bw.lo.size() == b1.lo.size());
    for (size_t e = 0; e < bw.lo.size(); ++e) {
        const bool finite = std::isfinite(bw.lo[e]) && std::isfinite(bw.hi[e]) && std::isfinite(b1.lo[e]) &&
                            std::isfinite(b1.hi[e]);
        if (finite && std::max(bw.lo[e], b1.lo[e]) > std::min(bw.hi[e], b1.hi[e])) {
            RC_FAIL(Element("oracle intervals do not overlap:", static_cast<int64_t>(e), bw.lo[e], b1.hi[e]));
        }
    }
    for (int rank = 0; rank < c.world; ++rank) {
        const oracle::Matrix yw = DecodedOutput(c, rw, rank, "output");
        RC_ASSERT(yw.v.size() == d.output.v.size());
        if (c.dist == Dist::kExact) {
            const std::vector<uint64_t> codes = OutputCodes(c, rw, rank, "output");
            for (size_t e = 0; e < codes.size(); ++e) {
                if (codes[e] != d.codes[e]) RC_FAIL(Element("exact data: world vs one rank", static_cast<int64_t>(e), yw.v[e], d.output.v[e]));
            }
            continue;
        }
        for (size_t e = 0; e < yw.v.size(); ++e) {
            if (!std::isfinite(yw.v[e]) || !std::isfinite(d.output.v[e])) continue;
            const double diff = yw.v[e] - d.output.v[e];
            if (diff < bw.lo[e] - b1.hi[e] || diff > bw.hi[e] - b1.lo[e]) {
                RC_FAIL(Element("world vs one rank", static_cast<int64_t>(e), yw.v[e], d.output.v[e]) +
                        " differ by more than the intervals' extents allow");
            }
        }
    }
}

// The same logical x2 passed contiguous or as the transposed (n, k) storage through strides
// (1, k). The values are identical, but the contract lets a kernel pick another accumulation
// order per layout, so only exact data must give the same bits; otherwise the results share
// the one interval of the identical inputs.
MC2_PROPERTY(MatmulAllReduceProperty, TransposedX2EqualsContiguous, 150) {
    spec::RcChoices ch;
    const Case drawn = DrawValidMaybeExact(ch);
    const Case plain = WithLayout(drawn, false);
    const Case trans = WithLayout(drawn, true);
    RC_LOG() << Repro(plain) << "\n" << Repro(trans) << "\n";
    RC_TAG(plain.dist == Dist::kExact ? "exact: bitwise" : "interval");
    const std::vector<RankInputs> in = AllInputs(plain);
    const std::vector<RankInputs> in_t = AllInputs(trans);
    for (int r = 0; r < plain.world; ++r) RC_ASSERT(in[static_cast<size_t>(r)].at("x2").v == in_t[static_cast<size_t>(r)].at("x2").v);
    const CaseResult rp = RunKeep(plain);
    const CaseResult rt = RunKeep(trans);
    RequireConforming(rp, "contiguous x2");
    RequireConforming(rt, "transposed x2");
    if (!AllRanksSucceeded(rp) || !AllRanksSucceeded(rt)) {
        RC_TAG("refused (commTurn > 0)");
        return;
    }
    if (plain.dist == Dist::kExact) {
        RequireSameBits(plain, rp, trans, rt, "transposed vs contiguous x2");
        return;
    }
    const oracle::Bounds bounds = BoundsOf(plain, in);
    for (int rank = 0; rank < plain.world; ++rank) {
        RequireWithinOneInterval(bounds, DecodedOutput(plain, rp, rank, "output"), DecodedOutput(trans, rt, rank, "output"),
                                 "transposed vs contiguous x2");
    }
}

// With exact data every conforming result is E, whatever order the ranks enter, straggle or
// reduce in: bit-identical across schedules, and the same on every rank.
MC2_PROPERTY(MatmulAllReduceProperty, ExactDataIgnoreTheSchedule, 100) {
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
    const std::vector<uint64_t> first = OutputCodes(base, r0, 0, "output");
    for (int rank = 1; rank < base.world; ++rank) {
        if (OutputCodes(base, r0, rank, "output") != first) RC_FAIL("rank " + std::to_string(rank) + " differs from rank 0");
    }
}

}  // namespace
}  // namespace mc2::properties
