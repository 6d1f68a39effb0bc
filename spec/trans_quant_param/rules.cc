// spec/trans_quant_param/rules.cc — the constraint catalogue of aclnnTransQuantParamV2 / V3, one
// rule per documented constraint, in the vendor's op_api order (ops.md §3; the op_api's
// CheckParams): null (161001) → dtype → format → shape (scale, offset, both 1-D lengths) →
// roundMode (checked last, inside the shape step) → this suite's hardening (161002 where the
// vendor checks nothing: contiguity, offset broadcasting, out's shape and layout).
#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

#include "spec/tensor_layout.h"
#include "spec/trans_quant_param/trans_quant_param.h"

namespace mc2::spec::trans_quant_param {
namespace {

using harness::Case;
using harness::Platform;
using harness::TensorSpec;
using harness::Value;

const std::vector<std::string> kBoth = {kOpV2, kOpV3};
const std::vector<std::string> kV3Only = {kOpV3};

// ---- citations ----
std::string Doc(const std::string &section) {
    return "hicann/ops-nn quant/trans_quant_param_v2/docs/aclnnTransQuantParamV2.md and V3.md, " + section;
}
const std::string kOpApi = "shared/spec-notes/ops.md §3 (op_api CheckParams)";

const TensorSpec *T(const Case &c, int rank, const char *name) { return c.Tensor(rank, name); }

bool RowOrVector(const std::vector<int64_t> &s) {
    return (s.size() == 1 && s[0] > 0) || (s.size() == 2 && s[0] == 1 && s[1] > 0);
}
bool ScaleShapeOk(const std::vector<int64_t> &s, Platform p) {
    return RowOrVector(s) || (p == Platform::kAscend950 && s.size() == 2 && s[0] > 0 && s[1] > 0);
}

bool Aliases(const TensorSpec &t) {
    if (t.NumElements() == 0) return false;
    const std::vector<int64_t> s = t.Strides();
    std::vector<std::pair<int64_t, int64_t>> dims;
    for (size_t i = 0; i < t.shape.size() && i < s.size(); ++i) {
        if (s[i] < 0) return false;
        if (t.shape[i] > 1) dims.emplace_back(s[i], t.shape[i]);
    }
    std::sort(dims.begin(), dims.end());
    int64_t reach = 0;
    for (const auto &[stride, size] : dims) {
        if (stride <= reach) return true;
        int64_t step = 0;
        if (__builtin_mul_overflow(stride, size - 1, &step) || __builtin_add_overflow(reach, step, &reach)) {
            reach = std::numeric_limits<int64_t>::max();
        }
    }
    return false;
}

// ---- editing ----
bool IsV3(const Case &c) { return c.op == kOpV3; }

std::optional<Case> EditLayouts(const Case &valid, const std::function<bool(int, Layout &)> &edit) {
    std::vector<ParamMap> per = EffectiveParams(valid);
    bool any = false;
    for (int r = 0; r < static_cast<int>(per.size()); ++r) {
        ParamMap &p = per[static_cast<size_t>(r)];
        auto l = ReadLayout(p);
        if (!l || !edit(r, *l)) continue;
        WriteLayout(p, *l, IsV3(valid));
        any = true;
    }
    if (!any) return std::nullopt;
    Case out = valid;
    AssignPerRank(out, per);
    return out;
}

std::optional<Case> EditTensors(const Case &valid, const std::string &name,
                                const std::function<bool(TensorSpec &)> &edit) {
    std::vector<ParamMap> per = EffectiveParams(valid);
    bool any = false;
    for (ParamMap &p : per) {
        TensorSpec *x = TensorIn(p, name);
        any = (x && edit(*x)) || any;
    }
    if (!any) return std::nullopt;
    Case out = valid;
    AssignPerRank(out, per);
    return out;
}

// The valid case with an offset on every rank (and a 1-D or (1, n) scale, which an offset needs).
Case WithOffset(const Case &valid) {
    auto c = EditLayouts(valid, [](int, Layout &l) {
        if (l.offset) return false;
        if (l.scale.size() == 2 && l.scale[0] != 1) l.scale = {l.scale[1]};
        l.offset = std::vector<int64_t>{l.scale.back()};
        return true;
    });
    return c ? *c : valid;
}

// The valid case with a 1-D scale of at least 2 elements on every rank, and an offset of the
// same length where one was (or `offset` asks for one).
Case WithVectorScale(const Case &valid, bool offset) {
    auto c = EditLayouts(valid, [&](int, Layout &l) {
        const int64_t n = std::max<int64_t>({l.scale.back(), l.offset ? l.offset->back() : 1, 2});
        l.scale = {n};
        if (offset || l.offset) l.offset = std::vector<int64_t>{n};
        return true;
    });
    return c ? *c : valid;
}

// Every rule's level and why (DESIGN.md "Verdicts"), appended to its text.
const std::vector<LevelEntry> &Levels() {
    static const std::vector<LevelEntry> kLevels = {
        {"tqp.null.", Level::kDocumented, "返回值 (scale or out null: 161001) and op_api step 1"},
        {"tqp.dtype.", Level::kDocumented, "the parameter table and op_api step 2"},
        {"tqp.format.", Level::kDocumented, "the parameter table (ND) and op_api step 3"},
        {"tqp.shape.scale", Level::kDocumented, "the parameter table and op_api step 4"},
        {"tqp.shape.offset_rank", Level::kDocumented, "the parameter table and op_api step 4"},
        {"tqp.shape.lengths", Level::kDocumented, "op_api step 4 (scale and offset lengths)"},
        {"tqp.attr.round_mode", Level::kDocumented, "the parameter table (0 or 1) and op_api step 4"},
        {"tqp.shape.", Level::kHardening,
         "the documents describe it but the op_api checks nothing; the vendor's behaviour is undefined"},
    };
    return kLevels;
}

std::vector<Rule> Build() {
    std::vector<Rule> t;

    // ---------------------------------------------------------------- null (161001)
    for (const char *name : {"scale", "out"}) {
        AddRule(
            t, std::string("tqp.null.") + name, {.ops = kBoth, .stage = Stage::kNull}, kNullptr,
            std::string(name) + " must not be a null pointer (offset may be).",
            Doc("返回值 (ACLNN_ERR_PARAM_NULLPTR: 传入的scale或out是空指针)") + "; " + kOpApi + " 1",
            [name](const Case &c, int r) { return T(c, r, name) == nullptr; },
            [name](const Case &valid, Choices &) {
                Case out = valid;
                out.Set(name, harness::Null{});
                return std::optional<Case>(out);
            });
    }

    // ---------------------------------------------------------------- dtype (161002)
    AddRule(
        t, "tqp.dtype.scale", {.ops = kBoth, .stage = Stage::kDtype}, kInvalid, "scale dtype must be FLOAT (fp32).",
        Doc("参数说明 (scale: FLOAT32)") + "; " + kOpApi + " 2",
        [](const Case &c, int r) {
            const TensorSpec *x = T(c, r, "scale");
            return x && x->dtype != ACL_FLOAT;
        },
        [](const Case &valid, Choices &ch) {
            const aclDataType bad = ch.Pick(std::vector<aclDataType>{ACL_FLOAT16, ACL_BF16, ACL_DOUBLE, ACL_INT32,
                                                                     ACL_UINT64});
            return EditTensors(valid, "scale", [&](TensorSpec &x) {
                x.dtype = bad;
                return true;
            });
        });
    AddRule(
        t, "tqp.dtype.offset", {.ops = kBoth, .stage = Stage::kDtype}, kInvalid,
        "offset (when present) dtype must be FLOAT (fp32).", Doc("参数说明 (offset: FLOAT32)") + "; " + kOpApi + " 2",
        [](const Case &c, int r) {
            const TensorSpec *x = T(c, r, "offset");
            return x && x->dtype != ACL_FLOAT;
        },
        [](const Case &valid, Choices &ch) {
            const aclDataType bad = ch.Pick(std::vector<aclDataType>{ACL_FLOAT16, ACL_BF16, ACL_INT32, ACL_INT8});
            return EditTensors(WithOffset(valid), "offset", [&](TensorSpec &x) {
                x.dtype = bad;
                return true;
            });
        });
    AddRule(
        t, "tqp.dtype.out", {.ops = kBoth, .stage = Stage::kDtype}, kInvalid, "out dtype must be UINT64 or INT64.",
        Doc("参数说明 (out: UINT64、INT64)") + "; " + kOpApi + " 2",
        [](const Case &c, int r) {
            const TensorSpec *x = T(c, r, "out");
            return x && x->dtype != ACL_UINT64 && x->dtype != ACL_INT64;
        },
        [](const Case &valid, Choices &ch) {
            const aclDataType bad = ch.Pick(std::vector<aclDataType>{ACL_FLOAT, ACL_INT32, ACL_UINT32, ACL_DOUBLE});
            return EditTensors(valid, "out", [&](TensorSpec &x) {
                x.dtype = bad;
                return true;
            });
        });

    // ---------------------------------------------------------------- format (161002)
    for (const char *name : {"scale", "out", "offset"}) {
        AddRule(
            t, std::string("tqp.format.") + name, {.ops = kBoth, .stage = Stage::kFormat}, kInvalid,
            std::string(name) + (std::string(name) == "offset" ? " (when present)" : "") + " format must be ND.",
            Doc("参数说明 (数据格式: ND)") + "; " + kOpApi + " 3",
            [name](const Case &c, int r) {
                const TensorSpec *x = T(c, r, name);
                return x && x->format != ACL_FORMAT_ND;
            },
            [name](const Case &valid, Choices &ch) {
                const aclFormat bad = ch.Bool() ? ACL_FORMAT_NCHW : ACL_FORMAT_NHWC;
                const Case base = std::string(name) == "offset" ? WithOffset(valid) : valid;
                return EditTensors(base, name, [&](TensorSpec &x) {
                    x.format = bad;
                    return true;
                });
            });
    }

    // ---------------------------------------------------------------- shape (161002, documented)
    AddRule(
        t, "tqp.shape.scale", {.ops = kBoth, .stage = Stage::kShape}, kInvalid,
        "scale must be 1-D (t) with t > 0 or 2-D (1, n) with n > 0; on Ascend 950 (\"regbase\") any 2-D (g, n) "
        "with g, n > 0.",
        Doc("参数说明 (scale: shape是1维（t,）或2维（1, n）; 不支持空Tensor)") + "; " + kOpApi + " 4",
        [](const Case &c, int r) {
            const TensorSpec *x = T(c, r, "scale");
            return x && !ScaleShapeOk(x->shape, c.platform);
        },
        [](const Case &valid, Choices &ch) {
            const bool a2 = valid.platform == Platform::kAtlasA2;
            const int64_t mode = ch.Int(0, a2 ? 4 : 3);
            return EditTensors(valid, "scale", [&](TensorSpec &x) {
                const int64_t n = std::max<int64_t>(x.shape.back(), 1);
                switch (mode) {
                    case 0: x.shape = {0}; break;
                    case 1: x.shape = {1, 1, n}; break;
                    case 2: x.shape = {1, 0}; break;
                    case 3: x.shape = {0, n}; break;
                    default: x.shape = {2, n}; break;  // (g, n): Ascend 950 only
                }
                x.strides.clear();
                return true;
            });
        });
    AddRule(
        t, "tqp.shape.offset_rank", {.ops = kBoth, .stage = Stage::kShape}, kInvalid,
        "offset (when present) must be 1-D (t) with t > 0 or 2-D (1, n) with n > 0 (also on Ascend 950).",
        Doc("参数说明 (offset: shape是1维（t,）以及2维（1, n）; 不支持空Tensor)") + "; " + kOpApi + " 4",
        [](const Case &c, int r) {
            const TensorSpec *s = T(c, r, "scale");
            const TensorSpec *x = T(c, r, "offset");
            return s && x && ScaleShapeOk(s->shape, c.platform) && !RowOrVector(x->shape);
        },
        [](const Case &valid, Choices &ch) {
            const int64_t mode = ch.Int(0, 3);
            return EditTensors(WithOffset(valid), "offset", [&](TensorSpec &x) {
                const int64_t n = std::max<int64_t>(x.shape.back(), 1);
                switch (mode) {
                    case 0: x.shape = {0}; break;
                    case 1: x.shape = {1, 1, n}; break;
                    case 2: x.shape = {2, n}; break;
                    default: x.shape = {1, 0}; break;
                }
                x.strides.clear();
                return true;
            });
        });
    AddRule(
        t, "tqp.shape.lengths", {.ops = kBoth, .stage = Stage::kShape}, kInvalid,
        "With a 1-D offset, scale's dim 0 (g of a 2-D scale, as the op_api reads it) and offset's dim 0 must be equal "
        "when both are greater than 1.",
        Doc("约束说明 (当输入scale的shape为1维…shape大小为scale与offset单维shape大小的最大值)") + "; " + kOpApi + " 4",
        [](const Case &c, int r) {
            const TensorSpec *s = T(c, r, "scale");
            const TensorSpec *o = T(c, r, "offset");
            if (!s || !o || !ScaleShapeOk(s->shape, c.platform) || !RowOrVector(o->shape)) return false;
            return o->shape.size() == 1 && s->shape[0] > 1 && o->shape[0] > 1 && s->shape[0] != o->shape[0];
        },
        [](const Case &valid, Choices &ch) {
            const int64_t delta = ch.Int(1, 5);
            const bool grow_scale = ch.Bool();
            return EditLayouts(WithVectorScale(valid, true), [&](int, Layout &l) {
                if (grow_scale) {
                    l.scale[0] += delta;
                } else {
                    (*l.offset)[0] += delta;
                }
                return true;
            });
        });
    AddRule(
        t, "tqp.attr.round_mode", {.ops = kV3Only, .stage = Stage::kShape}, kInvalid,
        "roundMode must be 0 (truncate, as V2) or 1 (round to nearest, ties to even); the op_api checks it last, "
        "after the shapes.",
        Doc("参数说明 (roundMode: 仅支持0、1); 返回值 (roundMode的值不在支持的范围内)") + "; " + kOpApi + " 4",
        [](const Case &c, int r) {
            if (!IsV3(c)) return false;
            // A missing or non-integer value reaches the library as 0 (harness CallArgs::I).
            const auto *v = std::get_if<int64_t>(&c.Get(r, "round_mode"));
            return v != nullptr && *v != 0 && *v != 1;
        },
        [](const Case &valid, Choices &ch) {
            Case out = valid;
            out.Set("round_mode", ch.Pick(std::vector<int64_t>{2, -1, 3, std::numeric_limits<int64_t>::min()}));
            return std::optional<Case>(out);
        });

    // ---------------------------------------------------------------- hardening (161002)
    auto hard = [&t](std::string id, std::string text, std::string cite, RulePredicate pred, RuleViolator viol,
                     const Code &code = kInvalid) {
        AddRule(t, std::move(id), {.ops = kBoth, .stage = Stage::kShape}, code, std::move(text), std::move(cite),
                std::move(pred), std::move(viol));
    };
    hard(
        "tqp.shape.negative", "No stride of scale, offset or out may be negative (hardening).",
        "shared/spec-notes/ops.md §1.3",
        [](const Case &c, int r) {
            for (const char *name : {"scale", "offset", "out"}) {
                const TensorSpec *x = T(c, r, name);
                if (!x) continue;
                for (int64_t s : x->strides) if (s < 0) return true;
            }
            return false;
        },
        [](const Case &valid, Choices &) {
            return EditTensors(WithVectorScale(valid, false), "out", [](TensorSpec &x) {
                if (x.shape.size() != 1 || x.shape[0] < 2) return false;
                x.strides = {-1};
                x.offset = x.shape[0] - 1;
                x.storage_shape = {x.shape[0]};
                return true;
            });
        },
        kInvalidOrRefusedTensor);
    hard(
        "tqp.shape.contiguous",
        "scale and offset must be contiguous (hardening: the parameter table says 非连续Tensor ×, the op_api does "
        "not check).",
        Doc("参数说明 (scale, offset: 非连续Tensor ×)"),
        [](const Case &c, int r) {
            for (const char *name : {"scale", "offset"}) {
                const TensorSpec *x = T(c, r, name);
                if (x && !Dense(*x)) return true;
            }
            return false;
        },
        [](const Case &valid, Choices &ch) {
            const bool offset = ch.Bool();
            const int64_t step = ch.Int(2, 3);
            return EditTensors(WithVectorScale(valid, offset), offset ? "offset" : "scale", [&](TensorSpec &x) {
                if (x.shape.size() != 1 || x.shape[0] < 2) return false;
                x.strides = {step};
                x.storage_shape.clear();
                return true;
            });
        });
    hard(
        "tqp.shape.offset_groups",
        "An offset goes with a 1-D or (1, n) scale only (hardening: the document's shapes with offset; the op_api "
        "accepts a (g, n) scale with an offset on Ascend 950).",
        Doc("约束说明 (当有offset时…offset，scale，out的shape支持1维(1,)、(n,)或2维(1, n))"),
        [](const Case &c, int r) {
            const TensorSpec *s = T(c, r, "scale");
            return s && T(c, r, "offset") && s->shape.size() == 2 && s->shape[0] != 1;
        },
        [](const Case &valid, Choices &ch) -> std::optional<Case> {
            if (valid.platform != Platform::kAscend950) return std::nullopt;  // (g, n) is refused before on A2
            const int64_t g = ch.Int(2, 4);
            const int64_t form = ch.Int(0, 2);
            return EditLayouts(valid, [&](int, Layout &l) {
                const int64_t n = l.scale.back();
                l.scale = {g, n};
                // Not an (n) offset: the op_api compares a 1-D offset's length with scale dim 0 (g).
                l.offset = form == 0 ? std::vector<int64_t>{1, n} : std::vector<int64_t>{form == 1 ? 1 : g};
                return true;
            });
        });
    t.back().platforms = {Platform::kAscend950};  // on Atlas A2 a (g, n) scale is refused by tqp.shape.scale
    hard(
        "tqp.shape.offset_fits",
        "An offset's element count must be 1 or the scale's last dim (any count with a 1-D scale of 1) (hardening: "
        "the op_api compares only a 1-D offset's length with scale dim 0, so a (1, m) offset or a (1, n) scale escapes "
        "it).",
        Doc("约束说明 (t = 1或n)"),
        [](const Case &c, int r) {
            const TensorSpec *s = T(c, r, "scale");
            const TensorSpec *o = T(c, r, "offset");
            if (!s || !o || s->shape.empty() || o->shape.empty()) return false;
            const int64_t last = s->shape.back();
            const int64_t count = o->shape.back();
            return !(count == 1 || count == last || (s->shape.size() == 1 && last == 1));
        },
        [](const Case &valid, Choices &ch) {
            const int64_t delta = ch.Int(1, 5);
            const bool two_d_scale = ch.Bool();
            return EditLayouts(valid, [&](int, Layout &l) {
                const int64_t n = std::max<int64_t>(l.scale.back(), 2);
                l.scale = two_d_scale ? std::vector<int64_t>{1, n} : std::vector<int64_t>{n};
                l.offset = two_d_scale ? std::vector<int64_t>{n + delta} : std::vector<int64_t>{1, n + delta};
                return true;
            });
        });
    hard(
        "tqp.shape.out",
        "out must have the documented shape: 1-D max(scale, offset) for a 1-D scale, the scale's shape for a 2-D one "
        "(hardening: the op_api does not check it).",
        Doc("参数说明 (out: 当输入scale的shape为1维时，out的shape也为1维…); 约束说明"),
        [](const Case &c, int r) {
            const TensorSpec *s = T(c, r, "scale");
            const TensorSpec *x = T(c, r, "out");
            if (!s || !x || s->shape.empty()) return false;
            Layout l;
            l.scale = s->shape;
            if (const TensorSpec *o = T(c, r, "offset"); o && !o->shape.empty()) l.offset = o->shape;
            return x->shape != OutShape(l);
        },
        [](const Case &valid, Choices &ch) {
            const int64_t mode = ch.Int(0, 2);
            return EditTensors(valid, "out", [&](TensorSpec &x) {
                switch (mode) {
                    case 0: x.shape.back() += 1; break;
                    case 1: x.shape.insert(x.shape.begin(), 1); break;
                    default: x.shape = {0}; break;
                }
                x.strides.clear();
                x.storage_shape.clear();
                return true;
            });
        });
    hard(
        "tqp.shape.out_overlap", "out must not alias itself (hardening; a strided out is allowed).",
        Doc("参数说明 (out: 非连续Tensor √)"),
        [](const Case &c, int r) {
            const TensorSpec *x = T(c, r, "out");
            return x && Aliases(*x);
        },
        [](const Case &valid, Choices &) {
            return EditTensors(WithVectorScale(valid, false), "out", [](TensorSpec &x) {
                if (x.shape.size() != 1 || x.shape[0] < 2) return false;
                x.strides = {0};
                x.storage_shape.clear();
                return true;
            });
        });
    hard(
        "tqp.shape.storage", "Every present tensor's storage must cover the elements its view reaches (hardening).",
        "shared/spec-notes/ops.md §1.3; harness/case.h StorageElementsNeeded",
        [](const Case &c, int r) {
            for (const char *name : {"scale", "offset", "out"}) {
                const TensorSpec *x = T(c, r, name);
                if (x && x->NumElements() > 0 && StorageElements(*x) < x->StorageElementsNeeded()) return true;
            }
            return false;
        },
        [](const Case &valid, Choices &ch) {
            const std::string name = ch.Bool() ? "scale" : "out";
            return EditTensors(valid, name, [](TensorSpec &x) {
                const int64_t needed = x.StorageElementsNeeded();
                if (needed < 1) return false;
                x.storage_shape = {needed - 1};
                return true;
            });
        });
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
    f.name = "trans_quant_param";
    f.ops = {kOpV2, kOpV3};
    f.rules = &Rules();
    f.generate_valid = &GenerateValid;
    f.generate_typical = nullptr;
    f.decisions = {
        "World size: the operator runs on one device; a case of world W has every rank convert its own scale "
        "(no collective, no cross-rank rule).",
        "roundMode is checked after the shapes, inside the op_api's shape step (`tqp.attr.round_mode`).",
        "NaN / Inf scales and offsets: the document requires none; the words of such elements are not judged "
        "(the oracle still predicts the kernel's bit selection, tested in tests/oracle).",
        "Offsets against 2-D scales, (1, m) offsets against 1-D scales, a (g, n) scale with an offset, and out's "
        "shape are documented but unchecked by the vendor's op_api: hardening rules (161002 demanded, WARNING "
        "only for a library that does what the vendor does).",
        "out's dtype: UINT64 and INT64 hold the same words (the vendor's op_api relabels out as UINT64).",
    };
    return f;
}

}  // namespace mc2::spec::trans_quant_param
