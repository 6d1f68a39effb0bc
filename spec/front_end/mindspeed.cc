// spec/front_end/mindspeed.cc — the front-end family of MindSpeed's npu_mm_all_reduce_add_rms_norm
// and its in-place twin npu_mm_all_reduce_add_rms_norm_: the TORCH_CHECKs of
// check_npu_mm_all_reduce_add_rms_norm_params in their order and the dispatch by dtype pair
// (spec-notes/ops.md §6.2; seed 002 calls them): floating x1 and x2 go to the plain AddRmsNorm
// API, int8 × int8 to the quant one (dequant_scale forwarded), a floating x1 with an int8 x2 to
// the weight-quant one (antiquant scale / offset and antiquant_group_size forwarded); the `_`
// function calls the in-place twin of each. The aclnn cases it dispatches are judged by
// spec/matmul_all_reduce_add_rms_norm/.
#include <optional>

#include "spec/front_end/front_end.h"
#include "spec/matmul_all_reduce_add_rms_norm/matmul_all_reduce_add_rms_norm.h"
#include "spec/quant_matmul_all_reduce/quant_matmul_all_reduce.h"

namespace mc2::spec::front_end {
namespace {

using harness::TensorSpec;

constexpr const char *kOutOfPlace = "mindspeed.ops.npu_mm_all_reduce_add_rms_norm";
constexpr const char *kInPlace = "mindspeed.ops.npu_mm_all_reduce_add_rms_norm_";
const std::string kCite = "shared/spec-notes/ops.md §6.2 (seed 002)";

bool Both(const Call &c, bool (*pred)(aclDataType)) {
    const TensorSpec *x1 = c.T("x1"), *x2 = c.T("x2");
    return x1 && x2 && pred(x1->dtype) && pred(x2->dtype);
}
bool FloatInt(const Call &c) {
    const TensorSpec *x1 = c.T("x1"), *x2 = c.T("x2");
    return x1 && x2 && IsFloating(x1->dtype) && IsIntegral(x2->dtype);
}
bool Has(const Call &c, const char *name) { return c.T(name) != nullptr; }
size_t Dim(const Call &c, const char *name) { return c.T(name) ? c.T(name)->shape.size() : 0; }
int64_t Size(const Call &c, const char *name, int i) {
    const TensorSpec *t = c.T(name);
    const int d = static_cast<int>(t->shape.size());
    return t->shape[static_cast<size_t>(i < 0 ? d + i : i)];
}

std::optional<Call> Edit(Call c, const char *name, const std::function<void(TensorSpec &)> &edit) {
    const TensorSpec *t = c.T(name);
    if (t == nullptr) return std::nullopt;
    TensorSpec copy = *t;
    edit(copy);
    c.Set(name, copy);
    return c;
}
// A valid call bent to another dtype pair (x1, x2), for the dtype-pair checks.
Call WithDtypes(Call c, aclDataType x1, aclDataType x2) {
    c = *Edit(c, "x1", [&](TensorSpec &t) { t.dtype = x1; });
    return *Edit(c, "x2", [&](TensorSpec &t) { t.dtype = x2; });
}

const std::vector<Rule> &Rules() {
    static const std::vector<Rule> rules = {
        Check("msp.arn.x1_dim", "x1 must be 2-D or 3-D.", kCite,
              [](const Call &c) { return Dim(c, "x1") < 2 || Dim(c, "x1") > 3; },
              [](Call c) {  // 4-D: leading 1s (the row count stays b·s)
                  return Edit(c, "x1", [](TensorSpec &t) {
                      while (t.shape.size() < 4) t.shape.insert(t.shape.begin(), 1);
                  });
              }),
        Check("msp.arn.x2_dim", "x2 must be 2-D.", kCite, [](const Call &c) { return Dim(c, "x2") != 2; },
              [](Call c) { return Edit(c, "x2", [](TensorSpec &t) { t.shape.insert(t.shape.begin(), 1); }); }),
        Check("msp.arn.residual_dim", "residual must be 3-D (b, s, n).", kCite, [](const Call &c) { return Dim(c, "residual") != 3; },
              [](Call c) { return Edit(c, "residual", [](TensorSpec &t) { t.shape = {t.shape[0] * t.shape[1], t.shape[2]}; }); }),
        Check("msp.arn.gamma_dim", "gamma must be 1-D (n).", kCite, [](const Call &c) { return Dim(c, "gamma") != 1; },
              [](Call c) { return Edit(c, "gamma", [](TensorSpec &t) { t.shape.insert(t.shape.begin(), 1); }); }),
        Check("msp.arn.k", "x1.size(-1) must equal x2.size(0).", kCite,
              [](const Call &c) { return Size(c, "x1", -1) != Size(c, "x2", 0); },
              [](Call c) { return Edit(c, "x1", [](TensorSpec &t) { t.shape.back() += 16; }); }),
        Check("msp.arn.bs", "x1's row count (b·s) must equal residual.size(0)·residual.size(1).", kCite,
              [](const Call &c) {
                  int64_t m = 1;
                  for (size_t i = 0; i + 1 < c.T("x1")->shape.size(); ++i) m *= c.T("x1")->shape[i];
                  return m != Size(c, "residual", 0) * Size(c, "residual", 1);
              },
              [](Call c) { return Edit(c, "residual", [](TensorSpec &t) { t.shape[1] += 1; }); }),
        Check("msp.arn.n", "x2.size(-1) must equal residual.size(-1).", kCite,
              [](const Call &c) { return Size(c, "x2", -1) != Size(c, "residual", -1); },
              [](Call c) {
                  c = *Edit(c, "residual", [](TensorSpec &t) { t.shape.back() += 8; });
                  return Edit(c, "gamma", [](TensorSpec &t) { t.shape.back() += 8; });
              }),
        Check("msp.arn.gamma_n", "residual.size(-1) must equal gamma.size(0).", kCite,
              [](const Call &c) { return Size(c, "residual", -1) != Size(c, "gamma", 0); },
              [](Call c) { return Edit(c, "gamma", [](TensorSpec &t) { t.shape.back() += 8; }); }),
        Check("msp.arn.quant.int8", "x1 and x2 both integral: both must be int8.", kCite,
              [](const Call &c) { return Both(c, IsIntegral) && (c.T("x1")->dtype != ACL_INT8 || c.T("x2")->dtype != ACL_INT8); },
              [](Call c) { return std::optional<Call>{WithDtypes(c, ACL_INT16, ACL_INT8)}; }),
        Check("msp.arn.quant.antiquant", "x1 and x2 int8: antiquant_scale and antiquant_offset must be None.", kCite,
              [](const Call &c) { return Both(c, IsIntegral) && (Has(c, "antiquant_scale") || Has(c, "antiquant_offset")); },
              [](Call c) {
                  c = WithDtypes(c, ACL_INT8, ACL_INT8);
                  c.Set("antiquant_scale", Tensor(ACL_FLOAT16, {Size(c, "x2", -1)}));
                  return std::optional<Call>{c};
              }),
        Check("msp.arn.wq.int8", "x1 floating and x2 integral: x2 must be int8.", kCite,
              [](const Call &c) { return FloatInt(c) && c.T("x2")->dtype != ACL_INT8; },
              [](Call c) { return std::optional<Call>{WithDtypes(c, c.T("x1")->dtype, ACL_INT16)}; }),
        Check("msp.arn.wq.dequant", "x1 floating and x2 int8: dequant_scale must be None.", kCite,
              [](const Call &c) { return FloatInt(c) && Has(c, "dequant_scale"); },
              [](Call c) {
                  c = WithDtypes(c, c.T("x1")->dtype, ACL_INT8);
                  c.Set("antiquant_scale", Tensor(c.T("x1")->dtype, {Size(c, "x2", -1)}));
                  c.Set("dequant_scale", Tensor(ACL_FLOAT, {Size(c, "x2", -1)}));
                  return std::optional<Call>{c};
              }),
        Check("msp.arn.float.quant_args",
              "x1 and x2 floating: antiquant_scale, antiquant_offset and dequant_scale must all be None.", kCite,
              [](const Call &c) {
                  return Both(c, IsFloating) &&
                         (Has(c, "antiquant_scale") || Has(c, "antiquant_offset") || Has(c, "dequant_scale"));
              },
              [](Call c) {
                  c.Set("dequant_scale", Tensor(ACL_FLOAT, {Size(c, "x2", -1)}));
                  return std::optional<Call>{c};
              }),
        Check("msp.arn.dtype_pair", "Any other x1/x2 dtype pair (an integral x1 with a floating x2) is refused.", kCite,
              [](const Call &c) { return !Both(c, IsIntegral) && !Both(c, IsFloating) && !FloatInt(c); },
              [](Call c) { return std::optional<Call>{WithDtypes(c, ACL_INT8, c.T("x2")->dtype)}; }),
        Route("msp.arn.route.float",
              "x1, x2 floating → aclnnMatmulAllReduceAddRmsNorm (the `_` variant: aclnnInplaceMatmulAllReduceAddRmsNorm, y "
              "written into residual), stream_mode = 1, epsilon, reduce_op and comm_turn forwarded.",
              kCite, [](const Call &c) { return Both(c, IsFloating); }),
        Route("msp.arn.route.quant",
              "x1, x2 int8 → aclnnQuantMatmulAllReduceAddRmsNorm (the `_` variant: "
              "aclnnInplaceQuantMatmulAllReduceAddRmsNorm) with bias and dequant_scale as given, stream_mode = 1, "
              "epsilon, reduce_op and comm_turn forwarded.",
              kCite, [](const Call &c) { return Both(c, IsIntegral); }),
        Route("msp.arn.route.wq",
              "x1 floating, x2 int8 → aclnnWeightQuantMatmulAllReduceAddRmsNorm (the `_` variant: "
              "aclnnInplaceWeightQuantMatmulAllReduceAddRmsNorm) with bias, antiquant_scale, antiquant_offset as "
              "given and antiquant_group_size forwarded, stream_mode = 1.",
              kCite, FloatInt),
    };
    return rules;
}

// Where each route goes, out of place and in place (the `_` function): x1, x2, residual, gamma and
// bias by their names, and the variant's scales.
const std::vector<RouteTarget> &Targets() {
    namespace arn = matmul_all_reduce_add_rms_norm;
    static const std::vector<RouteTarget> targets = [] {
        const std::map<std::string, std::string> plain = {
            {"x1", "x1"}, {"x2", "x2"}, {"residual", "residual"}, {"gamma", "gamma"}, {"bias", "bias"}};
        std::map<std::string, std::string> quant = plain, wq = plain;
        quant["dequant_scale"] = "dequant_scale";
        wq["antiquant_scale"] = "antiquant_scale";
        wq["antiquant_offset"] = "antiquant_offset";
        return std::vector<RouteTarget>{{"msp.arn.route.float", kOutOfPlace, arn::kArn, plain},
                                        {"msp.arn.route.float", kInPlace, arn::kInplace, plain},
                                        {"msp.arn.route.quant", kOutOfPlace, arn::kQuant, quant},
                                        {"msp.arn.route.quant", kInPlace, arn::kInplaceQuant, quant},
                                        {"msp.arn.route.wq", kOutOfPlace, arn::kWeightQuant, wq},
                                        {"msp.arn.route.wq", kInPlace, arn::kInplaceWeightQuant, wq}};
    }();
    return targets;
}

Dispatch DispatchCall(const Call &c, std::string *route) {
    *route = FirstRoute(Rules(), c);
    const RouteTarget &target = FindTarget(Targets(), *route, c);
    // epsilon as given (1e-6 otherwise); antiquant_group_size reaches the weight-quant APIs only.
    const Arg *eps = c.Find("epsilon");
    harness::ParamMap attrs = CommAttrs(c);
    attrs["epsilon"] = eps ? harness::Value(std::get<double>(*eps)) : harness::Value(1e-6);
    attrs["antiquant_group_size"] = c.I("antiquant_group_size");
    const TensorSpec &residual = *c.T("residual");
    const TensorSpec out = Tensor(residual.dtype, residual.shape);
    if (c.function == kInPlace) {
        return ToApi(c, target.op, target.tensor_args, attrs, {{"norm_out", out}}, {"residual", "norm_out"});
    }
    return ToApi(c, target.op, target.tensor_args, attrs, {{"y", out}, {"norm_out", out}}, {"y", "norm_out"});
}

// The int64 dequant codes of fp32 scales (TransQuantParamV2's packing, ops.md §3), one per channel:
// what a MindSpeed user passes after torch_npu.npu_trans_quant_param.
TensorSpec PackedScale(int64_t n) {
    TensorSpec t = Tensor(ACL_INT64, {n});
    const float scales[] = {0.125f, 0.25f, 0.0625f};
    for (int64_t i = 0; i < n; ++i) t.values.push_back(quant_matmul_all_reduce::PackScaleCode(scales[i % 3], false));
    return t;
}

Call Base(const char *function, uint64_t seed, aclDataType dtype, std::vector<int64_t> x1) {
    Call c;
    c.function = function;
    c.seed = seed;
    c.args = {{"x1", Tensor(dtype, std::move(x1))}, {"x2", Tensor(dtype, {32, 24})},
              {"residual", Tensor(dtype, {2, 8, 24})}, {"gamma", Tensor(dtype, {24})},
              {"hcom", Group{}}, {"reduce_op", std::string("sum")}, {"epsilon", 1e-6}};
    return c;
}

std::vector<Call> ValidCalls() {
    Call with_bias = Base(kOutOfPlace, 22, ACL_BF16, {16, 32});
    with_bias.Set("bias", Tensor(ACL_BF16, {24}));
    // int8 × int8, float16 residual, int64 per-channel dequant codes and an int32 bias.
    Call quant = Base(kOutOfPlace, 24, ACL_INT8, {16, 32});
    quant.Set("residual", Tensor(ACL_FLOAT16, {2, 8, 24}));
    quant.Set("gamma", Tensor(ACL_FLOAT16, {24}));
    quant.Set("bias", Tensor(ACL_INT32, {24}));
    quant.Set("dequant_scale", PackedScale(24));
    // In place, bfloat16 residual: a bfloat16 per-tensor dequant scale.
    Call quant_in_place = Base(kInPlace, 25, ACL_INT8, {2, 8, 32});
    quant_in_place.Set("residual", Tensor(ACL_BF16, {2, 8, 24}));
    quant_in_place.Set("gamma", Tensor(ACL_BF16, {24}));
    quant_in_place.Set("dequant_scale", Tensor(ACL_BF16, {1}));
    // A16W8 per channel with an offset; in place per group (G = 32, k = 64) in bfloat16.
    Call wq = Base(kOutOfPlace, 26, ACL_FLOAT16, {16, 32});
    wq.Set("x2", Tensor(ACL_INT8, {32, 24}));
    wq.Set("antiquant_scale", Tensor(ACL_FLOAT16, {24}));
    wq.Set("antiquant_offset", Tensor(ACL_FLOAT16, {24}));
    Call wq_group = Base(kInPlace, 27, ACL_BF16, {2, 8, 64});
    wq_group.Set("x2", Tensor(ACL_INT8, {64, 24}));
    wq_group.Set("antiquant_scale", Tensor(ACL_BF16, {2, 24}));
    wq_group.Set("antiquant_group_size", int64_t{32});
    return {Base(kOutOfPlace, 21, ACL_FLOAT16, {2, 8, 32}), with_bias, Base(kInPlace, 23, ACL_FLOAT16, {2, 8, 32}),
            quant, quant_in_place, wq, wq_group};
}

}  // namespace

Family MindSpeedFamily() {
    Family f;
    f.name = "mindspeed";
    f.framework = "MindSpeed";
    f.functions = {kOutOfPlace, kInPlace};
    f.rules = &Rules();
    f.valid_calls = ValidCalls;
    f.dispatch = DispatchCall;
    f.decisions = {
        "The checks are check_npu_mm_all_reduce_add_rms_norm_params' TORCH_CHECKs and the op file's dtype dispatch "
        "(ops.md §6.2); epsilon, reduce_op and the world size are not checked by MindSpeed (the aclnn API and its "
        "tiling are).",
        "The quant and weight-quant routes forward dequant_scale / antiquant_scale, antiquant_offset and "
        "antiquant_group_size as given: MindSpeed checks none of them beyond the dtype pair (a missing scale or "
        "a bad group size is the aclnn API's refusal); its weight-quant check admits an int8 x2 only "
        "(msp.arn.wq.int8): the INT4 weights aclnnWeightQuantMatmulAllReduceAddRmsNorm accepts are not reachable "
        "through MindSpeed.",
    };
    return f;
}

}  // namespace mc2::spec::front_end
