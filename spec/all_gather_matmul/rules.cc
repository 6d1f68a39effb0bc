// spec/all_gather_matmul/rules.cc — the constraint catalogue of aclnnAllGatherMatmul, one rule
// per documented constraint, in the vendor's check order (ops.md §5.1): null → dtype →
// streamMode → k != 0 → the empty-x1 short-cut (SUCCESS, nothing after it is checked) → shape
// → this suite's layout hardening → generated inner layer (null group) → tiling → execution →
// cross-rank consequences.
#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

#include "spec/all_gather_matmul/all_gather_matmul.h"
#include "spec/common/common_rules.h"
#include "spec/tensor_layout.h"

namespace mc2::spec::all_gather_matmul {
namespace {

using harness::Case;
using harness::Platform;
using harness::TensorSpec;
using harness::Value;
using common::Which;

const std::vector<std::string> kOps = {kOp};
const std::vector<Platform> kAllPlatforms = {Platform::kAtlasA2, Platform::kAscend950};

// ---- citations ----
std::string Doc(const std::string &section) {
    return "hicann/ops-transformer mc2/all_gather_matmul/docs/aclnnAllGatherMatmul.md, " + section;
}
std::string Notes(const std::string &section) { return "shared/spec-notes/ops.md " + section; }
const std::string kOpApi = Notes("§5.1 op_api checks");
std::string TilingCite() { return Notes("§5.1 Tiling checks (all_gather_matmul_tiling.cpp, CommonParamCheck)"); }

// ---- expected codes ----
const Code kShortCut{Outcome::kSuccess, 0, {}, false};

const TensorSpec *T(const Case &c, int rank, const char *name) { return c.Tensor(rank, name); }

// The vendor's empty-x1 short-cut (ops.md §5.1 step 6): x1 has a dim 1 that is not 0 and is
// empty. Every rule after it names it (Rule::short_cut): the call returns SUCCESS before them.
bool ShortCut(const Case &c, int r) {
    const TensorSpec *x1 = T(c, r, "x1");
    return x1 && x1->shape.size() >= 2 && x1->shape[1] != 0 && EmptyView(*x1);
}

// gatherOut is produced when present and not empty (the vendor's IsGatherOut).
const TensorSpec *Produced(const Case &c, int r) {
    const TensorSpec *g = T(c, r, "gather_out");
    return g && g->NumElements() != 0 ? g : nullptr;
}

// ---- editing ----
std::optional<Case> EditRanks(const Case &valid, const std::function<bool(int, ParamMap &)> &edit) {
    std::vector<ParamMap> per = EffectiveParams(valid);
    bool any = false;
    for (int r = 0; r < static_cast<int>(per.size()); ++r) any = edit(r, per[static_cast<size_t>(r)]) || any;
    if (!any) return std::nullopt;
    Case out = valid;
    AssignPerRank(out, per);
    return out;
}

std::optional<Case> EditGeometry(const Case &valid, const std::function<bool(int, Geometry &)> &edit) {
    return EditRanks(valid, [&](int r, ParamMap &p) {
        auto g = ReadGeometry(p, valid.world);
        if (!g || !edit(r, *g)) return false;
        WriteGeometry(p, *g);
        return true;
    });
}

// A valid case whose x1 is not empty (rules after the short-cut need one), or nullopt.
std::optional<Case> NonEmpty(const Case &valid) {
    auto c = EditGeometry(valid, [](int, Geometry &g) {
        if (g.m > 0) return false;
        g.m = 1;
        return true;
    });
    return c ? c : std::optional<Case>(valid);
}


// Editing one tensor of every rank of a non-empty valid case.
std::optional<Case> EditTensor(const Case &valid, const std::string &name,
                               const std::function<bool(TensorSpec &)> &edit) {
    auto c = NonEmpty(valid);
    if (!c) return std::nullopt;
    return EditRanks(*c, [&](int, ParamMap &p) {
        TensorSpec *x = TensorIn(p, name);
        return x && edit(*x);
    });
}

// The valid case with bias (or a full gatherOut) present on every rank.
Case WithOptional(const Case &valid, const std::string &name) {
    auto c = EditGeometry(*NonEmpty(valid), [&](int, Geometry &g) {
        if (name == "bias") {
            if (g.n == 0) g.n = 1;
            g.bias = true;
        } else if (name == "gather_out") {
            g.gather = GatherOut::kFull;
        } else {
            return false;
        }
        return true;
    });
    return c ? *c : *NonEmpty(valid);
}

// Every rule's level (DESIGN.md "Verdicts: conformance and hardening") and why, appended to its
// text. Documented: the document, the vendor's op_api order and unit test, the tiling code, the
// mathematics of the gather. Hardening: the vendor does not check (what it does is undefined);
// this suite demands a clean 161002 or 161001.
const std::vector<LevelEntry> &Levels() {
    static const std::vector<LevelEntry> kLevels = {
        {"agm.null.", Level::kDocumented, "返回值 (x1, x2 or output null: 161001) and op_api step 1"},
        {"agm.dtype.gather_out_eq_x1", Level::kHardening,
         "the table gives gatherOut x1's dtype, but the op_api checks no dtype of gatherOut"},
        {"agm.dtype.", Level::kDocumented, "the parameter table and op_api step 3"},
        {"agm.attr.", Level::kDocumented, "the parameter table and op_api step 4"},
        {"agm.shape.x1_no_k", Level::kHardening, "the op_api reads x1's dim 1 without a rank check"},
        {"agm.shape.k_zero", Level::kDocumented, "约束说明 (k must not be empty) and op_api step 5"},
        {"agm.empty.", Level::kDocumented, "op_api step 6 and the op_api unit test (x1 (0, 256): SUCCESS)"},
        {"agm.shape.gather_out_rank", Level::kHardening, "the op_api reads gatherOut's dim 1 without a rank check"},
        {"agm.shape.output_rank", Level::kHardening, "the op_api reads output's dim 1 without a rank check"},
        {"agm.shape.negative", Level::kHardening, "no op_api check of strides"},
        {"agm.shape.x2_strides", Level::kHardening,
         "the table allows only a transposed non-contiguous x2, but the op_api has no check (ops.md §1.4)"},
        {"agm.shape.bias", Level::kHardening, "the op_api never checks the bias shape (its unit test passes 32 for n = 16)"},
        {"agm.shape.output_overlap", Level::kHardening, "the documents and the op_api say nothing of aliasing outputs"},
        {"agm.shape.gather_out_overlap", Level::kHardening,
         "the documents and the op_api say nothing of aliasing outputs"},
        {"agm.shape.storage", Level::kHardening, "the op_api checks no storage size (ops.md §1.3)"},
        {"agm.shape.", Level::kDocumented, "op_api step 7 and the op_api unit tests (k < 256: 161002)"},
        {"agm.inner.", Level::kDocumented, "the generated inner layer's required attribute"},
        // The document gives output and gatherOut m·rank_size rows, but nothing refuses other rows:
        // not the op_api (step 7), and not the tiling — its unit tests hand it output and gatherOut
        // with x1's m rows at a world size it accepts (H test_all_gather_matmul_tiling.cpp,
        // replayed in tests/spec/vendor_unit_test_calls_test.cc) and expect GRAPH_SUCCESS.
        {"agm.tiling.output_rows", Level::kHardening,
         "documented shape (m·rank_size, n), refused by neither the op_api nor the tiling (its unit tests pass m rows)"},
        {"agm.tiling.gather_out_rows", Level::kHardening,
         "documented shape (m·rank_size, k), refused by neither the op_api nor the tiling (its unit tests pass m rows)"},
        {"agm.tiling.", Level::kDocumented, "the document's constraints and the vendor's tiling and infershape code"},
        {"agm.runtime.", Level::kDocumented, "the document (group from HcclGetCommName)"},
        {"agm.xrank.mismatch", Level::kHardening,
         "the document defines no answer for ranks whose gathered blocks disagree, and n is not part of the gather at all; "
         "failing every rank within bounded time is this suite's robustness demand"},
        {"agm.xrank.", Level::kDocumented, "the document's all-gather over the group; a collective needs every rank"},
    };
    return kLevels;
}

// Bends one rank's gathered block (m or dtype) or its n (agm.xrank.mismatch).
std::optional<Case> BreakAgreement(const Case &valid, Choices &ch) {
    auto c = NonEmpty(valid);
    if (!c || c->world < 2) return std::nullopt;
    const int victim = static_cast<int>(ch.Int(0, c->world - 1));
    const int mode = static_cast<int>(ch.Int(0, 2));
    return EditGeometry(*c, [&](int r, Geometry &g) {
        if (r != victim) return false;
        if (mode == 0) {
            g.m += 1;
        } else if (mode == 1) {
            g.n += 1;
        } else {
            g.dtype = OtherHalf(g.dtype);
        }
        return true;
    });
}

// The rules every family repeats (spec/common/common_rules.h), with this family's words. The
// empty-x1 short-cut exempts a rank from the rules after it, and their violations start from a
// case whose x1 is not empty.
const common::CommonRules &Common() {
    static const common::CommonRules kCommon = {
        .family = {.prefix = "agm",
                   .ops = kOps,
                   .world_sizes = &WorldSizes,
                   .short_cut = &ShortCut,
                   .reach = [](const Case &valid) { return *NonEmpty(valid); },
                   .resize_world = [](const Case &c, int world) -> std::optional<Case> {
                       auto resized = EditGeometry(c, [&](int, Geometry &g) {
                           g.world = world;  // output and gatherOut rows follow the new world
                           return true;
                       });
                       if (!resized) return std::nullopt;
                       ResizeWorld(*resized, world);
                       return resized;
                   }},
        .null_tensors = common::NullTensors{
            .names = {"x1", "x2", "output"},
            .note = " (gatherOut and bias may be)",
            .citation = Doc("返回值 (ACLNN_ERR_PARAM_NULLPTR: x1、x2或output是空指针)") + "; " + kOpApi + " 1"},
        .stream_mode = common::StreamMode{
            {"streamMode must be 1 (ACL_STOP_ON_FAILURE).",
             Doc("参数说明 (streamMode: 当前只支持枚举值1)") + "; " + kOpApi + " 4"},
            {0, 2, -1, 3}},
        .group_null = common::Words{
            "group must not be a null pointer: the generated inner layer's required attribute (161001).",
            Notes("§1.2 item 2, §8.3")},
        // Sizes on neither platform's list, within the gates' world caps.
        .world_size_a2 = common::WorldSize{
            {"Atlas A2: the world size must be 2, 4 or 8.",
             Doc("约束说明 (A2: 支持2、4、8卡; A3: 支持2、4、8、16、32卡)") + "; " + TilingCite()},
            {1, 3, 6, 12}},
        .world_size_950 = common::WorldSize{
            {"Ascend 950: the world size must be 2, 4, 8, 16 or 32 (the A3 list; the document has no 950 row).",
             Doc("约束说明 (A2: 支持2、4、8卡; A3: 支持2、4、8、16、32卡)") + "; " + TilingCite()},
            {1, 3, 6, 12}},
        .unknown_group = common::UnknownGroup{
            {"group must name a live communicator (HcclGetCommName). The vendor resolves the name in tiling (its rank "
             "size: a 561xxx) or fails at execution; an implementation may refuse it at GetWorkspaceSize with 161002, "
             "wherever its own check order puts that.",
             Doc("参数说明 (group: 通过HcclGetCommName获取)") + "; " +
                 Notes("§1 ambiguities (group name not checked), §5.1 (tiling: GetRankSize(group))")},
            Code{Outcome::kRuntimeError, 0, {161002}, true},
            {"no_such_group", "test_all_gather_group", ""}},
        .peer_failed = common::PeerFailed{
            {"When another rank's call fails or takes the empty short-cut (it never joins the gather), a rank whose own "
             "call passes must fail with a runtime error within bounded time, never hang.",
             "shared/DESIGN.md (ABI fidelity: no rank hangs)"},
            {{"stream_mode", int64_t{0}}, {"comm_turn", int64_t{8}}, {"x1", harness::Null{}}}},
        .mismatch = common::Mismatch{
            {"All ranks must agree on the gathered blocks (m, k, dtype) and on n; ranks that disagree must all fail "
             "with a runtime error within bounded time, writing nothing (x2's layout, bias and gatherOut may differ).",
             Doc("计算公式 (allgather over the group)") + "; shared/DESIGN.md (ABI fidelity)"},
            [](const Case &c, int q) {
                const TensorSpec *x1 = T(c, q, "x1");
                const TensorSpec *x2 = T(c, q, "x2");
                if (!x1 || !x2 || x1->shape.size() != 2 || x2->shape.size() != 2) return std::vector<int64_t>{};
                return std::vector<int64_t>{x1->shape[0], x1->shape[1], x2->shape[1], x1->dtype};
            },
            &BreakAgreement},
    };
    return kCommon;
}


std::vector<Rule> Build() {
    std::vector<Rule> t;
    const std::string dtype_cite = Doc("参数说明 (数据类型 column; 与x1的数据类型保持一致)") + "; " + kOpApi + " 3";

    // ---------------------------------------------------------------- null (161001)
    common::Add(t, Common(), {Which::kNullTensors});

    // ---------------------------------------------------------------- dtype (161002)
    for (const char *name : {"x1", "x2", "output", "bias"}) {
        AddRule(
            t, std::string("agm.dtype.") + name, {.ops = kOps, .stage = Stage::kDtype}, kInvalid,
            std::string(name) + (std::string(name) == "bias" ? " (when present)" : "") +
                " dtype must be FLOAT16 or BFLOAT16.",
            dtype_cite,
            [name](const Case &c, int r) {
                const TensorSpec *x = T(c, r, name);
                return x && !Contains(Dtypes(c.platform), x->dtype);
            },
            [name](const Case &valid, Choices &ch) {
                const aclDataType bad = ch.Pick(ForeignDtypes());
                return EditRanks(WithOptional(valid, name), [&](int, ParamMap &p) {
                    TensorSpec *x = TensorIn(p, name);
                    if (!x) return false;
                    x->dtype = bad;
                    return true;
                });
            });
    }
    for (const char *name : {"x2", "output", "bias", "gather_out"}) {
        const bool gather = std::string(name) == "gather_out";
        AddRule(
            t, std::string("agm.dtype.") + name + "_eq_x1", {.ops = kOps, .stage = Stage::kDtype}, kInvalid,
            gather ? "A produced gatherOut (present, not empty) must have x1's dtype. Hardening: the parameter "
                     "table says so but the op_api does not check it; the kernel copies x1's codes into it."
                   : std::string(name) + " must have x1's dtype.",
            dtype_cite,
            [name, gather](const Case &c, int r) {
                const TensorSpec *x = gather ? Produced(c, r) : T(c, r, name);
                const TensorSpec *x1 = T(c, r, "x1");
                return x && x1 && x->dtype != x1->dtype;
            },
            [name](const Case &valid, Choices &) {
                return EditRanks(WithOptional(valid, name), [&](int, ParamMap &p) {
                    TensorSpec *x = TensorIn(p, name);
                    if (!x || x->NumElements() == 0) return false;
                    x->dtype = OtherHalf(x->dtype);
                    return true;
                });
            });
    }

    // ---------------------------------------------------------------- attributes (161002)
    common::Add(t, Common(), {Which::kStreamMode});

    // ---------------------------------------------------------------- k, then the empty short-cut
    AddRule(
        t, "agm.shape.x1_no_k", {.ops = kOps, .stage = Stage::kShape}, kInvalid,
        "x1 must have a dim 1 (k): an x1 of rank < 2 is refused where k is checked, before the empty-x1 "
        "short-cut (hardening: the vendor reads a dimension it does not have).",
        Doc("参数说明 (x1 维度: 2)") + "; " + kOpApi + " 5",
        [](const Case &c, int r) {
            const TensorSpec *x1 = T(c, r, "x1");
            return x1 && x1->shape.size() < 2;
        },
        [](const Case &valid, Choices &) {
            return EditRanks(valid, [](int, ParamMap &p) {
                TensorSpec *x1 = TensorIn(p, "x1");
                if (!x1 || x1->shape.size() != 2) return false;
                x1->shape = {x1->shape[1]};  // (k): no dim 1
                x1->strides.clear();
                return true;
            });
        });
    AddRule(
        t, "agm.shape.k_zero", {.ops = kOps, .stage = Stage::kShape}, kInvalid,
        "x1's k (dim 1) must not be 0 (m and n may be); checked before the empty-x1 short-cut.",
        Doc("约束说明 (k不可为空); 返回值 (x1是空tensor)") + "; " + kOpApi + " 5",
        [](const Case &c, int r) {
            const TensorSpec *x1 = T(c, r, "x1");
            return x1 && x1->shape.size() >= 2 && x1->shape[1] == 0;
        },
        [](const Case &valid, Choices &ch) {
            const bool m_too = ch.Bool();
            return EditGeometry(valid, [&](int, Geometry &g) {
                g.k = 0;
                if (m_too) g.m = 0;
                g.transposed = false;
                return true;
            });
        });
    AddRule(
        t, "agm.empty.m_zero", {.ops = kOps, .stage = Stage::kShape}, kShortCut,
        "An empty x1 (m == 0) returns SUCCESS with workspace size 0 before any shape, group or tiling check, and "
        "its execute phase returns SUCCESS at once (no collective: nothing is written).",
        Doc("约束说明 (m为空，k不为空...)") + "; " + kOpApi + " 6; " + Notes("§1.2 item 4, §8.3"), ShortCut,
        [](const Case &valid, Choices &) {
            return EditGeometry(valid, [&](int, Geometry &g) {
                g.m = 0;
                return true;
            });
        });
    // Nothing is written, whatever output the case declares: the short-cut comes before the
    // output's shape is looked at (found by api_fuzzer: x1 (0, 13, 12, 2) with a (32, 3) output).
    t.back().writes_nothing = true;

    // ---------------------------------------------------------------- shape (161002)
    auto shape = [&t](std::string id, std::string text, std::string cite, RulePredicate pred, RuleViolator viol,
                      const Code &code = kInvalid) {
        AddRule(
            t, std::move(id), {.ops = kOps, .stage = Stage::kShape, .short_cut = ShortCut}, code, std::move(text),
            std::move(cite), std::move(pred), std::move(viol));
    };
    shape(
        "agm.shape.x1_rank", "x1 must be 2-D (m, k).", Doc("参数说明 (x1 维度: 2)") + "; " + kOpApi + " 7",
        [](const Case &c, int r) {
            const TensorSpec *x1 = T(c, r, "x1");
            return x1 && x1->shape.size() != 2;
        },
        [](const Case &valid, Choices &) {
            return EditTensor(valid, "x1", [](TensorSpec &x1) {
                x1.shape.insert(x1.shape.begin(), 1);
                x1.strides.clear();
                return true;
            });
        });
    shape(
        "agm.shape.x2_rank", "x2 must be 2-D (k, n).", Doc("参数说明 (x2 维度: 2)") + "; " + kOpApi + " 7",
        [](const Case &c, int r) {
            const TensorSpec *x2 = T(c, r, "x2");
            return x2 && x2->shape.size() != 2;
        },
        [](const Case &valid, Choices &) {
            return EditTensor(valid, "x2", [](TensorSpec &x2) {
                x2.shape.insert(x2.shape.begin(), 1);
                x2.strides.clear();
                return true;
            });
        });
    shape(
        "agm.shape.x1_transposed", "x1 must not be a transposed view (IsTransposeLastTwoDims).",
        Doc("参数说明 (x1: 仅支持不转置场景)") + "; " + kOpApi + " 7; " + Notes("§1.4"),
        [](const Case &c, int r) {
            const TensorSpec *x1 = T(c, r, "x1");
            return x1 && VendorTransposed(*x1);
        },
        [](const Case &valid, Choices &) {
            return EditTensor(valid, "x1", [](TensorSpec &x1) {
                if (x1.shape.size() != 2 || x1.shape[0] < 2) return false;
                x1.strides = {1, x1.shape[0]};
                return true;
            });
        });
    shape(
        "agm.shape.k", "x1's dim 1 must equal x2's dim 0 (k).", Doc("约束说明 (k轴相等)") + "; " + kOpApi + " 7",
        [](const Case &c, int r) {
            const TensorSpec *x1 = T(c, r, "x1");
            const TensorSpec *x2 = T(c, r, "x2");
            return x1 && x2 && x1->shape.size() == 2 && x2->shape.size() == 2 && x1->shape[1] != x2->shape[0];
        },
        [](const Case &valid, Choices &ch) {
            const int64_t delta = ch.Int(1, 16);
            return EditTensor(valid, "x2", [&](TensorSpec &x2) {
                if (x2.shape.size() != 2) return false;
                x2.shape[0] += delta;
                x2.strides.clear();
                return true;
            });
        });
    shape(
        "agm.shape.gather_out_rank", "A produced gatherOut must be 2-D (hardening: the op_api reads its dim 1).",
        Doc("参数说明 (gatherOut 维度: 2)"),
        [](const Case &c, int r) {
            const TensorSpec *g = Produced(c, r);
            return g && g->shape.size() != 2;
        },
        [](const Case &valid, Choices &) {
            return EditTensor(WithOptional(valid, "gather_out"), "gather_out", [](TensorSpec &g) {
                g.shape = {g.NumElements()};
                g.strides.clear();
                return true;
            });
        });
    shape(
        "agm.shape.gather_out_k", "A produced gatherOut's dim 1 must equal k.",
        Doc("参数说明 (gatherOut)") + "; " + kOpApi + " 7",
        [](const Case &c, int r) {
            const TensorSpec *g = Produced(c, r);
            const TensorSpec *x1 = T(c, r, "x1");
            return g && x1 && g->shape.size() == 2 && x1->shape.size() == 2 && g->shape[1] != x1->shape[1];
        },
        [](const Case &valid, Choices &ch) {
            const int64_t delta = ch.Int(1, 16);
            return EditTensor(WithOptional(valid, "gather_out"), "gather_out", [&](TensorSpec &g) {
                if (g.shape.size() != 2) return false;
                g.shape[1] += delta;
                g.strides.clear();
                return true;
            });
        });
    shape(
        "agm.shape.k_range", "k must be in [256, 65535).", Doc("约束说明 (k轴取值范围为[256, 65535))") + "; " + kOpApi + " 7",
        [](const Case &c, int r) {
            const TensorSpec *x1 = T(c, r, "x1");
            return x1 && x1->shape.size() == 2 && (x1->shape[1] < kMinK || x1->shape[1] >= kMaxKExclusive);
        },
        [](const Case &valid, Choices &ch) {
            const int64_t k = ch.Bool() ? ch.Int(1, kMinK - 1) : kMaxKExclusive + ch.Int(0, 2);
            return EditGeometry(*NonEmpty(valid), [&](int, Geometry &g) {
                g.k = k;
                g.m = std::min<int64_t>(g.m, 2);  // keep the big-k variant small
                g.n = std::min<int64_t>(g.n, 2);
                return true;
            });
        });
    shape(
        "agm.shape.output_rank", "output must be 2-D (hardening: the op_api reads its dim 1).",
        Doc("参数说明 (output 维度: 2)"),
        [](const Case &c, int r) {
            const TensorSpec *out = T(c, r, "output");
            return out && out->shape.size() != 2;
        },
        [](const Case &valid, Choices &) {
            // (m·R, n, 1): dim 1 is still n, so only a rank check refuses it. A leading 1 would
            // move n out of dim 1, and the vendor's dim-1 comparison would refuse the case with
            // the strict answer by accident (the vendor-faithful check needs the warning).
            return EditTensor(valid, "output", [](TensorSpec &out) {
                out.shape.push_back(1);
                out.strides.clear();
                return true;
            });
        });
    shape(
        "agm.shape.output_n", "output's dim 1 must equal x2's dim 1 (n).", Doc("约束说明 (输出为2维...)") + "; " + kOpApi + " 7",
        [](const Case &c, int r) {
            const TensorSpec *out = T(c, r, "output");
            const TensorSpec *x2 = T(c, r, "x2");
            return out && x2 && out->shape.size() == 2 && x2->shape.size() == 2 && out->shape[1] != x2->shape[1];
        },
        [](const Case &valid, Choices &ch) {
            const int64_t delta = ch.Int(1, 8);
            return EditTensor(valid, "output", [&](TensorSpec &out) {
                if (out.shape.size() != 2) return false;
                out.shape[1] += delta;
                out.strides.clear();
                return true;
            });
        });

    // ---------------------------------------------------------------- layout hardening (161002)
    shape(
        "agm.shape.negative",
        "No stride of x1, x2, bias or output may be negative, and no view (gatherOut's too) may end past 2^64 bits "
        "(hardening).", Notes("§1.3"),
        [](const Case &c, int r) {
            for (const char *name : {"x1", "x2", "bias", "output"}) {
                const TensorSpec *x = T(c, r, name);
                if (!x) continue;
                for (int64_t d : x->shape) if (d < 0) return true;
                for (int64_t s : x->strides) if (s < 0) return true;
            }
            // A view that cannot be addressed, gatherOut's included (session 16).
            for (const char *name : {"x1", "x2", "bias", "output", "gather_out"}) {
                const TensorSpec *x = T(c, r, name);
                if (x && SpanOverflows(*x)) return true;
            }
            return false;
        },
        [](const Case &valid, Choices &) {
            return EditTensor(valid, "x1", [](TensorSpec &x1) {
                if (x1.shape.size() != 2 || x1.shape[0] < 2) return false;
                x1.strides = {-x1.shape[1], 1};
                x1.offset = (x1.shape[0] - 1) * x1.shape[1];
                x1.storage_shape = {x1.shape[0] * x1.shape[1]};
                return true;
            });
        },
        kInvalidOrRefusedTensor);
    shape(
        "agm.shape.x2_strides",
        "x2 must be contiguous or the transpose of a contiguous (n, k) matrix (hardening: the table allows only "
        "that non-contiguous layout).",
        Doc("参数说明 (x2: 支持通过转置构造非连续Tensor)") + "; " + Notes("§1.4"),
        [](const Case &c, int r) {
            const TensorSpec *x2 = T(c, r, "x2");
            return x2 && x2->shape.size() == 2 && !Dense(*x2) && !TransposedDense(*x2);
        },
        [](const Case &valid, Choices &ch) {
            const int64_t pad = ch.Int(1, 8);
            return EditTensor(valid, "x2", [&](TensorSpec &x2) {
                if (x2.shape.size() != 2 || x2.NumElements() == 0 || x2.shape[0] < 2) return false;
                x2.strides = {x2.shape[1] + pad, 1};
                x2.storage_shape.clear();
                return true;
            });
        });
    shape(
        "agm.shape.bias",
        "A bias must be 1-D with at least n elements; the first n are added (hardening: the vendor never checks "
        "its shape, and its unit test passes a bias of 32 for n = 16).",
        Doc("参数说明 (bias: 当前版本仅支持一维输入)") + "; " + Notes("§5.1 UT, §8.2"),
        [](const Case &c, int r) {
            const TensorSpec *bias = T(c, r, "bias");
            const TensorSpec *x2 = T(c, r, "x2");
            if (!bias || !x2 || x2->shape.size() != 2) return false;
            return bias->shape.size() != 1 || bias->shape[0] < x2->shape[1];
        },
        [](const Case &valid, Choices &ch) {
            const bool two_d = ch.Bool();
            return EditTensor(WithOptional(valid, "bias"), "bias", [&](TensorSpec &bias) {
                if (bias.shape.size() != 1 || bias.shape[0] < 1) return false;
                bias.shape = two_d ? std::vector<int64_t>{1, bias.shape[0]} : std::vector<int64_t>{bias.shape[0] - 1};
                bias.strides.clear();
                return true;
            });
        });
    for (const char *name : {"output", "gather_out"}) {
        shape(
            std::string("agm.shape.") + name + "_overlap",
            std::string(name) + " must not alias itself (hardening; strided outputs are allowed).",
            Doc("参数说明 (非连续Tensor: √)"),
            [name](const Case &c, int r) {
                const TensorSpec *x = std::string(name) == "output" ? T(c, r, name) : Produced(c, r);
                return x && ViewAliases(*x);
            },
            [name](const Case &valid, Choices &) {
                return EditTensor(WithOptional(valid, name), name, [](TensorSpec &x) {
                    if (x.shape.size() != 2 || x.shape[0] < 2 || x.NumElements() == 0) return false;
                    x.strides = {0, 1};
                    x.storage_shape.clear();
                    return true;
                });
            });
    }
    shape(
        "agm.shape.storage",
        "Every present tensor's storage must cover the elements its view reaches (hardening).",
        Notes("§1.3; harness/case.h StorageElementsNeeded"),
        [](const Case &c, int r) {
            for (const char *name : {"x1", "x2", "bias", "output"}) {
                const TensorSpec *x = T(c, r, name);
                if (x && x->NumElements() > 0 && StorageElements(*x) < x->StorageElementsNeeded()) return true;
            }
            const TensorSpec *g = Produced(c, r);
            return g && StorageElements(*g) < g->StorageElementsNeeded();
        },
        [](const Case &valid, Choices &ch) {
            static const std::vector<std::string> names = {"x1", "x2", "output"};
            const std::string name = ch.Pick(names);
            return EditTensor(valid, name, [](TensorSpec &x) {
                const int64_t needed = x.StorageElementsNeeded();
                if (needed < 1) return false;
                x.storage_shape = {needed - 1};
                return true;
            });
        });

    // ---------------------------------------------------------------- generated inner layer
    common::Add(t, Common(), {Which::kGroupNull});

    // ---------------------------------------------------------------- tiling (inner error class)
    auto tiling = [&t](std::string id, std::string text, std::string cite, RulePredicate pred, RuleViolator viol,
                       const std::vector<Platform> &platforms = kAllPlatforms) {
        AddRule(
            t, std::move(id),
            {.ops = kOps, .platforms = platforms, .stage = Stage::kTiling, .layer = Layer::kTiling, .short_cut = ShortCut},
            kInner, std::move(text), std::move(cite), std::move(pred), std::move(viol));
    };
    tiling(
        "agm.tiling.format", "x1 and x2 must be ND, and output's format must equal x1's.",
        Doc("参数说明 (数据格式: ND)") + "; " + TilingCite(),
        [](const Case &c, int r) {
            const TensorSpec *x1 = T(c, r, "x1");
            const TensorSpec *x2 = T(c, r, "x2");
            const TensorSpec *out = T(c, r, "output");
            return x1 && x2 && out &&
                   (x1->format != ACL_FORMAT_ND || x2->format != ACL_FORMAT_ND || out->format != x1->format);
        },
        [](const Case &valid, Choices &ch) {
            const std::string name = ch.Bool() ? "x1" : "output";
            return EditTensor(valid, name, [](TensorSpec &x) {
                x.format = ACL_FORMAT_NCHW;
                return true;
            });
        });
    tiling(
        "agm.tiling.gather_index", "gatherIndex must be 0 (gather x1).",
        Doc("参数说明 (gatherIndex: 当前版本仅支持输入0)") + "; " + TilingCite(),
        [](const Case &c, int r) { return IntOr(c, r, "gather_index", 0) != 0; },
        [](const Case &valid, Choices &ch) {
            return SetOnEveryRank(*NonEmpty(valid), "gather_index", ch.Pick(std::vector<int64_t>{1, -1, 2}));
        });
    tiling(
        "agm.tiling.comm_turn", "commTurn must be 0.", Doc("参数说明 (commTurn: 当前版本仅支持输入0)") + "; " + TilingCite(),
        [](const Case &c, int r) { return IntOr(c, r, "comm_turn", 0) != 0; },
        [](const Case &valid, Choices &ch) {
            return SetOnEveryRank(*NonEmpty(valid), "comm_turn", ch.Pick(std::vector<int64_t>{8, 1, -1}));
        });
    common::Add(t, Common(), {Which::kWorldSizeA2, Which::kWorldSize950});
    for (const char *name : {"output", "gather_out"}) {
        tiling(
            std::string("agm.tiling.") + name + "_rows",
            std::string(name) + " (when produced) must have m · world size rows (every rank's x1 stacked).",
            Doc("约束说明 (输出为2维，其shape为(m*rank_size, n))") + "; " + Notes("§5.1 infershape"),
            [name](const Case &c, int r) {
                const TensorSpec *x = std::string(name) == "output" ? T(c, r, name) : Produced(c, r);
                const TensorSpec *x1 = T(c, r, "x1");
                if (!x || !x1 || x->shape.size() != 2 || x1->shape.size() != 2) return false;
                int64_t rows = 0;
                return __builtin_mul_overflow(x1->shape[0], int64_t{c.world}, &rows) || x->shape[0] != rows;
            },
            [name](const Case &valid, Choices &ch) {
                // One direction for every rank: with more rows everywhere the call is one a vendor
                // library accepts (nothing checks the rows), with fewer one it would write past.
                const int64_t delta = ch.Int(1, 4);
                const bool fewer = ch.Bool();
                return EditTensor(WithOptional(valid, name), name, [&](TensorSpec &x) {
                    if (x.shape.size() != 2) return false;
                    x.shape[0] = fewer && x.shape[0] > delta ? x.shape[0] - delta : x.shape[0] + delta;
                    x.strides.clear();
                    return true;
                });
            });
    }

    // ---------------------------------------------------------------- execution
    common::Add(t, Common(), {Which::kUnknownGroup});

    // ---------------------------------------------------------------- cross-rank
    common::Add(t, Common(), {Which::kPeerFailed, Which::kMismatch});
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
    f.name = "all_gather_matmul";
    f.ops = {kOp};
    f.rules = &Rules();
    f.generate_valid = &GenerateValid;
    f.generate_typical = nullptr;
    f.decisions = {
        "m == 0: the op_api returns SUCCESS with workspace 0 before every shape, group and tiling check; its "
        "execute phase returns SUCCESS at once (`agm.empty.m_zero`). k == 0 is refused before it.",
        "bias: documented as unsupported when non-zero, only warned about by the op_api; it is accepted and "
        "added (results \"not guaranteed\" by the document). Its shape is unchecked by the vendor (the unit test "
        "passes 32 for n = 16); this suite requires 1-D with at least n elements (hardening).",
        "gatherOut: null or empty (shape (0)) means no gather output; when produced it must be 2-D (m·R, k) with "
        "x1's dtype (dtype, rank and rows are hardening: the document gives the shape, but neither the op_api nor the "
        "tiling checks the rows — the tiling unit tests pass m rows for output and gatherOut at world sizes it accepts).",
        "Unknown group: the vendor fails at execution; 161002 from GetWorkspaceSize is accepted.",
        "Ascend 950: the document has no row; the A3 world sizes {2,4,8,16,32} are used.",
        "Cross-rank: a rank taking the empty short-cut never joins the gather, so its peers fail (bounded).",
    };
    return f;
}

}  // namespace mc2::spec::all_gather_matmul
