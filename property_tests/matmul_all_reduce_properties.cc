// property_tests/matmul_all_reduce_properties.cc — RapidCheck properties of aclnnMatmulAllReduce
// and aclnnMatmulAllReduceV2 against the implementation under test (the built-in libmc2impl.so
// or MC2CONF_IMPL), reached only through the ABI. Every decision is drawn through spec::RcChoices,
// so a failing case shrinks field by field (world, dtype, shapes, layout, data) to a minimal one,
// whose `mc2conf run '<descriptor>'` line is in the failure message (RC_LOG of the minimal case).
//
// The generic properties every registered operator gets (valid cases, every rule's code, schedules,
// replicated outputs) are in generic_properties.cc; this file holds MatmulAllReduce's metamorphic
// relations:
//   CommTurnWithinContract           comm_turn 0 and comm_turn > 0 agree as the contract allows
//   WorldEqualsOneRankConcatenatedK  W ranks = one rank with k concatenated, as the contract allows
//   TransposedX2EqualsContiguous     the same x2 values through strides (1, k) or contiguous
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
    return harness::FindBinding(c.op)->bounds(c, in, "output", 0, oracle::DefaultContract());
}

// A valid case for a metamorphic relation; half the draws switch to exact-by-construction data
// (the bit-exact half of each relation).
Case DrawValidMaybeExact(spec::Choices &ch) {
    Case c = DrawValid(ch);
    if (ch.Bool()) c.dist = Dist::kExact;
    return c;
}

std::string Element(const char *name, int64_t e, double a, double b) {
    std::ostringstream ss;
    ss.precision(17);
    ss << name << " element " << e << ": " << a << " vs " << b;
    return ss.str();
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

}  // namespace
}  // namespace mc2::properties
