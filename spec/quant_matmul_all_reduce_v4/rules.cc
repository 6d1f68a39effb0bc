// spec/quant_matmul_all_reduce_v4/rules.cc — the constraint catalogue of
// aclnnQuantMatmulAllReduceV4, one rule per documented constraint, in the vendor's check order:
// null → dtype → attributes → shape (layout) → generated inner layer → tiling (scenario
// classification, scale shapes, groupSize, commQuantMode, world sizes, limits) → execution →
// cross-rank consequences (seed 004; spec-notes/ops.md §1.2, §2.5, §4.3, §8). The op_api checks
// no scale shape, groupSize or commQuantMode: those are tiling rules (inner errors, 561xxx).
#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

#include "spec/quant_matmul_all_reduce_v4/quant_matmul_all_reduce_v4.h"
#include "harness/dtype_names.h"
#include "spec/common/common_rules.h"
#include "spec/common/quantised_matmul.h"
#include "spec/tensor_layout.h"

namespace mc2::spec::quant_matmul_all_reduce_v4 {
namespace {

using harness::Case;
using harness::Platform;
using harness::TensorSpec;
using harness::Value;
using common::Which;

const std::vector<std::string> kOps = {kV4};
constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();
constexpr size_t kMaxTensorDims = 8;
const std::vector<Platform> k950 = {Platform::kAscend950};

std::string Doc(const std::string &section) {
    return "hicann/ops-transformer mc2/matmul_all_reduce/docs/aclnnQuantMatmulAllReduceV4.md (seed 004), " + section;
}
std::string Notes(const std::string &section) { return "shared/spec-notes/ops.md " + section; }

// ---- reading one rank's arguments ----
const TensorSpec *T(const Case &c, int rank, const char *name) { return c.Tensor(rank, name); }

int64_t RowsOf(const TensorSpec &x1) { return x1.shape.empty() ? 1 : DimProduct(x1.shape, 0, x1.shape.size() - 1); }
// n as the op_api sees it: x2's second view dim (-1 when x2 is not 2-D).
int64_t N(const Case &c, int r) {
    const TensorSpec *x2 = T(c, r, "x2");
    return x2 && x2->shape.size() == 2 ? x2->shape[1] : -1;
}
int64_t K(const Case &c, int r) {
    const TensorSpec *x1 = T(c, r, "x1");
    return x1 && !x1->shape.empty() ? x1->shape.back() : -1;
}

Scenario ScenarioOf(const Case &c, int r) {
    const TensorSpec *x1 = T(c, r, "x1");
    const TensorSpec *x2 = T(c, r, "x2");
    const TensorSpec *s2 = T(c, r, "x2_scale");
    const TensorSpec *s1 = T(c, r, "x1_scale");
    if (!x1 || !x2 || !s2) return Scenario::kNone;
    return Classify(x1->dtype, x2->dtype, s1 ? std::optional<aclDataType>(s1->dtype) : std::nullopt, s2->dtype,
                    s1 ? s1->shape.size() : 0, s2->shape.size());
}

std::vector<const char *> TensorNames() {
    return {"x1", "x2", "bias", "x3", "x1_scale", "x2_scale", "comm_quant_scale_1", "comm_quant_scale_2", "output"};
}

const std::vector<std::string> kSkippedByNz = {"qmar4.shape.x2_rank", "qmar4.shape.k", "qmar4.shape.output",
                                               "qmar4.shape.bias", "qmar4.shape.x3"};

bool BothCommScales(const Case &c, int r) {
    return T(c, r, "comm_quant_scale_1") != nullptr && T(c, r, "comm_quant_scale_2") != nullptr;
}

// ---- editing ----
std::optional<Case> EditRanks(const Case &valid, const std::function<bool(int, ParamMap &)> &edit) {
    std::vector<ParamMap> per = EffectiveParams(valid);
    bool any = false;
    for (int r = 0; r < static_cast<int>(per.size()); ++r) any = edit(r, per[static_cast<size_t>(r)]) || any;
    if (!any) return std::nullopt;
    for (ParamMap &p : per) FixScaleValues(p);
    Case out = valid;
    AssignPerRank(out, per);
    return out;
}

// The same over a case a scenario change may not have made (AsScenario gives nullopt on a case
// without the geometry it rewrites): nullopt then.
std::optional<Case> EditRanksOf(const std::optional<Case> &base, const std::function<bool(int, ParamMap &)> &edit) {
    if (!base) return std::nullopt;
    return EditRanks(*base, edit);
}

std::optional<Case> EditTensor(const std::optional<Case> &valid, const std::string &name,
                               const std::function<bool(TensorSpec &)> &edit) {
    if (!valid) return std::nullopt;
    return EditRanks(*valid, [&](int, ParamMap &p) {
        TensorSpec *x = TensorIn(p, name);
        return x != nullptr && edit(*x);
    });
}

std::optional<Case> EditGeometry(const std::optional<Case> &valid, const std::function<bool(int, Geometry &)> &edit) {
    if (!valid) return std::nullopt;
    return EditRanks(*valid, [&](int r, ParamMap &p) {
        auto g = ReadGeometry(p);
        if (!g || !edit(r, *g)) return false;
        WriteGeometry(p, *g);
        return true;
    });
}

std::optional<Case> SetAll(const Case &valid, const char *name, Value v) {
    Case out = valid;
    out.Set(name, std::move(v));
    return out;
}

// The valid case moved to scenario `s` on every rank (one drawn row, the same on every rank:
// the output dtype must agree).
std::optional<Case> AsScenario(const Case &valid, Scenario s, Choices &ch) {
    Geometry row;
    row.scenario = s;
    DrawRow(row, ch);
    return EditGeometry(valid, [&](int, Geometry &g) {
        ToScenario(g, s, ch);
        g.x1 = row.x1;
        g.x2 = row.x2;
        g.x2_scale = row.x2_scale;
        g.output = row.output;
        g.x1_scale = row.x1_scale;
        g.group_size = row.group_size;
        if (s == Scenario::kMx && IsFp4(g.x1)) g.k = 64 * std::max<int64_t>(CeilDiv(g.k, 64), 1);
        if (s == Scenario::kMx) g.lead = {M(g.lead)};
        return true;
    });
}

// Optional tensor `name` present on every rank (bias, x3, x1Scale, the comm scales).
std::optional<Case> WithOptional(const Case &valid, const std::string &name) {
    auto c = EditGeometry(valid, [&](int, Geometry &g) {
        if (name == "bias") g.bias = true;
        if (name == "x3") g.x3 = true;
        if (name == "x1_scale") g.x1_scale = true;
        if (name == "comm_quant_scale_1" || name == "comm_quant_scale_2") g.comm_scales = true;
        return true;
    });
    return c ? c : std::optional<Case>(valid);
}

// The case with every NZ x2 described as ND (the scale values re-derived).
Case ToNd(const Case &valid) { return common::NdWeights(valid, &EditRanks); }

std::optional<Case> MakeNz(const Case &valid, Choices &ch) {
    auto c = valid.platform == Platform::kAtlasA2 ? std::optional<Case>(valid) : AsScenario(valid, Scenario::kInt8, ch);
    return EditGeometry(c, [](int, Geometry &g) {
        if (g.scenario != Scenario::kInt8) return false;
        g.nz = true;
        g.transposed = false;
        g.k = std::max<int64_t>(g.k, 1);
        g.n = std::max<int64_t>(g.n, 1);
        return true;
    });
}

std::optional<Case> SetDtype(const Case &valid, const std::string &name, aclDataType dtype) {
    return EditTensor(WithOptional(valid, name), name, [&](TensorSpec &x) {
        x.dtype = dtype;
        return true;
    });
}

void AddDtypeList(std::vector<Rule> &t, const std::string &id, const char *name, std::vector<aclDataType> allowed,
                  const std::string &text, const std::string &cite) {
    AddRule(
        t, id, {.ops = kOps, .stage = Stage::kDtype}, kInvalid, text, cite,
        [name, allowed](const Case &c, int r) {
            const TensorSpec *x = T(c, r, name);
            return x && !Contains(allowed, x->dtype);
        },
        [name](const Case &valid, Choices &ch) { return SetDtype(valid, name, ch.Pick(ForeignDtypes())); });
}

std::vector<aclDataType> OutputList(const Case &c, int r) {
    const TensorSpec *x1 = T(c, r, "x1");
    if (x1 && IsLowFloat(x1->dtype)) return {ACL_FLOAT16, ACL_BF16, ACL_FLOAT};
    return {ACL_FLOAT16, ACL_BF16};
}

const common::CommonRules &Common();  // the family's common rules, defined before Build()

const std::vector<LevelEntry> &Levels() {
    static const std::vector<LevelEntry> kLevels = {
        {"qmar4.attr.reduce_op_prefix", Level::kHardening,
         "the documents allow only \"sum\"; the vendor's strncmp(reduceOp, \"sum\", 3) accepts any string starting "
         "with it (ops.md §8.3): this suite requires the documented refusal, a vendor-like library is warned"},
        {"qmar4.null.", Level::kDocumented, "seed 004 返回值 (161001: x1, x2, x2Scale, reduceOp, output)"},
        {"qmar4.dtype.", Level::kDocumented, "seed 004 参数说明 and dtype tables; op_api step 2 (ops.md §2.5)"},
        {"qmar4.attr.", Level::kDocumented, "op_api step 3 (ops.md §2.5) and the V4 unit tests"},
        {"qmar4.nz.storage", Level::kHardening,
         "an NZ x2 comes from aclnnTransMatmulWeight; what another storage does is not documented"},
        {"qmar4.nz.", Level::kDocumented, "the op_api's NZ short-cut (ops.md §1.4, §2.5 step 4)"},
        {"qmar4.shape.negative", Level::kHardening,
         "no op_api check; aclCreateTensor is documented to refuse negative dims, not negative strides"},
        {"qmar4.shape.descriptor", Level::kDocumented,
         "aclCreateTensor documents these limits; a runtime that refuses the descriptor answers for the operator"},
        {"qmar4.shape.x1_contiguous", Level::kHardening,
         "the table marks non-contiguous x1 unsupported, but the op_api has no check (ops.md §1.4)"},
        {"qmar4.shape.x2_strides", Level::kHardening,
         "the table allows only a last-two-axes transpose, but the op_api has no check (ops.md §1.4)"},
        {"qmar4.shape.output_overlap", Level::kHardening, "the documents say nothing of aliasing outputs"},
        {"qmar4.shape.storage", Level::kHardening, "the op_api checks no storage size or data address"},
        {"qmar4.shape.", Level::kDocumented, "op_api step 4 (ops.md §2.5) and the V4 unit tests"},
        {"qmar4.inner.", Level::kDocumented, "the generated inner layer; the V4 unit test expects 161001"},
        {"qmar4.empty.", Level::kDocumented, "seed 004 (不支持空tensor), the newer op_api and the tiling (§8.1)"},
        {"qmar4.tiling.", Level::kDocumented, "seed 004's constraints and the vendor's tiling code (ops.md §2.5)"},
        {"qmar4.runtime.", Level::kDocumented,
         "the documents (group from HcclGetCommName); the vendor finds an unknown name at execution"},
        {"qmar4.xrank.mismatch", Level::kHardening,
         "the documents require the ranks' calls to agree but define no answer when they do not"},
        {"qmar4.xrank.comm_scales", Level::kDocumented,
         "the documents require the same comm scales on every card and leave a difference undefined"},
        {"qmar4.xrank.", Level::kDocumented,
         "the documents' all-reduce over the group; HCCL fails a collective whose peers do not join"},
    };
    return kLevels;
}

void AddDtypeRules(std::vector<Rule> &t) {
    const std::string cite = Doc("参数说明 (数据类型 column)") + "; " + Notes("§2.5 op_api step 2, §8.1");
    AddDtypeList(t, "qmar4.dtype.x1", "x1", InputDtypes(),
                 "x1 dtype must be INT8, FLOAT8_E4M3FN, FLOAT8_E5M2, HIFLOAT8 or FLOAT4_E2M1 (FLOAT4_E1M2: accepted by "
                 "the older op_api, refused by the newer one and absent from seed 004: refused).",
                 cite);
    AddDtypeList(t, "qmar4.dtype.x2", "x2", InputDtypes(),
                 "x2 dtype must be INT8, FLOAT8_E4M3FN, FLOAT8_E5M2, HIFLOAT8 or FLOAT4_E2M1 (the op_api does not "
                 "compare it with x1's; the tiling does, per scenario).",
                 cite);
    AddDtypeList(t, "qmar4.dtype.x2_scale", "x2_scale", X2ScaleDtypes(),
                 "x2Scale dtype must be UINT64, INT64, BFLOAT16, FLOAT32 or FLOAT8_E8M0.", cite);
    AddRule(
        t, "qmar4.dtype.output", {.ops = kOps, .stage = Stage::kDtype}, kInvalid,
        "output dtype must be FLOAT16 or BFLOAT16, or also FLOAT32 when x1 is an 8-bit or 4-bit float.", cite,
        [](const Case &c, int r) {
            const TensorSpec *out = T(c, r, "output");
            return out && !Contains(OutputList(c, r), out->dtype);
        },
        [](const Case &valid, Choices &ch) -> std::optional<Case> {
            if (ch.Bool()) {
                // fp32 output on an int8 call.
                auto c = valid.platform == Platform::kAtlasA2 ? std::optional<Case>(valid)
                                                              : AsScenario(valid, Scenario::kInt8, ch);
                return EditGeometry(c, [](int, Geometry &g) {
                    if (g.scenario != Scenario::kInt8) return false;
                    g.output = ACL_FLOAT;
                    g.x3 = false;
                    g.comm_scales = false;
                    return true;
                });
            }
            return SetDtype(valid, "output", ch.Pick(std::vector<aclDataType>{ACL_INT8, ACL_DOUBLE, ACL_INT32}));
        });
    AddDtypeList(t, "qmar4.dtype.bias", "bias", {ACL_INT32, ACL_FLOAT},
                 "bias (when present) dtype must be INT32 or FLOAT32 (which one per scenario: a tiling rule).", cite);
    AddRule(
        t, "qmar4.dtype.x3", {.ops = kOps, .stage = Stage::kDtype}, kInvalid,
        "x3 (when present) must be in output's list and equal to output's dtype.",
        Doc("参数说明 (x3Optional: 数据类型与output一致)") + "; " + Notes("§2.5 op_api step 2"),
        [](const Case &c, int r) {
            const TensorSpec *x3 = T(c, r, "x3");
            const TensorSpec *out = T(c, r, "output");
            return x3 && (!Contains(OutputList(c, r), x3->dtype) || (out && x3->dtype != out->dtype));
        },
        [](const Case &valid, Choices &ch) {
            const TensorSpec *out = valid.Tensor(0, "output");
            const aclDataType other = out && out->dtype == ACL_BF16 ? ACL_FLOAT16 : ACL_BF16;
            return SetDtype(valid, "x3", ch.Bool() ? other : ACL_INT8);
        });
    AddRule(
        t, "qmar4.dtype.x2_scale_eq_output", {.ops = kOps, .stage = Stage::kDtype}, kInvalid,
        "When x1 is not an 8-bit or 4-bit float and output or x2Scale is BFLOAT16, x2Scale must have output's dtype.",
        Doc("参数说明 (x2ScaleOptional: 输入为int8且输出为BFLOAT16时…BFLOAT16)") + "; " + Notes("§2.5 op_api step 2"),
        [](const Case &c, int r) {
            const TensorSpec *x1 = T(c, r, "x1");
            const TensorSpec *s = T(c, r, "x2_scale");
            const TensorSpec *out = T(c, r, "output");
            return x1 && s && out && !IsLowFloat(x1->dtype) && (out->dtype == ACL_BF16 || s->dtype == ACL_BF16) &&
                   s->dtype != out->dtype;
        },
        [](const Case &valid, Choices &ch) {
            auto c = valid.platform == Platform::kAtlasA2 ? std::optional<Case>(valid)
                                                          : AsScenario(valid, Scenario::kInt8, ch);
            const bool bf16_out = ch.Bool();
            return EditGeometry(c, [&](int, Geometry &g) {
                if (g.scenario != Scenario::kInt8) return false;
                g.output = bf16_out ? ACL_BF16 : ACL_FLOAT16;
                g.x2_scale = bf16_out ? ACL_FLOAT : ACL_BF16;
                g.x1_scale = true;
                g.comm_scales = false;
                return true;
            });
        });
    AddDtypeList(t, "qmar4.dtype.x1_scale", "x1_scale", X1ScaleDtypes(),
                 "x1Scale (when present) dtype must be FLOAT32 or FLOAT8_E8M0.", cite);
    AddRule(
        t, "qmar4.dtype.comm_scales", {.ops = kOps, .stage = Stage::kDtype}, kInvalid,
        "When both comm scales are present each must be FLOAT16 or BFLOAT16 and equal to output's dtype.",
        Doc("参数说明 (commQuantScale1/2Optional: BFLOAT16、FLOAT16)") + "; " + Notes("§2.5 op_api step 2"),
        [](const Case &c, int r) {
            if (!BothCommScales(c, r)) return false;
            const TensorSpec *out = T(c, r, "output");
            for (const char *name : {"comm_quant_scale_1", "comm_quant_scale_2"}) {
                const TensorSpec *s = T(c, r, name);
                if ((s->dtype != ACL_FLOAT16 && s->dtype != ACL_BF16) || (out && s->dtype != out->dtype)) return true;
            }
            return false;
        },
        [](const Case &valid, Choices &ch) {
            const std::string name = ch.Bool() ? "comm_quant_scale_1" : "comm_quant_scale_2";
            auto c = valid.platform == Platform::kAtlasA2 ? std::optional<Case>(valid)
                                                          : AsScenario(valid, Scenario::kInt8, ch);
            c = EditGeometry(c, [](int, Geometry &g) {
                if (g.scenario != Scenario::kInt8) return false;
                g.comm_scales = true;
                return true;
            });
            if (!c) return c;
            const TensorSpec *out = c->Tensor(0, "output");
            const aclDataType other = out && out->dtype == ACL_BF16 ? ACL_FLOAT16 : ACL_BF16;
            return SetDtype(*c, name, ch.Bool() ? other : ACL_FLOAT);
        });
    AddRule(
        t, "qmar4.dtype.a2_int8", {.ops = kOps, .platforms = {Platform::kAtlasA2}, .stage = Stage::kDtype},
        Code{Outcome::kStatus, 161002, {}, true},
        "Atlas A2: x1 and x2 must be INT8 (seed 004: no new feature on A2; its A2 table lists INT8 only). Which "
        "layer refuses an FP8/HiF8/FP4 input there is UNVERIFIED (the A2 registration has no such dtype): 161002 "
        "or an inner error.",
        Doc("功能说明 (Atlas A2: 无新增特性), A2 dtype table") + "; " + Notes("§1.5, §2.5"),
        [](const Case &c, int r) {
            const TensorSpec *x1 = T(c, r, "x1");
            const TensorSpec *x2 = T(c, r, "x2");
            return x1 && x2 && (x1->dtype != ACL_INT8 || x2->dtype != ACL_INT8);
        },
        [](const Case &valid, Choices &ch) {
            const aclDataType d = ch.Pick(std::vector<aclDataType>{ACL_FLOAT8_E4M3FN, ACL_FLOAT8_E5M2, ACL_HIFLOAT8});
            const bool both = ch.Bool();
            return EditGeometry(ToNd(valid), [&](int, Geometry &g) {
                g.x1 = d;
                if (both) g.x2 = d;
                g.comm_scales = false;
                g.output = ACL_FLOAT16;
                g.x2_scale = ACL_FLOAT;
                g.x1_scale = true;
                g.bias = false;
                return true;
            });
        });
}

void AddLayoutRulesFirst(std::vector<Rule> &t) {
    AddRule(
        t, "qmar4.shape.negative", {.ops = kOps, .stage = Stage::kShape}, kInvalidOrRefusedTensor,
        "No dim or stride of a present tensor may be negative, and no view may reach past what a 64-bit count "
        "of its storage's bits holds (strides whose last element lies beyond 2^64 bits) (suite requirement; the "
        "vendor's behaviour is unspecified). An aclCreateTensor that refuses such a descriptor hands the operator a null "
        "tensor, so 161001 is accepted too.",
        Notes("§1.3 (view shapes)"),
        [](const Case &c, int r) {
            for (const char *name : TensorNames()) {
                const TensorSpec *x = T(c, r, name);
                if (!x) continue;
                for (int64_t d : x->shape)
                    if (d < 0) return true;
                for (int64_t s : x->strides)
                    if (s < 0) return true;
                // The api_fuzzer campaign of session 15: an output of [32, 4] with strides
                // (2^62, 2^40) beside a null group, refused as unaddressable (161002) where the
                // inner layer's group check was the only answer.
                if (SpanOverflows(*x)) return true;
            }
            return false;
        },
        [](const Case &valid, Choices &ch) {
            const std::string name = ch.Bool() ? "x1" : "output";
            const int64_t d = -ch.Int(1, 4);
            return EditTensor(valid, name, [&](TensorSpec &x) {
                if (x.shape.empty()) return false;
                x.shape[0] = d;
                x.strides.clear();
                x.storage_shape.clear();
                return true;
            });
        });
    AddRule(
        t, "qmar4.shape.descriptor", {.ops = kOps, .stage = Stage::kShape}, kInvalidOrRefusedTensor,
        "A present tensor must have a descriptor the runtime can build: at most 8 view and 8 storage dims, a "
        "non-negative offset and non-negative storage dims (aclCreateTensor refuses the rest); an implementation "
        "whose aclCreateTensor builds one must refuse it in the operator.",
        "include/aclnn/acl_meta.h (aclCreateTensor limits); " + Notes("§1.3"),
        [](const Case &c, int r) {
            for (const char *name : TensorNames()) {
                const TensorSpec *x = T(c, r, name);
                if (!x) continue;
                if (x->offset < 0 || x->shape.size() > kMaxTensorDims) return true;
                const std::vector<int64_t> storage = x->StorageShape();
                if (storage.size() > kMaxTensorDims) return true;
                for (int64_t d : storage)
                    if (d < 0) return true;
            }
            return false;
        },
        [](const Case &valid, Choices &ch) {
            const std::string name = ch.Pick(std::vector<std::string>{"x1", "x2", "output", "x2_scale"});
            const int mode = static_cast<int>(ch.Int(0, 2));
            const int64_t amount = ch.Int(1, 8);
            return EditTensor(valid, name, [&](TensorSpec &x) {
                const int64_t needed = std::max<int64_t>(x.StorageElementsNeeded(), 1);
                switch (mode) {
                    case 0:
                        x.offset = -amount;
                        break;
                    case 1:
                        x.storage_shape = {-amount, needed};
                        break;
                    default:
                        x.storage_shape = std::vector<int64_t>(kMaxTensorDims, 1);
                        x.storage_shape.push_back(needed);
                        break;
                }
                return true;
            });
        });
}

void AddShapeRules(std::vector<Rule> &t) {
    const std::string cite = Notes("§2.5 op_api step 4");
    AddRule(
        t, "qmar4.shape.x1_rank", {.ops = kOps, .stage = Stage::kShape}, kInvalid,
        "x1 must be 2-D (m, k) or 3-D (b, s, k).", Doc("参数说明 (x1: 二维或者三维)") + "; " + cite,
        [](const Case &c, int r) {
            const TensorSpec *x1 = T(c, r, "x1");
            return x1 && (x1->shape.size() < 2 || x1->shape.size() > 3);
        },
        [](const Case &valid, Choices &ch) {
            const bool one_d = ch.Bool();
            return EditTensor(valid, "x1", [&](TensorSpec &x1) {
                if (x1.shape.empty()) return false;
                if (one_d) {
                    x1.shape = {x1.shape.back()};
                } else {
                    while (x1.shape.size() < 4) x1.shape.insert(x1.shape.begin(), 1);
                }
                x1.strides.clear();
                return true;
            });
        });
    AddRule(
        t, "qmar4.shape.x2_rank", {.ops = kOps, .stage = Stage::kShape}, kInvalid, "x2 (ND) must be 2-D (k, n).",
        Doc("参数说明 (x2: 仅支持二维输入)") + "; " + cite,
        [](const Case &c, int r) {
            const TensorSpec *x2 = T(c, r, "x2");
            return x2 && x2->shape.size() != 2;
        },
        [](const Case &valid, Choices &ch) {
            const bool three = ch.Bool();
            return EditTensor(valid, "x2", [&](TensorSpec &x2) {
                if (x2.shape.size() != 2) return false;
                x2.shape = three ? std::vector<int64_t>{1, x2.shape[0], x2.shape[1]}
                                 : std::vector<int64_t>{x2.shape[0] * x2.shape[1]};
                x2.strides.clear();
                x2.storage_shape.clear();
                return true;
            });
        });
    AddRule(
        t, "qmar4.shape.k", {.ops = kOps, .stage = Stage::kShape}, kInvalid,
        "The last dim of x1 must equal x2's first dim (k), compared on view shapes.",
        Doc("约束说明 (k轴相等)") + "; " + cite + " (UT: k mismatch)",
        [](const Case &c, int r) {
            const TensorSpec *x1 = T(c, r, "x1");
            const TensorSpec *x2 = T(c, r, "x2");
            return x1 && x2 && !x1->shape.empty() && !x2->shape.empty() && x1->shape.back() != x2->shape[0];
        },
        [](const Case &valid, Choices &ch) {
            const int64_t delta = 2 * ch.Int(1, 8);  // even: FP4 storage stays whole bytes
            return EditTensor(valid, "x1", [&](TensorSpec &x1) {
                if (x1.shape.empty()) return false;
                x1.shape.back() += delta;
                x1.strides.clear();
                return true;
            });
        });
    AddRule(
        t, "qmar4.shape.output", {.ops = kOps, .stage = Stage::kShape}, kInvalid,
        "output must be x1's shape with the last dim replaced by n: (b, s, n) or (m, n).",
        Doc("参数说明 (output: 维数与x1一致)") + "; " + cite,
        [](const Case &c, int r) {
            const TensorSpec *x1 = T(c, r, "x1");
            const TensorSpec *out = T(c, r, "output");
            const int64_t n = N(c, r);
            if (!x1 || !out || n < 0 || x1->shape.empty()) return false;
            std::vector<int64_t> want(x1->shape.begin(), x1->shape.end() - 1);
            want.push_back(n);
            return out->shape != want;
        },
        [](const Case &valid, Choices &ch) {
            const int mode = static_cast<int>(ch.Int(0, 2));
            const int64_t delta = ch.Int(1, 8);
            return EditTensor(valid, "output", [&](TensorSpec &out) {
                if (out.shape.empty()) return false;
                if (mode == 0) {
                    out.shape.back() += delta;
                } else if (mode == 1) {
                    out.shape.front() += delta;
                } else if (out.shape.size() == 2) {
                    out.shape.insert(out.shape.begin(), 1);
                } else {
                    out.shape = {DimProduct(out.shape, 0, out.shape.size() - 1), out.shape.back()};
                }
                out.strides.clear();
                return true;
            });
        });
    AddRule(
        t, "qmar4.shape.bias", {.ops = kOps, .stage = Stage::kShape}, kInvalid, "bias (when present) must be 1-D (n).",
        Doc("参数说明 (biasOptional: 仅支持一维输入)") + "; " + cite,
        [](const Case &c, int r) {
            const TensorSpec *bias = T(c, r, "bias");
            const int64_t n = N(c, r);
            return bias && n >= 0 && bias->shape != std::vector<int64_t>{n};
        },
        [](const Case &valid, Choices &ch) {
            const int mode = static_cast<int>(ch.Int(0, 2));
            const int64_t delta = ch.Int(1, 16);
            return EditRanks(valid, [&](int, ParamMap &p) {
                const TensorSpec *x2 = TensorIn(p, "x2");
                if (!x2 || x2->shape.size() != 2) return false;
                const int64_t n = x2->shape[1];
                TensorSpec bias;
                bias.dtype = x2->dtype == ACL_INT8 ? ACL_INT32 : ACL_FLOAT;
                bias.shape = mode == 0   ? std::vector<int64_t>{n + delta}
                             : mode == 1 ? std::vector<int64_t>{}
                                         : std::vector<int64_t>{1, n};
                p["bias"] = bias;
                return true;
            });
        });
    AddRule(
        t, "qmar4.shape.x3", {.ops = kOps, .stage = Stage::kShape}, kInvalid,
        "x3 (when present) must have output's shape.", Doc("参数说明 (x3Optional: 维度与output一致)") + "; " + cite,
        [](const Case &c, int r) {
            const TensorSpec *x3 = T(c, r, "x3");
            const TensorSpec *out = T(c, r, "output");
            return x3 && out && x3->shape != out->shape;
        },
        [](const Case &valid, Choices &ch) {
            const bool last = ch.Bool();
            const int64_t delta = ch.Int(1, 8);
            return EditRanks(valid, [&](int, ParamMap &p) {
                const TensorSpec *out = TensorIn(p, "output");
                if (!out || out->shape.empty()) return false;
                TensorSpec x3;
                x3.dtype = out->dtype;
                x3.shape = out->shape;
                (last ? x3.shape.back() : x3.shape.front()) += delta;
                p["x3"] = x3;
                return true;
            });
        });
}

void AddLayoutRulesLast(std::vector<Rule> &t) {
    common::Add(t, Common(), {Which::kX1Contiguous});
    AddRule(
        t, "qmar4.shape.x2_strides", {.ops = kOps, .stage = Stage::kShape}, kInvalid,
        "x2 must be contiguous or exactly the transpose of a contiguous (n, k) matrix (strides (1, k)).",
        Doc("参数说明 (x2: ND格式下支持最后两轴转置情况下的非连续的tensor)") + "; " + Notes("§1.4"),
        [](const Case &c, int r) {
            const TensorSpec *x2 = T(c, r, "x2");
            return x2 && x2->shape.size() == 2 && !Dense(*x2) && !TransposedDense(*x2);
        },
        [](const Case &valid, Choices &ch) {
            const int64_t pad = 2 * ch.Int(1, 4);
            return EditTensor(valid, "x2", [&](TensorSpec &x2) {
                if (x2.shape.size() != 2 || x2.NumElements() == 0) return false;
                const int64_t k = x2.shape[0], n = x2.shape[1];
                if (k >= 2) {
                    x2.strides = {n + pad, 1};
                } else if (n >= 2) {
                    x2.strides = {1, k + pad};
                } else {
                    return false;
                }
                x2.storage_shape.clear();
                return true;
            });
        });
    AddRule(
        t, "qmar4.shape.output_overlap", {.ops = kOps, .stage = Stage::kShape}, kInvalid,
        "output must not alias itself (a zero stride, overlapping or interleaved rows).",
        Doc("参数说明 (output 非连续Tensor: √)") + "; " + Notes("§2.1"),
        [](const Case &c, int r) {
            const TensorSpec *out = T(c, r, "output");
            return out && ViewAliases(*out);
        },
        [](const Case &valid, Choices &) {
            return EditTensor(valid, "output", [&](TensorSpec &out) {
                if (out.NumElements() == 0) return false;
                std::vector<int64_t> s = harness::ContiguousStrides(out.shape);
                for (size_t i = 0; i < out.shape.size(); ++i) {
                    if (out.shape[i] >= 2) {
                        s[i] = 0;
                        out.strides = s;
                        out.storage_shape.clear();
                        return true;
                    }
                }
                return false;
            });
        });
    common::Add(t, Common(), {Which::kStorage});
}

// A FRACTAL_NZ int8 x2 passes the op_api's shape stage unchecked (ops.md §1.4, §2.5 step 4);
// what a later layer refuses instead, as for QuantMatmulAllReduce V1-V3.
void AddNzRules(std::vector<Rule> &t) {
    const std::string cite =
        Doc("调用示例 (Atlas A2: CreateWeightNzAclTensor)") + "; " + Notes("§1.4 (weight-NZ), §2.5 op_api step 4");
    std::vector<std::function<bool(const Case &, int)>> skipped;
    for (const Rule &rule : t) {
        if (std::find(kSkippedByNz.begin(), kSkippedByNz.end(), rule.id) != kSkippedByNz.end()) {
            skipped.push_back(rule.violated);
        }
    }
    AddRule(
        t, "qmar4.nz.shapes", {.ops = kOps, .stage = Stage::kTiling, .layer = Layer::kTiling}, kInner,
        "With a FRACTAL_NZ x2 the op_api stops after x1's rank, so x2's 2-D view (k, n), k matching x1, the "
        "output, bias and x3 shapes are refused later, in tiling: an inner error, not 161002.",
        cite,
        [skipped](const Case &c, int r) {
            if (!common::NzWeight(c, r)) return false;
            return std::any_of(skipped.begin(), skipped.end(), [&](const auto &f) { return f(c, r); });
        },
        [](const Case &valid, Choices &ch) -> std::optional<Case> {
            auto nz = MakeNz(valid, ch);
            if (!nz) return std::nullopt;
            const int mode = static_cast<int>(ch.Int(0, 1));
            const int64_t delta = ch.Int(1, 8);
            return EditTensor(*nz, mode == 0 ? "x1" : "output", [&](TensorSpec &x) {
                if (x.shape.empty()) return false;
                x.shape.back() += delta;
                return true;
            });
        });
    AddRule(
        t, "qmar4.nz.storage", {.ops = kOps, .stage = Stage::kTiling, .layer = Layer::kTiling}, kInner,
        "A FRACTAL_NZ x2 must be INT8 and hold exactly the NZ storage of its (k, n) view, (ceil(n/32), ceil(k/16), "
        "16, 32), with k, n ≥ 1, plain strides and offset 0; anything else is refused as an inner error (suite "
        "requirement: the vendor's answer is not documented).",
        cite + "; oracle/internal/nz_layout.h",
        [](const Case &c, int r) {
            if (!common::NzWeight(c, r)) return false;
            const TensorSpec *x2 = T(c, r, "x2");
            if (x2->shape.size() != 2 || x2->shape[0] < 1 || x2->shape[1] < 1 || x2->dtype != ACL_INT8) return true;
            return x2->offset != 0 || x2->Strides() != harness::ContiguousStrides(x2->shape) ||
                   x2->StorageShape() != NzStorageShape(x2->shape[0], x2->shape[1]);
        },
        [](const Case &valid, Choices &ch) -> std::optional<Case> {
            auto nz = MakeNz(valid, ch);
            if (!nz) return std::nullopt;
            return EditTensor(*nz, "x2", [&](TensorSpec &x2) {
                if (x2.storage_shape.size() != 4) return false;
                x2.storage_shape[1] += 1;  // one row of tiles too many
                return true;
            });
        });
}

// A cheap int8 geometry (per-tensor UINT64, nothing optional), so that huge dims allocate
// nothing per channel or per token.
Geometry Cheap(Geometry g) {
    g.scenario = Scenario::kInt8;
    g.x1 = g.x2 = ACL_INT8;
    g.x2_scale = ACL_UINT64;
    g.output = ACL_FLOAT16;
    g.x1_scale = false;
    g.comm_scales = false;
    g.scale_shape = ScaleShape::kTensor;
    g.codes = {PackScaleCode(0.5f, false)};
    g.bias = false;
    g.x3 = false;
    g.transposed = false;
    g.nz = false;
    g.group_size = 0;
    g.comm_quant_mode = 0;
    return g;
}

RuleOptions Tiling(std::vector<Platform> platforms = {Platform::kAtlasA2, Platform::kAscend950}) {
    return {.ops = kOps, .platforms = std::move(platforms), .stage = Stage::kTiling, .layer = Layer::kTiling};
}

// groupSize's three 16-bit fields (seed 004 "groupSize"); false when bits above 47 are set.
struct GroupSize {
    int64_t m = 0, n = 0, k = 0;
    bool fits = true;
};
GroupSize Decode(int64_t v) {
    GroupSize g;
    g.k = v & 0xFFFF;
    g.n = (v >> 16) & 0xFFFF;
    g.m = (v >> 32) & 0xFFFF;
    g.fits = v >= 0 && (v >> 48) == 0;
    return g;
}

void AddLimitRules(std::vector<Rule> &t) {
    common::Add(t, Common(), {Which::kGroupNull});
    AddNzRules(t);
    common::Add(t, Common(), {Which::kWorldSizeA2, Which::kWorldSize950});
    AddRule(
        t, "qmar4.tiling.m_int32", Tiling(), Code{Outcome::kInnerError, 0, {161002}, false},
        "m (b·s) must be at most 2147483647. (Generated with k = n = 0, so that nothing is allocated; the newer "
        "op_api's empty-output 161002 is accepted too.)",
        Doc("约束说明 (m大小不超过2147483647)") + "; " + Notes("§2.5 (tiling: m ≤ INT32_MAX)"),
        [](const Case &c, int r) {
            const TensorSpec *x1 = T(c, r, "x1");
            return x1 && x1->shape.size() >= 2 && RowsOf(*x1) > kInt32Max;
        },
        [](const Case &valid, Choices &ch) {
            const bool three_d = ch.Bool();
            return EditGeometry(ToNd(valid), [&](int, Geometry &g) {
                g = Cheap(g);
                g.lead = three_d ? std::vector<int64_t>{65536, 32768} : std::vector<int64_t>{kInt32Max + 1};
                g.k = 0;
                g.n = 0;
                return true;
            });
        });
    AddRule(
        t, "qmar4.empty.output", Tiling(), Code{Outcome::kInnerError, 0, {161002}, false},
        "output must not be empty (m == 0 or n == 0; seed 004: empty tensors are not supported): the newer op_api "
        "refuses it with 161002, the older one leaves it to tiling (inner error); both are accepted.",
        Doc("约束说明 (空tensor支持度: 不支持空tensor)") + "; " + Notes("§2.5, §8.1 (Empty output)"),
        [](const Case &c, int r) {
            const TensorSpec *out = T(c, r, "output");
            return out && out->NumElements() == 0;
        },
        [](const Case &valid, Choices &ch) {
            const bool rows = ch.Bool();
            return EditGeometry(ToNd(valid), [&](int, Geometry &g) {
                g = Cheap(g);
                if (rows) {
                    g.lead.front() = 0;
                } else {
                    g.n = 0;
                }
                return true;
            });
        });
    AddRule(
        t, "qmar4.tiling.k_zero", Tiling(), kInner,
        "k == 0 is refused by the tiling layer (seed 004: empty tensors are not supported).",
        Doc("约束说明 (不支持空tensor)") + "; " + Notes("§2.5 (k==0 rejected)"),
        [](const Case &c, int r) { return K(c, r) == 0; },
        [](const Case &valid, Choices &) {
            return EditGeometry(ToNd(valid), [&](int, Geometry &g) {
                g = Cheap(g);
                g.k = 0;
                return true;
            });
        });
    AddRule(
        t, "qmar4.tiling.k_uint16", Tiling(), kInner, "k (x1's last dim) must be at most 65535.",
        Doc("约束说明 (x1与x2的最后一维大小不超过65535)") + "; " + Notes("§2.5 axis limits"),
        [](const Case &c, int r) { return K(c, r) > kUint16Max; },
        [](const Case &valid, Choices &ch) {
            const int64_t k = kUint16Max + ch.Int(1, 64);
            return EditGeometry(ToNd(valid), [&](int, Geometry &g) {
                g = Cheap(g);
                g.lead = {1};
                g.k = k;
                g.n = 1;
                return true;
            });
        });
    AddRule(
        t, "qmar4.tiling.x2_last_dim", Tiling(), kInner,
        "x2's last storage dim must be at most 65535: n when x2 is plain (k when transposed, already limited).",
        Doc("约束说明 (x2的最后一维指转置时的k或非转置时的n)") + "; " + Notes("§2.5 axis limits, §8.3"),
        [](const Case &c, int r) {
            const TensorSpec *x2 = T(c, r, "x2");
            return x2 && x2->shape.size() == 2 && !VendorTransposed(*x2) && x2->shape[1] > kUint16Max;
        },
        [](const Case &valid, Choices &ch) {
            const int64_t n = kUint16Max + ch.Int(1, 64);
            return EditGeometry(ToNd(valid), [&](int, Geometry &g) {
                g = Cheap(g);
                g.lead = {1};
                g.k = 1;
                g.n = n;
                return true;
            });
        });
}

void AddScenarioRules(std::vector<Rule> &t) {
    const std::string cite = Doc("计算公式 1-8, dtype tables") + "; " + Notes("§2.5 (tiling: scenario classification)");
    AddRule(
        t, "qmar4.tiling.scenario", Tiling(k950), kInner,
        "The dtypes must form one of the documented scenarios: int8 × int8; FP8/HiF8 × FP8/HiF8 with a FLOAT32 "
        "or UINT64/INT64 x2Scale; MX (FLOAT4_E2M1 × FLOAT4_E2M1 or FP8 E4M3FN/E5M2 × FP8 with both scales "
        "FLOAT8_E8M0; seed 004's MX table has no HiF8, the newer tiling also classifies HiF8 there — UNVERIFIED). "
        "Anything else (FP4 without E8M0 scales, one E8M0 scale, a BF16 scale on FP8, FP4 with FP8) is refused.",
        cite,
        [](const Case &c, int r) {
            const TensorSpec *x1 = T(c, r, "x1");
            return x1 && IsLowFloat(x1->dtype) && ScenarioOf(c, r) == Scenario::kNone;
        },
        [](const Case &valid, Choices &ch) {
            const int mode = static_cast<int>(ch.Int(0, 2));
            return EditGeometry(AsScenario(valid, mode == 2 ? Scenario::kMx : Scenario::kFp8, ch),
                                [&](int, Geometry &g) {
                                    if (mode == 0) g.x2_scale = ACL_BF16;         // BF16 scale on FP8
                                    if (mode == 1) g.x2_scale = ACL_FLOAT8_E8M0;  // one E8M0 scale
                                    if (mode == 2) {                              // FP4 with an fp32 x2Scale
                                        g.x1 = g.x2 = ACL_FLOAT4_E2M1;
                                        g.k = 64 * std::max<int64_t>(CeilDiv(g.k, 64), 1);
                                        g.x2_scale = ACL_FLOAT;
                                    }
                                    return true;
                                });
        });
    AddRule(
        t, "qmar4.tiling.int8_same_dtype", Tiling(), kInner, "int8 x1 needs an int8 x2 (A8W8: x1 == x2 dtype).", cite,
        [](const Case &c, int r) {
            const TensorSpec *x1 = T(c, r, "x1");
            const TensorSpec *x2 = T(c, r, "x2");
            return x1 && x2 && x1->dtype == ACL_INT8 && x2->dtype != ACL_INT8;
        },
        [](const Case &valid, Choices &ch) {
            const aclDataType d = ch.Pick(std::vector<aclDataType>{ACL_FLOAT8_E4M3FN, ACL_HIFLOAT8});
            return EditTensor(AsScenario(valid, Scenario::kInt8, ch), "x2", [&](TensorSpec &x2) {
                x2.dtype = d;
                return true;
            });
        });
    t.back().platforms = k950;  // on Atlas A2 qmar4.dtype.a2_int8 refuses first
    AddRule(
        t, "qmar4.tiling.hif8_same_dtype", Tiling(k950), kInner,
        "HiF8 pairs only with HiF8 (FP8 scenarios: x1 == x2 dtype when either is HIFLOAT8; E4M3FN and E5M2 may "
        "be mixed, as the tiling allows, though seed 004's tables list same-dtype pairs only).",
        cite,
        [](const Case &c, int r) {
            const TensorSpec *x1 = T(c, r, "x1");
            const TensorSpec *x2 = T(c, r, "x2");
            return x1 && x2 && IsFp8(x1->dtype) && IsFp8(x2->dtype) && x1->dtype != x2->dtype &&
                   (x1->dtype == ACL_HIFLOAT8 || x2->dtype == ACL_HIFLOAT8) && ScenarioOf(c, r) != Scenario::kNone;
        },
        [](const Case &valid, Choices &ch) {
            const bool first = ch.Bool();
            return EditGeometry(AsScenario(valid, Scenario::kFp8, ch), [&](int, Geometry &g) {
                g.x1 = first ? ACL_HIFLOAT8 : ACL_FLOAT8_E4M3FN;
                g.x2 = first ? ACL_FLOAT8_E5M2 : ACL_HIFLOAT8;
                return true;
            });
        });
    AddRule(
        t, "qmar4.tiling.bias_dtype", Tiling(), kInner,
        "bias must be INT32 in the int8 scenarios and FLOAT32 in the FP8/HiF8/MX scenarios.", cite,
        [](const Case &c, int r) {
            const TensorSpec *bias = T(c, r, "bias");
            const TensorSpec *x1 = T(c, r, "x1");
            if (!bias || !x1) return false;
            return x1->dtype == ACL_INT8 ? bias->dtype != ACL_INT32 : bias->dtype != ACL_FLOAT;
        },
        [](const Case &valid, Choices &ch) {
            const bool low = valid.platform == Platform::kAscend950 && ch.Bool();
            auto c = low ? AsScenario(valid, Scenario::kFp8, ch) : std::optional<Case>(valid);
            auto with = EditGeometry(c, [](int, Geometry &g) {
                g.bias = true;
                return true;
            });
            return EditTensor(with, "bias", [](TensorSpec &b) {
                b.dtype = b.dtype == ACL_INT32 ? ACL_FLOAT : ACL_INT32;
                return true;
            });
        });
    AddRule(
        t, "qmar4.tiling.per_block_bias", Tiling(k950), kInner,
        "Per-block (formula 7) takes no bias (seed 004: B-B量化场景仅支持biasOptional为null).", cite,
        [](const Case &c, int r) { return ScenarioOf(c, r) == Scenario::kPerBlock && T(c, r, "bias") != nullptr; },
        [](const Case &valid, Choices &ch) -> std::optional<Case> {
            const auto base = AsScenario(valid, Scenario::kPerBlock, ch);  // nullopt on a case without its geometry
            if (!base) return std::nullopt;
            return EditRanks(*base, [](int, ParamMap &p) {
                const TensorSpec *x2 = TensorIn(p, "x2");
                if (!x2 || x2->shape.size() != 2) return false;
                TensorSpec bias;
                bias.dtype = ACL_FLOAT;
                bias.shape = {x2->shape[1]};
                p["bias"] = bias;
                return true;
            });
        });
    AddRule(
        t, "qmar4.tiling.int8_scales", Tiling(), kInner,
        "int8: x1Scale (when present) must be FLOAT32 and x2Scale UINT64/INT64/BF16/FLOAT32; a FLOAT16 output "
        "takes a UINT64/INT64 x2Scale without x1Scale and a FLOAT32 one with it (formulas 2, 3; the op_api lets "
        "the other pairings through, the tiling refuses them).",
        Doc("参数说明 (x2ScaleOptional: 输出为FLOAT16且输入为INT8时…)") + "; " + Notes("§2.3 (tiling), §2.5"),
        [](const Case &c, int r) {
            const TensorSpec *x1 = T(c, r, "x1");
            const TensorSpec *s2 = T(c, r, "x2_scale");
            const TensorSpec *s1 = T(c, r, "x1_scale");
            const TensorSpec *out = T(c, r, "output");
            if (!x1 || !s2 || !out || x1->dtype != ACL_INT8) return false;
            if (s1 && s1->dtype != ACL_FLOAT) return true;
            if (!Contains({ACL_UINT64, ACL_INT64, ACL_BF16, ACL_FLOAT}, s2->dtype)) return true;
            if (out->dtype == ACL_FLOAT16) {
                return s1 ? s2->dtype != ACL_FLOAT : (s2->dtype != ACL_UINT64 && s2->dtype != ACL_INT64);
            }
            return false;
        },
        [](const Case &valid, Choices &ch) {
            const int mode = static_cast<int>(ch.Int(0, 2));
            auto c = valid.platform == Platform::kAtlasA2 ? std::optional<Case>(valid)
                                                          : AsScenario(valid, Scenario::kInt8, ch);
            return EditGeometry(c, [&](int, Geometry &g) {
                g.output = ACL_FLOAT16;
                g.comm_scales = false;
                g.x3 = false;
                g.x2_scale = mode == 0 ? ACL_FLOAT : mode == 1 ? ACL_UINT64 : ACL_FLOAT8_E8M0;
                g.x1_scale = mode != 0;
                return true;
            });
        });
    AddRule(
        t, "qmar4.tiling.fp8_scales", Tiling(k950), kInner,
        "FP8/HiF8 with a FLOAT32 x2Scale needs a FLOAT32 x1Scale (pertoken, formula 6); with a UINT64/INT64 "
        "x2Scale it takes no x1Scale (formula 5).",
        cite,
        [](const Case &c, int r) {
            const Scenario s = ScenarioOf(c, r);
            const TensorSpec *s1 = T(c, r, "x1_scale");
            if (s == Scenario::kFp8) return !s1 || s1->dtype != ACL_FLOAT;
            if (s == Scenario::kFp8Uint64) return s1 != nullptr;
            return false;
        },
        [](const Case &valid, Choices &ch) {
            const bool uint64 = ch.Bool();
            auto c = AsScenario(valid, uint64 ? Scenario::kFp8Uint64 : Scenario::kFp8, ch);
            return EditRanksOf(c, [&](int, ParamMap &p) {
                const TensorSpec *x1 = TensorIn(p, "x1");
                if (!x1) return false;
                if (uint64) {
                    TensorSpec s;
                    s.dtype = ACL_FLOAT;
                    s.shape = {RowsOf(*x1)};
                    p["x1_scale"] = s;
                } else {
                    p["x1_scale"] = harness::Null{};
                }
                return true;
            });
        });
    AddRule(
        t, "qmar4.tiling.fp8_uint64_output", Tiling(k950), Code{Outcome::kInnerError, 0, {161002}, false},
        "FP8/HiF8 with a UINT64/INT64 x2Scale gives FLOAT16 or BFLOAT16 only (seed 004's table; which layer "
        "refuses FLOAT32 there is UNVERIFIED: an inner error or 161002).",
        Doc("dtype table (perchannel && pertensor: output FLOAT16、BFLOAT16)"),
        [](const Case &c, int r) {
            const TensorSpec *out = T(c, r, "output");
            return out && ScenarioOf(c, r) == Scenario::kFp8Uint64 && out->dtype == ACL_FLOAT;
        },
        [](const Case &valid, Choices &ch) {
            return EditGeometry(AsScenario(valid, Scenario::kFp8Uint64, ch), [](int, Geometry &g) {
                g.output = ACL_FLOAT;
                return true;
            });
        });
}

void AddScaleShapeRules(std::vector<Rule> &t) {
    const std::string cite = Doc("参数说明 (x1ScaleOptional, x2ScaleOptional: shape)") + "; " +
                             Notes("§2.5 (no scale-shape check in op_api; tiling: pertoken numel == m)");
    AddRule(
        t, "qmar4.tiling.x1_scale_shape", Tiling(), kInner,
        "x1Scale (pertoken: int8 and FP8 outside per-block / MX) must be 1-D (m), m = b·s.", cite,
        [](const Case &c, int r) {
            const Scenario s = ScenarioOf(c, r);
            const TensorSpec *s1 = T(c, r, "x1_scale");
            const TensorSpec *x1 = T(c, r, "x1");
            if (!s1 || !x1 || (s != Scenario::kInt8 && s != Scenario::kFp8)) return false;
            return s1->shape != std::vector<int64_t>{RowsOf(*x1)};
        },
        [](const Case &valid, Choices &ch) {
            const bool longer = ch.Bool();
            auto c = valid.platform == Platform::kAtlasA2 ? WithOptional(valid, "x1_scale")
                                                          : AsScenario(valid, Scenario::kFp8, ch);
            if (valid.platform == Platform::kAtlasA2) {
                c = EditGeometry(c, [](int, Geometry &g) {
                    g.x2_scale = ACL_BF16;
                    g.output = ACL_BF16;
                    g.codes.clear();
                    return true;
                });
            }
            return EditTensor(c, "x1_scale", [&](TensorSpec &s) {
                if (s.shape.size() != 1) return false;
                // 1-D (a 2-D or 3-D x1Scale with a 2-D x2Scale would make the call per-block).
                s.shape = longer ? std::vector<int64_t>{s.shape[0] + 3} : std::vector<int64_t>{2 * s.shape[0]};
                return true;
            });
        });
    AddRule(
        t, "qmar4.tiling.x2_scale_shape", Tiling(), kInner,
        "x2Scale outside per-block / MX must be (1) (per tensor), (n) or (1, n) (per channel).", cite,
        [](const Case &c, int r) {
            const Scenario s = ScenarioOf(c, r);
            const TensorSpec *s2 = T(c, r, "x2_scale");
            const int64_t n = N(c, r);
            if (!s2 || n < 0 || (s != Scenario::kInt8 && s != Scenario::kFp8 && s != Scenario::kFp8Uint64))
                return false;
            return s2->shape != std::vector<int64_t>{1} && s2->shape != std::vector<int64_t>{n} &&
                   s2->shape != std::vector<int64_t>{1, n};
        },
        [](const Case &valid, Choices &ch) {
            const int mode = static_cast<int>(ch.Int(0, 1));
            const int64_t delta = ch.Int(1, 8);
            auto c = valid.platform == Platform::kAtlasA2 ? std::optional<Case>(valid)
                                                          : AsScenario(valid, Scenario::kFp8, ch);
            return EditRanksOf(c, [&](int, ParamMap &p) {
                TensorSpec *s = TensorIn(p, "x2_scale");
                const TensorSpec *x2 = TensorIn(p, "x2");
                if (!s || !x2 || x2->shape.size() != 2) return false;
                const int64_t n = x2->shape[1];
                s->shape = mode == 0 ? std::vector<int64_t>{n + 1 + delta} : std::vector<int64_t>{1, 1, n};
                s->strides.clear();
                s->storage_shape.clear();
                return true;
            });
        });
    AddRule(
        t, "qmar4.tiling.per_block_scales", Tiling(k950), kInner,
        "Per-block: x1Scale must be (ceil(m/128), ceil(k/128)) for a 2-D x1, (b, ceil(s/128), ceil(k/128)) for a "
        "3-D one; x2Scale (ceil(k/128), ceil(n/128)), or (ceil(n/128), ceil(k/128)) when x2 is transposed (seed "
        "004's wording; the newer op_api re-describes the scale with x2, which UNVERIFIED tiling then compares "
        "the same way).",
        Doc("计算公式 7, 参数说明 (perblock场景)") + "; " + Notes("§2.5 (per-block)"),
        [](const Case &c, int r) {
            if (ScenarioOf(c, r) != Scenario::kPerBlock) return false;
            const TensorSpec *x1 = T(c, r, "x1");
            const TensorSpec *x2 = T(c, r, "x2");
            const TensorSpec *s1 = T(c, r, "x1_scale");
            const TensorSpec *s2 = T(c, r, "x2_scale");
            if (!x1 || !x2 || x2->shape.size() != 2) return false;
            return s1->shape != PerBlockX1ScaleShape(x1->shape) ||
                   s2->shape != PerBlockX2ScaleShape(x2->shape[0], x2->shape[1], VendorTransposed(*x2));
        },
        [](const Case &valid, Choices &ch) {
            const int mode = static_cast<int>(ch.Int(0, 2));
            auto c = EditGeometry(AsScenario(valid, Scenario::kPerBlock, ch), [](int, Geometry &g) {
                // Grids of unequal sides (so a transposed grid is a different shape).
                g.k = std::max<int64_t>(g.k, 129);
                g.n = std::min<int64_t>(g.n, 128);
                return true;
            });
            const char *name = mode == 0 ? "x1_scale" : "x2_scale";
            return EditTensor(c, name, [&](TensorSpec &s) {
                if (mode == 2 && s.shape.size() == 2) {
                    std::swap(s.shape[0], s.shape[1]);  // the grid transposed
                } else {
                    s.shape.back() += 1;
                }
                return true;
            });
        });
    AddRule(
        t, "qmar4.tiling.mx_transposed", Tiling(k950), kInner,
        "MX: x2 must be transposed (seed 004: FLOAT8_E8M0 x2Scale 仅支持转置).",
        Doc("参数说明 (x2ScaleOptional: 数据类型为FLOAT8_E8M0时，仅支持转置)") + "; " + Notes("§2.5"),
        [](const Case &c, int r) {
            const TensorSpec *x2 = T(c, r, "x2");
            return x2 && x2->shape.size() == 2 && ScenarioOf(c, r) == Scenario::kMx && !VendorTransposed(*x2);
        },
        [](const Case &valid, Choices &ch) {
            return EditGeometry(AsScenario(valid, Scenario::kMx, ch), [](int, Geometry &g) {
                g.transposed = false;
                g.k = std::max<int64_t>(g.k, 2);  // a (k, 1) x2 with k = 1 would count as transposed too
                g.n = std::max<int64_t>(g.n, 2);
                return true;
            });
        });
    AddRule(
        t, "qmar4.tiling.mx_scale_shapes", Tiling(k950), kInner,
        "MX: x1Scale must be [m, ceil(k/64), 2] and x2Scale [n, ceil(k/64), 2] (one E8M0 scale per 32 elements of "
        "k, in pairs; x1 2-D, or 3-D with m = b·s — UNVERIFIED, seed 004 names m only).",
        Doc("参数说明 (数据类型为FLOAT8_E8M0时，shape为[m, ceilDiv(k, 64), 2] / [n, ceilDiv(k, 64), 2])") + "; " +
            Notes("§2.5 (MX scale shape, tiling view)"),
        [](const Case &c, int r) {
            if (ScenarioOf(c, r) != Scenario::kMx) return false;
            const TensorSpec *x1 = T(c, r, "x1");
            const int64_t n = N(c, r), k = K(c, r);
            if (!x1 || n < 0) return false;
            return T(c, r, "x1_scale")->shape != MxScaleShape(RowsOf(*x1), k) ||
                   T(c, r, "x2_scale")->shape != MxScaleShape(n, k);
        },
        [](const Case &valid, Choices &ch) {
            const bool first = ch.Bool();
            const int mode = static_cast<int>(ch.Int(0, 1));
            return EditTensor(AsScenario(valid, Scenario::kMx, ch), first ? "x1_scale" : "x2_scale",
                              [&](TensorSpec &s) {
                                  if (s.shape.size() != 3) return false;
                                  if (mode == 0) {
                                      s.shape[1] += 1;
                                  } else {
                                      s.shape = {s.shape[0], 2 * s.shape[1] + 2};  // a 2-D [dim, ceil(k/32)]-like grid
                                  }
                                  return true;
                              });
        });
    AddRule(
        t, "qmar4.tiling.mx_even", Tiling(k950), kInner,
        "MXFP4: ceil(k/32) must be even (seed 004: x1/x2 FLOAT4_E2M1 时，必须保证ceilDiv(k, 32)为偶数).",
        Doc("参数说明 (x1ScaleOptional / x2ScaleOptional)") + "; " + Notes("§2.5 (MXFP4 evenness)"),
        [](const Case &c, int r) {
            const TensorSpec *x1 = T(c, r, "x1");
            const int64_t k = K(c, r);
            return x1 && IsFp4(x1->dtype) && ScenarioOf(c, r) == Scenario::kMx && k > 0 && CeilDiv(k, 32) % 2 != 0;
        },
        [](const Case &valid, Choices &ch) {
            const int64_t k = 32 + 64 * ch.Int(0, 2);  // ceil(k/32) odd
            return EditGeometry(AsScenario(valid, Scenario::kMx, ch), [&](int, Geometry &g) {
                g.x1 = g.x2 = ACL_FLOAT4_E2M1;
                g.k = k;
                return true;
            });
        });
}

void AddAttributeTilingRules(std::vector<Rule> &t) {
    const std::string gs_cite = Doc("参数说明 (groupSize), 约束说明 (groupSize相关约束)") + "; " + Notes("§2.5, §8.2");
    AddRule(
        t, "qmar4.tiling.group_size", Tiling(k950), kInner,
        "groupSize = K | N << 16 | M << 32: per-block takes (128, 128, 128) = 549764202624, MX (1, 1, 32) "
        "(the newer tiling also (0, 0, 32)); a field of 0 asks the operator to infer it (see "
        "qmar4.tiling.group_size_inferred); any other field value, or bits above 47, is refused.",
        gs_cite,
        [](const Case &c, int r) {
            const Scenario s = ScenarioOf(c, r);
            if (s != Scenario::kPerBlock && s != Scenario::kMx) return false;
            const GroupSize g = Decode(IntOr(c, r, "group_size", 0));
            if (!g.fits) return true;
            if (s == Scenario::kPerBlock) {
                return (g.m != 0 && g.m != 128) || (g.n != 0 && g.n != 128) || (g.k != 0 && g.k != 128);
            }
            return g.m > 1 || g.n > 1 || (g.k != 0 && g.k != 32);
        },
        [](const Case &valid, Choices &ch) {
            const bool mx = ch.Bool();
            static const std::vector<int64_t> bad = {
                64 + (int64_t{128} << 16) + (int64_t{128} << 32), 128 + (int64_t{128} << 16) + (int64_t{256} << 32),
                32 + (int64_t{32} << 16) + (int64_t{32} << 32), int64_t{1} << 50, -1};
            const int64_t v = ch.Pick(bad);
            return EditGeometry(AsScenario(valid, mx ? Scenario::kMx : Scenario::kPerBlock, ch), [&](int, Geometry &g) {
                g.group_size = v;
                return true;
            });
        });
    AddRule(
        t, "qmar4.tiling.group_size_inferred", Tiling(k950), Code{Outcome::kSuccess, 0, {}, true},
        "Per-block or MX with a groupSize field of 0: the documents say the operator infers it from the shapes "
        "(m / scaleM, which for a partial last block is not 128); the newer tiling code demands the explicit values. "
        "Success expected (the documented reading), a tiling refusal tolerated — both readings, UNVERIFIED.",
        gs_cite,
        [](const Case &c, int r) {
            const Scenario s = ScenarioOf(c, r);
            if (s != Scenario::kPerBlock && s != Scenario::kMx) return false;
            const GroupSize g = Decode(IntOr(c, r, "group_size", 0));
            return g.fits && (g.m == 0 || g.n == 0 || g.k == 0);
        },
        [](const Case &valid, Choices &ch) {
            const bool mx = ch.Bool();
            return EditGeometry(AsScenario(valid, mx ? Scenario::kMx : Scenario::kPerBlock, ch), [&](int, Geometry &g) {
                g.group_size = mx ? kGroupSizeMxY : 0;
                return true;
            });
        });
    AddRule(
        t, "qmar4.tiling.group_size_ignored", Tiling(), Code{Outcome::kSuccess, 0, {}, true},
        "Outside per-block and MX the documents ask for groupSize 0; the tiling code ignores it. A non-zero value "
        "there: success expected (the vendor's code), a refusal as an inner error tolerated (the documents' "
        "words).",
        gs_cite,
        [](const Case &c, int r) {
            const Scenario s = ScenarioOf(c, r);
            return s != Scenario::kPerBlock && s != Scenario::kMx && s != Scenario::kNone &&
                   IntOr(c, r, "group_size", 0) != 0;
        },
        [](const Case &valid, Choices &ch) -> std::optional<Case> {
            auto c = valid.platform == Platform::kAtlasA2 ? std::optional<Case>(valid)
                                                          : AsScenario(valid, Scenario::kFp8, ch);
            if (!c) return c;
            return SetAll(*c, "group_size", ch.Pick(std::vector<int64_t>{kGroupSizePerBlock, 128, kGroupSizeMx}));
        });
    const std::string comm_cite = Doc("参数说明 (commQuantScale1/2Optional), 约束说明 (同时为空指针或同时不为空指针)");
    AddRule(
        t, "qmar4.tiling.comm_scales_pair", Tiling(), kInner,
        "commQuantScale1 and commQuantScale2 must be both present or both absent (checked by the tiling in V4).",
        comm_cite + "; " + Notes("§2.3 (tiling: both present or both absent), §2.5"),
        [](const Case &c, int r) {
            return (T(c, r, "comm_quant_scale_1") == nullptr) != (T(c, r, "comm_quant_scale_2") == nullptr);
        },
        [](const Case &valid, Choices &ch) {
            const bool first = ch.Bool();
            return EditRanks(valid, [&](int, ParamMap &p) {
                const TensorSpec *out = TensorIn(p, "output");
                const TensorSpec *x2 = TensorIn(p, "x2");
                if (!out || !x2 || x2->shape.size() != 2) return false;
                TensorSpec s;
                s.dtype = out->dtype;
                s.shape = {x2->shape[1]};
                p[first ? "comm_quant_scale_1" : "comm_quant_scale_2"] = s;
                p[first ? "comm_quant_scale_2" : "comm_quant_scale_1"] = harness::Null{};
                return true;
            });
        });
    AddRule(
        t, "qmar4.tiling.comm_scales_int8", Tiling(k950), kInner,
        "The comm scales are for int8 inputs only (seed 004: 当前版本仅在输入为int8类型时支持，其他场景传入空).",
        comm_cite,
        [](const Case &c, int r) {
            const TensorSpec *x1 = T(c, r, "x1");
            return x1 && x1->dtype != ACL_INT8 && BothCommScales(c, r);
        },
        [](const Case &valid, Choices &ch) -> std::optional<Case> {
            const auto base = AsScenario(valid, Scenario::kFp8, ch);  // nullopt on a case without its geometry
            if (!base) return std::nullopt;
            return EditRanks(*base, [](int, ParamMap &p) {
                const TensorSpec *out = TensorIn(p, "output");
                const TensorSpec *x2 = TensorIn(p, "x2");
                if (!out || !x2 || x2->shape.size() != 2 || out->dtype == ACL_FLOAT) return false;
                TensorSpec s;
                s.dtype = out->dtype;
                s.shape = {x2->shape[1]};
                p["comm_quant_scale_1"] = s;
                p["comm_quant_scale_2"] = s;
                return true;
            });
        });
    AddRule(
        t, "qmar4.tiling.comm_scales_shape", Tiling(), kInner,
        "Both comm scales must be (n) or (1, n), of the same shape (seed 004: 两个量化参数shape需保持一致).",
        comm_cite + "; " + Notes("§2.3 (tiling: numel == n)"),
        [](const Case &c, int r) {
            if (!BothCommScales(c, r)) return false;
            const int64_t n = N(c, r);
            const auto &a = T(c, r, "comm_quant_scale_1")->shape;
            const auto &b = T(c, r, "comm_quant_scale_2")->shape;
            const bool a_ok = a == std::vector<int64_t>{n} || a == std::vector<int64_t>{1, n};
            return n >= 0 && (!a_ok || a != b);
        },
        [](const Case &valid, Choices &ch) {
            const bool first = ch.Bool();
            const int64_t delta = ch.Int(1, 8);
            auto c = valid.platform == Platform::kAtlasA2 ? std::optional<Case>(valid)
                                                          : AsScenario(valid, Scenario::kInt8, ch);
            c = EditGeometry(c, [](int, Geometry &g) {
                g.comm_scales = true;
                return true;
            });
            return EditTensor(c, first ? "comm_quant_scale_1" : "comm_quant_scale_2", [&](TensorSpec &s) {
                s.shape[0] += delta;
                return true;
            });
        });
    const std::string mode_cite =
        Doc("参数说明 (commQuantMode: 数值为0和1。仅在x1和x2为FLOAT8_E4M3FN或FLOAT8_E5M2时支持1)");
    AddRule(
        t, "qmar4.tiling.comm_quant_mode", Tiling(), kInner,
        "commQuantMode must be 0 or 1, and 1 only with FLOAT8_E4M3FN / FLOAT8_E5M2 x1 and x2 (HiF8 with 1: the "
        "documents exclude it, whether the code refuses it is UNVERIFIED — this suite requires the refusal).",
        mode_cite + "; " + Notes("§4.3, §9 item 6"),
        [](const Case &c, int r) {
            const int64_t mode = IntOr(c, r, "comm_quant_mode", 0);
            if (mode != 0 && mode != 1) return true;
            const TensorSpec *x1 = T(c, r, "x1");
            const TensorSpec *x2 = T(c, r, "x2");
            auto fp8 = [](const TensorSpec *x) {
                return x && (x->dtype == ACL_FLOAT8_E4M3FN || x->dtype == ACL_FLOAT8_E5M2);
            };
            return mode == 1 && !(fp8(x1) && fp8(x2));
        },
        [](const Case &valid, Choices &ch) {
            if (ch.Bool()) return SetAll(valid, "comm_quant_mode", ch.Pick(std::vector<int64_t>{2, -1, 3}));
            auto c = EditGeometry(ToNd(valid), [](int, Geometry &g) {
                if (g.scenario != Scenario::kInt8) return false;  // int8 with 1
                g.comm_scales = false;
                return true;
            });
            return c ? SetAll(*c, "comm_quant_mode", int64_t{1}) : c;
        });
}

void AddNoteRules(std::vector<Rule> &t) {
    // Last of the notes: a valid case may carry commTurn > 0, and the notes above name theirs first.
    common::Add(t, Common(), {Which::kCommTurnPositive});
    // After comm_turn_positive: a valid case may carry either comm path (the generators draw both),
    // so these notes' own cases set commTurn 0.
    AddRule(
        t, "qmar4.tiling.pertile_comm", Tiling(k950), Code{Outcome::kSuccess, 0, {}, false},
        "commQuantMode = 1 with FP8 E4M3FN/E5M2 and fp32 scales (formula 8, the pertile FP8 communication, "
        "ops.md §4.3): documented, expected to succeed; judged by the oracle's step-by-step pertile model (exact "
        "where every rank's fp32 partials are known exactly, an enclosure otherwise).",
        Doc("计算公式 8; 参数说明 (commQuantMode)") + "; " + Notes("§4.3"),
        [](const Case &c, int r) { return IntOr(c, r, "comm_quant_mode", 0) == 1; },
        [](const Case &valid, Choices &ch) -> std::optional<Case> {
            auto c = EditGeometry(AsScenario(valid, Scenario::kFp8, ch), [](int, Geometry &g) {
                if (g.x1 == ACL_HIFLOAT8) g.x1 = g.x2 = ACL_FLOAT8_E4M3FN;
                return true;
            });
            if (c) c = SetAll(*c, "comm_quant_mode", int64_t{1});
            return c ? SetAll(*c, "comm_turn", int64_t{0}) : c;
        });
    AddRule(
        t, "qmar4.tiling.comm_int8_950", Tiling(k950), Code{Outcome::kSuccess, 0, {}, false},
        "Ascend 950, int8 with both comm scales (formula 1 through ReduceScatter with an fp32 reduction + "
        "AllGather, ops.md §4.2): documented, expected to succeed; judged bit-exactly as Atlas A2's scheme (the "
        "same quantisation, integer sum and requantisation; only the transport differs).",
        Doc("计算公式 1; 参数说明 (commQuantScale1Optional / commQuantScale2Optional)") + "; " + Notes("§4.2"),
        [](const Case &c, int r) {
            const TensorSpec *x1 = T(c, r, "x1");
            return x1 && x1->dtype == ACL_INT8 && BothCommScales(c, r);
        },
        [](const Case &valid, Choices &ch) {
            auto c = EditGeometry(AsScenario(valid, Scenario::kInt8, ch), [](int, Geometry &g) {
                g.comm_scales = true;
                return true;
            });
            return c ? SetAll(*c, "comm_turn", int64_t{0}) : c;
        });
}

// The all-reduced buffer (m, n, output dtype), commTurn and commQuantMode: the pertile exchange
// and a plain all-reduce cannot meet (qmar4.xrank.mismatch).
std::vector<int64_t> AgreementKey(const Case &c, int r) {
    std::vector<int64_t> key = common::AllReduceKey(c, r);
    if (!key.empty()) key.push_back(IntOr(c, r, "comm_quant_mode", 0));
    return key;
}

// Bends one rank's all-reduced buffer (n or rows) or its commTurn (qmar4.xrank.mismatch); the
// per-block and MX geometries tie n and m to their scale grids, so they bend only commTurn.
std::optional<Case> BreakAgreement(const Case &valid, Choices &ch) {
    const auto bend = [](const Case &c, int victim, int mode, int64_t delta) {
        return EditGeometry(c, [&](int r, Geometry &g) {
            if (r != victim || g.scenario == Scenario::kPerBlock || g.scenario == Scenario::kMx) return false;
            (mode == 0 ? g.n : g.lead.front()) += delta;
            return true;
        });
    };
    return common::BendOneRank(valid, ch, 3, bend, &EditRanks);
}

// The rules every family repeats (spec/common/common_rules.h): the quantised families' words
// (spec/common/quantised_matmul.h) with this family's citations, tensors, breakages and words.
const common::CommonRules &Common() {
    static const common::CommonRules kCommon = [] {
        common::CommonRules c = common::QuantisedMatmulDefaults(
            {.prefix = "qmar4", .ops = kOps, .world_sizes = &WorldSizes, .edit_each_rank = &EditRanks});
        // (EditRanks re-derives the scale values.)
        c.null_tensors = common::NullTensors{
            .names = {"x1", "x2", "x2_scale", "output"},
            .note = " (x1, x2, x2Scale, output, in that order)",
            .citation = Doc("返回值 (ACLNN_ERR_PARAM_NULLPTR)") + "; " + Notes("§2.5 op_api step 1; V4 unit tests")};
        c.null_reduce_op = common::Words{
            "reduceOp must not be a null pointer: V4 (unlike V1-V3) checks it and returns 161001.",
            Doc("返回值 (传入的…reduceOp…是空指针)") + "; " + Notes("§2.5 op_api step 1, §8.3")};
        c.reduce_op = common::ReduceOpSum{
            {"reduceOp must be \"sum\" (the op_api compares the first three characters: strncmp).",
             Doc("参数说明 (reduceOp: 当前版本仅支持输入\"sum\")") + "; " + Notes("§2.5 op_api step 3, §8.3")},
            {"max", "min", "prod", "SUM", "su", ""},
            // V4's op_api and tiling compare three characters (ops.md §8.3).
            common::ReduceOpPrefix{
                {"reduceOp starting with \"sum\" but longer (\"sumX\"): the vendor's op_api and tiling compare three "
                 "characters and accept it; the documents allow \"sum\" only, so this suite requires 161002 (a "
                 "library that accepts it, as the vendor does, gets a WARNING).",
                 Doc("参数说明 (reduceOp)") + "; " + Notes("§8.3 (reduceOp comparison)")},
                {"sumX", "summary", "sum "}}};
        c.stream_mode->words = {
            "streamMode must be 1.",
            Doc("参数说明 (streamMode: 当前版本仅支持枚举值1)") + "; " + Notes("§2.5 op_api step 3 (UT: streamMode 0)")};
        c.comm_turn_negative->citation = Doc("参数说明 (commTurn: 当前版本仅支持输入0)") + "; " + Notes("§2.1");
        c.x1_contiguous->words.citation = Doc("参数说明 (x1 非连续Tensor: ×)") + "; " + Notes("§1.4");
        c.x1_contiguous->pad_multiple = 2;  // an FP4 row stays whole bytes
        const std::vector<const char *> names = TensorNames();
        c.storage->tensors.assign(names.begin(), names.end());
        c.storage->short_by = 2;  // two elements short: FP4 storage stays whole bytes
        c.storage->min_left = 1;
        c.group_null->citation = Notes("§1.2 item 2, §2.5 (V4 UT: group null → 161001)");
        c.world_size_a2->words.citation = Doc("约束说明 (Atlas A2: 支持1、2、4、8卡)");
        c.world_size_950->words.citation = Doc("约束说明 (Ascend 950: 支持1、2、4、8、16、32、64卡)");
        c.comm_turn_positive->words.citation = Doc("参数说明 (commTurn: 当前版本仅支持输入0)") + "; " + Notes("§2.1");
        c.unknown_group->words.citation = Doc("参数说明 (group)") + "; " + Notes("§1 ambiguities (group name not checked)");
        c.peer_failed->breaks = {{"reduce_op", std::string("max")},
                                 {"stream_mode", int64_t{0}},
                                 {"group", harness::Null{}},
                                 {"x2_scale", harness::Null{}}};
        c.mismatch = common::Mismatch{
            {"All ranks must agree on the all-reduced buffer (m, n, output dtype), on commTurn and on commQuantMode "
             "(the pertile exchange and a plain all-reduce cannot meet); k, bias, x3 and the scales are each rank's "
             "own. Ranks that disagree must all fail with a runtime error within bounded time.",
             Doc("计算公式 (AllReduce over the group)") + "; shared/DESIGN.md (ABI fidelity)"},
            &AgreementKey, &BreakAgreement};
        return c;
    }();
    return kCommon;
}

std::vector<Rule> Build() {
    std::vector<Rule> t;
    common::Add(t, Common(), {Which::kNullTensors, Which::kNullReduceOp});
    AddDtypeRules(t);
    common::Add(t, Common(), {Which::kReduceOp, Which::kStreamMode, Which::kCommTurnNegative});
    AddLayoutRulesFirst(t);
    AddShapeRules(t);
    AddLayoutRulesLast(t);
    AddLimitRules(t);
    AddScenarioRules(t);
    AddScaleShapeRules(t);
    AddAttributeTilingRules(t);
    AddNoteRules(t);
    common::Add(t, Common(), {Which::kUnknownGroup, Which::kPeerFailed, Which::kMismatch});
    // The api_fuzzer campaign of session 16: one rank's comm_quant_scale_1 a stride-0 view (every
    // element reads one value), the others plain; the spec expected success, the library failed
    // every rank's all-reduce handshake (561000).
    common::AddCommScalesAgree(
        t, "qmar4", kOps, Doc("约束说明 (commQuantScale1/2 …每张卡输入保持一致)") + "; " + Notes("§2.4"),
        [](const Case &valid, Choices &ch) {
            auto c = EditGeometry(AsScenario(valid, Scenario::kInt8, ch), [](int, Geometry &g) {
                g.comm_scales = true;
                return true;
            });
            return c ? SetAll(*c, "comm_turn", int64_t{0}) : c;
        },
        &EditRanks);
    common::ApplyNzShortCut(t, "qmar4", kSkippedByNz, &EditRanks);
    AssignLevels(t, Levels());
    return t;
}

// The quick gate's valid buckets: scenario × output dtype (× world size), so every scenario and
// output dtype runs at every world size without one case per combination of optional tensors
// (the input format is drawn per case).
std::string GateLabel(const Case &c) {
    const TensorSpec *out = c.Tensor(0, "output");
    // Ascend 950's low-bit communication paths get buckets of their own (Atlas A2's labels as before).
    std::string comm;
    if (IntOr(c, 0, "comm_quant_mode", 0) == 1) {
        comm = "+pertile";
    } else if (c.platform == Platform::kAscend950 && BothCommScales(c, 0)) {
        comm = "+comm_int8";
    }
    return std::string(ScenarioName(ScenarioOf(c, 0))) + comm + ":" + (out ? harness::DtypeName(out->dtype) : "-");
}

}  // namespace

const std::vector<Rule> &Rules() {
    static const std::vector<Rule> table = Build();
    return table;
}

OpFamily Family() {
    OpFamily f;
    f.name = "quant_matmul_all_reduce_v4";
    f.ops = {kV4};
    f.rules = &Rules();
    f.generate_valid = &GenerateValid;
    f.generate_typical = &GenerateTypical;
    f.gate_valid_per_combination = 1;
    f.gate_label = &GateLabel;
    f.gate_extras = &GenerateGateExtras;
    f.decisions = {
        "Scenarios (seed 004 formulas, ops.md §2.5 classification): int8 (formulas 1-3, V3's dtype rows); FP8/HiF8 "
        "with FLOAT32 x1Scale (m) and x2Scale (1)/(n)/(1, n) (formula 6, outputs fp16/bf16/fp32); FP8/HiF8 with "
        "UINT64/INT64 x2Scale and no x1Scale (formula 5, fp16/bf16); per-block 128×128 fp32 grids, no bias "
        "(formula 7); MXFP8/MXFP4 with FLOAT8_E8M0 scales [dim, ceil(k/64), 2] and x2 transposed (formula 4). "
        "Atlas A2 takes int8 only.",
        "FLOAT4_E1M2: accepted by the older op_api, refused by the newer one and absent from seed 004: refused "
        "(161002, `qmar4.dtype.x1`).",
        "reduceOp: the vendor compares three characters (\"sumX\" passes); the documents allow \"sum\": this suite "
        "requires 161002 at hardening level (`qmar4.attr.reduce_op_prefix`: a vendor-like library is warned).",
        "groupSize: explicit (128, 128, 128) per-block and (1, 1, 32) MX as documented ((0, 0, 32) too, the newer "
        "tiling); zero fields (inferred, documented) expect success with a refusal tolerated; a non-zero value "
        "outside per-block / MX is ignored by the tiling code (success, refusal tolerated).",
        "Low-bit communication on Ascend 950 is judged: int8 with comm scales (ReduceScatter with an fp32 reduce + "
        "AllGather, §4.2) bit-exactly by V3's element-wise model, Atlas A2's AllToAll scheme likewise; commQuantMode "
        "= 1 (formula 8) by the pertile model of §4.3 (128-column tiles, multiplier fpMax/amax, RINT, the fixed fp32 "
        "pairwise tree, requantisation, final RINT cast) — exact for row tiles whose fp32 partials are exact (the "
        "k-sum exact in every order), the fp32 scaling order enumerated as readings; an enclosure otherwise. The "
        "generators draw formula 8 (E4M3FN/E5M2 with fp32 scales) at world >= 2 only: the kernel's reduction at "
        "world 1 is UNVERIFIED (§8.4); the other rows with x1 and x2 E4M3FN/E5M2 (a UINT64 scale, per-block, MXFP8) "
        "admit commQuantMode = 1 too (the parameter: only E4M3FN/E5M2 inputs; formula 8 spells out the fp32 row "
        "only): the gates add them at worlds 2, 8, 16 and 64 (GenerateGateExtras), judged by the same model.",
        "The documents' x3 guidance for low-bit communication (\"only BFLOAT16 output and non-null x3\") is not "
        "enforced by the vendor's code (§8.2): this suite neither requires nor draws a refusal; both comm paths "
        "take x3 with every output dtype.",
        "Where a tiling-layer refusal surfaces (561xxx) is UNVERIFIED as for the other families; rules whose layer "
        "is uncertain accept 161002 as well.",
    };
    return f;
}

}  // namespace mc2::spec::quant_matmul_all_reduce_v4
