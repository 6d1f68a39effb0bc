// spec/matmul_all_reduce_add_rms_norm/rules.cc — the constraint catalogue of
// aclnn[Inplace]MatmulAllReduceAddRmsNorm and its quant / weight-quant variants, one rule per
// documented constraint (the variants share every rule but the embedded matmul's dtypes and
// scale parameters), in the vendor's check order (ops.md §6.1): null → ArnCheckShape →
// the empty-tensor short-cut (SUCCESS, nothing after it is checked) → streamMode → the generated
// inner layer's required pointers → tiling (epsilon, reduceOp, dtypes, ranks and shapes, world
// size) → this suite's layout demands → commTurn → execution → cross-rank consequences.
//
// The vendor's op_api checks no dtype, epsilon, reduceOp, rank-3 or gamma rule: those are
// tiling-layer refusals (an inner error, 561xxx), not 161002 as for MatmulAllReduce. Stage labels
// keep the table's order; the text of each rule says where the vendor checks it.
#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>
#include <vector>

#include "spec/common/antiquant_layout.h"
#include "spec/common/common_rules.h"
#include "spec/matmul_all_reduce/matmul_all_reduce.h"
#include "spec/matmul_all_reduce_add_rms_norm/matmul_all_reduce_add_rms_norm.h"
#include "spec/quant_matmul_all_reduce/quant_matmul_all_reduce.h"
#include "spec/tensor_layout.h"

namespace mc2::spec::matmul_all_reduce_add_rms_norm {
namespace {

using harness::Case;
using harness::Platform;
using harness::TensorSpec;
using harness::Value;
using common::Which;

// Every API of the family; the out-of-place ones (they have y); per variant.
const std::vector<std::string> kBoth = {kArn, kInplace, kQuant, kInplaceQuant, kWeightQuant, kInplaceWeightQuant};
const std::vector<std::string> kOutOfPlace = {kArn, kQuant, kWeightQuant};
const std::vector<std::string> kPlain = {kArn, kInplace};
const std::vector<std::string> kQuantOps = {kQuant, kInplaceQuant};
const std::vector<std::string> kWqOps = {kWeightQuant, kInplaceWeightQuant};
const std::vector<std::string> kFloatX1 = {kArn, kInplace, kWeightQuant, kInplaceWeightQuant};
const std::vector<Platform> kAllPlatforms = {Platform::kAtlasA2, Platform::kAscend950};

std::string Doc(const std::string &section) {
    return "hicann/ops-transformer mc2/matmul_all_reduce_add_rms_norm/docs/aclnnMatmulAllReduceAddRmsNorm.md, " +
           section;
}
std::string Notes(const std::string &section) { return "shared/spec-notes/ops.md " + section; }
std::string QuantDoc(const std::string &section) {
    return "hicann/ops-transformer mc2/matmul_all_reduce_add_rms_norm/docs/aclnnQuantMatmulAllReduceAddRmsNorm.md, " +
           section;
}
std::string WqDoc(const std::string &section) {
    return "hicann/ops-transformer mc2/matmul_all_reduce_add_rms_norm/docs/"
           "aclnnWeightQuantMatmulAllReduceAddRmsNorm.md, " +
           section;
}
const std::string kTilingCite = Notes("§6.1 (tiling checks: common_add_rms_norm_tiling.cpp)");

// kNullptr, kInvalid, kInner: spec/rule.h.
// The generated inner layer's required pointers: 161001 (as MatmulAllReduce's null group) or
// any inner error.
const Code kInnerNull{Outcome::kStatus, 161001, {}, true};
const Code kShortCut{Outcome::kSuccess, 0, {}, false};

using Pred = RulePredicate;
using Viol = RuleViolator;

const TensorSpec *T(const Case &c, int rank, const char *name) { return c.Tensor(rank, name); }

// ops.md §6.1 step 4: an empty x1, x2, residual or gamma (quant: or dequantScale; weight-quant:
// or antiquantScale). With k != 0 the call returns SUCCESS (workspace 0, nothing written, no
// collective) before streamMode and everything after it.
bool AnyEmpty(const Case &c, int r) {
    for (const char *name : {"x1", "x2", "residual", "gamma", "dequant_scale", "antiquant_scale"}) {
        const TensorSpec *t = T(c, r, name);
        if (t && EmptyView(*t)) return true;
    }
    return false;
}
bool KZero(const Case &c, int r) {
    const TensorSpec *x1 = T(c, r, "x1");
    return x1 && !x1->shape.empty() && x1->shape.back() == 0;
}
bool ShortCut(const Case &c, int r) { return AnyEmpty(c, r) && !KZero(c, r); }

std::vector<Rule> *g_table = nullptr;  // the table Build() fills (Add's target)

void Add(std::string id, const std::vector<std::string> &ops, Stage stage, Layer layer, const Code &code,
         std::string text, std::string citation, Pred violated, Viol violate, Scope scope = Scope::kRank,
         const std::vector<Platform> &platforms = kAllPlatforms) {
    AddRule(*g_table, std::move(id),
            RuleOptions{.ops = ops, .platforms = platforms, .stage = stage, .layer = layer, .scope = scope}, code,
            std::move(text), std::move(citation), std::move(violated), std::move(violate));
}
// A rule checked after the short-cut: never violated by a rank that takes it.
void AddAfter(std::string id, const std::vector<std::string> &ops, Stage stage, Layer layer, const Code &code,
              std::string text, std::string citation, Pred violated, Viol violate,
              const std::vector<Platform> &platforms = kAllPlatforms) {
    AddRule(*g_table, std::move(id),
            RuleOptions{.ops = ops, .platforms = platforms, .stage = stage, .layer = layer, .short_cut = ShortCut}, code,
            std::move(text), std::move(citation), std::move(violated), std::move(violate));
}

// ---- editing ----
bool InPlace(const Case &c) { return IsInPlace(c.op); }

// An INT4 x2 whose contiguous dim the edit made odd becomes INT8: the case breaks what the edit
// aims at, not `arn.tiling.wq_int4_even` (an earlier rule) as well.
std::optional<Case> EditGeometry(const Case &valid, const std::function<bool(int, Geometry &)> &edit) {
    return EditEachRank(valid, [&](int r, ParamMap &p) {
        auto g = ReadGeometry(p);
        if (!g || !edit(r, *g)) return false;
        if (g->weight == ACL_INT4 && Int4InnerOdd(*g)) g->weight = ACL_INT8;
        WriteGeometry(p, *g, valid.op);
        return true;
    });
}
// Edits tensor `name` of every rank (after adding a bias where `name` is the bias).
std::optional<Case> EditTensor(const Case &valid, const std::string &name,
                               const std::function<bool(TensorSpec &)> &edit) {
    Case base = valid;
    if (name == "bias") {
        if (auto c = EditGeometry(valid, [](int, Geometry &g) { return g.bias = true; })) base = *c;
    }
    return EditEachRank(base, [&](int, ParamMap &p) {
        TensorSpec *t = TensorIn(p, name);
        // A 0-D tensor (another rule's violation; no valid case has one) has no dims to edit.
        if (!t || t->shape.empty() || !edit(*t)) return false;
        t->strides.clear();
        t->storage_shape.clear();
        return true;
    });
}

// b·s of a tensor whose last dim is n or k: the product of its leading dims.
int64_t BS(const TensorSpec &t) { return t.shape.size() < 2 ? 1 : DimProduct(t.shape, 0, t.shape.size() - 1); }

// A tiling rule: `name`'s dtype must equal `ref`'s.
void AddDtypeEq(const std::string &id, const std::vector<std::string> &ops, const char *name, const char *ref,
                const std::string &text) {
    AddAfter(
        id, ops, Stage::kTiling, Layer::kTiling, kInner, text, Doc("约束说明 (数据类型要一致)") + "; " + kTilingCite,
        [name, ref](const Case &c, int r) {
            const TensorSpec *t = T(c, r, name);
            const TensorSpec *x = T(c, r, ref);
            return t && x && t->dtype != x->dtype;
        },
        [name](const Case &valid, Choices &) {
            return EditTensor(valid, name, [](TensorSpec &t) {
                t.dtype = matmul_all_reduce::OtherHalf(t.dtype);
                return true;
            });
        });
}

// A tiling rule on a tensor's rank.
void AddRank(const std::string &id, const std::vector<std::string> &ops, const char *name, size_t lo, size_t hi,
             const std::string &text, const std::string &cite, std::function<void(TensorSpec &)> bend) {
    AddAfter(
        id, ops, Stage::kTiling, Layer::kTiling, kInner, text, cite,
        [name, lo, hi](const Case &c, int r) {
            const TensorSpec *t = T(c, r, name);
            return t && (t->shape.size() < lo || t->shape.size() > hi);
        },
        [name, bend](const Case &valid, Choices &) {
            return EditTensor(valid, name, [&](TensorSpec &t) {
                bend(t);
                return true;
            });
        });
}

// ---- the quant / weight-quant variants' own tiling rules (ops.md §6.1: "plus all
// MatmulAllReduce tiling checks" of the embedded QuantMatmulAllReduce §2.3 / WeightQuant §2.2).

// Sets `name`'s dtype on every rank (keeping its layout) to one of `bad`; integer dequant
// scales get codes again.
Viol SetDtype(std::string name, std::vector<aclDataType> bad) {
    return [name, bad](const Case &valid, Choices &ch) {
        const aclDataType d = ch.Pick(bad);
        Case base = valid;
        if (name == "bias" || name == "antiquant_offset") {
            if (auto c = EditGeometry(valid, [&](int, Geometry &g) {
                    (name == "bias" ? g.bias : g.offset) = true;
                    return true;
                })) {
                base = *c;
            }
        }
        return EditEachRank(base, [&](int, ParamMap &p) {
            TensorSpec *t = TensorIn(p, name);
            if (!t) return false;
            t->dtype = d;
            quant_matmul_all_reduce::FixDequantValues(p);
            return true;
        });
    };
}

Pred DtypeNotIn(const char *name, std::vector<aclDataType> ok) {
    return [name, ok](const Case &c, int r) {
        const TensorSpec *t = T(c, r, name);
        return t && std::find(ok.begin(), ok.end(), t->dtype) == ok.end();
    };
}

bool DequantMismatch(const Case &c, int r) {
    const TensorSpec *d = T(c, r, "dequant_scale");
    const TensorSpec *res = T(c, r, "residual");
    if (!d || !res) return false;
    if (res->dtype == ACL_BF16) return d->dtype != ACL_BF16;
    if (res->dtype == ACL_FLOAT16) return d->dtype != ACL_UINT64 && d->dtype != ACL_INT64;
    return true;
}

void AddQuantDtypes() {
    const std::string cite = QuantDoc("约束说明 (x1、x2数据类型为INT8，bias数据类型为INT32)") + "; " + kTilingCite;
    AddAfter("arn.tiling.quant_dtype_x1", kQuantOps, Stage::kTiling, Layer::kTiling, kInner,
             "x1 must be INT8 (tiling).", cite, DtypeNotIn("x1", {ACL_INT8}),
             SetDtype("x1", {ACL_FLOAT16, ACL_BF16, ACL_INT32, ACL_UINT8}));
    AddAfter("arn.tiling.quant_dtype_x2", kQuantOps, Stage::kTiling, Layer::kTiling, kInner,
             "x2 must be INT8 (tiling).", cite, DtypeNotIn("x2", {ACL_INT8}),
             SetDtype("x2", {ACL_FLOAT16, ACL_BF16, ACL_INT32, ACL_INT4}));
    AddAfter("arn.tiling.quant_dtype_bias", kQuantOps, Stage::kTiling, Layer::kTiling, kInner,
             "bias (when present) must be INT32 (tiling).", cite, DtypeNotIn("bias", {ACL_INT32}),
             SetDtype("bias", {ACL_FLOAT16, ACL_BF16, ACL_FLOAT, ACL_INT64}));
    AddAfter("arn.tiling.quant_dequant_dtype", kQuantOps, Stage::kTiling, Layer::kTiling, kInner,
             "dequantScale must be UINT64 or INT64 with an FLOAT16 residual, BFLOAT16 with a BFLOAT16 residual (any "
             "other residual dtype is refused too).",
             QuantDoc("约束说明 (若输出residual类型为FLOAT16，dequantScale的类型为UINT64、INT64；若为BFLOAT16，"
                      "dequantScale的类型为BFLOAT16)") +
                 "; " + Notes("§6.1 (quant: dequant bf16 ⇒ residual bf16, otherwise residual fp16), §2.3 tiling"),
             DequantMismatch, [](const Case &valid, Choices &ch) {
                 const TensorSpec *res = valid.Tensor(0, "residual");
                 const bool bf16 = res && res->dtype == ACL_BF16;
                 return SetDtype("dequant_scale", bf16 ? std::vector<aclDataType>{ACL_UINT64, ACL_INT64, ACL_FLOAT}
                                                       : std::vector<aclDataType>{ACL_BF16, ACL_FLOAT})(valid, ch);
             });
}

void AddWeightQuantDtypes() {
    const std::string cite =
        WqDoc("约束说明 (x2的数据类型需为int8或者int4)") + "; " + Notes("§2.2 tiling") + "; " + kTilingCite;
    AddAfter("arn.tiling.wq_dtype_x2", kWqOps, Stage::kTiling, Layer::kTiling, kInner,
             "x2 must be INT8 or INT4 (tiling).", cite, DtypeNotIn("x2", {ACL_INT8, ACL_INT4}),
             SetDtype("x2", {ACL_FLOAT16, ACL_BF16, ACL_INT32, ACL_UINT8}));
    AddDtypeEq("arn.tiling.wq_dtype_scale", kWqOps, "antiquant_scale", "x1",
               "antiquantScale must have x1's dtype (tiling).");
    AddAfter("arn.tiling.wq_dtype_offset", kWqOps, Stage::kTiling, Layer::kTiling, kInner,
             "antiquantOffset (when present) must have antiquantScale's dtype (tiling).",
             WqDoc("参数说明 (antiquantOffset)") + "; " + Notes("§2.2 tiling (offset dtype == scale)"),
             [](const Case &c, int r) {
                 const TensorSpec *o = T(c, r, "antiquant_offset");
                 const TensorSpec *s = T(c, r, "antiquant_scale");
                 return o && s && o->dtype != s->dtype;
             },
             [](const Case &valid, Choices &ch) {
                 const TensorSpec *x1 = valid.Tensor(0, "x1");
                 const aclDataType other = x1 ? matmul_all_reduce::OtherHalf(x1->dtype) : ACL_FLOAT;
                 return SetDtype("antiquant_offset", {other, ACL_FLOAT})(valid, ch);
             });
}

int64_t N(const Case &c, int r) {
    const TensorSpec *x2 = T(c, r, "x2");
    return x2 && x2->shape.size() == 2 ? x2->shape[1] : -1;
}
int64_t K(const Case &c, int r) {
    const TensorSpec *x1 = T(c, r, "x1");
    return x1 && !x1->shape.empty() ? x1->shape.back() : -1;
}
// (1), (n) or (1, n): a per-tensor or per-channel scale.
bool TensorOrChannel(const std::vector<int64_t> &shape, int64_t n) {
    return shape == std::vector<int64_t>{1} || shape == std::vector<int64_t>{n} || shape == std::vector<int64_t>{1, n};
}
int64_t GroupSize(const Case &c, int r) { return IntOr(c, r, "antiquant_group_size", 0); }

// Edits `name`'s shape on every rank into one no form admits: (n + d) or (2 + d, n) — or, for
// a per-group scale, (rows + 1 + d, n).
Viol BadScaleShape(std::string name) {
    return [name](const Case &valid, Choices &ch) {
        const int64_t d = ch.Int(0, 3);
        const bool two_d = ch.Bool();
        return EditEachRank(valid, [&](int, ParamMap &p) {
            TensorSpec *t = TensorIn(p, name);
            const TensorSpec *x2 = TensorIn(p, "x2");
            if (!t || !x2 || x2->shape.size() != 2) return false;
            const int64_t n = x2->shape[1];
            if (two_d) t->shape = {(t->shape.size() == 2 ? t->shape[0] : 1) + 1 + d, n};
            else t->shape = {n + 1 + d};
            t->strides.clear();
            t->storage_shape.clear();
            quant_matmul_all_reduce::FixDequantValues(p);
            return true;
        });
    };
}

// k and x2's last dim (quant) / k and n (weight-quant) at most 65535 (ops.md §2.2, §2.3): a
// (1, 1, k) call with k just above the limit and a narrow n.
void AddAxisLimit(const std::string &id, const std::vector<std::string> &ops, const std::string &cite) {
    AddAfter(
        id, ops, Stage::kTiling, Layer::kTiling, kInner,
        "k and n (for the quant variant: x2's last dim, n or k when transposed) must not exceed 65535 (tiling).", cite,
        [](const Case &c, int r) {
            const TensorSpec *x2 = T(c, r, "x2");
            if (!x2 || x2->shape.size() != 2) return false;
            return x2->shape[0] > quant_matmul_all_reduce::kUint16Max ||
                   x2->shape[1] > quant_matmul_all_reduce::kUint16Max;
        },
        [](const Case &valid, Choices &ch) {
            const int64_t k = quant_matmul_all_reduce::kUint16Max + ch.Int(1, 64);
            return EditGeometry(valid, [&](int, Geometry &g) {
                g.b = g.s = 1;
                g.k = k;
                g.n = std::min<int64_t>(g.n, 4);
                g.form = g.form == ScaleForm::kGroup ? ScaleForm::kChannel : g.form;
                g.group_size = 0;
                return true;
            });
        });
}

void AddQuantShapes() {
    AddAfter("arn.tiling.quant_dequant_shape", kQuantOps, Stage::kTiling, Layer::kTiling, kInner,
             "dequantScale must be (1) per tensor, or (n) / (1, n) per channel.",
             QuantDoc("参数说明 (dequantScale: per-tensor场景为(1)，per-channel场景为(n)/(1, n))") + "; " +
                 Notes("§2.3 (dequant shape; numel 1 or n in tiling)"),
             [](const Case &c, int r) {
                 const TensorSpec *d = T(c, r, "dequant_scale");
                 return d && N(c, r) >= 0 && !TensorOrChannel(d->shape, N(c, r));
             },
             BadScaleShape("dequant_scale"));
    AddAxisLimit("arn.tiling.quant_axis_limit", kQuantOps,
                 QuantDoc("约束说明 (x1与x2的最后一维大小不超过65535)") + "; " + Notes("§2.3 tiling"));
}

void AddWeightQuantShapes() {
    AddAfter(
        "arn.tiling.wq_group_size", kWqOps, Stage::kTiling, Layer::kTiling, kInner,
        "antiquantGroupSize must be 0 or a multiple of 32 in [32, k - 1].",
        WqDoc("约束说明 (antiquantGroupSize取值满足取值范围[32, min(k-1, INT_MAX)]且为32倍数)") + "; " +
            Notes("§2.2 attr checks"),
        [](const Case &c, int r) {
            const int64_t g = GroupSize(c, r);
            return g != 0 && (g % 32 != 0 || g < 32 || g > K(c, r) - 1);
        },
        [](const Case &valid, Choices &ch) {
            const int mode = static_cast<int>(ch.Int(0, 3));
            return EditEachRank(valid, [&](int, ParamMap &p) {
                const TensorSpec *x1 = TensorIn(p, "x1");
                if (!x1 || x1->shape.empty()) return false;
                const int64_t k = x1->shape.back();
                p["antiquant_group_size"] = mode == 0   ? int64_t{16}
                                            : mode == 1 ? int64_t{-32}
                                            : mode == 2 ? int64_t{33}
                                                        : std::max<int64_t>(32, (k + 31) / 32 * 32);
                return true;
            });
        });
    AddAfter("arn.tiling.wq_scale_shape", kWqOps, Stage::kTiling, Layer::kTiling, kInner,
             "antiquantScale must be (1) per tensor, (n) or (1, n) per channel when antiquantGroupSize is 0, and "
             "exactly (ceil(k / G), n) per group when it is G > 0.",
             WqDoc("参数说明 (antiquantScale)") + "; " + Notes("§2.2 shape checks"),
             [](const Case &c, int r) {
                 const TensorSpec *s = T(c, r, "antiquant_scale");
                 const int64_t n = N(c, r), k = K(c, r), g = GroupSize(c, r);
                 if (!s || n < 0 || k < 0) return false;
                 if (g <= 0) return !TensorOrChannel(s->shape, n);
                 return s->shape != std::vector<int64_t>{(k + g - 1) / g, n};
             },
             BadScaleShape("antiquant_scale"));
    AddAfter("arn.tiling.wq_offset_shape", kWqOps, Stage::kTiling, Layer::kTiling, kInner,
             "antiquantOffset (when present) must have antiquantScale's shape.",
             WqDoc("参数说明 (antiquantOffset: 非空时shape与antiquantScale一致)") + "; " + Notes("§2.2"),
             [](const Case &c, int r) {
                 const TensorSpec *o = T(c, r, "antiquant_offset");
                 const TensorSpec *s = T(c, r, "antiquant_scale");
                 return o && s && o->shape != s->shape;
             },
             [](const Case &valid, Choices &ch) {
                 const int64_t d = ch.Int(1, 4);
                 auto with = EditGeometry(valid, [](int, Geometry &g) { return g.offset = true; });
                 if (!with) return with;
                 return EditEachRank(*with, [&](int, ParamMap &p) {
                     TensorSpec *o = TensorIn(p, "antiquant_offset");
                     if (!o || o->shape.empty()) return false;
                     o->shape.back() += d;
                     return true;
                 });
             });
    AddAfter("arn.tiling.wq_int4_even", kWqOps, Stage::kTiling, Layer::kTiling, kInner,
             "An INT4 x2's contiguous dim (n, or k when x2 is transposed) must be even (two values per byte).",
             Notes("§2.2 tiling (int4: the inner dim of x2 must be even)"),
             [](const Case &c, int r) {
                 const TensorSpec *x2 = T(c, r, "x2");
                 if (!x2 || x2->dtype != ACL_INT4 || x2->shape.size() != 2) return false;
                 // The tiling's inner dim: k only for the vendor's transpose (strides (1, k)); any
                 // other strided view is `arn.shape.x2_strides`, with n as the inner dim here.
                 return (VendorTransposed(*x2) ? x2->shape[0] : x2->shape[1]) % 2 != 0;
             },
             // An INT4 x2 stored (k, n) with n odd on every rank (n is common to the ranks; an even n
             // grows by one, with residual, gamma, bias, the scales, y and normOut).
             [](const Case &valid, Choices &) {
                 return EditEachRank(valid, [&](int, ParamMap &p) {
                     auto g = ReadGeometry(p);
                     if (!g) return false;
                     g->weight = ACL_INT4;
                     g->transposed = false;
                     if (g->n % 2 == 0) g->n += 1;
                     WriteGeometry(p, *g, valid.op);
                     return true;
                 });
             });
    AddAxisLimit("arn.tiling.wq_axis_limit", kWqOps,
                 WqDoc("约束说明 (k、n的范围为[1, 65535])") + "; " + Notes("§2.2 tiling"));
}

const std::vector<LevelEntry> &Levels() {
    static const std::vector<LevelEntry> kLevels = {
        {"arn.null.reduce_op", Level::kHardening,
         "the vendor's op_api never looks at reduceOp and its tiling compares it without a null check"},
        {"arn.null.", Level::kDocumented,
         "返回值 table (161001: x1, x2, residual or gamma null; quant: dequantScale; weight-quant: antiquantScale) "
         "and op_api step 1"},
        {"arn.shape.x1_contiguous", Level::kHardening,
         "the table marks non-contiguous x1 unsupported, but nothing checks it (ops.md §1.4)"},
        {"arn.shape.residual_contiguous", Level::kHardening,
         "the table marks non-contiguous residual unsupported, but nothing checks it"},
        {"arn.shape.gamma_contiguous", Level::kHardening,
         "the table marks non-contiguous gamma unsupported, but nothing checks it"},
        {"arn.shape.x2_strides", Level::kHardening,
         "the table allows only a last-two-axes transpose, but nothing checks it (ops.md §1.4)"},
        {"arn.shape.negative", Level::kHardening,
         "no op_api check; aclCreateTensor is documented to refuse negative dims, not negative strides"},
        {"arn.shape.output_overlap", Level::kHardening, "the documents and the op_api say nothing of aliasing outputs"},
        {"arn.shape.storage", Level::kHardening, "the op_api checks no storage size or data address (ops.md §1.3)"},
        {"arn.shape.wq_group_layout", Level::kHardening,
         "the documents define no layout for a per-group scale beside a transposed x2; the vendor's answer is "
         "not in the sources"},
        {"arn.shape.wq_scale_strides", Level::kHardening,
         "the documents allow no non-contiguous scale and nothing in the family's op_api checks one; the "
         "embedded WeightQuantMatmulAllReduce's demand is this suite's (wqmar.shape.scale_strides)"},
        {"arn.format.x2_nz", Level::kHardening,
         "the table lists ND only; where the vendor refuses an NZ x2 for this family is not in the sources"},
        {"arn.shape.", Level::kDocumented, "返回值 table (161002: x1, x2, residual shapes) and ArnCheckShape"},
        {"arn.empty.", Level::kDocumented, "约束说明 (empty b*s or n supported, k not) and op_api step 4"},
        {"arn.attr.stream_mode", Level::kDocumented, "返回值 table (161002: streamMode) and op_api step 5"},
        {"arn.attr.comm_turn_negative", Level::kDocumented,
         "the documents allow commTurn 0 only; the vendor's tiling refuses other values"},
        {"arn.inner.", Level::kDocumented, "the generated inner layer's required parameters"},
        {"arn.tiling.", Level::kDocumented, "the documents' constraints and the vendor's tiling (ops.md §6.1)"},
        {"arn.runtime.", Level::kDocumented, "the documents (group from HcclGetCommName); found at execution"},
        {"arn.xrank.mismatch", Level::kHardening,
         "the documents require the ranks' calls to agree but define no answer when they do not (HCCL may fail, time "
         "out "
         "or reduce mismatched buffers); failing every rank within bounded time is this suite's robustness demand, and "
         "a "
         "library that succeeds (e.g. one that ignores commTurn, which changes no value) is not wrong by the "
         "documents"},
        {"arn.xrank.", Level::kDocumented,
         "the documents' all-reduce over the group; HCCL fails a collective whose peers do not join"},
    };
    return kLevels;
}

// The all-reduced buffer (b·s, n, dtype) and commTurn, read from residual (arn.xrank.mismatch).
std::vector<int64_t> AgreementKey(const Case &c, int r) {
    const TensorSpec *res = T(c, r, "residual");
    return res && res->shape.size() == 3
               ? std::vector<int64_t>{res->shape[0] * res->shape[1], res->shape[2], res->dtype,
                                      IntOr(c, r, "comm_turn", 0)}
               : std::vector<int64_t>{};
}

// Bends one rank's all-reduced buffer (n, b or dtype) or its commTurn (arn.xrank.mismatch).
std::optional<Case> BreakAgreement(const Case &valid, Choices &ch) {
    const auto bend = [](const Case &c, int victim, int mode, int64_t delta) {
        return EditGeometry(c, [&](int r, Geometry &g) {
            if (r != victim) return false;
            if (mode == 0) g.n += delta;
            else if (mode == 1) g.b += delta;
            else g.dtype = matmul_all_reduce::OtherHalf(g.dtype);
            return true;
        });
    };
    return common::BendOneRank(valid, ch, 4, bend);
}

// The rules every family repeats (spec/common/common_rules.h), with this family's words. The
// empty-tensor short-cut comes before streamMode and everything after it (ops.md §6.1 step 4),
// so those rules are placed after it; the null group is the generated inner layer's, in tiling.
const common::CommonRules &Common() {
    static const common::CommonRules kCommon = {
        .family = {.prefix = "arn",
                   .ops = kBoth,
                   .world_sizes = &matmul_all_reduce::WorldSizes,
                   .short_cut = &ShortCut},
        .null_tensors = common::NullTensors{
            .names = {"x1", "x2", "residual", "gamma"},
            .note = " (y and normOut are not checked here)",
            .citation = Doc("返回值 (ACLNN_ERR_PARAM_NULLPTR)") + "; " + Notes("§6.1 op_api step 1"),
            .variants = {{"dequant_scale", kQuantOps,
                          {"dequantScale must not be a null pointer (checked after x1, x2, residual and gamma).",
                           QuantDoc("返回值 (x1、x2、residual、gamma或dequantScale是空指针)") + "; " +
                               Notes("§6.1 op_api step 1")}},
                         {"antiquant_scale", kWqOps,
                          {"antiquantScale must not be a null pointer (checked after x1, x2, residual and gamma).",
                           WqDoc("返回值 (x1、x2、residual、antiquantScale或output是空指针)") + "; " +
                               Notes("§6.1 op_api step 1")}}}},
        .null_reduce_op = common::Words{
            "reduceOp must not be a null pointer: the vendor's tiling would compare it without a null check; this "
            "suite requires a clean 161001 before anything else is checked.",
            Notes("§6.1 (no reduceOp check in op_api), §8.3 (reduceOp comparison)")},
        .stream_mode = common::StreamMode{
            {"streamMode must be 1, checked after the empty short-cut (an empty call with streamMode 0 succeeds).",
             Doc("参数说明 (streamMode: 当前只支持枚举值1); 返回值") + "; " + Notes("§6.1 op_api step 5")},
            {0, 2, -1, 3}},
        .comm_turn_negative = common::Words{
            "commTurn must not be negative (documents: 0 only; the vendor's tiling refuses non-zero values; this "
            "suite's implementation splits the communication and refuses a negative count with 161002). Either "
            "answer conforms.",
            Doc("参数说明 (commTurn: 当前版本仅支持输入0)")},
        .storage = common::Storage{
            {"Every present tensor's storage must cover the elements its view reaches (offset + 1 + Σ (shape[i]-1)·"
             "|stride[i]|). The vendor does not check (it would read or write out of bounds); this suite requires "
             "161002.",
             Notes("§1.3; harness/case.h StorageElementsNeeded")},
            {"x1", "x2", "bias", "residual", "gamma", "y", "norm_out", "dequant_scale", "antiquant_scale",
             "antiquant_offset"},
            {"x1", "x2", "residual", "norm_out"}},
        .group_null = common::Words{
            "group must not be a null pointer: refused by the generated inner layer (161001, or an inner error).",
            Notes("§1.2 item 2, §6.1 (y and normOut not null-checked in op_api)")},
        .world_size_a2 = common::WorldSize{
            {"Atlas A2: the world size must be 1, 2, 4 or 8.", Doc("约束说明 (支持1、2、4、8卡)") + "; " + kTilingCite},
            {3, 5, 6, 7}},
        .world_size_950 = common::WorldSize{
            {"Ascend 950: the world size must be 1, 2, 4, 8, 16, 32 or 64 (MatmulAllReduce's newer tiling; the "
             "family's documents list Atlas A2 only).",
             Notes("§2.1, §6.1 (all MatmulAllReduce tiling limits)")},
            {3, 5, 6, 7, 12}},
        .comm_turn_positive = common::CommTurnPositive{
            {"commTurn > 0: documented as 0 only (the vendor's tiling refuses it); this suite's implementation splits "
             "the communication. Success is expected; a tiling refusal (561xxx, nothing written) conforms too.",
             Doc("参数说明 (commTurn)")},
            8},
        .unknown_group = common::UnknownGroup{
            {"group must name a live communicator; a literal name names none: the vendor fails at execution, an "
             "implementation may refuse it early with 161002.",
             Doc("参数说明 (group: 通过HcclGetCommName获取)")},
            Code{Outcome::kRuntimeError, 0, {161002}, false},
            {"no_such_group", "test_group", ""}},
        .peer_failed = common::PeerFailed{
            {"When another rank's call fails or takes the empty short-cut (it never joins the all-reduce), a rank "
             "whose own arguments pass must fail with a runtime error within bounded time, never hang.",
             "shared/DESIGN.md (ABI fidelity: no rank hangs); " + Notes("§1.2 item 4")},
            {{"epsilon", 2.0}, {"stream_mode", int64_t{0}}, {"group", harness::Null{}}, {"x1", harness::Null{}}}},
        .mismatch = common::Mismatch{
            {"All ranks must agree on the all-reduced buffer (b·s, n, dtype) and on commTurn (k, bias and x2's layout "
             "may differ): ranks that disagree must all fail with a runtime error within bounded time.",
             Doc("计算公式 (allReduce)") + "; shared/DESIGN.md (ABI fidelity)"},
            &AgreementKey, &BreakAgreement},
        .placements = {{Which::kStreamMode, {.stage = Stage::kEmpty, .after_short_cut = true}},
                       {Which::kGroupNull, {.stage = Stage::kTiling, .code = kInnerNull}},
                       {Which::kStorage, {.stage = Stage::kTiling, .after_short_cut = true}},
                       {Which::kCommTurnNegative, {.stage = Stage::kTiling, .after_short_cut = true}},
                       {Which::kCommTurnPositive, {.after_short_cut = true}}},
    };
    return kCommon;
}

std::vector<Rule> Build() {
    std::vector<Rule> t;
    g_table = &t;

    // ---------------------------------------------------------------- null (161001)
    common::Add(t, Common(), {Which::kNullTensors, Which::kNullReduceOp});

    // ---------------------------------------------------------------- ArnCheckShape (161002)
    Add(
        "arn.shape.rank", kBoth, Stage::kShape, Layer::kOpApi, kInvalid,
        "x1, x2 and residual must each have at least one dim (a 0-D tensor is refused before the dims are compared).",
        Doc("返回值 (x1、x2、residual的shape不符合约束要求)") + "; " + Notes("§6.1 op_api step 2: each rank ≥ 1"),
        [](const Case &c, int r) {
            for (const char *name : {"x1", "x2", "residual"}) {
                const TensorSpec *t = T(c, r, name);
                if (t != nullptr && t->shape.empty()) return true;
            }
            return false;
        },
        [](const Case &valid, Choices &ch) {
            const char *names[] = {"x1", "x2", "residual"};
            return EditTensor(valid, names[ch.Int(0, 2)], [](TensorSpec &t) {
                t.shape.clear();
                t.strides.clear();
                t.storage_shape.clear();
                t.offset = 0;
                return true;
            });
        });
    Add(
        "arn.shape.k", kBoth, Stage::kShape, Layer::kOpApi, kInvalid,
        "x1's last dim must equal x2's first (k), on view shapes.",
        Doc("约束说明 (k轴相等); 返回值 (x1、x2、residual的shape不符合约束要求)") + "; " + Notes("§6.1 op_api step 2"),
        [](const Case &c, int r) {
            const TensorSpec *x1 = T(c, r, "x1");
            const TensorSpec *x2 = T(c, r, "x2");
            return x1 && x2 && !x1->shape.empty() && !x2->shape.empty() && x1->shape.back() != x2->shape.front();
        },
        [](const Case &valid, Choices &ch) {
            const int64_t delta = ch.Int(1, 16);
            return EditTensor(valid, "x1", [&](TensorSpec &x1) {
                x1.shape.back() += delta;
                return true;
            });
        });
    Add("arn.shape.residual_n", kBoth, Stage::kShape, Layer::kOpApi, kInvalid,
        "residual's last dim must equal x2's last dim (n), on view shapes.",
        Doc("约束说明 (residual (b, s, n))") + "; " + Notes("§6.1 op_api step 2"),
        [](const Case &c, int r) {
            const TensorSpec *x2 = T(c, r, "x2");
            const TensorSpec *res = T(c, r, "residual");
            return x2 && res && !x2->shape.empty() && !res->shape.empty() && res->shape.back() != x2->shape.back();
        },
        [](const Case &valid, Choices &ch) {
            const int64_t delta = ch.Int(1, 8);
            return EditTensor(valid, "residual", [&](TensorSpec &res) {
                res.shape.back() += delta;
                return true;
            });
        });

    Add("arn.shape.negative", kBoth, Stage::kShape, Layer::kOpApi, kInvalidOrRefusedTensor,
        "No dim or stride of a present tensor may be negative, nor its last element lie past 2^64 bits (suite requirement; the vendor's behaviour is "
        "unspecified). A runtime whose aclCreateTensor refuses such a descriptor hands the operator a null tensor, "
        "so 161001 is accepted too.",
        Notes("§1.3 (view shapes)"),
        [](const Case &c, int r) {
            // Every tensor the call takes, the quantised variants' scales and offset included (the
            // campaign found a dequant_scale with negative strides that the rule did not see).
            for (const char *name : {"x1", "x2", "bias", "residual", "gamma", "dequant_scale", "antiquant_scale",
                                     "antiquant_offset", "y", "norm_out"}) {
                const TensorSpec *x = T(c, r, name);
                if (!x) continue;
                for (int64_t d : x->shape) if (d < 0) return true;
                for (int64_t st : x->strides) if (st < 0) return true;
                if (SpanOverflows(*x)) return true;  // cannot be addressed (session 16)
            }
            return false;
        },
        [](const Case &valid, Choices &ch) {
            const std::string name = ch.Bool() ? "x1" : "residual";
            const int64_t d = -ch.Int(1, 4);
            return EditEachRank(valid, [&](int, ParamMap &p) {
                TensorSpec *x = TensorIn(p, name);
                if (!x || x->shape.empty()) return false;
                x->shape[0] = d;
                x->strides.clear();
                x->storage_shape.clear();
                return true;
            });
        });

    // ---------------------------------------------------------------- empty tensors
    Add("arn.empty.k_zero", kBoth, Stage::kEmpty, Layer::kOpApi, kInvalid,
        "An empty input with k == 0 (x1's last dim) is refused with 161002 (empty b·s or n are supported).",
        Doc("约束说明 (不支持k为0的空tensor); 返回值 (k值为0)") + "; " + Notes("§6.1 op_api step 4"),
        [](const Case &c, int r) { return AnyEmpty(c, r) && KZero(c, r); },
        [](const Case &valid, Choices &) {
            return EditGeometry(valid, [](int, Geometry &g) {
                g.k = 0;
                g.transposed = false;
                return true;
            });
        });
    Add("arn.empty.short_cut", kBoth, Stage::kEmpty, Layer::kOpApi, kShortCut,
        "An empty x1, x2, residual or gamma (b·s == 0 or n == 0, k != 0) returns SUCCESS with workspace 0 before "
        "streamMode, the group and every tiling check; the execute phase returns SUCCESS at once and writes nothing.",
        Doc("约束说明 (支持(b*s)、n为0的空tensor)") + "; " +
            Notes("§6.1 op_api step 4, §8.3 (streamMode after the short-cut)"),
        ShortCut, [](const Case &valid, Choices &ch) {
            const int mode = static_cast<int>(ch.Int(0, 2));
            return EditGeometry(valid, [&](int, Geometry &g) {
                if (mode == 0) g.b = 0;
                else if (mode == 1) g.s = 0;
                else g.n = 0;
                g.transposed = false;
                return true;
            });
        });
    // Nothing is written, whatever y and normOut the case declares: the short-cut comes before
    // their shapes are compared (found by api_fuzzer: an empty gamma beside a (3, 1, 6) y).
    g_table->back().writes_nothing = true;
    common::Add(t, Common(), {Which::kStreamMode});

    // ---------------------------------------------------------------- generated inner layer
    const std::string inner_cite = Notes("§1.2 item 2, §6.1 (y and normOut not null-checked in op_api)");
    common::Add(t, Common(), {Which::kGroupNull});
    AddAfter("arn.inner.y_null", kOutOfPlace, Stage::kTiling, Layer::kTiling, kInnerNull,
             "y must not be a null pointer: the op_api does not check it, the generated inner layer refuses it "
             "(161001, or an inner error).",
             inner_cite, [](const Case &c, int r) { return T(c, r, "y") == nullptr; },
             [](const Case &valid, Choices &) { return SetOnEveryRank(valid, "y", harness::Null{}); });
    AddAfter("arn.inner.norm_out_null", kBoth, Stage::kTiling, Layer::kTiling, kInnerNull,
             "normOut must not be a null pointer: the op_api does not check it, the generated inner layer refuses "
             "it (161001, or an inner error).",
             inner_cite, [](const Case &c, int r) { return T(c, r, "norm_out") == nullptr; },
             [](const Case &valid, Choices &) { return SetOnEveryRank(valid, "norm_out", harness::Null{}); });

    // ---------------------------------------------------------------- tiling (inner error class)
    AddAfter(
        "arn.tiling.epsilon", kBoth, Stage::kTiling, Layer::kTiling, kInner,
        "epsilon must lie in (0, 1) (open at both ends); the op_api does not check it, tiling refuses it.",
        Doc("参数说明 (epsilon取值满足取值范围(0,1))") + "; " + kTilingCite,
        [](const Case &c, int r) {
            const auto *e = std::get_if<double>(&c.Get(r, "epsilon"));
            return !e || !(*e > 0.0 && *e < 1.0);
        },
        [](const Case &valid, Choices &ch) {
            return SetOnEveryRank(valid, "epsilon", ch.Pick(std::vector<double>{0.0, -1e-6, 1.0, 1.5, -0.5, 1e6}));
        });
    AddAfter(
        "arn.tiling.reduce_op", kBoth, Stage::kTiling, Layer::kTiling, kInner,
        "reduceOp must start with \"sum\": the op_api does not check it, the shared tiling compares three "
        "characters (so \"sumX\" passes, unlike MatmulAllReduce's op_api).",
        Doc("参数说明 (reduceOp: 当前仅支持输入\"sum\")") + "; " + Notes("§6.1, §8.3 (strncmp in tiling)"),
        [](const Case &c, int r) {
            const harness::Value &v = c.Get(r, "reduce_op");
            if (std::holds_alternative<harness::Null>(v)) return false;  // arn.null.reduce_op
            // A communicator token (reduce_op=comm) reaches the call as the communicator's name,
            // never "sum…", as in mar.attr.reduce_op (found by api_fuzzer).
            const auto *s = std::get_if<std::string>(&v);
            return !s || s->compare(0, 3, "sum") != 0;
        },
        [](const Case &valid, Choices &ch) {
            return SetOnEveryRank(valid, "reduce_op",
                                  ch.Pick(std::vector<std::string>{"max", "min", "prod", "SUM", ""}));
        });
    AddAfter(
        "arn.tiling.dtype_x1", kFloatX1, Stage::kTiling, Layer::kTiling, kInner,
        "x1 dtype must be FLOAT16 or BFLOAT16 (refused by the registered dtype combinations / tiling, not op_api).",
        Doc("参数说明 (数据类型 column)") + "; " + Notes("§6.1 (no dtype checks in op_api)"),
        [](const Case &c, int r) {
            const TensorSpec *x1 = T(c, r, "x1");
            return x1 && x1->dtype != ACL_FLOAT16 && x1->dtype != ACL_BF16;
        },
        [](const Case &valid, Choices &ch) {
            const aclDataType bad = ch.Pick(matmul_all_reduce::ForeignDtypes());
            return EditTensor(valid, "x1", [&](TensorSpec &x1) {
                x1.dtype = bad;
                return true;
            });
        });
    AddDtypeEq("arn.tiling.dtype_x2", kPlain, "x2", "x1", "x2 must have x1's dtype (tiling).");
    AddQuantDtypes();
    AddWeightQuantDtypes();
    AddDtypeEq("arn.tiling.dtype_bias", kFloatX1, "bias", "x1", "bias (when present) must have x1's dtype (tiling).");
    AddDtypeEq("arn.tiling.dtype_residual", kFloatX1, "residual", "x1", "residual must have x1's dtype (tiling).");
    AddDtypeEq("arn.tiling.dtype_gamma", kBoth, "gamma", "residual", "gamma must have residual's dtype (tiling).");
    AddDtypeEq("arn.tiling.dtype_y", kOutOfPlace, "y", "residual", "y must have residual's dtype (tiling).");
    AddDtypeEq("arn.tiling.dtype_norm_out", kBoth, "norm_out", "residual",
               "normOut must have residual's dtype (tiling).");
    const std::string shape_cite = Doc("约束说明") + "; " + kTilingCite;
    AddRank("arn.tiling.x1_rank", kBoth, "x1", 2, 3, "x1 must be 2-D (m, k) or 3-D (b, s, k).", shape_cite,
            [](TensorSpec &x) {
                while (x.shape.size() < 4) x.shape.insert(x.shape.begin(), 1);
            });
    AddRank("arn.tiling.x2_rank", kBoth, "x2", 2, 2, "x2 must be 2-D (k, n).", shape_cite,
            [](TensorSpec &x) { x.shape.insert(x.shape.begin() + 1, 1); });
    AddRank("arn.tiling.residual_rank", kBoth, "residual", 3, 3, "residual must be 3-D (b, s, n).", shape_cite,
            [](TensorSpec &x) { x.shape = {x.shape[0] * x.shape[1], x.shape[2]}; });
    AddRank("arn.tiling.gamma_rank", kBoth, "gamma", 1, 1, "gamma must be 1-D (n).", shape_cite,
            [](TensorSpec &x) { x.shape.insert(x.shape.begin(), 1); });
    AddRank("arn.tiling.y_rank", kOutOfPlace, "y", 3, 3,
            "y must be 3-D (b, s, n) like residual. The parameter table says 2 dims; the constraints and the "
            "tiling say 3 (residual's shape): the tiling decides what the vendor accepts, so 3 wins.",
            Doc("参数说明 (y 维度: 2) vs 约束说明 (shape同residual (b, s, n))") + "; " + Notes("§6.1, §8.2"),
            [](TensorSpec &x) {
                x.shape = {x.shape[0] * x.shape[1], x.shape[2]};
            });
    AddRank("arn.tiling.norm_out_rank", kBoth, "norm_out", 3, 3,
            "normOut must be 3-D (b, s, n) like residual (the table's 2 dims lose against the constraints and the "
            "tiling, as for y).",
            Doc("参数说明 (normOut 维度: 2) vs 约束说明") + "; " + Notes("§6.1, §8.2"),
            [](TensorSpec &x) { x.shape = {x.shape[0] * x.shape[1], x.shape[2]}; });
    AddAfter(
        "arn.tiling.gamma_n", kBoth, Stage::kTiling, Layer::kTiling, kInner, "gamma must be (n): residual's last dim.",
        shape_cite,
        [](const Case &c, int r) {
            const TensorSpec *g = T(c, r, "gamma");
            const TensorSpec *res = T(c, r, "residual");
            return g && res && g->shape.size() == 1 && !res->shape.empty() && g->shape[0] != res->shape.back();
        },
        [](const Case &valid, Choices &ch) {
            const int64_t delta = ch.Int(1, 8);
            return EditTensor(valid, "gamma", [&](TensorSpec &g) {
                g.shape[0] += delta;
                return true;
            });
        });
    for (const char *name : {"y", "norm_out"}) {
        AddAfter(
            std::string("arn.tiling.") + name + "_shape", std::string(name) == "y" ? kOutOfPlace : kBoth,
            Stage::kTiling, Layer::kTiling, kInner,
            std::string(name == std::string("y") ? "y" : "normOut") + " must have residual's shape (b, s, n).",
            shape_cite,
            [name](const Case &c, int r) {
                const TensorSpec *o = T(c, r, name);
                const TensorSpec *res = T(c, r, "residual");
                return o && res && o->shape.size() == 3 && o->shape != res->shape;
            },
            [name](const Case &valid, Choices &ch) {
                const int64_t delta = ch.Int(1, 4);
                const bool first = ch.Bool();
                return EditTensor(valid, name, [&](TensorSpec &o) {
                    (first ? o.shape[0] : o.shape[1]) += delta;
                    return true;
                });
            });
    }
    AddAfter(
        "arn.tiling.bs", kBoth, Stage::kTiling, Layer::kTiling, kInner,
        "x1's b·s (m for a 2-D x1) must equal residual's b·s.",
        Doc("约束说明 (residual的(b*s)等于x1的m)") + "; " + kTilingCite,
        [](const Case &c, int r) {
            const TensorSpec *x1 = T(c, r, "x1");
            const TensorSpec *res = T(c, r, "residual");
            return x1 && res && res->shape.size() == 3 && x1->shape.size() >= 2 &&
                   BS(*x1) != res->shape[0] * res->shape[1];
        },
        [](const Case &valid, Choices &ch) {
            const int64_t delta = ch.Int(1, 8);
            return EditTensor(valid, "x1", [&](TensorSpec &x1) {
                x1.shape[x1.shape.size() - 2] += delta;
                return true;
            });
        });
    AddAfter(
        "arn.tiling.bias", kBoth, Stage::kTiling, Layer::kTiling, kInner, "A present bias must be 1-D (n).",
        Doc("参数说明 (bias 维度: 1); 约束说明 (shape为(n))") + "; " + Notes("§6.1 (MatmulAllReduce's tiling checks)"),
        [](const Case &c, int r) {
            const TensorSpec *b = T(c, r, "bias");
            const TensorSpec *x2 = T(c, r, "x2");
            return b && x2 && x2->shape.size() == 2 && b->shape != std::vector<int64_t>{x2->shape[1]};
        },
        [](const Case &valid, Choices &ch) {
            const bool two_d = ch.Bool();
            const int64_t delta = ch.Int(1, 8);
            return EditTensor(valid, "bias", [&](TensorSpec &b) {
                if (two_d) b.shape.insert(b.shape.begin(), 1);
                else b.shape[0] += delta;
                return true;
            });
        });
    AddQuantShapes();
    AddWeightQuantShapes();
    // ---------------------------------------------------------------- this suite's layout demands
    const Code kInvalidOrInner{Outcome::kStatus, 161002, {}, true};
    AddAfter(
        "arn.format.x2_nz", kBoth, Stage::kTiling, Layer::kOpApi, kInvalidOrInner,
        "A weight-NZ x2 (FRACTAL_NZ with a 4-D storage) is refused (161002, or an inner error): the table lists ND.",
        Doc("参数说明 (数据格式: ND)") + "; " + Notes("§1.4"),
        [](const Case &c, int r) {
            const TensorSpec *x2 = T(c, r, "x2");
            return x2 && x2->format == ACL_FORMAT_FRACTAL_NZ && x2->StorageShape().size() == 4;
        },
        [](const Case &valid, Choices &) {
            return EditEachRank(valid, [](int, ParamMap &p) {
                TensorSpec *x2 = TensorIn(p, "x2");
                if (!x2 || x2->shape.size() != 2) return false;
                const int64_t k = std::max<int64_t>(x2->shape[0], 1), n = std::max<int64_t>(x2->shape[1], 1);
                x2->format = ACL_FORMAT_FRACTAL_NZ;
                x2->storage_shape = {(n + 15) / 16, (k + 15) / 16, 16, 16};
                return true;
            });
        });
    for (const char *name : {"x1", "residual", "gamma"}) {
        AddAfter(
            std::string("arn.shape.") + name + "_contiguous", kBoth, Stage::kTiling, Layer::kOpApi, kInvalid,
            std::string(name) + " must be contiguous (the table marks non-contiguous unsupported; no vendor check: "
                                "this suite requires 161002).",
            Doc("参数说明 (非连续Tensor: ×)"),
            [name](const Case &c, int r) {
                const TensorSpec *x = T(c, r, name);
                return x && !Dense(*x);
            },
            [name](const Case &valid, Choices &) {
                return EditEachRank(valid, [name](int, ParamMap &p) {
                    TensorSpec *x = TensorIn(p, name);
                    if (!x || x->shape.empty() || x->shape.back() < 2) return false;
                    // Every other element of a twice-as-wide row.
                    x->strides = harness::ContiguousStrides(x->shape);
                    for (size_t d = 0; d + 1 < x->shape.size(); ++d) x->strides[d] *= 2;
                    x->strides.back() = 2;
                    x->storage_shape.clear();
                    return true;
                });
            });
    }
    AddAfter(
        "arn.shape.x2_strides", kBoth, Stage::kTiling, Layer::kOpApi, kInvalid,
        "x2 must be contiguous or a transpose of its last two dims (no vendor check: this suite requires 161002).",
        Doc("参数说明 (x2: 支持最后两轴转置情况下的非连续的tensor)") + "; " + Notes("§1.4"),
        [](const Case &c, int r) {
            const TensorSpec *x2 = T(c, r, "x2");
            return x2 && x2->shape.size() == 2 && !Dense(*x2) && !TransposedDense(*x2);
        },
        [](const Case &valid, Choices &) {
            return EditEachRank(valid, [](int, ParamMap &p) {
                TensorSpec *x2 = TensorIn(p, "x2");
                if (!x2 || x2->shape.size() != 2 || x2->shape[1] < 2) return false;
                x2->strides = {2 * x2->shape[1], 2};
                x2->storage_shape.clear();
                // n is now the tiling's inner dim: an odd one would break arn.tiling.wq_int4_even first.
                if (x2->dtype == ACL_INT4 && x2->shape[1] % 2 != 0) x2->dtype = ACL_INT8;
                return true;
            });
        });
    AddAfter(
        "arn.shape.wq_group_layout", kWqOps, Stage::kTiling, Layer::kOpApi, kInvalid,
        "A per-group antiquantScale or antiquantOffset (2-D, both dims ≠ 1) must be contiguous and x2 not "
        "transposed: the documents allow no other non-contiguous input than x2, and the embedded "
        "WeightQuantMatmulAllReduce's newer op_api refuses a contiguous one against a transposed x2, so no layout "
        "of that pair is defined; this suite requires 161002.",
        WqDoc("参数说明 (非连续Tensor)") + "; " + Notes("§2.2 step 5 [Y only], §6.2 (only x2 may be non-contiguous)"),
        [](const Case &c, int r) {
            const TensorSpec *x2 = T(c, r, "x2");
            if (!x2 || x2->shape.size() != 2) return false;
            const bool x2t = !x2->strides.empty() && x2->strides != harness::ContiguousStrides(x2->shape);
            for (const char *name : {"antiquant_scale", "antiquant_offset"}) {
                const TensorSpec *s = T(c, r, name);
                if (!s || s->shape.size() != 2 || s->shape[0] <= 1 || s->shape[1] <= 1) continue;
                if (x2t || !Dense(*s)) return true;
            }
            return false;
        },
        [](const Case &valid, Choices &) {
            return EditGeometry(valid, [](int, Geometry &g) {
                g.k = std::max<int64_t>(g.k, 66);
                g.n = std::max<int64_t>(g.n, 2);
                g.form = ScaleForm::kGroup;
                g.group_size = 32;
                g.transposed = true;
                return true;
            });
        });
    // The embedded WeightQuantMatmulAllReduce's scale layout demand (wqmar.shape.scale_strides),
    // which a library meets again when it hands the scales on (the api_fuzzer campaign of
    // 2026-12-06: a float16[25]s(32) per-channel scale refused with 161002 where this table
    // expected success). The same predicate as there; on the shapes that get this far (a
    // per-group scale is wq_group_layout's, just above) it asks for a dense scale, which is also
    // what the MindSpeed restriction "only x2 may be non-contiguous" says (ops.md §6.2).
    AddAfter(
        "arn.shape.wq_scale_strides", kWqOps, Stage::kTiling, Layer::kOpApi, kInvalid,
        "antiquantScale and antiquantOffset must each be contiguous or, when 2-D, the transpose of a contiguous "
        "matrix, as the embedded WeightQuantMatmulAllReduce requires (`wqmar.shape.scale_strides`); a padded "
        "per-channel scale is refused: this suite requires 161002.",
        WqDoc("参数说明 (非连续Tensor)") + "; " + Notes("§2.2 step 5, §6.1 (the embedded matmul's checks), §6.2"),
        common::AntiquantLayoutBroken,
        [](const Case &valid, Choices &ch) {
            const int64_t pad = ch.Int(1, 4);
            return EditEachRank(valid, [&](int, ParamMap &p) {
                // A per-channel (n) scale with n ≥ 2 (a padded per-group one would break
                // wq_group_layout first), its one stride padded; an INT4 x2 whose contiguous dim
                // became odd is INT8 (arn.tiling.wq_int4_even comes first).
                auto g = ReadGeometry(p);
                if (!g) return false;
                g->form = ScaleForm::kChannel;
                g->group_size = 0;
                g->n = std::max<int64_t>(g->n, 2);
                if (g->weight == ACL_INT4 && Int4InnerOdd(*g)) g->weight = ACL_INT8;
                WriteGeometry(p, *g, valid.op);
                return common::PadAntiquantStrides(p, pad);
            });
        });
    AddAfter(
        "arn.shape.output_overlap", kBoth, Stage::kTiling, Layer::kOpApi, kInvalid,
        "y and normOut must not alias themselves (a zero stride, overlapping rows; the test of "
        "spec/tensor_layout.h ViewAliases). The table allows strided outputs, not aliasing ones: results would "
        "be undefined; this suite requires 161002.",
        Doc("参数说明 (y, normOut 非连续Tensor: √)"),
        [](const Case &c, int r) {
            for (const char *name : {"y", "norm_out"}) {
                const TensorSpec *o = T(c, r, name);
                if (o && ViewAliases(*o)) return true;
            }
            return false;
        },
        [](const Case &valid, Choices &ch) {
            const std::string name = InPlace(valid) || ch.Bool() ? "norm_out" : "y";
            return EditEachRank(valid, [&](int, ParamMap &p) {
                TensorSpec *o = TensorIn(p, name);
                if (!o || o->NumElements() == 0) return false;
                size_t big = o->shape.size();
                for (size_t i = 0; i < o->shape.size(); ++i) {
                    if (o->shape[i] >= 2) {
                        big = i;
                        break;
                    }
                }
                if (big == o->shape.size()) return false;
                std::vector<int64_t> strides = harness::ContiguousStrides(o->shape);
                strides[big] = 0;  // every index of that dim writes one element
                o->strides = strides;
                o->storage_shape.clear();
                return true;
            });
        });
    common::Add(t, Common(), {Which::kStorage, Which::kCommTurnNegative, Which::kCommTurnPositive,
                              Which::kWorldSizeA2, Which::kWorldSize950});

    // ---------------------------------------------------------------- execution, cross-rank
    common::Add(t, Common(), {Which::kUnknownGroup, Which::kPeerFailed, Which::kMismatch});
    AssignLevels(t, Levels());
    g_table = nullptr;
    return t;
}

}  // namespace

const std::vector<Rule> &Rules() {
    static const std::vector<Rule> table = Build();
    return table;
}


OpFamily Family() {
    OpFamily f;
    f.name = "matmul_all_reduce_add_rms_norm";
    f.ops = {kArn, kInplace, kQuant, kInplaceQuant, kWeightQuant, kInplaceWeightQuant};
    f.rules = &Rules();
    f.generate_valid = &GenerateValid;
    f.decisions = {
        "y / normOut rank: the parameter table says 2 dims, the constraints say (b, s, n) like residual and the "
        "vendor's tiling requires rank 3 equal to residual's shape; the tiling decides what the vendor accepts, "
        "so 3 wins (`arn.tiling.y_rank`, `arn.tiling.norm_out_rank`).",
        "Empty tensors: the table says y and normOut do not support empty tensors, the constraints allow b·s or n "
        "== 0; the op_api returns SUCCESS (workspace 0, nothing written) for any empty x1, x2, residual or gamma "
        "with k != 0, before streamMode and every later check (`arn.empty.short_cut`); k == 0 is 161002.",
        "Dtypes, epsilon, reduceOp, ranks 3/1 and gamma's length are not checked by the op_api: they are "
        "tiling-layer refusals (inner error, 561xxx), not 161002.",
        "reduceOp: the tiling compares three characters, so \"sumX\" is accepted (unlike MatmulAllReduce's op_api).",
        "y and normOut null: not checked by the op_api; the generated inner layer's 161001 or an inner error.",
        "The INT32_MAX limits on b·s, k, n are enforced by the implementation but not generated: an empty tensor "
        "takes the short-cut, so a violation needs more than 2^31 real elements.",
        "In place: y is residual's memory; the suite checks that residual's elements change into y and normOut "
        "is written (OutputDecl::in_place).",
        "Cross-rank: a peer that fails or takes the empty short-cut never joins the all-reduce: the others fail "
        "in bounded time.",
        "Quant / weight-quant variants: the op_api checks only what plain ARN checks (plus the scale's null and "
        "emptiness); every dtype, scale-shape and antiquantGroupSize constraint of the embedded "
        "QuantMatmulAllReduce / WeightQuantMatmulAllReduce is a tiling refusal (inner error), not 161002.",
        "Weight-quant formula: the WeightQuant ARN document writes x2·antiquantScale + antiquantOffset, "
        "WeightQuantMatmulAllReduce's document and the shared kernel (x2 + antiquantOffset)·antiquantScale "
        "(ops.md §2.2, §6.1: the variants reuse that matmul); the kernel's order wins.",
        "Weight-quant x2 in INT4 (A16W4) is generated on half the weight-quant cases, packed two values per byte "
        "with element 0 in the low nibble (formats.md §9) along an even contiguous dim (n, or k when x2 is "
        "transposed; an odd one is `arn.tiling.wq_int4_even`), per group on half of them with the documented "
        "G (a multiple of 32 in [32, k - 1]); x2 in FRACTAL_NZ is not generated (refused as for plain ARN: the "
        "documents list ND only).",
    };
    f.gate_platforms = {Platform::kAtlasA2};
    // Six APIs sharing most rules: each rule once on every API it applies to, so every API meets
    // each of its rules (a library may check them in six separate code paths) and each rule is
    // violated at least twice in the family (every rule applies to two APIs or more: out of place
    // and in place); one valid case per (dtype, world) bucket beside the edge cases (the quant
    // variant has six dtype labels, the weight-quant one four: fp16 / bf16 × INT8 / INT4).
    f.gate_valid_per_combination = 1;
    f.gate_cases_per_rule = 1;
    return f;
}

}  // namespace mc2::spec::matmul_all_reduce_add_rms_norm
