// spec/quant_matmul_all_reduce/rules.cc — the constraint catalogue of aclnnQuantMatmulAllReduce
// (V1), V2 (pertoken) and V3 (commQuantScale1/2), one rule per documented constraint, in the
// vendor's check order: null → dtype → attributes → format → shape → generated inner layer →
// empty tensors → tiling → execution → cross-rank consequences (spec-notes/ops.md §1.2, §2.3,
// §2.4, §8). Decisions where the sources disagree are in the rule texts and Family().decisions.
#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

#include "spec/common/common_rules.h"
#include "spec/common/quantised_matmul.h"
#include "spec/quant_matmul_all_reduce/quant_matmul_all_reduce.h"
#include "spec/tensor_layout.h"

namespace mc2::spec::quant_matmul_all_reduce {
namespace {

using harness::Case;
using harness::Platform;
using harness::TensorSpec;
using harness::Value;
using common::Which;

const std::vector<std::string> kAll = {kV1, kV2, kV3};
const std::vector<std::string> kPertokenOps = {kV2, kV3};
const std::vector<std::string> kOnlyV3 = {kV3};
constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();
constexpr size_t kMaxTensorDims = 8;

const std::string kDocDir = "hicann/ops-transformer mc2/matmul_all_reduce/docs/";
std::string V1(const std::string &section) { return kDocDir + "aclnnQuantMatmulAllReduce.md, " + section; }
std::string V2(const std::string &section) { return kDocDir + "aclnnQuantMatmulAllReduceV2.md, " + section; }
std::string V3(const std::string &section) { return kDocDir + "aclnnQuantMatmulAllReduceV3.md, " + section; }
std::string Notes(const std::string &section) { return "shared/spec-notes/ops.md " + section; }

// ---- reading one rank's arguments ----
const TensorSpec *T(const Case &c, int rank, const char *name) { return c.Tensor(rank, name); }

std::vector<int64_t> Lead(const TensorSpec &x1) {
    return x1.shape.empty() ? std::vector<int64_t>{} : std::vector<int64_t>(x1.shape.begin(), x1.shape.end() - 1);
}
int64_t M(const TensorSpec &x1) { return x1.shape.empty() ? 1 : DimProduct(x1.shape, 0, x1.shape.size() - 1); }
// n as the op_api sees it: x2's second view dim (0 when x2 is not 2-D).
int64_t N(const Case &c, int r) {
    const TensorSpec *x2 = T(c, r, "x2");
    return x2 && x2->shape.size() == 2 ? x2->shape[1] : -1;
}

// The tensors a rank may pass, for the layout rules.
std::vector<const char *> TensorNames() {
    return {"x1",    "x2", "bias", "x3", "dequant_scale", "pertoken_scale", "comm_quant_scale_1", "comm_quant_scale_2",
            "output"};
}

// The op_api rules an NZ x2 skips (ops.md §2.3 step 4: everything after x1's rank; V3 is taken
// to do the same).
const std::vector<std::string> kSkippedByNz = {
    "qmar.shape.x2_rank",  "qmar.shape.k",        "qmar.shape.output",
    "qmar.shape.bias",     "qmar.shape.x3",       "qmar.shape.dequant",
    "qmar.shape.pertoken", "qmar.shape.comm_scales_pair", "qmar.shape.comm_scales_rank",
    "qmar.shape.comm_scale2"};

// ---- editing ----
std::optional<Case> EditRanks(const Case &valid, const std::function<bool(int, ParamMap &)> &edit) {
    std::vector<ParamMap> per = EffectiveParams(valid);
    bool any = false;
    for (int r = 0; r < static_cast<int>(per.size()); ++r) any = edit(r, per[static_cast<size_t>(r)]) || any;
    if (!any) return std::nullopt;
    for (ParamMap &p : per) FixDequantValues(p);
    Case out = valid;
    AssignPerRank(out, per);
    return out;
}

// Applies `edit` to tensor `name` of every rank that passes one; nullopt when it changed no rank.
// (Most violations bend one tensor: the shape of every such generator.)
std::optional<Case> EditTensor(const std::optional<Case> &valid, const std::string &name,
                               const std::function<bool(TensorSpec &)> &edit) {
    if (!valid) return std::nullopt;
    return EditRanks(*valid, [&](int, ParamMap &p) {
        TensorSpec *x = TensorIn(p, name);
        return x != nullptr && edit(*x);
    });
}

std::optional<Case> EditGeometry(const Case &valid, const std::function<bool(int, Geometry &)> &edit) {
    const std::string op = valid.op;
    return EditRanks(valid, [&](int r, ParamMap &p) {
        auto g = ReadGeometry(p);
        if (!g || !edit(r, *g)) return false;
        WriteGeometry(p, *g, op);
        return true;
    });
}

// The valid case with optional tensor `name` present on every rank (bias, x3, pertoken, the
// comm scales), so that a violation can be placed on it. Adding pertoken may turn a row whose
// dequant forbids it invalid; callers that need a clean case pick the bf16 row below.
Case WithOptional(const Case &valid, const std::string &name) {
    auto c = EditGeometry(valid, [&](int, Geometry &g) {
        if (name == "bias") g.bias = true;
        if (name == "x3") g.x3 = true;
        if (name == "pertoken_scale") g.pertoken = true;
        if (name == "comm_quant_scale_1" || name == "comm_quant_scale_2") g.comm_scales = true;
        return true;
    });
    return c ? *c : valid;
}

// The valid case with an NZ x2 on every rank.
std::optional<Case> MakeNz(const Case &valid) {
    return EditGeometry(valid, [](int, Geometry &g) {
        g.nz = true;
        g.transposed = false;
        g.k = std::max<int64_t>(g.k, 1);
        g.n = std::max<int64_t>(g.n, 1);
        return true;
    });
}

// The valid case moved to a dtype row: (dequant, output, pertoken). Keeps the geometry.
std::optional<Case> WithRow(const Case &valid, aclDataType dequant, aclDataType output, bool pertoken) {
    return EditGeometry(valid, [&](int, Geometry &g) {
        g.dequant = dequant;
        g.output = output;
        g.pertoken = pertoken;
        return true;
    });
}

// Sets tensor `name`'s dtype on every rank (after making it present).
std::optional<Case> SetDtype(const Case &valid, const std::string &name, aclDataType dtype) {
    return EditTensor(WithOptional(valid, name), name, [&](TensorSpec &x) {
        x.dtype = dtype;
        return true;
    });
}

const common::CommonRules &Common();  // the family's common rules, defined before Build()

// A dtype-list rule on one tensor.
void AddDtypeList(std::vector<Rule> &t, const std::string &id, const std::vector<std::string> &ops, const char *name,
                  std::vector<aclDataType> allowed, const std::string &text, const std::string &cite) {
    AddRule(
        t, id, {.ops = ops, .stage = Stage::kDtype}, kInvalid, text, cite,
        [name, allowed](const Case &c, int r) {
            const TensorSpec *x = T(c, r, name);
            return x && !Contains(allowed, x->dtype);
        },
        [name](const Case &valid, Choices &ch) { return SetDtype(valid, name, ch.Pick(ForeignDtypes())); });
}

bool OutputIsFp16(const Case &c, int r) {
    const TensorSpec *out = T(c, r, "output");
    return out && out->dtype == ACL_FLOAT16;
}
bool BothCommScales(const Case &c, int r) {
    return T(c, r, "comm_quant_scale_1") != nullptr && T(c, r, "comm_quant_scale_2") != nullptr;
}

const std::vector<LevelEntry> &Levels() {
    static const std::vector<LevelEntry> kLevels = {
        {"qmar.null.reduce_op", Level::kHardening,
         "V1-V3's op_api compares reduceOp with strcmp without a null check (ops.md §8.3)"},
        {"qmar.null.", Level::kDocumented, "op_api step 1 (ops.md §2.3) and the op_api unit tests"},
        {"qmar.dtype.", Level::kDocumented, "op_api step 2 (ops.md §2.3, §2.4) and the V3 unit-test CSV"},
        {"qmar.attr.reduce_op", Level::kDocumented, "op_api step 3 and the unit test (reduceOp \"max\")"},
        {"qmar.attr.stream_mode", Level::kDocumented, "op_api step 3 and the unit tests (streamMode 0, -1)"},
        {"qmar.attr.comm_turn_negative", Level::kDocumented,
         "the documents allow commTurn 0 only; the vendor's tiling refuses other values"},
        {"qmar.nz.storage", Level::kHardening,
         "the documents say an NZ x2 comes from aclnnTransMatmulWeight; what another storage does is not documented"},
        {"qmar.nz.", Level::kDocumented, "the registered NZ combinations (ops.md §1.5) and the op_api's NZ short-cut"},
        {"qmar.shape.negative", Level::kHardening,
         "no op_api check; aclCreateTensor is documented to refuse negative dims, not negative strides"},
        {"qmar.shape.descriptor", Level::kDocumented,
         "aclCreateTensor documents these limits; a runtime that refuses the descriptor answers for the operator"},
        {"qmar.shape.x1_contiguous", Level::kHardening,
         "the table marks non-contiguous x1 unsupported, but the op_api has no check (ops.md §1.4)"},
        {"qmar.shape.x2_strides", Level::kHardening,
         "the table allows only a last-two-axes transpose, but the op_api has no check (ops.md §1.4)"},
        {"qmar.shape.output_overlap", Level::kHardening,
         "the documents and the op_api say nothing of aliasing outputs"},
        {"qmar.shape.storage", Level::kHardening, "the op_api checks no storage size or data address (ops.md §1.3)"},
        {"qmar.shape.", Level::kDocumented, "op_api step 4 (ops.md §2.3, §2.4) and the unit-test CSVs"},
        {"qmar.inner.", Level::kDocumented, "the generated inner layer; the newer unit tests expect 161001"},
        {"qmar.empty.", Level::kDocumented, "the newer op_api (161002) and the tiling code (ops.md §2.3, §8.1)"},
        {"qmar.tiling.", Level::kDocumented, "the documents' constraints and the vendor's tiling code (ops.md §2.3)"},
        {"qmar.runtime.", Level::kDocumented,
         "the documents (group from HcclGetCommName); the vendor finds an unknown name at execution"},
        {"qmar.xrank.mismatch", Level::kHardening,
         "the documents require the ranks' calls to agree but define no answer when they do not (HCCL may fail, time out "
         "or reduce mismatched buffers); failing every rank within bounded time is this suite's robustness demand, and a "
         "library that succeeds (e.g. one that ignores commTurn, which changes no value) is not wrong by the documents"},
        {"qmar.xrank.comm_scales", Level::kDocumented,
         "the documents require the same comm scales on every card and leave a difference undefined"},
        {"qmar.xrank.", Level::kDocumented,
         "the documents' all-reduce over the group; HCCL fails a collective whose peers do not join"},
    };
    return kLevels;
}

void AddDtypeRules(std::vector<Rule> &t) {
    const std::string cite = V1("参数说明 (数据类型 column)") + "; " + Notes("§2.3 op_api step 2");
    AddDtypeList(t, "qmar.dtype.x1", kAll, "x1", {ACL_INT8}, "x1 dtype must be INT8.", cite);
    AddDtypeList(t, "qmar.dtype.x2", kAll, "x2", {ACL_INT8}, "x2 dtype must be INT8 (and so equal to x1's).", cite);
    AddDtypeList(t, "qmar.dtype.dequant", kAll, "dequant_scale", DequantDtypes(),
                 "dequantScale dtype must be UINT64, INT64, BFLOAT16 or FLOAT32.", cite);
    AddDtypeList(t, "qmar.dtype.output", kAll, "output", OutputDtypes(), "output dtype must be FLOAT16 or BFLOAT16.",
                 cite);
    AddDtypeList(t, "qmar.dtype.bias", kAll, "bias", {ACL_INT32}, "bias (when present) dtype must be INT32.", cite);
    AddRule(
        t, "qmar.dtype.x3", {.ops = kAll, .stage = Stage::kDtype}, kInvalid,
        "x3 (when present) must be FLOAT16 or BFLOAT16 and equal to output's dtype.",
        V1("参数说明 (x3: 数据类型与output一致)") + "; " + Notes("§2.3 op_api step 2"),
        [](const Case &c, int r) {
            const TensorSpec *x3 = T(c, r, "x3");
            const TensorSpec *out = T(c, r, "output");
            return x3 && (!Contains(OutputDtypes(), x3->dtype) || (out && x3->dtype != out->dtype));
        },
        [](const Case &valid, Choices &ch) {
            const TensorSpec *out = valid.Tensor(0, "output");
            const aclDataType other = out && out->dtype == ACL_BF16 ? ACL_FLOAT16 : ACL_BF16;
            return SetDtype(valid, "x3", ch.Bool() ? other : ACL_FLOAT);
        });
    AddRule(
        t, "qmar.dtype.dequant_eq_output", {.ops = kAll, .stage = Stage::kDtype}, kInvalid,
        "When output or dequantScale is BFLOAT16, dequantScale must have output's dtype (bf16 output takes a "
        "bf16 dequant scale, a bf16 scale gives a bf16 output).",
        V1("参数说明 (dequantScale: 输出为BFLOAT16时为BFLOAT16)") + "; " + Notes("§2.3 op_api step 2"),
        [](const Case &c, int r) {
            const TensorSpec *s = T(c, r, "dequant_scale");
            const TensorSpec *out = T(c, r, "output");
            return s && out && (out->dtype == ACL_BF16 || s->dtype == ACL_BF16) && s->dtype != out->dtype;
        },
        [](const Case &valid, Choices &ch) {
            // bf16 output with a uint64/fp32 scale, or a bf16 scale with fp16 output.
            switch (ch.Int(0, 2)) {
                case 0:
                    return WithRow(valid, ACL_UINT64, ACL_BF16, false);
                case 1:
                    return WithRow(valid, ACL_FLOAT, ACL_BF16, false);
                default:
                    return WithRow(valid, ACL_BF16, ACL_FLOAT16, false);
            }
        });
    AddRule(
        t, "qmar.dtype.pertoken", {.ops = kPertokenOps, .stage = Stage::kDtype}, kInvalid,
        "pertokenScale (when present) must be FLOAT32.",
        V2("参数说明 (pertokenScaleOptional: FLOAT32)") + "; " + Notes("§2.3 op_api step 2"),
        [](const Case &c, int r) {
            const TensorSpec *p = T(c, r, "pertoken_scale");
            return p && p->dtype != ACL_FLOAT;
        },
        [](const Case &valid, Choices &ch) {
            auto c = WithRow(valid, ACL_BF16, ACL_BF16, true);
            if (!c) return c;
            return SetDtype(*c, "pertoken_scale", ch.Bool() ? ACL_BF16 : ACL_FLOAT16);
        });
    AddRule(
        t, "qmar.dtype.pertoken_fp16_output", {.ops = kPertokenOps, .stage = Stage::kDtype}, kInvalid,
        "With an fp16 output and a pertoken scale, dequantScale must be FLOAT32 (pertoken's dtype); the unit "
        "test passes INT64 there and expects 161002.",
        V2("参数说明 (dequantScale)") + "; " + Notes("§2.3 op_api step 2, §2.4 (V3 CSV: dequant INT64 + pertoken)"),
        [](const Case &c, int r) {
            const TensorSpec *p = T(c, r, "pertoken_scale");
            const TensorSpec *s = T(c, r, "dequant_scale");
            return p && s && OutputIsFp16(c, r) && s->dtype != p->dtype;
        },
        [](const Case &valid, Choices &ch) {
            return WithRow(valid, ch.Bool() ? ACL_INT64 : ACL_UINT64, ACL_FLOAT16, true);
        });
    AddRule(
        t, "qmar.dtype.comm_scales", {.ops = kOnlyV3, .stage = Stage::kDtype}, kInvalid,
        "When both comm scales are present each must be FLOAT16 or BFLOAT16 and equal to output's dtype.",
        V3("参数说明 (commQuantScale1/2: 与output一致)") + "; " + Notes("§2.4 (V3 CSV: scale1 bf16, fp16 output)"),
        [](const Case &c, int r) {
            if (!BothCommScales(c, r)) return false;
            const TensorSpec *out = T(c, r, "output");
            for (const char *name : {"comm_quant_scale_1", "comm_quant_scale_2"}) {
                const TensorSpec *s = T(c, r, name);
                if (!Contains(OutputDtypes(), s->dtype) || (out && s->dtype != out->dtype)) return true;
            }
            return false;
        },
        [](const Case &valid, Choices &ch) {
            const std::string name = ch.Bool() ? "comm_quant_scale_1" : "comm_quant_scale_2";
            const TensorSpec *out = valid.Tensor(0, "output");
            const aclDataType other = out && out->dtype == ACL_BF16 ? ACL_FLOAT16 : ACL_BF16;
            auto c = EditGeometry(valid, [](int, Geometry &g) {
                g.comm_scales = true;
                return true;
            });
            if (!c) return c;
            return SetDtype(*c, name, ch.Bool() ? other : ACL_FLOAT);
        });
}

void AddLayoutRulesFirst(std::vector<Rule> &t) {
    AddRule(
        t, "qmar.shape.negative", {.ops = kAll, .stage = Stage::kShape}, kInvalidOrRefusedTensor,
        "No dim or stride of a present tensor may be negative, nor its last element lie past 2^64 bits (suite requirement; the vendor's behaviour is "
        "unspecified). An aclCreateTensor that refuses such a descriptor hands the operator a null tensor, so "
        "161001 is accepted too.",
        Notes("§1.3 (view shapes)"),
        [](const Case &c, int r) {
            for (const char *name : TensorNames()) {
                const TensorSpec *x = T(c, r, name);
                if (!x) continue;
                for (int64_t d : x->shape)
                    if (d < 0) return true;
                for (int64_t s : x->strides)
                    if (s < 0) return true;
                // The coverage-only campaign of session 16: a comm_quant_scale_1 of [2^62] float16
                // elements (past 2^64 bits) beside a null group, refused as unaddressable.
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
        t, "qmar.shape.descriptor", {.ops = kAll, .stage = Stage::kShape}, kInvalidOrRefusedTensor,
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
            const std::string name = ch.Pick(std::vector<std::string>{"x1", "x2", "output", "bias", "dequant_scale"});
            const int mode = static_cast<int>(ch.Int(0, 2));
            const int64_t amount = ch.Int(1, 8);
            return EditTensor(WithOptional(valid, name), name, [&](TensorSpec &x) {
                const int64_t needed = std::max<int64_t>(x.StorageElementsNeeded(), 1);
                switch (mode) {
                    case 0: x.offset = -amount; break;
                    case 1: x.storage_shape = {-amount, needed}; break;
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
    const std::string cite = Notes("§2.3 op_api step 4");
    AddRule(
        t, "qmar.shape.x1_rank", {.ops = kAll, .stage = Stage::kShape}, kInvalid,
        "x1 must be 2-D (m, k) or 3-D (b, s, k).", V1("约束说明 (x1为二维或三维)") + "; " + cite,
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
        t, "qmar.shape.x2_rank", {.ops = kAll, .stage = Stage::kShape}, kInvalid, "x2 (ND) must be 2-D (k, n).",
        V1("约束说明 (x2为二维)") + "; " + cite,
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
        t, "qmar.shape.k", {.ops = kAll, .stage = Stage::kShape}, kInvalid,
        "The last dim of x1 must equal x2's first dim (k), compared on view shapes.",
        V1("约束说明 (k轴相等)") + "; " + cite,
        [](const Case &c, int r) {
            const TensorSpec *x1 = T(c, r, "x1");
            const TensorSpec *x2 = T(c, r, "x2");
            return x1 && x2 && !x1->shape.empty() && !x2->shape.empty() && x1->shape.back() != x2->shape[0];
        },
        [](const Case &valid, Choices &ch) {
            const int64_t delta = ch.Int(1, 16);
            return EditTensor(valid, "x1", [&](TensorSpec &x1) {
                if (x1.shape.empty()) return false;
                x1.shape.back() += delta;
                x1.strides.clear();
                return true;
            });
        });
    AddRule(
        t, "qmar.shape.output", {.ops = kAll, .stage = Stage::kShape}, kInvalid,
        "output must be x1's shape with the last dim replaced by n: (b, s, n) or (m, n).",
        V1("约束说明 (output的shape)") + "; " + cite,
        [](const Case &c, int r) {
            const TensorSpec *x1 = T(c, r, "x1");
            const TensorSpec *out = T(c, r, "output");
            const int64_t n = N(c, r);
            if (!x1 || !out || n < 0) return false;
            std::vector<int64_t> want = Lead(*x1);
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
        t, "qmar.shape.bias", {.ops = kAll, .stage = Stage::kShape}, kInvalid, "bias (when present) must be 1-D (n).",
        V1("约束说明 (bias: shape为(n))") + "; " + cite,
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
                bias.dtype = ACL_INT32;
                bias.shape = mode == 0   ? std::vector<int64_t>{n + delta}
                             : mode == 1 ? std::vector<int64_t>{}
                                         : std::vector<int64_t>{1, n};
                p["bias"] = bias;
                return true;
            });
        });
    AddRule(
        t, "qmar.shape.x3", {.ops = kAll, .stage = Stage::kShape}, kInvalid,
        "x3 (when present) must have output's shape.", V1("参数说明 (x3: shape与output一致)") + "; " + cite,
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
    AddRule(
        t, "qmar.shape.dequant", {.ops = kAll, .stage = Stage::kShape}, kInvalid,
        "dequantScale must be (1) (per tensor), (n) or (1, n) (per channel).",
        V1("参数说明 (dequantScale: shape为(1)或(n)或(1,n))") + "; " + cite,
        [](const Case &c, int r) {
            const TensorSpec *s = T(c, r, "dequant_scale");
            const int64_t n = N(c, r);
            if (!s || n < 0) return false;
            return s->shape != std::vector<int64_t>{1} && s->shape != std::vector<int64_t>{n} &&
                   s->shape != std::vector<int64_t>{1, n};
        },
        [](const Case &valid, Choices &ch) {
            const int mode = static_cast<int>(ch.Int(0, 2));
            const int64_t delta = ch.Int(1, 8);
            return EditRanks(valid, [&](int, ParamMap &p) {
                TensorSpec *s = TensorIn(p, "dequant_scale");
                const TensorSpec *x2 = TensorIn(p, "x2");
                if (!s || !x2 || x2->shape.size() != 2) return false;
                const int64_t n = x2->shape[1];
                s->shape = mode == 0   ? std::vector<int64_t>{n + 1 + delta}
                           : mode == 1 ? std::vector<int64_t>{n, 1 + delta}
                                       : std::vector<int64_t>{1, 1, n};
                s->strides.clear();
                s->storage_shape.clear();
                return true;
            });
        });
    AddRule(
        t, "qmar.shape.pertoken", {.ops = kPertokenOps, .stage = Stage::kShape}, kInvalid,
        "pertokenScale (when present) must be 1-D (m), m = b·s.",
        V2("参数说明 (pertokenScaleOptional: shape为(m))") + "; " +
            Notes("§2.3 op_api step 4, §2.4 (CSV: (16) vs m=32)"),
        [](const Case &c, int r) {
            const TensorSpec *p = T(c, r, "pertoken_scale");
            const TensorSpec *x1 = T(c, r, "x1");
            return p && x1 && p->shape != std::vector<int64_t>{M(*x1)};
        },
        [](const Case &valid, Choices &ch) {
            const bool longer = ch.Bool();
            auto c = WithRow(valid, ACL_BF16, ACL_BF16, true);
            if (!c) return c;
            return EditTensor(*c, "pertoken_scale", [&](TensorSpec &pt) {
                if (pt.shape.size() != 1) return false;
                pt.shape = longer ? std::vector<int64_t>{pt.shape[0] + 3} : std::vector<int64_t>{1, pt.shape[0]};
                return true;
            });
        });
    // V3 (ops.md §2.4): both comm scales or neither; each 1-D or 2-D, equal ranks; then the
    // vendor's check reads both sizes from commQuantScale2 (§8.3): only scale2 is compared with n.
    AddRule(
        t, "qmar.shape.comm_scales_pair", {.ops = kOnlyV3, .stage = Stage::kShape}, kInvalid,
        "commQuantScale1 and commQuantScale2 must be both present or both absent.",
        V3("参数说明 (commQuantScale1/2)") + "; " + Notes("§2.4"),
        [](const Case &c, int r) {
            return (T(c, r, "comm_quant_scale_1") == nullptr) != (T(c, r, "comm_quant_scale_2") == nullptr);
        },
        [](const Case &valid, Choices &ch) {
            const bool first = ch.Bool();
            const char *name = first ? "comm_quant_scale_1" : "comm_quant_scale_2";
            const char *other = first ? "comm_quant_scale_2" : "comm_quant_scale_1";
            return EditRanks(valid, [&](int, ParamMap &p) {
                const TensorSpec *out = TensorIn(p, "output");
                const TensorSpec *x2 = TensorIn(p, "x2");
                if (!out || !x2 || x2->shape.size() != 2) return false;
                TensorSpec s;
                s.dtype = out->dtype;
                s.shape = {x2->shape[1]};
                p[name] = s;
                p[other] = harness::Null{};  // a valid V3 case may carry both
                return true;
            });
        });
    AddRule(
        t, "qmar.shape.comm_scales_rank", {.ops = kOnlyV3, .stage = Stage::kShape}, kInvalid,
        "Both comm scales must be 1-D or 2-D, of the same rank.",
        V3("参数说明 (shape为(n)或(1,n))") + "; " + Notes("§2.4"),
        [](const Case &c, int r) {
            if (!BothCommScales(c, r)) return false;
            const size_t r1 = T(c, r, "comm_quant_scale_1")->shape.size();
            const size_t r2 = T(c, r, "comm_quant_scale_2")->shape.size();
            return r1 < 1 || r1 > 2 || r2 < 1 || r2 > 2 || r1 != r2;
        },
        [](const Case &valid, Choices &ch) {
            const bool first = ch.Bool();
            const bool three = ch.Bool();
            auto c = WithOptional(valid, "comm_quant_scale_1");
            return EditTensor(c, first ? "comm_quant_scale_1" : "comm_quant_scale_2", [&](TensorSpec &s) {
                if (s.shape.size() != 1) return false;
                s.shape = three ? std::vector<int64_t>{1, 1, s.shape[0]} : std::vector<int64_t>{1, s.shape[0]};
                return true;
            });
        });
    AddRule(
        t, "qmar.shape.comm_scale2", {.ops = kOnlyV3, .stage = Stage::kShape}, kInvalid,
        "commQuantScale2 must be (n) (1-D) or (1, n) (2-D). The vendor's check reads both compared sizes from "
        "commQuantScale2, so commQuantScale1's sizes are not checked here (mirrored; see "
        "qmar.tiling.comm_scale1_numel).",
        V3("参数说明") + "; " + Notes("§2.4, §8.3 (V3 comm-scale shape bug)"),
        [](const Case &c, int r) {
            if (!BothCommScales(c, r)) return false;
            const TensorSpec *s2 = T(c, r, "comm_quant_scale_2");
            const int64_t n = N(c, r);
            if (n < 0) return false;
            return s2->shape != std::vector<int64_t>{n} && s2->shape != std::vector<int64_t>{1, n};
        },
        [](const Case &valid, Choices &ch) {
            const int64_t delta = ch.Int(1, 8);
            auto c = WithOptional(valid, "comm_quant_scale_1");
            return EditRanks(c, [&](int, ParamMap &p) {
                TensorSpec *s1 = TensorIn(p, "comm_quant_scale_1");
                TensorSpec *s2 = TensorIn(p, "comm_quant_scale_2");
                if (!s1 || !s2 || s2->shape.size() != 1) return false;
                s2->shape[0] += delta;  // both wrong, as the unit test's (128) vs (64)
                s1->shape[0] += delta;
                return true;
            });
        });
}

void AddLayoutRulesLast(std::vector<Rule> &t) {
    common::Add(t, Common(), {Which::kX1Contiguous});
    AddRule(
        t, "qmar.shape.x2_strides", {.ops = kAll, .stage = Stage::kShape}, kInvalid,
        "x2 must be contiguous or exactly the transpose of a contiguous (n, k) matrix (strides (1, k)).",
        V1("参数说明 (x2: 支持最后两轴转置情况下的非连续的tensor)") + "; " + Notes("§1.4"),
        [](const Case &c, int r) {
            const TensorSpec *x2 = T(c, r, "x2");
            return x2 && x2->shape.size() == 2 && !Dense(*x2) && !TransposedDense(*x2);
        },
        [](const Case &valid, Choices &ch) {
            const int64_t pad = ch.Int(1, 8);
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
        t, "qmar.shape.output_overlap", {.ops = kAll, .stage = Stage::kShape}, kInvalid,
        "output must not alias itself (a zero stride, overlapping or interleaved rows; the same sufficient test "
        "as mar.shape.output_overlap).",
        V1("参数说明 (output 非连续Tensor: √)") + "; " + Notes("§2.1"),
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

// Geometry edits for the tiling rules: a cheap per-tensor uint64 row without pertoken, so that
// huge dims allocate nothing per channel or per token.
Geometry Cheap(Geometry g) {
    g.dequant = ACL_UINT64;
    g.output = ACL_FLOAT16;
    g.pertoken = false;
    g.comm_scales = false;
    g.scale_shape = ScaleShape::kTensor;
    g.codes = {PackScaleCode(0.5f, false)};
    g.bias = false;
    g.x3 = false;
    g.transposed = false;
    return g;
}

// A FRACTAL_NZ x2 passes the op_api's shape stage unchecked (ops.md §1.4, §8.3); what a later
// layer refuses instead. Decision: inner errors (561xxx), the answer of a call the op_api let
// through; a library answering 161002 is FAILED on qmar.nz.shapes, warned on qmar.nz.storage.
void AddNzRules(std::vector<Rule> &t) {
    const std::string cite = V1("参数说明 (x2: ND / FRACTAL_NZ)") + "; " +
                             Notes("§1.4 (weight-NZ), §1.5 rows 13-16, §2.3 op_api steps 4 and 6, §8.3");
    struct Skipped {
        std::vector<std::string> ops;
        std::function<bool(const Case &, int)> violated;
    };
    std::vector<Skipped> skipped;
    for (const Rule &rule : t) {
        if (std::find(kSkippedByNz.begin(), kSkippedByNz.end(), rule.id) != kSkippedByNz.end()) {
            skipped.push_back({rule.ops, rule.violated});
        }
    }
    AddRule(
        t, "qmar.nz.shapes", {.ops = kAll, .stage = Stage::kTiling, .layer = Layer::kTiling}, kInner,
        "With a FRACTAL_NZ x2 the op_api stops after x1's rank, so x2's 2-D view (k, n), k matching x1, the "
        "output, bias, x3, dequantScale, pertokenScale and comm-scale shapes (the qmar.shape rules it skipped) "
        "are refused later, in tiling: an inner error, not 161002 (this suite's reading of the op_api's skip).",
        cite,
        [skipped](const Case &c, int r) {
            if (!common::NzWeight(c, r)) return false;
            return std::any_of(skipped.begin(), skipped.end(), [&](const Skipped &s) {
                return std::find(s.ops.begin(), s.ops.end(), c.op) != s.ops.end() && s.violated(c, r);
            });
        },
        [](const Case &valid, Choices &ch) -> std::optional<Case> {
            auto nz = MakeNz(valid);
            if (!nz) return std::nullopt;
            const int mode = static_cast<int>(ch.Int(0, 2));
            const int64_t delta = ch.Int(1, 8);
            const char *name = mode == 0 ? "x1" : mode == 1 ? "output" : "bias";
            return EditTensor(mode == 2 ? WithOptional(*nz, "bias") : *nz, name, [&](TensorSpec &x) {
                if (x.shape.empty()) return false;
                x.shape.back() += delta;  // k for x1, n for output and bias
                return true;
            });
        });
    AddRule(
        t, "qmar.nz.storage", {.ops = kAll, .stage = Stage::kTiling, .layer = Layer::kTiling}, kInner,
        "A FRACTAL_NZ x2 must hold exactly the NZ storage of its (k, n) view, (ceil(n/32), ceil(k/16), 16, 32), "
        "with k, n ≥ 1, plain strides and offset 0 (the storage, not the strides, places the elements); anything "
        "else is refused as an inner error (suite requirement: the vendor's answer is not documented).",
        cite + "; oracle/internal/nz_layout.h",
        [](const Case &c, int r) {
            if (!common::NzWeight(c, r)) return false;
            const TensorSpec *x2 = T(c, r, "x2");
            if (x2->shape.size() != 2 || x2->shape[0] < 1 || x2->shape[1] < 1) return true;
            return x2->offset != 0 || x2->Strides() != harness::ContiguousStrides(x2->shape) ||
                   x2->StorageShape() != NzStorageShape(x2->shape[0], x2->shape[1]);
        },
        [](const Case &valid, Choices &ch) -> std::optional<Case> {
            auto nz = MakeNz(valid);
            if (!nz) return std::nullopt;
            const bool swap = ch.Bool();
            return EditTensor(*nz, "x2", [&](TensorSpec &x2) {
                if (x2.storage_shape.size() != 4) return false;
                std::vector<int64_t> &st = x2.storage_shape;
                if (swap && st[0] != st[1]) {
                    std::swap(st[0], st[1]);  // tiles row of tiles first
                } else {
                    st[1] += 1;  // one row of tiles too many
                }
                return true;
            });
        });
}

void AddTilingRules(std::vector<Rule> &t) {
    common::Add(t, Common(), {Which::kGroupNull});
    AddNzRules(t);
    common::Add(t, Common(), {Which::kWorldSizeA2, Which::kWorldSize950});
    AddRule(
        t, "qmar.tiling.m_int32", {.ops = kAll, .stage = Stage::kTiling, .layer = Layer::kTiling},
        Code{Outcome::kInnerError, 0, {161002}, false},
        "m (b·s) must be at most 2147483647. (Generated with k = n = 0, so that nothing is allocated; the newer "
        "op_api's empty-output 161002 is accepted too.)",
        V1("约束说明 (m ≤ 2^31-1)") + "; " + Notes("§2.3 (tiling: m ≤ INT32_MAX)"),
        [](const Case &c, int r) {
            const TensorSpec *x1 = T(c, r, "x1");
            return x1 && x1->shape.size() >= 2 && M(*x1) > kInt32Max;
        },
        [](const Case &valid, Choices &ch) {
            const bool three_d = ch.Bool();
            return EditGeometry(valid, [&](int, Geometry &g) {
                g = Cheap(g);
                g.lead = three_d ? std::vector<int64_t>{65536, 32768} : std::vector<int64_t>{kInt32Max + 1};
                g.k = 0;  // nothing allocated (k == 0 and the empty output come later in the order)
                g.n = 0;
                return true;
            });
        });
    AddRule(
        t, "qmar.empty.output", {.ops = kAll, .stage = Stage::kTiling, .layer = Layer::kTiling},
        Code{Outcome::kInnerError, 0, {161002}, false},
        "output must not be empty (m == 0 or n == 0): the newer op_api refuses it with 161002, the older one "
        "leaves it to tiling (inner error); both are accepted.",
        Notes("§2.3 (tiling: empty output rejected; Y: output not empty), §8.1 (Empty output)"),
        [](const Case &c, int r) {
            const TensorSpec *out = T(c, r, "output");
            return out && out->NumElements() == 0;
        },
        [](const Case &valid, Choices &ch) {
            const bool rows = ch.Bool();
            return EditGeometry(valid, [&](int, Geometry &g) {
                if (rows) {
                    g.lead.front() = 0;
                } else {
                    g = Cheap(g);
                    g.n = 0;
                }
                return true;
            });
        });
    AddRule(
        t, "qmar.tiling.k_zero", {.ops = kAll, .stage = Stage::kTiling, .layer = Layer::kTiling}, kInner,
        "k == 0 is refused by the tiling layer (x1 and x2 must not be empty).",
        V1("约束说明 (x1/x2不支持空tensor)") + "; " + Notes("§2.3 (tiling: k == 0 rejected)"),
        [](const Case &c, int r) {
            const TensorSpec *x1 = T(c, r, "x1");
            return x1 && !x1->shape.empty() && x1->shape.back() == 0;
        },
        [](const Case &valid, Choices &) {
            return EditGeometry(valid, [&](int, Geometry &g) {
                g.k = 0;
                g.transposed = false;
                return true;
            });
        });
    AddRule(
        t, "qmar.tiling.k_uint16", {.ops = kAll, .stage = Stage::kTiling, .layer = Layer::kTiling}, kInner,
        "k must be at most 65535.", V1("约束说明 (x1最后一维 ≤ 65535)") + "; " + Notes("§2.3 (tiling: k ≤ UINT16_MAX)"),
        [](const Case &c, int r) {
            const TensorSpec *x1 = T(c, r, "x1");
            return x1 && !x1->shape.empty() && x1->shape.back() > kUint16Max;
        },
        [](const Case &valid, Choices &ch) {
            const int64_t k = kUint16Max + ch.Int(1, 64);
            return EditGeometry(valid, [&](int, Geometry &g) {
                g = Cheap(g);
                g.lead = {1};
                g.k = k;
                g.n = 1;
                return true;
            });
        });
    AddRule(
        t, "qmar.tiling.x2_last_dim", {.ops = kAll, .stage = Stage::kTiling, .layer = Layer::kTiling}, kInner,
        "x2's last storage dim must be at most 65535: n when x2 is plain (k when transposed, already limited). "
        "The tiling code meant to limit x2's first dim to INT32_MAX too but tests the last dim twice (mirrored).",
        V1("约束说明 (x2最后一维 ≤ 65535)") + "; " + Notes("§2.3, §8.3 (A2 quant tiling x2 dim check)"),
        [](const Case &c, int r) {
            const TensorSpec *x2 = T(c, r, "x2");
            return x2 && x2->shape.size() == 2 && !VendorTransposed(*x2) && x2->shape[1] > kUint16Max;
        },
        [](const Case &valid, Choices &ch) {
            const int64_t n = kUint16Max + ch.Int(1, 64);
            return EditGeometry(valid, [&](int, Geometry &g) {
                g = Cheap(g);
                g.lead = {1};
                g.k = 1;
                g.n = n;
                return true;
            });
        });
    AddRule(
        t, "qmar.tiling.dequant_fp16_output", {.ops = kAll, .stage = Stage::kTiling, .layer = Layer::kTiling}, kInner,
        "fp16 output without pertoken needs a UINT64/INT64 dequantScale: an FLOAT32 scale passes the op_api but "
        "the tiling refuses it.",
        Notes("§2.3 (Gaps: fp16 output + fp32 dequant + no pertoken fails tiling), §8.2 (tiling message)"),
        [](const Case &c, int r) {
            const TensorSpec *s = T(c, r, "dequant_scale");
            return s && OutputIsFp16(c, r) && T(c, r, "pertoken_scale") == nullptr && s->dtype == ACL_FLOAT;
        },
        [](const Case &valid, Choices &) { return WithRow(valid, ACL_FLOAT, ACL_FLOAT16, false); });
    AddRule(
        t, "qmar.tiling.comm_scale1_numel", {.ops = kOnlyV3, .stage = Stage::kTiling, .layer = Layer::kTiling}, kInner,
        "commQuantScale1 must hold n elements: the op_api does not compare its sizes (§8.3), the tiling does.",
        Notes("§2.3 (tiling: comm scale shapes numel == n), §8.3 (V3 comm-scale shape bug)"),
        [](const Case &c, int r) {
            if (!BothCommScales(c, r)) return false;
            const TensorSpec *s1 = T(c, r, "comm_quant_scale_1");
            return s1->NumElements() != N(c, r);
        },
        [](const Case &valid, Choices &ch) {
            const int64_t delta = ch.Int(1, 8);
            const bool two_d = ch.Bool();
            auto c = WithOptional(valid, "comm_quant_scale_1");
            return EditRanks(c, [&](int, ParamMap &p) {
                TensorSpec *s1 = TensorIn(p, "comm_quant_scale_1");
                TensorSpec *s2 = TensorIn(p, "comm_quant_scale_2");
                if (!s1 || !s2 || s1->shape.size() != 1) return false;
                s1->shape[0] += delta;
                if (two_d) {  // same rank as scale2 (1, n)
                    s1->shape = {1, s1->shape[0]};
                    s2->shape = {1, s2->shape[0]};
                }
                return true;
            });
        });
    // Both comm scales (int8 low-bit communication, ops.md §4.1) are a valid configuration, not a
    // rule: the valid generator uses them (see the family's decisions).
    common::Add(t, Common(), {Which::kCommTurnPositive});
}

// Bends one rank's all-reduced buffer (n or rows) or its commTurn (qmar.xrank.mismatch).
std::optional<Case> BreakAgreement(const Case &valid, Choices &ch) {
    const auto bend = [](const Case &c, int victim, int mode, int64_t delta) {
        return EditGeometry(c, [&](int r, Geometry &g) {
            if (r != victim) return false;
            (mode == 0 ? g.n : g.lead.front()) += delta;
            return true;
        });
    };
    return common::BendOneRank(valid, ch, 3, bend, &EditRanks);
}

// The rules every family repeats (spec/common/common_rules.h): the quantised families' words
// (spec/common/quantised_matmul.h) with this family's citations, tensors and breakages.
const common::CommonRules &Common() {
    static const common::CommonRules kCommon = [] {
        common::CommonRules c = common::QuantisedMatmulDefaults(
            {.prefix = "qmar", .ops = kAll, .world_sizes = &WorldSizes, .edit_each_rank = &EditRanks});
        // (EditRanks re-derives the dequant scale codes.)
        c.null_tensors = common::NullTensors{
            .names = {"x1", "x2", "output", "dequant_scale"},
            .note = " (x1, x2, output first, then dequantScale)",
            .citation = V1("返回值 (ACLNN_ERR_PARAM_NULLPTR)") + "; " + Notes("§2.3 op_api step 1")};
        c.null_reduce_op->citation = Notes("§8.3 (reduceOp comparison: only V4 returns 161001)");
        c.reduce_op->words = {"reduceOp must be exactly \"sum\" (strcmp: \"sumX\" and \"SUM\" are refused too).",
                              V1("参数说明 (reduceOp: 当前版本仅支持输入\"sum\")") + "; " + Notes("§2.3 op_api step 3, §8.3")};
        c.stream_mode->words = {"streamMode must be 1 (ACL_STOP_ON_FAILURE).",
                                V1("参数说明 (streamMode: 当前版本仅支持枚举值1)") + "; " + Notes("§2.3 op_api step 3")};
        c.comm_turn_negative->citation =
            V1("参数说明 (commTurn: 当前版本仅支持输入0)") + "; " + Notes("§2.1 (tiling: commTurn must be 0)");
        c.x1_contiguous->words.citation = V1("参数说明 (x1 非连续Tensor: ×)") + "; " + Notes("§1.4");
        const std::vector<const char *> names = TensorNames();
        c.storage->tensors.assign(names.begin(), names.end());
        c.group_null->citation = Notes("§1.2 item 2, §2.4 (V3 CSV: group null → 161001)");
        c.world_size_a2->words.citation = V1("约束说明 (支持1、2、4、8卡)") + "; " + Notes("§2.3");
        c.world_size_950->words = {
            "Ascend 950: the world size must be 1, 2, 4, 8, 16, 32 or 64 (MatmulAllReduce's limits; UNVERIFIED for "
            "the quantised APIs, whose 950 rows are stripped from the public documents).",
            Notes("§2.1 (950 rank sizes), §8.1")};
        c.comm_turn_positive->words.citation = V1("参数说明 (commTurn: 当前版本仅支持输入0)") + "; " + Notes("§2.1");
        c.unknown_group->words.citation = V1("参数说明 (group)") + "; " + Notes("§1 ambiguities (group name not checked)");
        c.peer_failed->breaks = {{"reduce_op", std::string("max")},
                                 {"stream_mode", int64_t{0}},
                                 {"group", harness::Null{}},
                                 {"dequant_scale", harness::Null{}}};
        c.mismatch->words = {
            "All ranks must agree on the all-reduced buffer (m, n, output dtype) and on commTurn; k, bias, x3 and the "
            "scales are each rank's own. Ranks that disagree must all fail with a runtime error within bounded time.",
            V1("计算公式 (allreduce over the group)") + "; shared/DESIGN.md (ABI fidelity)"};
        c.mismatch->violate = &BreakAgreement;
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
    AddTilingRules(t);
    common::Add(t, Common(), {Which::kUnknownGroup});
    common::Add(t, Common(), {Which::kPeerFailed, Which::kMismatch});
    common::AddCommScalesAgree(
        t, "qmar", kOnlyV3, V3("约束说明 (commQuantScale1/2 …每张卡输入保持一致)") + "; " + Notes("§2.4"),
        [](const Case &valid, Choices &) {
            return EditGeometry(valid, [](int, Geometry &g) {
                g.comm_scales = true;
                return true;
            });
        },
        &EditRanks);
    // An NZ x2 skips the op_api's remaining shape rules (qmar.nz.shapes repeats them).
    common::ApplyNzShortCut(t, "qmar", kSkippedByNz, &EditRanks);
    AssignLevels(t, Levels());
    return t;
}

}  // namespace

const std::vector<Rule> &Rules() {
    static const std::vector<Rule> table = Build();
    return table;
}

OpFamily Family() {
    OpFamily f;
    f.name = "quant_matmul_all_reduce";
    f.ops = {kV1, kV2, kV3};
    f.rules = &Rules();
    f.generate_valid = &GenerateValid;
    f.generate_typical = &GenerateTypical;
    // The documents target Atlas A2; the 950 profile is UNVERIFIED and left to the full gate's
    // property tests and fuzzers. One valid case per (dtype combination, world): the family has
    // ten dtype labels per API (bias, pertoken), so the quick gate stays within its budget.
    f.gate_platforms = {Platform::kAtlasA2};
    f.gate_valid_per_combination = 1;
    f.decisions = {
        "Dtype rows (ops.md §1.5 rows 3, 6, 9, 10): UINT64/INT64 dequant → fp16 output without pertoken; FLOAT32 "
        "dequant → fp16 output with pertoken (V2/V3); BF16 dequant → bf16 output, pertoken optional.",
        "Empty output: the newer op_api returns 161002, the older leaves it to tiling; both are accepted "
        "(`qmar.empty.output`).",
        "V3 comm-scale shapes: only commQuantScale2's sizes are compared with n in the op_api (vendor bug, "
        "mirrored); a wrong-size commQuantScale1 is a tiling refusal (`qmar.tiling.comm_scale1_numel`).",
        "INT64 dequant: the vendor rewrites the caller's tensor dtype to UINT64 after the checks (a side effect "
        "this suite does not judge); INT64 and UINT64 codes are read alike.",
        "Tiling-layer limits (k ≤ 65535, x2's last dim ≤ 65535, m ≤ INT32_MAX, k == 0, fp32 dequant with fp16 "
        "output and no pertoken, world size) are inner errors (any 561xxx), as for MatmulAllReduce.",
        "x2 FRACTAL_NZ (INT8; about a quarter of the Atlas A2 valid cases): the op_api skips its shape checks "
        "after x1's rank, so a k mismatch (or any skipped shape rule) with an NZ x2 is expected as an inner error "
        "from tiling, not 161002 (`qmar.nz.shapes`); an NZ storage other than exactly the NZ storage of (k, n) is "
        "refused (`qmar.nz.storage`, hardening).",
        "Low-bit communication (V3 with both comm scales, ops.md §4.1: quantise with commQuantScale1, AllToAll, "
        "exact int8 sum, requantise with s1/s2, AllGather, dequantise with commQuantScale2): documented, a valid "
        "configuration (3 of 4 valid V3 cases), judged bit-exactly up to the readings of the UNVERIFIED fp16 "
        "Div/Mul (oracle/contract.md). The documents require both scales identical on every rank: the fill makes "
        "them so (roles kQuantScaleIn/Out, seeded without the rank); a descriptor cannot express rank-dependent "
        "float values, so no case breaks that, and the documents give no answer for scales that differ: "
        "undefined, not a rule (the built-in library refuses them at execution with a runtime error on every "
        "rank, the oracle refuses to judge them). The documents' \"only BFLOAT16 output with x3\" is enforced "
        "by neither the vendor's op_api nor its tiling (ops.md §8.2) and fp16 has its own kernel: both output "
        "dtypes, with or without x3, are valid.",
        "Ascend 950: the A2 dtype lists and MatmulAllReduce's 950 world sizes (UNVERIFIED: the public 950 rows "
        "are stripped).",
        "torch_npu front-end checks (ops.md §2.6) are their own rule family (spec/front_end/torch_npu.cc, `mc2conf "
        "spec --op torch_npu`): they refuse before any aclnn call, and the calls they accept are judged as this "
        "family's cases.",
    };
    return f;
}

}  // namespace mc2::spec::quant_matmul_all_reduce
