// property_tests/all_gather_matmul_properties.cc — RapidCheck metamorphic relations of
// aclnnAllGatherMatmul against the implementation under test (through the ABI only); the
// generic properties (valid cases, every rule's code, schedules) are in generic_properties.cc.
//   TransposedX2EqualsContiguous   the same x2 values through strides (1, k) or contiguous
//   GatherOutFormKeepsOutput       gatherOut given in full, empty (shape (0)) or null
// As for MatmulAllReduce (see matmul_all_reduce_properties.cc), the contract leaves the
// accumulation order open: on exact-by-construction data both runs must give the same bits; on
// any other distribution both lie in the one interval of the shared inputs (rank by rank, since
// each rank multiplies by its own x2).
#include <cmath>
#include <sstream>

#include "harness/ops/registry.h"
#include "oracle/contract.h"
#include "property_tests/support.h"
#include "spec/all_gather_matmul/all_gather_matmul.h"
#include "spec/case_edit.h"
#include "spec/rc_choices.h"

namespace mc2::properties {
namespace {

using harness::Case;
using harness::CaseResult;
using harness::Dist;
using harness::RankInputs;
namespace agm = spec::all_gather_matmul;

Case DrawValidMaybeExact(spec::Choices &ch) {
    Case c = spec::GenerateValid(agm::kOp, ProfilePlatform(), ch, PropertyLimits());
    if (ch.Bool()) c.dist = Dist::kExact;
    return c;
}

// Every rank's geometry edited by `edit` (values are a function of the view shape: they stay).
Case WithGeometry(const Case &c, const std::function<void(agm::Geometry &)> &edit) {
    std::vector<spec::ParamMap> per = spec::EffectiveParams(c);
    for (spec::ParamMap &p : per) {
        auto g = agm::ReadGeometry(p, c.world);
        if (!g) continue;
        edit(*g);
        agm::WriteGeometry(p, *g);
    }
    Case out = c;
    spec::AssignPerRank(out, per);
    return out;
}

// Both runs' outputs of every rank inside rank r's interval, so no further apart than its width.
void RequireOutputsWithinIntervals(const Case &a, const CaseResult &ra, const Case &b, const CaseResult &rb,
                                   const char *what) {
    std::vector<RankInputs> in;
    for (int r = 0; r < a.world; ++r) in.push_back(InputsOf(a, r));
    const harness::OpBinding *binding = harness::FindBinding(a.op);
    for (int rank = 0; rank < a.world; ++rank) {
        const oracle::Bounds bounds = binding->bounds(a, in, "output", rank, oracle::DefaultContract());
        const oracle::Matrix x = DecodedOutput(a, ra, rank, "output");
        const oracle::Matrix y = DecodedOutput(b, rb, rank, "output");
        RC_ASSERT(x.v.size() == y.v.size());
        for (size_t e = 0; e < x.v.size() && e < bounds.lo.size(); ++e) {
            if (!std::isfinite(x.v[e]) || !std::isfinite(y.v[e])) continue;  // classes: judged by the runner
            if (std::fabs(x.v[e] - y.v[e]) > bounds.hi[e] - bounds.lo[e]) {
                std::ostringstream ss;
                ss.precision(17);
                ss << what << ": rank " << rank << " element " << e << ": " << x.v[e] << " vs " << y.v[e]
                   << " differ by more than the interval width";
                RC_FAIL(ss.str());
            }
        }
    }
}

void RequireRelation(const Case &a, const Case &b, const char *what) {
    RC_LOG() << Repro(a) << "\n" << Repro(b) << "\n";
    RC_TAG(a.dist == Dist::kExact ? "exact: bitwise" : "interval");
    const CaseResult ra = RunKeep(a);
    const CaseResult rb = RunKeep(b);
    RequireConforming(ra, what);
    RequireConforming(rb, what);
    RC_ASSERT(AllRanksSucceeded(ra) && AllRanksSucceeded(rb));
    if (a.dist == Dist::kExact) {
        // Only `output` is compared: the other output's form differs in one of the relations.
        for (int r = 0; r < a.world; ++r) {
            RC_ASSERT(OutputCodes(a, ra, r, "output") == OutputCodes(b, rb, r, "output"));
        }
        return;
    }
    RequireOutputsWithinIntervals(a, ra, b, rb, what);
}

MC2_PROPERTY(AllGatherMatmulProperty, TransposedX2EqualsContiguous, 60) {
    spec::RcChoices ch;
    const Case drawn = DrawValidMaybeExact(ch);
    const Case plain = WithGeometry(drawn, [](agm::Geometry &g) { g.transposed = false; });
    const Case trans = WithGeometry(drawn, [](agm::Geometry &g) { g.transposed = true; });
    RequireRelation(plain, trans, "transposed vs contiguous x2");
}

MC2_PROPERTY(AllGatherMatmulProperty, GatherOutFormKeepsOutput, 60) {
    spec::RcChoices ch;
    const Case drawn = DrawValidMaybeExact(ch);
    const agm::GatherOut form = ch.Pick(std::vector<agm::GatherOut>{agm::GatherOut::kEmpty, agm::GatherOut::kNull});
    const Case full = WithGeometry(drawn, [](agm::Geometry &g) { g.gather = agm::GatherOut::kFull; });
    const Case other = WithGeometry(drawn, [form](agm::Geometry &g) { g.gather = form; });
    RequireRelation(full, other, "gatherOut full vs empty/null");
}

}  // namespace
}  // namespace mc2::properties
