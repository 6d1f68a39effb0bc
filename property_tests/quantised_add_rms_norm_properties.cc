// property_tests/quantised_add_rms_norm_properties.cc — RapidCheck metamorphic relations of
// aclnnQuantMatmulAllReduceAddRmsNorm and aclnnWeightQuantMatmulAllReduceAddRmsNorm against the
// implementation under test (through the ABI only): on data whose dequantisation is exact, the
// quantised call equals the plain aclnnMatmulAllReduceAddRmsNorm on the dequantised operands.
//   QuantEqualsPlainOnDequantisedData        dequantScale of powers of two (per tensor or per
//                                            channel): s·(x1 @ x2) is exact in fp32 before its one
//                                            rounding to T, as x1 @ (x2·s) is in the plain call
//   WeightQuantEqualsPlainOnDequantisedData  antiquantScale of powers of two, small integer
//                                            offsets and x1: (x2 + o)·s is exact in T and every
//                                            k-sum exact in fp32, so mm matches the plain call's
//                                            (INT8 and INT4 weights, half each)
// y = round_T(mm + residual) is then the same bits; normOut may differ by one ulp of T (the
// contract leaves the order of the fp32 sum of squares free, oracle/contract.md).
#include <bit>
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
namespace arn = spec::matmul_all_reduce_add_rms_norm;
using Values = std::map<std::string, std::vector<double>>;

// A world-1 case of `op` without bias, and its plain twin (same geometry, x2 of T, no scales).
struct Pair {
    Case quantised;
    Case plain;
    arn::Geometry g;
};

Pair Draw(spec::Choices &ch, const char *op) {
    spec::Limits limits = PropertyLimits();
    limits.max_world = 1;
    Pair out;
    out.quantised = spec::GenerateValid(op, ProfilePlatform(), ch, limits);
    std::vector<spec::ParamMap> per = spec::EffectiveParams(out.quantised);
    auto g = arn::ReadGeometry(per[0]);
    RC_ASSERT(g.has_value());
    g->bias = false;  // an arbitrary bias would make the k-sum inexact
    arn::WriteGeometry(per[0], *g, op);
    spec::AssignPerRank(out.quantised, per);
    spec::ParamMap plain = per[0];
    for (const char *name : {"dequant_scale", "antiquant_scale", "antiquant_offset", "antiquant_group_size"}) {
        plain.erase(name);
    }
    arn::WriteGeometry(plain, *g, arn::kArn);
    out.plain = out.quantised;
    out.plain.op = arn::kArn;
    spec::AssignPerRank(out.plain, {plain});
    out.g = *g;
    return out;
}

Values ValuesOf(const Case &c) {
    Values v;
    for (const auto &[name, m] : InputsOf(c, 0)) v[name] = m.v;
    const harness::TensorSpec *res = c.Tensor(0, "residual");
    v["y"] = std::vector<double>(static_cast<size_t>(res->NumElements()), 0.0);
    v["norm_out"] = v["y"];
    return v;
}

// One unit in the last place of T at |v| (T's smallest subnormal step below its normal range).
double Ulp(aclDataType t, double v) {
    const int mantissa = t == ACL_BF16 ? 7 : 10;
    const int min_exp = t == ACL_BF16 ? -126 : -14;
    const int e = v == 0.0 ? min_exp : std::max(static_cast<int>(std::floor(std::log2(std::fabs(v)))), min_exp);
    return std::ldexp(1.0, e - mantissa);
}

// The plain call's residual and gamma are the quantised call's: their fill depends on the
// operator's dtypes (an INT4 x2 draws other residual values than a float16 one).
void RequireSame(const Pair &p, const Values &quantised, Values plain) {
    plain["residual"] = quantised.at("residual");
    plain["gamma"] = quantised.at("gamma");
    const aclDataType t = p.g.dtype;
    for (const char *output : {"y", "norm_out"}) {
        const DirectResult a = RunOneRank(p.quantised, quantised, output);
        const DirectResult b = RunOneRank(p.plain, plain, output);
        RC_ASSERT(a.ok);
        RC_ASSERT(b.ok);
        RC_ASSERT(a.codes.size() == b.codes.size());
        for (size_t i = 0; i < a.codes.size(); ++i) {
            if (a.codes[i] == b.codes[i]) continue;
            const double x = a.output.v[i], y = b.output.v[i];
            const bool near = std::string(output) == "norm_out" && std::isfinite(x) && std::isfinite(y) &&
                              std::fabs(x - y) <= Ulp(t, std::max(std::fabs(x), std::fabs(y)));
            if (!near) {
                RC_FAIL(std::string(output) + " element " + std::to_string(i) + ": " + std::to_string(x) +
                        " quantised, " + std::to_string(y) + " plain on the dequantised data");
            }
        }
    }
}

MC2_PROPERTY(QuantisedAddRmsNormProperty, QuantEqualsPlainOnDequantisedData, 30) {
    spec::RcChoices ch;
    const Pair p = Draw(ch, arn::kQuant);
    RC_LOG() << Repro(p.quantised) << "\n" << Repro(p.plain) << "\n";
    Values q = ValuesOf(p.quantised);
    Values plain = ValuesOf(p.plain);
    const harness::TensorSpec *scale = p.quantised.Tensor(0, "dequant_scale");
    RC_ASSERT(scale != nullptr);
    const bool codes = scale->dtype == ACL_UINT64 || scale->dtype == ACL_INT64;
    // Powers of two: exact as an fp19 fixpipe scale (ops.md §3) and as an fp32 / bf16 factor.
    std::vector<double> s(static_cast<size_t>(scale->NumElements()));
    for (size_t j = 0; j < s.size(); ++j) {
        s[j] = std::ldexp(1.0, -*rc::gen::inRange(0, 9));
        q["dequant_scale"][j] =
            codes ? static_cast<double>((uint64_t{1} << 46) | std::bit_cast<uint32_t>(static_cast<float>(s[j]))) : s[j];
    }
    const int64_t n = p.g.n;
    std::vector<double> &x2 = plain["x2"];
    for (size_t i = 0; i < x2.size(); ++i) x2[i] = q["x2"][i] * s[s.size() == 1 ? 0 : i % static_cast<size_t>(n)];
    plain["x1"] = q["x1"];
    RequireSame(p, q, plain);
}

MC2_PROPERTY(QuantisedAddRmsNormProperty, WeightQuantEqualsPlainOnDequantisedData, 30) {
    spec::RcChoices ch;
    const Pair p = Draw(ch, arn::kWeightQuant);
    RC_TAG(p.g.weight == ACL_INT4 ? "A16W4" : "A16W8");
    RC_LOG() << Repro(p.quantised) << "\n" << Repro(p.plain) << "\n";
    Values w = ValuesOf(p.quantised);
    Values plain = ValuesOf(p.plain);
    for (double &v : w["x1"]) v = std::round(std::fmax(-16.0, std::fmin(16.0, v * 4.0)));
    plain["x1"] = w["x1"];
    std::vector<double> &scale = w["antiquant_scale"];
    for (double &v : scale) v = std::ldexp(1.0, -*rc::gen::inRange(0, 9));
    const bool offset = w.count("antiquant_offset") != 0;
    if (offset) {
        for (double &v : w["antiquant_offset"]) v = *rc::gen::inRange(-8, 9);
    }
    const int64_t k = p.g.k, n = p.g.n, group = p.g.form == arn::ScaleForm::kGroup ? p.g.group_size : 0;
    auto at = [&](const std::vector<double> &m, int64_t q, int64_t j) {
        if (m.size() == 1) return m[0];
        return m[static_cast<size_t>((group > 0 ? q / group : 0) * n + j)];
    };
    for (int64_t q = 0; q < k; ++q) {
        for (int64_t j = 0; j < n; ++j) {
            const size_t i = static_cast<size_t>(q * n + j);
            const double o = offset ? at(w["antiquant_offset"], q, j) : 0.0;
            plain["x2"][i] = (w["x2"][i] + o) * at(scale, q, j);
        }
    }
    RequireSame(p, w, plain);
}

}  // namespace
}  // namespace mc2::properties
