// property_tests/matmul_all_reduce_add_rms_norm_properties.cc — RapidCheck metamorphic relations of
// aclnn[Quant|WeightQuant]MatmulAllReduceAddRmsNorm and the in-place variants against the
// implementation under test
// (reached only through the ABI; the generic properties already cover valid cases, every rule's
// code and schedules):
//   InplaceEqualsOutOfPlace           the in-place call (of each variant) is documented as the
//                                     out-of-place call with y = residual (ops.md §6.1): residual
//                                     after it holds y's bits, normOut the same bits
//   PowerOfTwoGammaScalesNormOut      normOut = round_T(round_T(y·rstd)·γ): γ·2^e gives normOut·2^e
//                                     exactly wherever nothing under- or overflows (each of the six
//                                     APIs: the AddRmsNorm pass is the same after every matmul)
//   ZeroRowsGiveZeroNormOut           a row whose y is all zero normalises to zero (rstd = 1/sqrt(ε)),
//                                     for each of the six APIs (a zero x1 row gives a zero mm row
//                                     after any dequantisation, INT4 weights included)
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "property_tests/support.h"
#include "spec/case_edit.h"
#include "spec/matmul_all_reduce_add_rms_norm/matmul_all_reduce_add_rms_norm.h"
#include "spec/rc_choices.h"

namespace mc2::properties {
namespace {

using harness::Case;
using harness::CaseResult;
namespace arn = spec::matmul_all_reduce_add_rms_norm;

// A valid case of one of the six APIs (drawn), at most `max_world` ranks.
Case DrawValid(spec::Choices &ch, int max_world) {
    spec::Limits limits = PropertyLimits();
    limits.max_world = max_world;
    const char *op = *rc::gen::element(arn::kArn, arn::kInplace, arn::kQuant, arn::kInplaceQuant, arn::kWeightQuant,
                                       arn::kInplaceWeightQuant);
    RC_TAG(op);
    return spec::GenerateValid(op, ProfilePlatform(), ch, limits);
}

// The same call through the in-place API: y dropped, everything else (and so every input value:
// the fill depends on seed, rank and name) kept.
Case InPlaceOf(const Case &c) {
    std::vector<spec::ParamMap> per = spec::EffectiveParams(c);
    for (spec::ParamMap &p : per) p.erase("y");
    Case out = c;
    out.op = c.op == arn::kQuant         ? arn::kInplaceQuant
             : c.op == arn::kWeightQuant ? arn::kInplaceWeightQuant
                                         : arn::kInplace;
    spec::AssignPerRank(out, per);
    return out;
}

MC2_PROPERTY(AddRmsNormProperty, InplaceEqualsOutOfPlace, 40) {
    spec::RcChoices ch;
    const char *op = *rc::gen::element(arn::kArn, arn::kQuant, arn::kWeightQuant);
    spec::Limits limits = PropertyLimits();
    limits.max_world = 8;
    const Case out_of_place = spec::GenerateValid(op, ProfilePlatform(), ch, limits);
    const Case in_place = InPlaceOf(out_of_place);
    RC_TAG(op);
    RC_LOG() << Repro(out_of_place) << "\n" << Repro(in_place) << "\n";
    const CaseResult ro = RunKeep(out_of_place);
    const CaseResult ri = RunKeep(in_place);
    RequireConforming(ro, "out of place");
    RequireConforming(ri, "in place");
    RC_ASSERT(AllRanksSucceeded(ro) == AllRanksSucceeded(ri));
    if (!AllRanksSucceeded(ro)) {
        RC_TAG("refused (commTurn > 0)");
        return;
    }
    for (int rank = 0; rank < out_of_place.world; ++rank) {
        RC_ASSERT(OutputCodes(out_of_place, ro, rank, "y") == OutputCodes(in_place, ri, rank, "residual"));
        RC_ASSERT(OutputCodes(out_of_place, ro, rank, "norm_out") == OutputCodes(in_place, ri, rank, "norm_out"));
    }
}

// The out-of-place twin of an in-place case (y beside residual), the case itself otherwise.
Case OutOfPlaceOf(const Case &c) {
    if (!arn::IsInPlace(c.op)) return c;
    std::vector<spec::ParamMap> per = spec::EffectiveParams(c);
    for (spec::ParamMap &p : per) p["y"] = *spec::TensorIn(p, "residual");
    Case out = c;
    out.op = c.op == arn::kInplaceQuant         ? arn::kQuant
             : c.op == arn::kInplaceWeightQuant ? arn::kWeightQuant
                                                : arn::kArn;
    spec::AssignPerRank(out, per);
    return out;
}

// The world-1 inputs of `c` as explicit values (y and normOut included: overwritten by the call).
// An in-place API declares residual an output: its values are drawn as the out-of-place twin's.
std::map<std::string, std::vector<double>> ValuesOf(const Case &c) {
    std::map<std::string, std::vector<double>> v;
    for (const auto &[name, m] : InputsOf(OutOfPlaceOf(c), 0)) v[name] = m.v;
    // Explicit values (the quant dequantScale's packed codes) are the case's, not a fill's.
    for (auto &[name, values] : v) {
        const harness::TensorSpec *t = c.Tensor(0, name);
        if (t != nullptr && !t->values.empty()) values.assign(t->values.begin(), t->values.end());
    }
    const harness::TensorSpec *res = c.Tensor(0, "residual");
    v["y"] = std::vector<double>(static_cast<size_t>(res->NumElements()), 0.0);
    v["norm_out"] = v["y"];
    return v;
}

double MinNormal(aclDataType t) { return t == ACL_BF16 ? 0x1p-126 : 0x1p-14; }
double MaxFinite(aclDataType t) { return t == ACL_BF16 ? 0x1.FEp127 : 65504.0; }

MC2_PROPERTY(AddRmsNormProperty, PowerOfTwoGammaScalesNormOut, 40) {
    spec::RcChoices ch;
    const Case c = DrawValid(ch, 1);
    const int e = *rc::gen::element(-3, -1, 1, 2, 3);
    const aclDataType t = c.Tensor(0, "residual")->dtype;
    RC_LOG() << Repro(c) << "\ngamma scaled by 2^" << e << "\n";
    std::map<std::string, std::vector<double>> values = ValuesOf(c);
    std::map<std::string, std::vector<double>> scaled = values;
    for (double &g : scaled["gamma"]) {
        g = std::ldexp(g, e);
        // A γ that leaves T's normal range would be rounded: keep the original there.
        if (g != 0.0 && (std::fabs(g) < MinNormal(t) || std::fabs(g) > MaxFinite(t))) RC_DISCARD("gamma out of range");
    }
    const DirectResult a = RunOneRank(c, values, "norm_out");
    const DirectResult b = RunOneRank(c, scaled, "norm_out");
    if (!a.ok || !b.ok) RC_FAIL("the call failed: " + (a.ok ? b.error : a.error));
    RC_ASSERT(a.output.v.size() == b.output.v.size());
    int compared = 0;
    for (size_t i = 0; i < a.output.v.size(); ++i) {
        const double want = std::ldexp(a.output.v[i], e);
        if (!std::isfinite(a.output.v[i]) || std::fabs(a.output.v[i]) < 2 * MinNormal(t) ||
            std::fabs(want) < 2 * MinNormal(t) || std::fabs(want) > MaxFinite(t) / 2) {
            continue;
        }
        ++compared;
        if (b.output.v[i] != want) {
            RC_FAIL("normOut element " + std::to_string(i) + ": " + std::to_string(b.output.v[i]) + " with γ·2^" +
                    std::to_string(e) + ", " + std::to_string(a.output.v[i]) + "·2^" + std::to_string(e) + " expected");
        }
    }
    RC_TAG(compared > 0 ? "compared" : "nothing in range");
}

MC2_PROPERTY(AddRmsNormProperty, ZeroRowsGiveZeroNormOut, 40) {
    spec::RcChoices ch;
    Case c = DrawValid(ch, 1);
    // No bias (it would make the row's mm non-zero): x1's row and residual's row zero give y = 0.
    c.Set("bias", harness::Null{});
    RC_LOG() << Repro(c) << "\n";
    std::map<std::string, std::vector<double>> values = ValuesOf(c);
    const harness::TensorSpec *res = c.Tensor(0, "residual");
    const harness::TensorSpec *x1 = c.Tensor(0, "x1");
    const int64_t n = res->shape.back(), k = x1->shape.back();
    const int64_t rows = res->NumElements() / n;
    for (int64_t i = 0; i < rows; i += 2) {
        for (int64_t q = 0; q < k; ++q) values["x1"][static_cast<size_t>(i * k + q)] = 0.0;
        for (int64_t j = 0; j < n; ++j) values["residual"][static_cast<size_t>(i * n + j)] = 0.0;
    }
    const DirectResult r = RunOneRank(c, values, "norm_out");
    if (!r.ok) RC_FAIL("the call failed: " + r.error);
    for (int64_t i = 0; i < rows; i += 2) {
        for (int64_t j = 0; j < n; ++j) RC_ASSERT(r.output.v[static_cast<size_t>(i * n + j)] == 0.0);
    }
}

}  // namespace
}  // namespace mc2::properties
