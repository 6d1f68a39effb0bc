// spec/front_end/torch_npu.cc — the front-end family of torch_npu.npu_mm_all_reduce_base: the
// op-plugin's TORCH_CHECKs in their order, and its dispatch to aclnnMatmulAllReduce / V2,
// aclnnQuantMatmulAllReduce V1 / V2 / V3 / V4 and aclnnWeightQuantMatmulAllReduce (spec-notes/ops.md
// §2.6; seed 000 calls it). The aclnn cases it dispatches are judged by spec/matmul_all_reduce/,
// spec/quant_matmul_all_reduce/, spec/quant_matmul_all_reduce_v4/ and
// spec/weight_quant_matmul_all_reduce/.
#include <optional>

#include "harness/dtype_names.h"
#include "spec/front_end/front_end.h"
#include "spec/quant_matmul_all_reduce/quant_matmul_all_reduce.h"

namespace mc2::spec::front_end {
namespace {

using harness::TensorSpec;

constexpr const char *kFunction = "torch_npu.npu_mm_all_reduce_base";
const std::string kCite = "shared/spec-notes/ops.md §2.6";
// The V4 route: ops.md §2.6 (fp8/fp4 inputs), the op-plugin's npu_mm_all_reduce_base (is_a8 / is_a4).
const std::string kCiteV4 = "shared/spec-notes/ops.md §2.6 (fp8/fp4 → V4); op-plugin npu_mm_all_reduce_base";
constexpr int64_t kGroupSizeMax = 65535;

// ---- reading a call the way the op-plugin does ----
bool Both(const Call &c, bool (*pred)(aclDataType)) {
    const TensorSpec *x1 = c.T("x1"), *x2 = c.T("x2");
    return x1 && x2 && pred(x1->dtype) && pred(x2->dtype);
}
bool FloatInt(const Call &c) {
    const TensorSpec *x1 = c.T("x1"), *x2 = c.T("x2");
    return x1 && x2 && !IsIntegral(x1->dtype) && IsIntegral(x2->dtype);
}
bool Has(const Call &c, const char *name) { return c.T(name) != nullptr; }

// ---- the low-bit inputs (ops.md §2.6: fp8/fp4 inputs route to aclnnQuantMatmulAllReduceV4) ----
// A *_dtype kwarg (x1_dtype, y_dtype, ...): torch_npu takes its own dtype enum and maps it 1:1 to
// an aclDataType (c10_npu::GetAclDataType); the family carries that aclDataType's name.
std::optional<aclDataType> DtypeArg(const Call &c, const char *name) {
    const Arg *a = c.Find(name);
    const auto *s = a ? std::get_if<std::string>(a) : nullptr;
    return s ? harness::ParseDtype(*s) : std::nullopt;
}
bool TorchFp8(const TensorSpec *t) {
    return t && (t->dtype == ACL_FLOAT8_E4M3FN || t->dtype == ACL_FLOAT8_E5M2);
}
// is_a8: x1 a torch float8 tensor, or x1_dtype HIFLOAT8 (HiF8 travels in an integer tensor).
bool A8(const Call &c) { return TorchFp8(c.T("x1")) || DtypeArg(c, "x1_dtype") == ACL_HIFLOAT8; }
// is_a4: x1_dtype FLOAT4_E2M1 or FLOAT4_E1M2.
bool A4(const Call &c) {
    const std::optional<aclDataType> d = DtypeArg(c, "x1_dtype");
    return d == ACL_FLOAT4_E2M1 || d == ACL_FLOAT4_E1M2;
}
// is_w8: x2 a torch float8 tensor, or x2_dtype HIFLOAT8.
bool W8(const Call &c) { return TorchFp8(c.T("x2")) || DtypeArg(c, "x2_dtype") == ACL_HIFLOAT8; }
bool LowBit(const Call &c) { return A8(c) || A4(c); }
bool Fp8OrFp4(const Call &c) { return A8(c) || W8(c) || A4(c); }
// The op-plugin's branches test !isIntegralType: a torch float8 tensor counts as floating there.
bool NotIntegral(aclDataType d) { return !IsIntegral(d); }
int64_t N(const Call &c) { return c.T("x2") && c.T("x2")->shape.size() == 2 ? c.T("x2")->shape[1] : -1; }
// The output dtype the op-plugin allocates: float16 for int8 x1, else x1's; bfloat16 whenever
// dequant_scale is bfloat16.
aclDataType OutDtype(const Call &c) {
    const TensorSpec *d = c.T("dequant_scale");
    if (d && d->dtype == ACL_BF16) return ACL_BF16;
    return c.T("x1")->dtype == ACL_INT8 ? ACL_FLOAT16 : c.T("x1")->dtype;
}
int64_t Rows(const TensorSpec &x1) {
    int64_t m = 1;
    for (size_t i = 0; i + 1 < x1.shape.size(); ++i) m *= x1.shape[i];
    return m;
}
std::vector<int64_t> GroupSizes(const Call &c) {
    const Arg *a = c.Find("group_sizes");
    const auto *l = a ? std::get_if<std::vector<int64_t>>(a) : nullptr;
    return l ? *l : std::vector<int64_t>{};
}
bool CommScalesOk(const Call &c) {
    const TensorSpec *s1 = c.T("comm_quant_scale_1"), *s2 = c.T("comm_quant_scale_2");
    if (!s1 || !s2) return true;
    const int64_t n = N(c);
    auto one_d = [&](const TensorSpec *s) { return s->shape == std::vector<int64_t>{n}; };
    auto two_d = [&](const TensorSpec *s) { return s->shape == std::vector<int64_t>{1, n}; };
    return (one_d(s1) && one_d(s2)) || (two_d(s1) && two_d(s2));
}

// group_sizes [m, n, k] packed (m << 32) + (n << 16) + k; empty: 0 (ops.md §2.6).
int64_t PackedGroupSize(const Call &c) {
    const std::vector<int64_t> g = GroupSizes(c);
    return g.size() == 3 ? (g[0] << 32) + (g[1] << 16) + g[2] : 0;
}

// ---- editing a valid call ----
std::optional<Call> Edit(Call c, const char *name, const std::function<bool(TensorSpec &)> &edit) {
    const TensorSpec *t = c.T(name);
    if (t == nullptr) return std::nullopt;
    TensorSpec copy = *t;
    if (!edit(copy)) return std::nullopt;
    c.Set(name, copy);
    return c;
}
aclDataType OtherFloat(aclDataType d) { return d == ACL_BF16 ? ACL_FLOAT16 : ACL_BF16; }

const std::vector<Rule> &Rules() {
    static const std::vector<Rule> rules = {
        Check("tnpu.mmar.x2_dim", "x2 must be 2-D (TORCH_CHECK x2.dim() == 2).", kCite,
              [](const Call &c) { return c.T("x2") && c.T("x2")->shape.size() != 2; },
              [](Call c) {
                  return Edit(c, "x2", [](TensorSpec &t) {
                      t.shape.insert(t.shape.begin(), 1);
                      t.strides.clear();
                      return true;
                  });
              }),
        Check("tnpu.mmar.k", "x1.size(-1) must equal x2.size(0).", kCite,
              [](const Call &c) {
                  const TensorSpec *x1 = c.T("x1"), *x2 = c.T("x2");
                  return x1 && x2 && !x1->shape.empty() && x1->shape.back() != x2->shape[0];
              },
              [](Call c) {
                  return Edit(c, "x1", [](TensorSpec &t) {
                      t.shape.back() += 16;
                      t.strides.clear();
                      return true;
                  });
              }),
        Check("tnpu.mmar.quant.int8", "x1 and x2 both integral: both must be int8.", kCite,
              [](const Call &c) { return Both(c, IsIntegral) && (c.T("x1")->dtype != ACL_INT8 || c.T("x2")->dtype != ACL_INT8); },
              [](Call c) {
                  if (!Both(c, IsIntegral)) return std::optional<Call>{};
                  return Edit(c, "x1", [](TensorSpec &t) { return t.dtype = ACL_INT16, true; });
              }),
        Check("tnpu.mmar.quant.antiquant", "x1 and x2 int8: antiquant_scale and antiquant_offset must be None.", kCite,
              [](const Call &c) { return Both(c, IsIntegral) && (Has(c, "antiquant_scale") || Has(c, "antiquant_offset")); },
              [](Call c) {
                  if (!Both(c, IsIntegral)) return std::optional<Call>{};
                  c.Set("antiquant_scale", Tensor(ACL_FLOAT16, {N(c)}));
                  return std::optional<Call>{c};
              }),
        Check("tnpu.mmar.wq.int8", "x1 floating and x2 integral: x2 must be int8.", kCite,
              [](const Call &c) { return FloatInt(c) && c.T("x2")->dtype != ACL_INT8; },
              [](Call c) {
                  if (!FloatInt(c)) return std::optional<Call>{};
                  return Edit(c, "x2", [](TensorSpec &t) { return t.dtype = ACL_INT16, true; });
              }),
        Check("tnpu.mmar.wq.dequant", "x1 floating and x2 int8: dequant_scale must be None.", kCite,
              [](const Call &c) { return FloatInt(c) && Has(c, "dequant_scale"); },
              [](Call c) {
                  if (!FloatInt(c)) return std::optional<Call>{};
                  c.Set("dequant_scale", Tensor(ACL_FLOAT, {N(c)}));
                  return std::optional<Call>{c};
              }),
        Check("tnpu.mmar.float.quant_args",
              "x1 and x2 floating: antiquant_scale, antiquant_offset and dequant_scale must all be None.", kCite,
              [](const Call &c) {
                  return Both(c, NotIntegral) &&
                         (Has(c, "antiquant_scale") || Has(c, "antiquant_offset") || Has(c, "dequant_scale"));
              },
              [](Call c) {
                  if (!Both(c, NotIntegral)) return std::optional<Call>{};
                  c.Set("antiquant_scale", Tensor(c.T("x1")->dtype, {N(c)}));
                  return std::optional<Call>{c};
              }),
        Check("tnpu.mmar.dtype_pair",
              "Any other x1/x2 dtype pair (an integral x1 with a floating x2) is refused.", kCite,
              [](const Call &c) {
                  const TensorSpec *x1 = c.T("x1"), *x2 = c.T("x2");
                  return x1 && x2 && !Both(c, IsIntegral) && !Both(c, NotIntegral) && !FloatInt(c);
              },
              [](Call c) {
                  if (!Both(c, IsIntegral)) return std::optional<Call>{};
                  return Edit(c, "x2", [](TensorSpec &t) { return t.dtype = ACL_FLOAT16, true; });
              }),
        Check("tnpu.mmar.x3.shape", "x3's shape must be the output's (x1's shape with the last dim n).", kCite,
              [](const Call &c) { return Has(c, "x3") && c.T("x3")->shape != OutputShape(*c.T("x1"), N(c)); },
              [](Call c) {
                  if (!Has(c, "x3")) c.Set("x3", Tensor(OutDtype(c), OutputShape(*c.T("x1"), N(c))));
                  return Edit(c, "x3", [](TensorSpec &t) { return t.shape.back() += 1, true; });
              }),
        Check("tnpu.mmar.x3.dtype",
              "x3's dtype must be the output's (float16 for int8 x1, else x1's; bfloat16 when dequant_scale is).", kCite,
              [](const Call &c) { return Has(c, "x3") && c.T("x3")->dtype != OutDtype(c); },
              [](Call c) {
                  const aclDataType wrong = OtherFloat(OutDtype(c));
                  if (!Has(c, "x3")) c.Set("x3", Tensor(wrong, OutputShape(*c.T("x1"), N(c))));
                  return Edit(c, "x3", [&](TensorSpec &t) { return t.dtype = wrong, true; });
              }),
        Check("tnpu.mmar.pertoken.dequant", "pertoken_scale requires dequant_scale.", kCite,
              [](const Call &c) { return Has(c, "pertoken_scale") && !Has(c, "dequant_scale"); },
              [](Call c) {
                  if (!Has(c, "pertoken_scale") || !Both(c, IsIntegral)) return std::optional<Call>{};
                  c.Set("dequant_scale", None{});
                  return std::optional<Call>{c};
              }),
        Check("tnpu.mmar.pertoken.dim", "pertoken_scale must be 1-D.", kCite,
              [](const Call &c) { return Has(c, "pertoken_scale") && c.T("pertoken_scale")->shape.size() != 1; },
              [](Call c) { return Edit(c, "pertoken_scale", [](TensorSpec &t) { return t.shape.push_back(1), true; }); }),
        Check("tnpu.mmar.pertoken.size", "pertoken_scale.size(0) must be x1's row count (prod(x1.shape[:-1])).", kCite,
              [](const Call &c) {
                  return Has(c, "pertoken_scale") && c.T("pertoken_scale")->shape[0] != Rows(*c.T("x1"));
              },
              [](Call c) { return Edit(c, "pertoken_scale", [](TensorSpec &t) { return t.shape[0] += 1, true; }); }),
        Check("tnpu.mmar.pertoken.dtype", "pertoken_scale must be float32.", kCite,
              [](const Call &c) { return Has(c, "pertoken_scale") && c.T("pertoken_scale")->dtype != ACL_FLOAT; },
              [](Call c) { return Edit(c, "pertoken_scale", [](TensorSpec &t) { return t.dtype = ACL_FLOAT16, true; }); }),
        Check("tnpu.mmar.comm_scales.pair", "comm_quant_scale_1 and comm_quant_scale_2: both or neither.", kCite,
              [](const Call &c) { return Has(c, "comm_quant_scale_1") != Has(c, "comm_quant_scale_2"); },
              [](Call c) {
                  if (!Has(c, "comm_quant_scale_2")) return std::optional<Call>{};
                  c.Set("comm_quant_scale_2", None{});
                  return std::optional<Call>{c};
              }),
        Check("tnpu.mmar.comm_scales.shape", "the comm scales must be both 1-D (n) or both 2-D (1, n).", kCite,
              [](const Call &c) { return !CommScalesOk(c); },
              [](Call c) {
                  return Edit(c, "comm_quant_scale_1", [](TensorSpec &t) { return t.shape = {1, t.shape.back()}, true; });
              }),
        Check("tnpu.mmar.comm_scales.dtype", "the comm scales' dtype must be the output's.", kCite,
              [](const Call &c) {
                  for (const char *n : {"comm_quant_scale_1", "comm_quant_scale_2"}) {
                      if (Has(c, n) && c.T(n)->dtype != OutDtype(c)) return true;
                  }
                  return false;
              },
              [](Call c) {
                  const aclDataType wrong = OtherFloat(OutDtype(c));
                  for (const char *n : {"comm_quant_scale_1", "comm_quant_scale_2"}) {
                      auto e = Edit(c, n, [&](TensorSpec &t) { return t.dtype = wrong, true; });
                      if (!e) return std::optional<Call>{};
                      c = *e;
                  }
                  return std::optional<Call>{c};
              }),
        Check("tnpu.mmar.group_sizes",
              "group_sizes: empty, or exactly three values [m, n, k] each in [0, 65535] (packed (m<<32)+(n<<16)+k; "
              "forwarded to QuantMatmulAllReduceV4 only).",
              kCite,
              [](const Call &c) {
                  const std::vector<int64_t> g = GroupSizes(c);
                  if (g.empty()) return false;
                  if (g.size() != 3) return true;
                  for (int64_t v : g) {
                      if (v < 0 || v > kGroupSizeMax) return true;
                  }
                  return false;
              },
              [](Call c) {
                  std::vector<int64_t> g = GroupSizes(c);
                  if (g.empty()) return std::optional<Call>{};
                  g.push_back(0);
                  c.Set("group_sizes", g);
                  return std::optional<Call>{c};
              }),
        Check("tnpu.mmar.low.y_dtype",
              "fp8 / fp4 x1 (a float8_e4m3fn / float8_e5m2 tensor, or x1_dtype HIFLOAT8 / FLOAT4_E2M1 / FLOAT4_E1M2) "
              "requires y_dtype, the output dtype.",
              kCiteV4,
              [](const Call &c) { return LowBit(c) && !DtypeArg(c, "y_dtype"); },
              [](Call c) {
                  if (!LowBit(c)) return std::optional<Call>{};
                  c.Set("y_dtype", None{});
                  return std::optional<Call>{c};
              }),
        Check("tnpu.mmar.low.dequant", "fp8 / fp4 x1 requires dequant_scale (x2Scale).", kCiteV4,
              [](const Call &c) { return LowBit(c) && !Has(c, "dequant_scale"); },
              [](Call c) {
                  if (!LowBit(c) || Has(c, "pertoken_scale")) return std::optional<Call>{};  // pertoken.dequant first
                  c.Set("dequant_scale", None{});
                  return std::optional<Call>{c};
              }),
        Route("tnpu.mmar.route.quant_v4",
              "fp8 / fp4 x1 → aclnnQuantMatmulAllReduceV4(x1 as x1_dtype, x2 as x2_dtype, bias, x3, pertoken_scale as "
              "x1Scale (pertoken_scale_dtype), dequant_scale as x2Scale (dequant_scale_dtype), comm_quant_scale_1/2, hcom, "
              "reduce_op, comm_turn, stream_mode=1, group_sizes packed, comm_quant_mode); the output dtype is y_dtype.",
              kCiteV4, LowBit),
        Route("tnpu.mmar.route.mar",
              "x1, x2 floating, no x3 → aclnnMatmulAllReduce(x1, x2, bias, hcom, reduce_op, comm_turn, stream_mode=1).",
              kCite,
              [](const Call &c) { return Both(c, NotIntegral) && !Fp8OrFp4(c) && !Has(c, "x3"); }),
        Route("tnpu.mmar.route.mar_v2", "x1, x2 floating with x3 → aclnnMatmulAllReduceV2 (x3 forwarded).", kCite,
              [](const Call &c) { return Both(c, NotIntegral) && !Fp8OrFp4(c) && Has(c, "x3"); }),
        Route("tnpu.mmar.route.wq",
              "x1 floating, x2 int8 (or an fp8 / HiF8 x2 under a non-fp8 x1) → aclnnWeightQuantMatmulAllReduce(x1, x2, "
              "bias, antiquant_scale, antiquant_offset, x3, hcom, reduce_op, comm_turn, stream_mode=1, "
              "antiquant_group_size); comm_quant_mode is not forwarded.",
              kCite, [](const Call &c) { return FloatInt(c) || (!A8(c) && W8(c)); }),
        Route("tnpu.mmar.route.quant_v1", "x1, x2 int8, no pertoken_scale, no comm scales → aclnnQuantMatmulAllReduce.", kCite,
              [](const Call &c) {
                  return Both(c, IsIntegral) && !Fp8OrFp4(c) && !Has(c, "pertoken_scale") && !Has(c, "comm_quant_scale_1");
              }),
        Route("tnpu.mmar.route.quant_v2", "x1, x2 int8 with pertoken_scale, no comm scales → aclnnQuantMatmulAllReduceV2.", kCite,
              [](const Call &c) {
                  return Both(c, IsIntegral) && !Fp8OrFp4(c) && Has(c, "pertoken_scale") && !Has(c, "comm_quant_scale_1");
              }),
        Route("tnpu.mmar.route.quant_v3",
              "x1, x2 int8 with comm_quant_scale_1/2 → aclnnQuantMatmulAllReduceV3 (pertoken_scale forwarded when given).",
              kCite, [](const Call &c) { return Both(c, IsIntegral) && !Fp8OrFp4(c) && Has(c, "comm_quant_scale_1"); }),
    };
    return rules;
}

// Where each route goes: every kwarg is the aclnn parameter of its name (an operator takes those it
// has), but V4's: pertoken_scale is its x1Scale, dequant_scale its x2Scale (ops.md §2.6).
const std::vector<RouteTarget> &Targets() {
    static const std::vector<RouteTarget> targets = [] {
        std::map<std::string, std::string> same;
        for (const char *n : {"x1", "x2", "bias", "x3", "antiquant_scale", "antiquant_offset", "dequant_scale",
                              "pertoken_scale", "comm_quant_scale_1", "comm_quant_scale_2"}) {
            same[n] = n;
        }
        const std::map<std::string, std::string> v4 = {{"x1", "x1"},
                                                       {"x2", "x2"},
                                                       {"bias", "bias"},
                                                       {"x3", "x3"},
                                                       {"pertoken_scale", "x1_scale"},
                                                       {"dequant_scale", "x2_scale"},
                                                       {"comm_quant_scale_1", "comm_quant_scale_1"},
                                                       {"comm_quant_scale_2", "comm_quant_scale_2"}};
        return std::vector<RouteTarget>{
            {"tnpu.mmar.route.quant_v4", "", "quant_matmul_all_reduce_v4", v4},
            {"tnpu.mmar.route.mar", "", "matmul_all_reduce", same},
            {"tnpu.mmar.route.mar_v2", "", "matmul_all_reduce_v2", same},
            {"tnpu.mmar.route.wq", "", "weight_quant_matmul_all_reduce", same},
            {"tnpu.mmar.route.quant_v1", "", quant_matmul_all_reduce::kV1, same},
            {"tnpu.mmar.route.quant_v2", "", quant_matmul_all_reduce::kV2, same},
            {"tnpu.mmar.route.quant_v3", "", quant_matmul_all_reduce::kV3, same}};
    }();
    return targets;
}

// Retypes the dispatched tensor `param` to the aclDataType the kwarg `dtype_kwarg` names (the
// op-plugin's TensorWrapper), when given.
void Retype(const Call &c, Dispatch &d, const char *param, const char *dtype_kwarg) {
    const std::optional<aclDataType> as = DtypeArg(c, dtype_kwarg);
    auto it = d.target.params.find(param);
    if (!as || it == d.target.params.end()) return;
    if (auto *t = std::get_if<TensorSpec>(&it->second)) t->dtype = *as;
}

// fp8 / fp4 x1 → aclnnQuantMatmulAllReduceV4: its scales each retyped by their *_dtype kwarg;
// group_sizes packed; comm_quant_mode forwarded; y_dtype out.
Dispatch DispatchV4(const Call &c, const RouteTarget &target, harness::ParamMap attrs) {
    attrs.erase("antiquant_group_size");
    attrs["group_size"] = PackedGroupSize(c);
    attrs["comm_quant_mode"] = c.I("comm_quant_mode");
    const TensorSpec output = Tensor(*DtypeArg(c, "y_dtype"), OutputShape(*c.T("x1"), N(c)));
    Dispatch d = ToApi(c, target.op, target.tensor_args, attrs, {{"output", output}}, {"output"});
    Retype(c, d, "x1", "x1_dtype");
    Retype(c, d, "x2", "x2_dtype");
    Retype(c, d, "x1_scale", "pertoken_scale_dtype");
    Retype(c, d, "x2_scale", "dequant_scale_dtype");
    d.target.Normalize();
    return d;
}

Dispatch DispatchCall(const Call &c, std::string *route) {
    *route = FirstRoute(Rules(), c);
    const RouteTarget &target = FindTarget(Targets(), *route, c);
    // reduce_op, comm_turn and antiquant_group_size as given (their defaults otherwise).
    harness::ParamMap attrs = CommAttrs(c);
    attrs["antiquant_group_size"] = c.I("antiquant_group_size");
    if (*route == "tnpu.mmar.route.quant_v4") return DispatchV4(c, target, attrs);
    const TensorSpec output = Tensor(OutDtype(c), OutputShape(*c.T("x1"), N(c)));
    return ToApi(c, target.op, target.tensor_args, attrs, {{"output", output}}, {"output"});
}

// The int64 dequant codes (TransQuantParamV2's packing of fp32 scales, ops.md §3), one per channel.
TensorSpec PackedScale(aclDataType dtype, int64_t n) {
    TensorSpec t = Tensor(dtype, {n});
    const float scales[] = {0.25f, 0.5f, 0.125f};
    for (int64_t i = 0; i < n; ++i) t.values.push_back(quant_matmul_all_reduce::PackScaleCode(scales[i % 3], false));
    return t;
}

Call Base(uint64_t seed, TensorSpec x1, TensorSpec x2) {
    Call c;
    c.function = kFunction;
    c.seed = seed;
    c.args = {{"x1", std::move(x1)}, {"x2", std::move(x2)}, {"hcom", Group{}}, {"reduce_op", std::string("sum")}};
    return c;
}

std::vector<Call> ValidCalls() {
    std::vector<Call> v;
    {  // float16, bias → aclnnMatmulAllReduce
        Call c = Base(11, Tensor(ACL_FLOAT16, {16, 32}), Tensor(ACL_FLOAT16, {32, 24}));
        c.Set("bias", Tensor(ACL_FLOAT16, {24}));
        v.push_back(c);
    }
    {  // bfloat16, 3-D x1, x3 → V2
        Call c = Base(12, Tensor(ACL_BF16, {2, 8, 32}), Tensor(ACL_BF16, {32, 24}));
        c.Set("x3", Tensor(ACL_BF16, {2, 8, 24}));
        v.push_back(c);
    }
    {  // A8W8, int64 dequant (the op_api's INT64 → UINT64 side effect is not visible in torch), bias
        Call c = Base(13, Tensor(ACL_INT8, {16, 32}), Tensor(ACL_INT8, {32, 24}));
        c.Set("bias", Tensor(ACL_INT32, {24}));
        c.Set("dequant_scale", PackedScale(ACL_INT64, 24));
        v.push_back(c);
    }
    {  // A8W8 pertoken: float32 dequant → V2; group_sizes given (checked, forwarded to V4 only)
        Call c = Base(14, Tensor(ACL_INT8, {16, 32}), Tensor(ACL_INT8, {32, 24}));
        c.Set("dequant_scale", Tensor(ACL_FLOAT, {24}));
        c.Set("pertoken_scale", Tensor(ACL_FLOAT, {16}));
        c.Set("group_sizes", std::vector<int64_t>{0, 0, 0});
        v.push_back(c);
    }
    {  // A8W8 bfloat16 dequant → bfloat16 output, x3 → V1
        Call c = Base(15, Tensor(ACL_INT8, {16, 32}), Tensor(ACL_INT8, {32, 24}));
        c.Set("x3", Tensor(ACL_BF16, {16, 24}));
        c.Set("dequant_scale", Tensor(ACL_BF16, {24}));
        v.push_back(c);
    }
    {  // A8W8 with int8 low-bit communication → V3
        Call c = Base(16, Tensor(ACL_INT8, {16, 32}), Tensor(ACL_INT8, {32, 24}));
        c.Set("x3", Tensor(ACL_BF16, {16, 24}));
        c.Set("dequant_scale", Tensor(ACL_BF16, {24}));
        c.Set("comm_quant_scale_1", Tensor(ACL_BF16, {24}));
        c.Set("comm_quant_scale_2", Tensor(ACL_BF16, {24}));
        v.push_back(c);
    }
    {  // A16W8 per channel with offset; comm_quant_mode given → WeightQuant without it
        Call c = Base(17, Tensor(ACL_FLOAT16, {16, 32}), Tensor(ACL_INT8, {32, 24}));
        c.Set("antiquant_scale", Tensor(ACL_FLOAT16, {24}));
        c.Set("antiquant_offset", Tensor(ACL_FLOAT16, {24}));
        c.Set("comm_quant_mode", int64_t{1});
        v.push_back(c);
    }
    {  // A16W8 per group (G = 32, k = 64), bfloat16
        Call c = Base(18, Tensor(ACL_BF16, {16, 64}), Tensor(ACL_INT8, {64, 24}));
        c.Set("antiquant_scale", Tensor(ACL_BF16, {2, 24}));
        c.Set("antiquant_group_size", int64_t{32});
        v.push_back(c);
    }
    {  // HiF8 (int8 tensors labelled by x1_dtype / x2_dtype), fp32 per-channel dequant + pertoken, fp32
       // bias, float16 x3 and y_dtype → V4 formula 6 on Ascend 950
        Call c = Base(20, Tensor(ACL_INT8, {16, 32}), Tensor(ACL_INT8, {32, 24}));
        c.platform = harness::Platform::kAscend950;
        c.Set("bias", Tensor(ACL_FLOAT, {24}));
        c.Set("x3", Tensor(ACL_FLOAT16, {16, 24}));
        c.Set("dequant_scale", Tensor(ACL_FLOAT, {24}));
        c.Set("pertoken_scale", Tensor(ACL_FLOAT, {16}));
        c.Set("y_dtype", std::string("float16"));
        c.Set("x1_dtype", std::string("hifloat8"));
        c.Set("x2_dtype", std::string("hifloat8"));
        v.push_back(c);
    }
    {  // HiF8 with an int64 dequant (the fp19 words, no pertoken), 3-D x1, bfloat16 y_dtype,
       // comm_quant_mode 0 forwarded → V4 formula 5
        Call c = Base(21, Tensor(ACL_INT8, {2, 8, 32}), Tensor(ACL_INT8, {32, 24}));
        c.platform = harness::Platform::kAscend950;
        c.Set("dequant_scale", PackedScale(ACL_INT64, 24));
        c.Set("y_dtype", std::string("bf16"));
        c.Set("x1_dtype", std::string("hifloat8"));
        c.Set("x2_dtype", std::string("hifloat8"));
        c.Set("comm_quant_mode", int64_t{0});
        v.push_back(c);
    }
    {  // the front-end does not check reduce_op: dispatched, and aclnnMatmulAllReduce refuses it
        Call c = Base(19, Tensor(ACL_FLOAT16, {16, 32}), Tensor(ACL_FLOAT16, {32, 24}));
        c.Set("reduce_op", std::string("max"));
        v.push_back(c);
    }
    return v;
}

}  // namespace

Family TorchNpuFamily() {
    Family f;
    f.name = "torch_npu";
    f.framework = "torch_npu (op-plugin)";
    f.functions = {kFunction};
    f.rules = &Rules();
    f.valid_calls = ValidCalls;
    f.dispatch = DispatchCall;
    f.decisions = {
        "The checks are the op-plugin's C++ TORCH_CHECKs (ops.md §2.6); torch_npu skips them in its aclnn-only mode, "
        "which this family does not model. No Python-level checks were found (ops.md §9 item 8).",
        "x2 integral but not int8 with a floating x1 is refused (`tnpu.mmar.wq.int8`); torch_npu's int4 weight packed "
        "eight to an int32 is a separate path not modelled here, so the violation uses int16.",
        "fp8 / hifloat8 / fp4 x1 routes to aclnnQuantMatmulAllReduceV4 (`tnpu.mmar.route.quant_v4`: y_dtype and "
        "dequant_scale required, group_sizes packed as (m<<32)+(n<<16)+k, comm_quant_mode forwarded). The *_dtype "
        "kwargs are carried as aclDataType names (torch_npu maps its dtype enum 1:1 through GetAclDataType). HiF8 and "
        "FP4 travel in integer tensors labelled by x1_dtype / x2_dtype; the family's valid V4 calls use int8 ones.",
        "The op-plugin's TORCH_CHECKs run before the V4 branch and test !isIntegralType, so outside aclnn-only mode: "
        "torch float8_e4m3fn / float8_e5m2 x1 and x2 with a dequant_scale are refused by `tnpu.mmar.float.quant_args` "
        "(the V4 branch needs that dequant_scale); a 2-D / 3-D or non-float32 pertoken_scale (per-block grids, MX "
        "E8M0 scales) by `tnpu.mmar.pertoken.*`; and MX without pertoken_scale is V4's refusal (no x1Scale). So in "
        "the mode this family models the V4 route carries HiF8 (int8 tensors) with fp32 pertoken + per-channel or "
        "INT64/UINT64 dequant scales; FP8 tensors, per-block and MX reach V4 only in aclnn-only mode (not modelled).",
        "An FP4 x1 with an x2_dtype of HIFLOAT8 satisfies both the V4 branch and the weight-quant branch (!is_a8 && "
        "is_w8), and the op-plugin calls both; the family dispatches to V4, the first.",
        "INT64 → UINT64 (ops.md §2.3): the op_api rewrites the dtype of the aclTensor torch_npu builds for the call; "
        "the torch tensor the caller holds keeps int64, so the side effect is not observable at this front-end.",
        "comm_quant_mode is forwarded to V4 only: no route here passes it (aclnnQuantMatmulAllReduceV1–V3 and "
        "aclnnWeightQuantMatmulAllReduce have no such parameter).",
    };
    return f;
}

}  // namespace mc2::spec::front_end
