// property_tests/trans_quant_param_properties.cc — RapidCheck metamorphic relations of
// aclnnTransQuantParamV2 / V3 against the implementation under test (through the ABI only); the
// generic properties (valid cases, every rule's code, schedules) are in generic_properties.cc.
// The inputs are a function of the seed and the tensor names, so two cases differing only in the
// operator, roundMode or out's layout convert the same scales and offsets.
//   V2EqualsV3RoundModeZero   V2 and V3 with roundMode 0 write the same words
//   OutFormKeepsWords         UINT64 vs INT64 out, contiguous vs strided out: the same words
//   RoundingStaysWithinOneUlp roundMode 1 keeps roundMode 0's word or steps its scale one fp19
//                             ulp away from zero (the code + 2^13, carry into the exponent
//                             included), except an exponent-0 scale, flushed to a signed zero
#include <cstdint>
#include <vector>

#include "property_tests/support.h"
#include "spec/case_edit.h"
#include "spec/rc_choices.h"
#include "spec/trans_quant_param/trans_quant_param.h"

namespace mc2::properties {
namespace {

using harness::Case;
using harness::CaseResult;
namespace tqp = spec::trans_quant_param;

// Every rank's layout edited by `edit`, the case turned into operator `op`.
Case With(const Case &c, const std::string &op, const std::function<void(tqp::Layout &)> &edit) {
    std::vector<spec::ParamMap> per = spec::EffectiveParams(c);
    const bool v3 = op == tqp::kOpV3;
    for (spec::ParamMap &p : per) {
        auto l = tqp::ReadLayout(p);
        if (!l) continue;
        edit(*l);
        p.erase("round_mode");
        tqp::WriteLayout(p, *l, v3);
    }
    Case out = c;
    out.op = op;
    out.params.clear();
    out.overrides.clear();
    spec::AssignPerRank(out, per);
    return out;
}

std::vector<CaseResult> RunBoth(const Case &a, const Case &b, const char *what) {
    RC_LOG() << Repro(a) << "\n" << Repro(b) << "\n";
    std::vector<CaseResult> r = {RunKeep(a), RunKeep(b)};
    RequireConforming(r[0], what);
    RequireConforming(r[1], what);
    RC_ASSERT(AllRanksSucceeded(r[0]) && AllRanksSucceeded(r[1]));
    return r;
}

MC2_PROPERTY(TransQuantParamProperty, V2EqualsV3RoundModeZero, 40) {
    spec::RcChoices ch;
    const Case drawn = spec::GenerateValid(tqp::kOpV2, ProfilePlatform(), ch, PropertyLimits());
    const Case v2 = With(drawn, tqp::kOpV2, [](tqp::Layout &) {});
    const Case v3 = With(drawn, tqp::kOpV3, [](tqp::Layout &l) { l.round_mode = 0; });
    const auto r = RunBoth(v2, v3, "V2 vs V3 roundMode 0");
    RequireSameBits(v2, r[0], v3, r[1], "V2 vs V3 roundMode 0");
}

MC2_PROPERTY(TransQuantParamProperty, OutFormKeepsWords, 40) {
    spec::RcChoices ch;
    const Case drawn = spec::GenerateValid(tqp::kOpV3, ProfilePlatform(), ch, PropertyLimits());
    const int64_t step = *rc::gen::inRange<int64_t>(1, 4);
    const Case a = With(drawn, tqp::kOpV3, [](tqp::Layout &l) {
        l.out_dtype = ACL_UINT64;
        l.out_step = 1;
    });
    const Case b = With(drawn, tqp::kOpV3, [step](tqp::Layout &l) {
        l.out_dtype = ACL_INT64;
        l.out_step = step;
    });
    const auto r = RunBoth(a, b, "UINT64 contiguous vs INT64 strided out");
    for (int rank = 0; rank < a.world; ++rank) {
        RC_ASSERT(OutputCodes(a, r[0], rank, "out") == OutputCodes(b, r[1], rank, "out"));
    }
}

MC2_PROPERTY(TransQuantParamProperty, RoundingStaysWithinOneUlp, 40) {
    spec::RcChoices ch;
    const Case drawn = spec::GenerateValid(tqp::kOpV3, ProfilePlatform(), ch, PropertyLimits());
    const Case truncated = With(drawn, tqp::kOpV3, [](tqp::Layout &l) { l.round_mode = 0; });
    const Case rounded = With(drawn, tqp::kOpV3, [](tqp::Layout &l) { l.round_mode = 1; });
    const auto r = RunBoth(truncated, rounded, "roundMode 0 vs 1");
    for (int rank = 0; rank < truncated.world; ++rank) {
        const std::vector<uint64_t> t = OutputCodes(truncated, r[0], rank, "out");
        const std::vector<uint64_t> u = OutputCodes(rounded, r[1], rank, "out");
        RC_ASSERT(t.size() == u.size());
        for (size_t i = 0; i < t.size(); ++i) {
            const uint64_t high = t[i] >> 32;  // flag and offset: the same in both modes
            RC_ASSERT((u[i] >> 32) == high);
            const uint64_t low_t = t[i] & 0xFFFFFFFFu;
            const uint64_t low_u = u[i] & 0xFFFFFFFFu;
            const uint64_t exponent = (low_t >> 23) & 0xFF;
            if (exponent == 255) continue;  // NaN / Inf: not judged (the document excludes them)
            if (exponent == 0) {
                RC_ASSERT(low_u == (low_t & 0x80000000u));
            } else {
                RC_ASSERT((low_u == low_t) || (low_u == low_t + 0x2000u));
            }
        }
    }
}

}  // namespace
}  // namespace mc2::properties
