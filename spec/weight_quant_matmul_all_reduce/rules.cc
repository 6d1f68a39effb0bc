// spec/weight_quant_matmul_all_reduce/rules.cc — the constraint catalogue of
// aclnnWeightQuantMatmulAllReduce (A16W8 / A16W4), one rule per documented constraint, in the
// vendor's check order (ops.md §2.2): null → dtype → attributes (reduceOp, streamMode,
// antiquantGroupSize) → shape (x1, x2, k, output, bias, x3, then, unless k == 0, the scale and
// offset shapes; an NZ x2 stops after x1's rank) → this suite's layout hardening → generated
// inner layer (null group) → empty output → tiling (first what an NZ x2 skipped: wqmar.nz.*) →
// execution → cross-rank consequences.
//
// Two op_api versions differ here (ops.md §8.1): the newer one (Y) refuses an empty output with
// 161002 where the older (H) leaves it to tiling, and requires a 2-D scale to follow x2's
// transposition. Both readings are accepted where the documents allow both (rule texts).
#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

#include "spec/common/antiquant_layout.h"
#include "spec/common/common_rules.h"
#include "spec/common/quantised_matmul.h"
#include "spec/weight_quant_matmul_all_reduce/weight_quant_matmul_all_reduce.h"
#include "spec/tensor_layout.h"

namespace mc2::spec::weight_quant_matmul_all_reduce {
namespace {

using harness::Case;
using harness::Platform;
using harness::TensorSpec;
using harness::Value;
using common::Which;

const std::vector<std::string> kOps = {kOp};
constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();
constexpr size_t kMaxTensorDims = 8;  // aclCreateTensor's limit on view and storage dims
// Every tensor parameter, for the rules that look at all of them.
const char *const kTensors[] = {"x1", "x2", "bias", "antiquant_scale", "antiquant_offset", "x3", "output"};

// ---- citations ----
std::string Doc(const std::string &section) {
    return "hicann/ops-transformer mc2/matmul_all_reduce/docs/aclnnWeightQuantMatmulAllReduce.md, " + section;
}
std::string Notes(const std::string &section) { return "shared/spec-notes/ops.md " + section; }

// ---- expected codes ----

// ---- reading one rank's arguments ----
const TensorSpec *T(const Case &c, int rank, const char *name) { return c.Tensor(rank, name); }

// k as the op_api reads it (x1's last view dim); -1 when x1 is absent or has no dims.
int64_t K(const Case &c, int r) {
    const TensorSpec *x1 = T(c, r, "x1");
    return x1 && !x1->shape.empty() ? x1->shape.back() : -1;
}

// The shapes antiquantScale may have for k (!= 0), n and G (ops.md §2.2 step 4).
bool ScaleShapeOk(const std::vector<int64_t> &shape, int64_t k, int64_t n, int64_t group_size) {
    if (group_size > 0) return shape == std::vector<int64_t>{GroupRows(k, group_size), n};
    return shape == std::vector<int64_t>{1} || shape == std::vector<int64_t>{n} || shape == std::vector<int64_t>{1, n};
}

// The op_api rules an NZ x2 skips (ops.md §2.2 step 4: everything after x1's rank).
const std::vector<std::string> kSkippedByNz = {
    "wqmar.shape.x2_rank",     "wqmar.shape.k",          "wqmar.shape.output",
    "wqmar.shape.bias",        "wqmar.shape.x3",         "wqmar.shape.scale_rank",
    "wqmar.shape.scale_shape", "wqmar.shape.offset_shape", "wqmar.shape.scale_follows_x2"};

// ---- editing ----
std::optional<Case> EditGeometry(const Case &valid, const std::function<bool(int, Geometry &)> &edit) {
    return EditEachRank(valid, [&](int r, ParamMap &p) {
        auto g = ReadGeometry(p);
        if (!g || !edit(r, *g)) return false;
        WriteGeometry(p, *g);
        return true;
    });
}

// The valid case with the optional tensor `name` present on every rank.
Case WithOptional(const Case &valid, const std::string &name) {
    auto c = EditGeometry(valid, [&](int, Geometry &g) {
        if (name == "bias") g.bias = true;
        if (name == "x3") g.x3 = true;
        if (name == "antiquant_offset") g.offset = true;
        return true;
    });
    return c ? *c : valid;
}

// The valid case with an INT8 NZ x2 and per-channel scales on every rank (n >= 2).
std::optional<Case> MakeNz(const Case &valid, const std::function<void(Geometry &)> &more = nullptr) {
    return EditGeometry(valid, [&](int, Geometry &g) {
        g.weight = ACL_INT8;
        g.nz = true;
        g.transposed = false;
        g.k = std::max<int64_t>(g.k, 1);
        g.n = std::max<int64_t>(g.n, 2);
        if (g.mode == ScaleMode::kTensor || g.mode == ScaleMode::kGroup) g.mode = ScaleMode::kChannel;
        g.group_size = 0;
        if (more) more(g);
        return true;
    });
}

// Sets the dtype of tensor `name` (made present first) on every rank.
std::optional<Case> SetDtype(const Case &valid, const std::string &name, const std::function<aclDataType(aclDataType)> &to) {
    return EditEachRank(WithOptional(valid, name), [&](int, ParamMap &p) {
        TensorSpec *x = TensorIn(p, name);
        if (!x) return false;
        x->dtype = to(x->dtype);
        return true;
    });
}

// `name` (when present) must have a dtype of `allowed`.
void AddDtypeList(std::vector<Rule> &t, const std::string &id, const char *name, std::vector<aclDataType> allowed,
                  const std::string &text, const std::string &cite) {
    AddRule(
        t, id, {.ops = kOps, .stage = Stage::kDtype}, kInvalid, text, cite,
        [name, allowed](const Case &c, int r) {
            const TensorSpec *x = T(c, r, name);
            return x && !Contains(allowed, x->dtype);
        },
        [name](const Case &valid, Choices &ch) {
            const aclDataType bad = ch.Pick(ForeignDtypes());
            return SetDtype(valid, name, [bad](aclDataType) { return bad; });
        });
}

// `name` (when present) must have `other`'s dtype.
void AddDtypeEq(std::vector<Rule> &t, const std::string &id, const char *name, const char *other,
                const std::string &text, const std::string &cite) {
    AddRule(
        t, id, {.ops = kOps, .stage = Stage::kDtype}, kInvalid, text, cite,
        [name, other](const Case &c, int r) {
            const TensorSpec *x = T(c, r, name);
            const TensorSpec *o = T(c, r, other);
            return x && o && x->dtype != o->dtype;
        },
        [name](const Case &valid, Choices &) { return SetDtype(valid, name, OtherHalf); });
}

const std::vector<LevelEntry> &Levels() {
    static const std::vector<LevelEntry> kLevels = {
        {"wqmar.null.reduce_op", Level::kHardening,
         "the op_api compares reduceOp with strcmp without a null check (ops.md §8.3)"},
        {"wqmar.null.", Level::kDocumented, "返回值 and op_api step 1 (x1, x2, antiquantScale, output null: 161001)"},
        {"wqmar.dtype.x2_fp8_950", Level::kHardening,
         "the Ascend 950 op_api accepts 8-bit float weights, which this suite does not model: it cannot judge "
         "their results"},
        {"wqmar.dtype.", Level::kDocumented, "the parameter table, op_api step 2 and the unit tests (invalid dtypes)"},
        {"wqmar.attr.", Level::kDocumented, "the parameter table, op_api step 3 and the unit tests"},
        {"wqmar.shape.negative", Level::kHardening,
         "no op_api check; aclCreateTensor is documented to refuse negative dims, not negative strides"},
        {"wqmar.shape.descriptor", Level::kDocumented,
         "aclCreateTensor documents these limits; a runtime that refuses the descriptor answers for the operator"},
        {"wqmar.shape.scale_follows_x2", Level::kHardening,
         "only the newer op_api (Y) checks it, the documented older one (H) computes such a case"},
        {"wqmar.shape.x1_contiguous", Level::kHardening,
         "the table marks non-contiguous x1 unsupported, but the op_api has no check (ops.md §1.4)"},
        {"wqmar.shape.x2_strides", Level::kHardening,
         "the table allows only a last-two-axes transpose, but the op_api has no check (ops.md §1.4)"},
        {"wqmar.shape.scale_strides", Level::kHardening,
         "the documents describe no other scale layout, and the older op_api checks none"},
        {"wqmar.shape.output_overlap", Level::kHardening, "the documents and the op_api say nothing of aliasing outputs"},
        {"wqmar.shape.storage", Level::kHardening, "the op_api checks no storage size (ops.md §1.3)"},
        {"wqmar.shape.", Level::kDocumented, "the 约束说明, op_api step 4 and the unit tests (invalid shapes)"},
        {"wqmar.inner.", Level::kDocumented, "the generated inner layer; the newer unit tests expect 161001"},
        {"wqmar.empty.", Level::kDocumented, "the documents' m, n ≥ 1, the unit tests (M = 0, k = 0) and tiling"},
        {"wqmar.nz.storage", Level::kHardening,
         "the documents say an NZ x2 comes from aclnnTransMatmulWeight; what another storage does is not documented"},
        {"wqmar.nz.", Level::kDocumented,
         "the registered NZ combinations (ops.md §1.5), the op_api's NZ short-cut and the tiling checks (§2.2)"},
        {"wqmar.tiling.", Level::kDocumented, "the documents' constraints and the vendor's tiling code (ops.md §2.2)"},
        {"wqmar.runtime.", Level::kDocumented,
         "the documents (group from HcclGetCommName); the vendor finds an unknown name at execution"},
        {"wqmar.xrank.mismatch", Level::kHardening,
         "the documents require the ranks' calls to agree but define no answer when they do not (HCCL may fail, time out "
         "or reduce mismatched buffers); failing every rank within bounded time is this suite's robustness demand, and a "
         "library that succeeds (e.g. one that ignores commTurn, which changes no value) is not wrong by the documents"},
        {"wqmar.xrank.", Level::kDocumented,
         "the documents' all-reduce over the group; HCCL fails a collective whose peers do not join"},
    };
    return kLevels;
}

void AddDtypeRules(std::vector<Rule> &t) {
    const std::string cite = Doc("参数说明 (数据类型 column)") + "; " + Notes("§2.2 op_api step 2");
    const std::vector<aclDataType> half = ActivationDtypes();
    AddDtypeList(t, "wqmar.dtype.x1", "x1", half, "x1 dtype must be FLOAT16 or BFLOAT16.", cite);
    // x2: INT8/INT4; the Ascend 950 op_api also takes 8-bit float weights (next rule).
    AddRule(
        t, "wqmar.dtype.x2", {.ops = kOps, .stage = Stage::kDtype}, kInvalid,
        "x2 dtype must be INT8 or INT4 (Ascend 950 also: FLOAT8_E4M3FN, HIFLOAT8 and, in the older op_api, "
        "FLOAT8_E5M2).",
        cite + "; " + Notes("§1.5 rows 4, 5, 7, 8; §8.1"),
        [](const Case &c, int r) {
            const TensorSpec *x2 = T(c, r, "x2");
            if (!x2) return false;
            return !Contains(WeightDtypes(), x2->dtype) &&
                   !(c.platform == Platform::kAscend950 && Contains(Fp8WeightDtypes(), x2->dtype));
        },
        [](const Case &valid, Choices &ch) {
            static const std::vector<aclDataType> bad = {ACL_FLOAT16, ACL_BF16, ACL_FLOAT, ACL_INT32, ACL_INT16};
            const aclDataType d = ch.Pick(bad);
            return SetDtype(valid, "x2", [d](aclDataType) { return d; });
        });
    AddRule(
        t, "wqmar.dtype.x2_fp8_950", {.ops = kOps, .platforms = {Platform::kAscend950}, .stage = Stage::kDtype},
        kInvalid,
        "Ascend 950: an 8-bit float x2 (FLOAT8_E4M3FN, FLOAT8_E5M2, HIFLOAT8) is accepted by the vendor's op_api "
        "(E5M2 by the older version only), but its dequantisation is not modelled by this suite, whose "
        "implementation refuses it with 161002.",
        Notes("§2.2 step 2 (910_95 x2 list), §8.1 (WeightQuant x2 on 950)"),
        [](const Case &c, int r) {
            const TensorSpec *x2 = T(c, r, "x2");
            return x2 && Contains(Fp8WeightDtypes(), x2->dtype);
        },
        [](const Case &valid, Choices &ch) {
            const aclDataType d = ch.Pick(Fp8WeightDtypes());
            return SetDtype(valid, "x2", [d](aclDataType) { return d; });
        });
    AddDtypeList(t, "wqmar.dtype.antiquant_scale", "antiquant_scale", half,
                 "antiquantScale dtype must be FLOAT16 or BFLOAT16.", cite);
    AddDtypeList(t, "wqmar.dtype.output", "output", half, "output dtype must be FLOAT16 or BFLOAT16.", cite);
    AddDtypeEq(t, "wqmar.dtype.scale_eq_x1", "antiquant_scale", "x1", "antiquantScale must have x1's dtype.", cite);
    AddDtypeEq(t, "wqmar.dtype.output_eq_x1", "output", "x1", "output must have x1's dtype.", cite);
    AddRule(
        t, "wqmar.dtype.bias_eq_x1", {.ops = kOps, .stage = Stage::kDtype}, kInvalid,
        "bias (when present) must have x1's dtype (Atlas A2; on Ascend 950 with INT8/INT4 weights as well).", cite,
        [](const Case &c, int r) {
            const TensorSpec *b = T(c, r, "bias");
            const TensorSpec *x1 = T(c, r, "x1");
            return b && x1 && b->dtype != x1->dtype;
        },
        [](const Case &valid, Choices &ch) {
            const bool other = ch.Bool();
            const aclDataType bad = ch.Pick(ForeignDtypes());
            return SetDtype(valid, "bias", [&](aclDataType d) { return other ? OtherHalf(d) : bad; });
        });
    AddDtypeList(t, "wqmar.dtype.antiquant_offset", "antiquant_offset", half,
                 "antiquantOffset (when present) dtype must be FLOAT16 or BFLOAT16.", cite);
    AddDtypeEq(t, "wqmar.dtype.offset_eq_scale", "antiquant_offset", "antiquant_scale",
               "antiquantOffset (when present) must have antiquantScale's dtype.", cite);
    AddDtypeList(t, "wqmar.dtype.x3", "x3", half, "x3 (when present) dtype must be FLOAT16 or BFLOAT16.", cite);
    AddDtypeEq(t, "wqmar.dtype.x3_eq_x1", "x3", "x1", "x3 (when present) must have x1's dtype.", cite);
}

const common::CommonRules &Common();  // the family's common rules, defined before Build()

void AddAttrRules(std::vector<Rule> &t) {
    common::Add(t, Common(), {Which::kReduceOp, Which::kStreamMode, Which::kCommTurnNegative});
    AddRule(
        t, "wqmar.attr.group_size", {.ops = kOps, .stage = Stage::kAttr}, kInvalid,
        "antiquantGroupSize must be 0 or a multiple of 32 in [32, min(k - 1, INT32_MAX)]; not checked when k == 0.",
        Doc("参数说明 (antiquantGroupSize)") + "; " + Notes("§2.2 op_api step 3, §8.3"),
        [](const Case &c, int r) {
            const int64_t k = K(c, r);
            const int64_t g = IntOr(c, r, "antiquant_group_size", 0);
            if (k == 0 || g == 0) return false;
            return g % 32 != 0 || g < 32 || g > std::min(k - 1, kInt32Max);
        },
        [](const Case &valid, Choices &ch) {
            const int mode = static_cast<int>(ch.Int(0, 3));
            return EditEachRank(valid, [&](int, ParamMap &p) {
                const TensorSpec *x1 = TensorIn(p, "x1");
                if (!x1 || x1->shape.empty() || x1->shape.back() == 0) return false;
                const int64_t k = x1->shape.back();
                const int64_t beyond = (k + 31) / 32 * 32 + 32;  // a multiple of 32 above k - 1
                p["antiquant_group_size"] = mode == 0 ? int64_t{16} : mode == 1 ? int64_t{48} : mode == 2 ? int64_t{-32} : beyond;
                return true;
            });
        });
}

// A rank-editing violation of one tensor's shape.
std::optional<Case> EditTensor(const Case &valid, const std::string &name, const std::function<bool(TensorSpec &)> &f) {
    return EditEachRank(valid, [&](int, ParamMap &p) {
        TensorSpec *x = TensorIn(p, name);
        if (!x || !f(*x)) return false;
        x->strides.clear();
        x->storage_shape.clear();
        return true;
    });
}

void AddShapeRules(std::vector<Rule> &t) {
    const std::string cite = Doc("约束说明") + "; " + Notes("§2.2 op_api step 4");
    AddRule(
        t, "wqmar.shape.negative", {.ops = kOps, .stage = Stage::kShape}, kInvalidOrRefusedTensor,
        "No dim or stride of a present tensor may be negative, nor its last element lie past 2^64 bits (suite requirement). A runtime whose "
        "aclCreateTensor refuses such a descriptor hands the operator a null tensor, so 161001 is accepted too.",
        Notes("§1.3 (view shapes)"),
        [](const Case &c, int r) {
            for (const char *name : kTensors) {
                const TensorSpec *x = T(c, r, name);
                if (!x) continue;
                for (int64_t d : x->shape)
                    if (d < 0) return true;
                for (int64_t s : x->strides)
                    if (s < 0) return true;
                if (SpanOverflows(*x)) return true;  // cannot be addressed (session 16)
            }
            return false;
        },
        [](const Case &valid, Choices &ch) {
            const std::string name = ch.Bool() ? "x1" : "output";
            const int64_t d = -ch.Int(1, 4);
            return EditTensor(valid, name, [&](TensorSpec &x) {
                if (x.shape.empty()) return false;
                x.shape[0] = d;
                return true;
            });
        });
    AddRule(
        t, "wqmar.shape.descriptor", {.ops = kOps, .stage = Stage::kShape}, kInvalidOrRefusedTensor,
        "A present tensor must have a descriptor the runtime can build: at most 8 view and 8 storage dims, a "
        "non-negative offset and non-negative storage dims (aclCreateTensor refuses the rest; an implementation "
        "whose aclCreateTensor builds one must refuse it in the operator).",
        "include/aclnn/acl_meta.h (aclCreateTensor); " + Notes("§1.3"),
        [](const Case &c, int r) {
            for (const char *name : kTensors) {
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
            static const std::vector<std::string> names = {"x1", "x2", "output", "antiquant_scale", "bias"};
            const std::string name = ch.Pick(names);
            const int mode = static_cast<int>(ch.Int(0, 2));
            const int64_t amount = ch.Int(1, 8);
            return EditEachRank(WithOptional(valid, name), [&](int, ParamMap &p) {
                TensorSpec *x = TensorIn(p, name);
                if (!x) return false;
                const int64_t needed = std::max<int64_t>(x->StorageElementsNeeded(), 1);
                if (mode == 0) {
                    x->offset = -amount;
                } else if (mode == 1) {
                    x->storage_shape = {-amount, needed};
                } else {
                    x->storage_shape = std::vector<int64_t>(kMaxTensorDims, 1);
                    x->storage_shape.push_back(needed);
                }
                return true;
            });
        });
    AddRule(
        t, "wqmar.shape.x1_rank", {.ops = kOps, .stage = Stage::kShape}, kInvalid,
        "x1 must be 2-D (m, k) or 3-D (b, s, k).", cite,
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
                return true;
            });
        });
    AddRule(
        t, "wqmar.shape.x2_rank", {.ops = kOps, .stage = Stage::kShape}, kInvalid, "x2 (ND) must be 2-D (k, n).", cite,
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
                return true;
            });
        });
    AddRule(
        t, "wqmar.shape.k", {.ops = kOps, .stage = Stage::kShape}, kInvalid,
        "The last dim of x1 must equal x2's first dim (k), compared on view shapes.", cite,
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
                return true;
            });
        });
    AddRule(
        t, "wqmar.shape.output", {.ops = kOps, .stage = Stage::kShape}, kInvalid,
        "output must be x1's shape with the last dim replaced by n.", cite,
        [](const Case &c, int r) {
            const TensorSpec *x1 = T(c, r, "x1");
            const TensorSpec *x2 = T(c, r, "x2");
            const TensorSpec *out = T(c, r, "output");
            if (!x1 || !x2 || !out || x1->shape.empty() || x2->shape.size() < 2) return false;
            std::vector<int64_t> want(x1->shape.begin(), x1->shape.end() - 1);
            want.push_back(x2->shape[1]);
            return out->shape != want;
        },
        [](const Case &valid, Choices &ch) {
            const bool last = ch.Bool();
            const int64_t delta = ch.Int(1, 8);
            return EditTensor(valid, "output", [&](TensorSpec &out) {
                if (out.shape.empty()) return false;
                (last ? out.shape.back() : out.shape.front()) += delta;
                return true;
            });
        });
    AddRule(
        t, "wqmar.shape.bias", {.ops = kOps, .stage = Stage::kShape}, kInvalid, "bias (when present) must be 1-D (n).",
        cite,
        [](const Case &c, int r) {
            const TensorSpec *bias = T(c, r, "bias");
            const TensorSpec *x2 = T(c, r, "x2");
            return bias && x2 && x2->shape.size() >= 2 && bias->shape != std::vector<int64_t>{x2->shape[1]};
        },
        [](const Case &valid, Choices &ch) {
            const bool longer = ch.Bool();
            return EditTensor(WithOptional(valid, "bias"), "bias", [&](TensorSpec &b) {
                b.shape = longer ? std::vector<int64_t>{b.shape[0] + ch.Int(1, 8)} : std::vector<int64_t>{1, b.shape[0]};
                return true;
            });
        });
    AddRule(
        t, "wqmar.shape.x3", {.ops = kOps, .stage = Stage::kShape}, kInvalid,
        "x3 (when present) must have output's shape.", cite,
        [](const Case &c, int r) {
            const TensorSpec *x3 = T(c, r, "x3");
            const TensorSpec *out = T(c, r, "output");
            return x3 && out && x3->shape != out->shape;
        },
        [](const Case &valid, Choices &ch) {
            const int64_t delta = ch.Int(1, 8);
            return EditTensor(WithOptional(valid, "x3"), "x3", [&](TensorSpec &x3) {
                x3.shape.back() += delta;
                return true;
            });
        });
    // From here on the op_api stops when k == 0 (ops.md §2.2 step 4).
    AddRule(
        t, "wqmar.shape.scale_rank", {.ops = kOps, .stage = Stage::kShape}, kInvalid,
        "antiquantScale must be 1-D or 2-D (not checked when k == 0).", cite,
        [](const Case &c, int r) {
            const TensorSpec *s = T(c, r, "antiquant_scale");
            return K(c, r) != 0 && s && (s->shape.empty() || s->shape.size() > 2);
        },
        [](const Case &valid, Choices &ch) {
            const bool scalar = ch.Bool();
            return EditTensor(valid, "antiquant_scale", [&](TensorSpec &s) {
                s.shape = scalar ? std::vector<int64_t>{} : std::vector<int64_t>{1, 1, DimProduct(s.shape, 0, s.shape.size())};
                return true;
            });
        });
    AddRule(
        t, "wqmar.shape.scale_shape", {.ops = kOps, .stage = Stage::kShape}, kInvalid,
        "antiquantScale must be (1), (n) or (1, n) when antiquantGroupSize is 0 (per tensor / per channel), and "
        "exactly (ceil(k / G), n) for G > 0 (per group); not checked when k == 0.",
        Doc("参数说明 (antiquantScale)") + "; " + Notes("§2.2 (scale shapes), op_api step 4"),
        [](const Case &c, int r) {
            const TensorSpec *s = T(c, r, "antiquant_scale");
            const TensorSpec *x2 = T(c, r, "x2");
            const int64_t k = K(c, r);
            if (k == 0 || !s || !x2 || x2->shape.size() != 2 || s->shape.empty() || s->shape.size() > 2) return false;
            return !ScaleShapeOk(s->shape, k, x2->shape[1], IntOr(c, r, "antiquant_group_size", 0));
        },
        [](const Case &valid, Choices &ch) {
            const int mode = static_cast<int>(ch.Int(0, 2));
            const int64_t delta = ch.Int(1, 4);
            return EditEachRank(valid, [&](int, ParamMap &p) {
                auto g = ReadGeometry(p);
                if (!g || g->k == 0) return false;
                TensorSpec *s = TensorIn(p, "antiquant_scale");
                if (g->mode == ScaleMode::kGroup) {
                    s->shape = mode == 0 ? std::vector<int64_t>{s->shape[0] + delta, g->n}
                               : mode == 1 ? std::vector<int64_t>{g->n}
                                           : std::vector<int64_t>{s->shape[0], g->n + delta};
                } else {
                    s->shape = mode == 0 ? std::vector<int64_t>{g->n + delta}
                               : mode == 1 ? std::vector<int64_t>{delta + 1, g->n}
                                           : std::vector<int64_t>{1, g->n + delta};
                }
                s->strides.clear();
                if (TensorSpec *o = TensorIn(p, "antiquant_offset")) *o = *s;
                return true;
            });
        });
    AddRule(
        t, "wqmar.shape.offset_shape", {.ops = kOps, .stage = Stage::kShape}, kInvalid,
        "antiquantOffset (when present) must have antiquantScale's shape; not checked when k == 0.", cite,
        [](const Case &c, int r) {
            const TensorSpec *o = T(c, r, "antiquant_offset");
            const TensorSpec *s = T(c, r, "antiquant_scale");
            return K(c, r) != 0 && o && s && o->shape != s->shape;
        },
        [](const Case &valid, Choices &ch) {
            const int64_t delta = ch.Int(1, 4);
            return EditTensor(WithOptional(valid, "antiquant_offset"), "antiquant_offset", [&](TensorSpec &o) {
                if (o.shape.empty()) return false;
                o.shape.back() += delta;
                return true;
            });
        });
    AddRule(
        t, "wqmar.shape.scale_follows_x2", {.ops = kOps, .stage = Stage::kShape}, kInvalid,
        "A 2-D antiquantScale or antiquantOffset with both dims ≠ 1 must be transposed (non-contiguous) exactly "
        "when x2 is: checked by the newer op_api (Y, 161002), not by the older (H), which computes the case. "
        "This suite requires 161002; a library answering as H gets a warning, never FAILED.",
        Notes("§2.2 step 5 [Y only], §8.1 (WeightQuant scale/offset contiguity)"),
        [](const Case &c, int r) {
            const TensorSpec *x2 = T(c, r, "x2");
            if (K(c, r) == 0 || !x2 || x2->shape.size() != 2) return false;
            const bool x2t = VendorTransposed(*x2);
            for (const char *name : {"antiquant_scale", "antiquant_offset"}) {
                const TensorSpec *s = T(c, r, name);
                if (!s || s->shape.size() != 2 || s->shape[0] <= 1 || s->shape[1] <= 1) continue;
                if (x2t == Dense(*s)) return true;
            }
            return false;
        },
        [](const Case &valid, Choices &) {
            return EditEachRank(valid, [&](int, ParamMap &p) {
                auto g = ReadGeometry(p);
                if (!g) return false;
                // A per-group scale of at least 2 x 2, then laid out against x2's transposition.
                g->k = std::max<int64_t>(g->k + g->k % 2, 66);
                g->n = std::max<int64_t>(g->n + g->n % 2, 2);
                g->mode = ScaleMode::kGroup;
                g->group_size = 32;
                WriteGeometry(p, *g);
                TensorSpec *s = TensorIn(p, "antiquant_scale");
                s->strides = g->transposed ? std::vector<int64_t>{} : std::vector<int64_t>{1, s->shape[0]};
                if (TensorSpec *o = TensorIn(p, "antiquant_offset")) *o = *s;
                return true;
            });
        });
    common::Add(t, Common(), {Which::kX1Contiguous});
    AddRule(
        t, "wqmar.shape.x2_strides", {.ops = kOps, .stage = Stage::kShape}, kInvalid,
        "x2 must be contiguous or exactly the transpose of a contiguous (n, k) matrix; other layouts are refused "
        "(suite requirement; the documents allow only the last-two-axes transpose).",
        Doc("参数说明 (x2 非连续Tensor)") + "; " + Notes("§1.4"),
        [](const Case &c, int r) {
            const TensorSpec *x2 = T(c, r, "x2");
            return x2 && x2->shape.size() == 2 && !Dense(*x2) && !TransposedDense(*x2);
        },
        [](const Case &valid, Choices &ch) {
            const int64_t pad = 2 * ch.Int(1, 4);  // even: INT4 rows stay byte-aligned
            return EditEachRank(valid, [&](int, ParamMap &p) {
                TensorSpec *x2 = TensorIn(p, "x2");
                if (!x2 || x2->shape.size() != 2 || x2->NumElements() == 0) return false;
                const int64_t k = x2->shape[0], n = x2->shape[1];
                if (k >= 2) {
                    x2->strides = {n + pad, 1};
                    // Not a transpose any more: a 2-D scale must then be contiguous
                    // (wqmar.shape.scale_follows_x2 comes first).
                    for (const char *name : {"antiquant_scale", "antiquant_offset"}) {
                        if (TensorSpec *s = TensorIn(p, name)) s->strides.clear();
                    }
                } else if (n >= 2) {
                    x2->strides = {1, k + pad};
                } else {
                    return false;
                }
                x2->storage_shape.clear();
                return true;
            });
        });
    AddRule(
        t, "wqmar.shape.scale_strides", {.ops = kOps, .stage = Stage::kShape}, kInvalid,
        "antiquantScale and antiquantOffset must each be contiguous or, when 2-D, the transpose of a contiguous "
        "matrix; other layouts are refused (suite requirement).",
        Doc("参数说明 (antiquantScale)") + "; " + Notes("§1.4, §2.2 step 5"),
        common::AntiquantLayoutBroken,
        [](const Case &valid, Choices &ch) {
            const int64_t pad = ch.Int(1, 4);
            return EditEachRank(valid, [&](int, ParamMap &p) {
                // A per-channel (n) scale with n ≥ 2, its one stride padded (a padded 2-D
                // per-group scale against a plain x2 would break scale_follows_x2 first).
                auto g = ReadGeometry(p);
                if (!g || g->k == 0) return false;
                g->mode = ScaleMode::kChannel;
                g->group_size = 0;
                if (g->n < 2) g->n = 2;
                WriteGeometry(p, *g);
                common::PadAntiquantStrides(p, pad);
                return true;
            });
        });
    AddRule(
        t, "wqmar.shape.output_overlap", {.ops = kOps, .stage = Stage::kShape}, kInvalid,
        "output must not alias itself (a zero stride, overlapping rows; suite requirement).",
        Doc("参数说明 (output)") + "; " + Notes("§2.1"),
        [](const Case &c, int r) {
            const TensorSpec *out = T(c, r, "output");
            return out && ViewAliases(*out);
        },
        [](const Case &valid, Choices &) {
            return EditEachRank(valid, [&](int, ParamMap &p) {
                TensorSpec *out = TensorIn(p, "output");
                if (!out || out->NumElements() == 0) return false;
                std::vector<int64_t> s = harness::ContiguousStrides(out->shape);
                for (size_t i = 0; i < out->shape.size(); ++i) {
                    if (out->shape[i] >= 2) {
                        s[i] = 0;
                        out->strides = s;
                        out->storage_shape.clear();
                        return true;
                    }
                }
                return false;
            });
        });
    common::Add(t, Common(), {Which::kStorage});
}

// A FRACTAL_NZ x2 passes the op_api's shape stage unchecked (ops.md §1.4, §8.3); what a later
// layer refuses instead. Decision: these are inner errors (561xxx), the documented answer of a
// call the op_api let through; a library refusing them with 161002 is FAILED on the documented
// ones (the op_api passes them) and warned on the storage rule.
void AddNzRules(std::vector<Rule> &t) {
    const std::string cite = Notes("§1.4 (weight-NZ), §1.5 rows 11-12, §2.2 op_api step 4 and tiling, §8.3");
    AddRule(
        t, "wqmar.nz.int4", {.ops = kOps, .stage = Stage::kTiling, .layer = Layer::kTiling}, kInner,
        "An INT4 x2 has no FRACTAL_NZ form: no registered combination pairs INT4 with NZ (the op_api passes it, "
        "the generated inner layer refuses it).",
        Notes("§1.5 rows 11-16 (no int4 + NZ)") + "; " + cite,
        [](const Case &c, int r) { return common::NzWeight(c, r) && T(c, r, "x2")->dtype == ACL_INT4; },
        [](const Case &valid, Choices &) {
            return MakeNz(valid, [](Geometry &g) {
                g.weight = ACL_INT4;
                g.n += g.n % 2;  // INT4's contiguous dim stays even
            });
        });
    // The op_api rules the NZ x2 skipped, repeated in tiling (their own predicates).
    std::vector<std::function<bool(const Case &, int)>> skipped;
    for (const Rule &rule : t) {
        if (std::find(kSkippedByNz.begin(), kSkippedByNz.end(), rule.id) != kSkippedByNz.end()) {
            skipped.push_back(rule.violated);
        }
    }
    AddRule(
        t, "wqmar.nz.shapes", {.ops = kOps, .stage = Stage::kTiling, .layer = Layer::kTiling}, kInner,
        "With a FRACTAL_NZ x2 the op_api stops after x1's rank, so x2's 2-D view (k, n), k matching x1, the "
        "output, bias, x3, scale and offset shapes (the wqmar.shape rules it skipped) are refused later, in "
        "tiling: an inner error, not 161002 (this suite's reading; the op_api code and §8.3 show the skip).",
        cite,
        [skipped](const Case &c, int r) {
            if (!common::NzWeight(c, r)) return false;
            return std::any_of(skipped.begin(), skipped.end(), [&](const auto &f) { return f(c, r); });
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
        t, "wqmar.nz.storage", {.ops = kOps, .stage = Stage::kTiling, .layer = Layer::kTiling}, kInner,
        "A FRACTAL_NZ x2 must hold exactly the NZ storage of its (k, n) view, (ceil(n/32), ceil(k/16), 16, 32) "
        "for INT8, with k, n ≥ 1, plain strides and offset 0 (the storage, not the strides, places the "
        "elements); anything else is refused as an inner error (suite requirement: the vendor's answer is not "
        "documented).",
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
            return EditEachRank(*nz, [&](int, ParamMap &p) {
                TensorSpec *x2 = TensorIn(p, "x2");
                if (!x2 || x2->storage_shape.size() != 4) return false;
                std::vector<int64_t> &st = x2->storage_shape;
                if (swap && st[0] != st[1]) {
                    std::swap(st[0], st[1]);  // tiles row of tiles first
                } else {
                    st[1] += 1;  // one row of tiles too many
                }
                return true;
            });
        });
    AddRule(
        t, "wqmar.nz.per_channel", {.ops = kOps, .stage = Stage::kTiling, .layer = Layer::kTiling}, kInner,
        "A FRACTAL_NZ x2 supports per-channel antiquant only: a single scale element (per tensor) or "
        "antiquantGroupSize > 0 (per group) is refused in tiling.",
        Notes("§2.2 (tiling: NZ weight only per-channel; numel(scale) == 1 → per tensor)"),
        [](const Case &c, int r) {
            const TensorSpec *s = T(c, r, "antiquant_scale");
            return common::NzWeight(c, r) && s && (IntOr(c, r, "antiquant_group_size", 0) > 0 || s->NumElements() == 1);
        },
        [](const Case &valid, Choices &ch) {
            const bool group = ch.Bool();
            return MakeNz(valid, [&](Geometry &g) {
                if (group) {
                    g.k = std::max<int64_t>(g.k, 64);
                    g.mode = ScaleMode::kGroup;
                    g.group_size = 32;
                } else {
                    g.mode = ScaleMode::kTensor;
                }
            });
        });
}

void AddLaterRules(std::vector<Rule> &t) {
    common::Add(t, Common(), {Which::kGroupNull});

    AddRule(
        t, "wqmar.empty.output", {.ops = kOps, .stage = Stage::kEmpty}, Code{Outcome::kStatus, 161002, {}, true},
        "An empty output (m == 0 or n == 0) is refused: the newer op_api with 161002 (its unit test M = 0), the "
        "older one in tiling (inner error); both are accepted.",
        Doc("约束说明 (m, n ≥ 1)") + "; " + Notes("§2.2 (Y UT: x1 (0, 64) → 161002; tiling: empty output), §8.1"),
        [](const Case &c, int r) {
            const TensorSpec *out = T(c, r, "output");
            return out && out->NumElements() == 0;
        },
        [](const Case &valid, Choices &ch) {
            const bool m_zero = ch.Bool();
            return EditGeometry(valid, [&](int, Geometry &g) {
                if (m_zero) {
                    g.lead.front() = 0;
                } else {
                    g.n = 0;
                    if (g.mode == ScaleMode::kTensor) g.mode = ScaleMode::kChannel;
                }
                return true;
            });
        });
    AddRule(
        t, "wqmar.empty.k_zero", {.ops = kOps, .stage = Stage::kEmpty, .layer = Layer::kTiling},
        Code{Outcome::kSuccess, 0, {}, false},
        "k == 0 with m, n > 0 is supported: output = allreduce(broadcast(bias) + x3), zeros without them; "
        "antiquantGroupSize and the scale and offset shapes are then not checked by the op_api.",
        Notes("§2.2 (Y UT: x1 (32, 0) → SUCCESS; op_api skips), §2.1 (empty-k kernel)"),
        [](const Case &c, int r) {
            const TensorSpec *out = T(c, r, "output");
            return K(c, r) == 0 && out && out->NumElements() > 0;
        },
        [](const Case &valid, Choices &) {
            return EditGeometry(valid, [&](int, Geometry &g) {
                g.k = 0;
                g.transposed = false;
                if (g.weight == ACL_INT4 && g.n % 2 != 0) g.weight = ACL_INT8;
                if (g.mode == ScaleMode::kGroup) g.mode = ScaleMode::kChannel;
                g.group_size = 0;
                return true;
            });
        });

    AddNzRules(t);
    common::Add(t, Common(), {Which::kWorldSizeA2, Which::kWorldSize950});
    AddRule(
        t, "wqmar.tiling.k_n_limit", {.ops = kOps, .stage = Stage::kTiling, .layer = Layer::kTiling}, kInner,
        "k and n must each be at most 65535. (m ≤ INT32_MAX is documented too but not generated: a non-empty "
        "output that large cannot be allocated.)",
        Doc("约束说明 (k, n ∈ [1, 65535])") + "; " + Notes("§2.2 (tiling: k ≤ 65535, n ≤ 65535)"),
        [](const Case &c, int r) {
            const TensorSpec *x2 = T(c, r, "x2");
            return x2 && x2->shape.size() == 2 && (K(c, r) > kMaxKN || x2->shape[1] > kMaxKN);
        },
        [](const Case &valid, Choices &ch) {
            const bool big_k = ch.Bool();
            return EditGeometry(valid, [&](int, Geometry &g) {
                g.lead = {1};
                g.mode = ScaleMode::kTensor;
                g.group_size = 0;
                g.x3 = false;
                g.bias = false;
                if (big_k) {
                    g.k = kMaxKN + 1;
                    g.n = 2;
                } else {
                    g.k = 2;
                    g.n = kMaxKN + 1;
                }
                return true;
            });
        });
    AddRule(
        t, "wqmar.tiling.int4_even", {.ops = kOps, .stage = Stage::kTiling, .layer = Layer::kTiling}, kInner,
        "INT4 x2: the contiguous dim (n for a plain x2, k for a transposed one) must be even: two values share a "
        "byte, element 0 in the low nibble.",
        Notes("§2.2 (tiling: int4 inner dim even)") + "; shared/spec-notes/formats.md §9 (INT4 packing)",
        [](const Case &c, int r) {
            const TensorSpec *x2 = T(c, r, "x2");
            if (!x2 || x2->dtype != ACL_INT4 || x2->shape.size() != 2) return false;
            return (VendorTransposed(*x2) ? x2->shape[0] : x2->shape[1]) % 2 != 0;
        },
        [](const Case &valid, Choices &ch) {
            const bool transposed = ch.Bool();
            return EditGeometry(valid, [&](int, Geometry &g) {
                g.weight = ACL_INT4;
                g.transposed = transposed && g.k > 1;
                int64_t &inner = g.transposed ? g.k : g.n;
                if (inner % 2 == 0) inner += 1;
                if (g.mode == ScaleMode::kGroup && g.group_size > g.k - 1) g.mode = ScaleMode::kChannel;
                if (g.mode != ScaleMode::kGroup) g.group_size = 0;
                return true;
            });
        });
    AddRule(
        t, "wqmar.tiling.k_zero_group", {.ops = kOps, .stage = Stage::kTiling, .layer = Layer::kTiling}, kInner,
        "k == 0 with antiquantGroupSize > 0: the op_api skips the group check, tiling refuses per-group "
        "dequantisation with k < 33.",
        Notes("§2.2 (tiling: per-group requires k ≥ 33), §8.3"),
        [](const Case &c, int r) { return K(c, r) == 0 && IntOr(c, r, "antiquant_group_size", 0) > 0; },
        [](const Case &valid, Choices &ch) {
            const int64_t group = 32 * ch.Int(1, 4);
            return EditEachRank(valid, [&](int, ParamMap &p) {
                auto g = ReadGeometry(p);
                if (!g) return false;
                g->k = 0;
                g->transposed = false;
                if (g->weight == ACL_INT4 && g->n % 2 != 0) g->weight = ACL_INT8;
                g->mode = ScaleMode::kChannel2d;
                WriteGeometry(p, *g);
                p["antiquant_group_size"] = group;
                return true;
            });
        });
    common::Add(t, Common(), {Which::kCommTurnPositive});

    common::Add(t, Common(), {Which::kUnknownGroup});

    common::Add(t, Common(), {Which::kPeerFailed, Which::kMismatch});
}

// Bends one rank's all-reduced buffer (rows or dtype) or its commTurn (wqmar.xrank.mismatch).
std::optional<Case> BreakAgreement(const Case &valid, Choices &ch) {
    if (valid.world < 2) return std::nullopt;
    const int victim = static_cast<int>(ch.Int(0, valid.world - 1));
    const int mode = static_cast<int>(ch.Int(0, 2));
    if (mode == 2) return common::BumpCommTurn(valid, victim, ch.Int(1, 4));
    return EditGeometry(valid, [&](int r, Geometry &g) {
        if (r != victim) return false;
        if (mode == 0) {
            g.lead.front() += 1;
        } else {
            g.dtype = OtherHalf(g.dtype);
        }
        return true;
    });
}

// The rules every family repeats (spec/common/common_rules.h): the quantised families' words
// (spec/common/quantised_matmul.h) with this family's citations, tensors, breakages and words.
const common::CommonRules &Common() {
    static const common::CommonRules kCommon = [] {
        common::CommonRules c =
            common::QuantisedMatmulDefaults({.prefix = "wqmar", .ops = kOps, .world_sizes = &WorldSizes});
        c.null_tensors = common::NullTensors{
            .names = {"x1", "x2", "antiquant_scale", "output"},
            .note = "",
            .citation = Doc("返回值 (ACLNN_ERR_PARAM_NULLPTR)") + "; " + Notes("§2.2 op_api step 1")};
        c.null_reduce_op->citation = Notes("§8.3 (reduceOp comparison)");
        c.reduce_op->words = {"reduceOp must be exactly \"sum\" (exact comparison: \"sumX\" and \"SUM\" are refused too).",
                              Doc("参数说明 (reduceOp)") + "; " + Notes("§2.2 op_api step 3, §8.3")};
        c.stream_mode = common::StreamMode{
            {"streamMode must be 1.", Doc("参数说明 (streamMode)") + "; " + Notes("§2.2 op_api step 3")}, {0, -1, 2}};
        c.comm_turn_negative = common::Words{
            "commTurn must not be negative. The documents allow only 0 and the vendor's tiling refuses any other "
            "value (inner error); this suite's implementation refuses a negative count as an invalid attribute "
            "(161002). Either answer conforms.",
            Doc("参数说明 (commTurn)") + "; " + Notes("§2.1 (tiling: commTurn must be 0)")};
        c.x1_contiguous->words = {
            "x1 must be contiguous (strides of size-1 dims are ignored): the table marks it non-contiguous ×, the "
            "op_api has no check; this suite requires 161002.",
            Doc("参数说明 (x1 非连续Tensor: ×)") + "; " + Notes("§1.4")};
        c.storage->words.text =
            "Every present tensor's storage must cover the elements its view reaches (suite requirement: the vendor "
            "would read or write out of bounds).";
        c.storage->tensors = {std::begin(kTensors), std::end(kTensors)};
        c.storage->bent = {"x1", "output", "antiquant_scale"};
        c.group_null->citation = Notes("§1.2 item 2, §2.2 (Y UT: group null → 161001)");
        c.world_size_a2->words.citation = Doc("约束说明") + "; " + Notes("§2.1 (tiling: rank size)");
        c.world_size_950->words.citation = Notes("§2.1 (rank sizes on Ascend 950), §8.1");
        c.comm_turn_positive = common::CommTurnPositive{
            {"commTurn > 0: the documents support only 0 (the vendor's tiling refuses other values); this suite's "
             "implementation splits the communication into commTurn pieces. Success is expected; a tiling refusal "
             "(561xxx, nothing written) conforms too.",
             Doc("参数说明 (commTurn: 仅支持0)") + "; " + Notes("§2.1")},
            8};
        c.unknown_group->words = {
            "group must name a live communicator (HcclGetCommName): the vendor fails at execution; an implementation "
            "may refuse it early with 161002.",
            Doc("参数说明 (group)") + "; " + Notes("§1 ambiguities (group name not checked)")};
        c.peer_failed->breaks = {
            {"reduce_op", std::string("max")}, {"antiquant_scale", harness::Null{}}, {"stream_mode", int64_t{0}}};
        c.mismatch->words = {
            "All ranks must agree on the all-reduced buffer (m, n, output dtype) and on commTurn (k, the weight, its "
            "scales, bias and x3 may differ per rank); ranks that disagree must all fail with a runtime error within "
            "bounded time.",
            Doc("计算公式 (allreduce over the group)") + "; shared/DESIGN.md (ABI fidelity)"};
        c.mismatch->violate = &BreakAgreement;
        return c;
    }();
    return kCommon;
}

std::vector<Rule> Build() {
    std::vector<Rule> t;
    common::Add(t, Common(), {Which::kNullTensors, Which::kNullReduceOp});
    AddDtypeRules(t);
    AddAttrRules(t);
    AddShapeRules(t);
    AddLaterRules(t);
    // An NZ x2 skips the op_api's remaining shape rules (wqmar.nz.shapes repeats them).
    common::ApplyNzShortCut(t, "wqmar", kSkippedByNz);
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
    f.name = kOp;
    f.ops = {kOp};
    f.rules = &Rules();
    f.generate_valid = &GenerateValid;
    f.generate_typical = nullptr;
    f.decisions = {
        "Empty output (m == 0 or n == 0): the newer op_api refuses it with 161002, the older one in tiling; both "
        "are accepted (`wqmar.empty.output`).",
        "A 2-D scale/offset whose layout does not follow x2's transposition: only the newer op_api refuses it; "
        "this suite requires 161002 at hardening level, so the older behaviour is a warning, never FAILED.",
        "k == 0: supported (output = allreduce(bias + x3)); antiquantGroupSize and the scale/offset shapes are "
        "not checked then, except that tiling refuses a positive group size.",
        "INT4: two values per byte, element 0 in the low nibble (formats.md §9); the contiguous dim must be even.",
        "Ascend 950: the same INT8/INT4 model as Atlas A2, whose valid cases it draws with INT8 weights only "
        "(a smoke: the operator is documented for Atlas A2); its 8-bit float weights are not modelled "
        "(`wqmar.dtype.x2_fp8_950`, hardening).",
        "FRACTAL_NZ x2 (INT8, Atlas A2: about a quarter of the INT8 valid cases, per-channel scales): the op_api "
        "skips its shape checks after x1's rank, so a k mismatch (or any skipped shape rule) with an NZ x2 is "
        "expected as an inner error from tiling, not 161002 (`wqmar.nz.shapes`); INT4 + NZ and NZ with per-tensor "
        "or per-group antiquant are inner errors too; an NZ storage other than exactly the NZ storage of (k, n) "
        "is refused (hardening).",
        "m ≤ INT32_MAX is documented but not generated (the output could not be allocated).",
        "reduceOp null: the vendor dereferences it; this suite requires 161001 at the null stage.",
        "Levels: the hardening rules are a null reduceOp, 8-bit float weights on Ascend 950, the Y-only scale "
        "layout, negative strides, x1/x2/scale layouts and storage coverage, aliasing outputs.",
    };
    return f;
}

}  // namespace mc2::spec::weight_quant_matmul_all_reduce
