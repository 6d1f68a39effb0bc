// spec/matmul_all_reduce/rules.cc — the constraint catalogue of aclnnMatmulAllReduce (V1) and
// aclnnMatmulAllReduceV2, one rule per documented constraint, in the vendor's check order:
// null → dtype → attributes → format → shape → generated inner layer → empty tensors → tiling →
// execution → cross-rank consequences (spec-notes/ops.md §1.2, §2.1, §8).
//
// Decisions where the sources disagree are written into the rule text; the summary is in the
// rendered catalogue (mc2conf spec --markdown).
#include <algorithm>
#include <cstdlib>
#include <limits>
#include <utility>
#include <vector>

#include "spec/common/common_rules.h"
#include "spec/matmul_all_reduce/matmul_all_reduce.h"
#include "spec/tensor_layout.h"

namespace mc2::spec::matmul_all_reduce {
namespace {

using harness::Case;
using harness::Platform;
using harness::TensorSpec;
using harness::Value;
using common::Which;

const std::vector<std::string> kBoth = {kV1, kV2};
const std::vector<std::string> kOnlyV2 = {kV2};
constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();
constexpr size_t kMaxTensorDims = 8;  // aclCreateTensor's limit on view and storage dims

// ---- citations ----
const std::string kDocDir = "hicann/ops-transformer mc2/matmul_all_reduce/docs/";
std::string V1(const std::string &section) { return kDocDir + "aclnnMatmulAllReduce.md, " + section; }
std::string V2(const std::string &section) { return kDocDir + "aclnnMatmulAllReduceV2.md, " + section; }
std::string Notes(const std::string &section) { return "shared/spec-notes/ops.md " + section; }

// ---- expected codes ----

// ---- reading one rank's arguments ----
const TensorSpec *T(const Case &c, int rank, const char *name) { return c.Tensor(rank, name); }

std::vector<int64_t> Lead(const TensorSpec &x1) {
    return x1.shape.empty() ? std::vector<int64_t>{} : std::vector<int64_t>(x1.shape.begin(), x1.shape.end() - 1);
}
int64_t M(const TensorSpec &x1) { return x1.shape.empty() ? 1 : DimProduct(x1.shape, 0, x1.shape.size() - 1); }

// ---- editing ----
bool IsV2(const Case &c) { return c.op == kV2; }

// Applies `edit` to every rank's parameters; nullopt when it changed no rank.
std::optional<Case> EditRanks(const Case &valid, const std::function<bool(int, ParamMap &)> &edit) {
    std::vector<ParamMap> per = EffectiveParams(valid);
    bool any = false;
    for (int r = 0; r < static_cast<int>(per.size()); ++r) any = edit(r, per[static_cast<size_t>(r)]) || any;
    if (!any) return std::nullopt;
    Case out = valid;
    AssignPerRank(out, per);
    return out;
}

// Applies `edit` to every rank's geometry (ranks where it returns false keep theirs).
std::optional<Case> EditGeometry(const Case &valid, const std::function<bool(int, Geometry &)> &edit) {
    const bool v2 = IsV2(valid);
    return EditRanks(valid, [&](int r, ParamMap &p) {
        auto g = ReadGeometry(p);
        if (!g || !edit(r, *g)) return false;
        WriteGeometry(p, *g, v2);
        return true;
    });
}

// The valid case with the optional tensor `name` (bias, x3) present on every rank, so that a
// dtype violation can be placed on it; other names leave the case as it is.
Case WithOptional(const Case &valid, const std::string &name) {
    if (name != "bias" && name != "x3") return valid;
    auto c = EditGeometry(valid, [&](int, Geometry &g) {
        (name == "bias" ? g.bias : g.x3) = true;
        return true;
    });
    return c ? *c : valid;
}

// A dtype rule on a tensor column: `name` must have a dtype of the table's column.
void AddDtypeList(std::vector<Rule> &t, const std::string &id, const std::vector<std::string> &ops, const char *name,
                  aclDataType DtypeRow::*column, const std::string &text, const std::string &cite) {
    AddRule(
        t, id, {.ops = ops, .stage = Stage::kDtype}, kInvalid, text, cite,
        [name, column](const Case &c, int r) {
            const TensorSpec *x = T(c, r, name);
            return x && !Contains(Allowed(c.platform, column), x->dtype);
        },
        [name](const Case &valid, Choices &ch) {
            const aclDataType bad = ch.Pick(ForeignDtypes());
            const std::string n = name;
            return EditRanks(WithOptional(valid, n), [&](int, ParamMap &p) {
                TensorSpec *x = TensorIn(p, n);
                if (!x) return false;
                x->dtype = bad;
                return true;
            });
        });
}

// A dtype equality rule: `name`'s dtype must equal x1's.
void AddDtypeEq(std::vector<Rule> &t, const std::string &id, const std::vector<std::string> &ops, const char *name,
                const std::string &text, const std::string &cite) {
    AddRule(
        t, id, {.ops = ops, .stage = Stage::kDtype}, kInvalid, text, cite,
        [name](const Case &c, int r) {
            const TensorSpec *x = T(c, r, name);
            const TensorSpec *x1 = T(c, r, "x1");
            return x && x1 && x->dtype != x1->dtype;
        },
        [name](const Case &valid, Choices &) {
            const std::string n = name;
            return EditRanks(WithOptional(valid, n), [&](int, ParamMap &p) {
                TensorSpec *x = TensorIn(p, n);
                if (!x) return false;
                x->dtype = OtherHalf(x->dtype);
                return true;
            });
        });
}

// Every rule's level (DESIGN.md "Verdicts: conformance and hardening") and why, appended to its
// text. Documented: the documents, the vendor's op_api order and its unit tests (ops.md §2.1,
// §8; hicann/ops-transformer mc2/matmul_all_reduce/tests/ut/op_api/*.csv), the mathematics.
// Hardening: the vendor does not check, so what it does is undefined (a dereference, an
// out-of-bounds access, a layout its kernel does not expect); this suite demands a clean 161002
// or 161001. A rule missing here is a build-time bug (the catalogue test checks every text).
const std::vector<LevelEntry> &Levels() {
    static const std::vector<LevelEntry> kLevels = {
        {"mar.null.reduce_op", Level::kHardening,
         "V1/V2's op_api compares reduceOp with strcmp without a null check (ops.md §2.1 step 3, §8.3)"},
        {"mar.null.", Level::kDocumented, "op_api step 1 and the op_api unit tests (null x1, x2, output: 161001)"},
        {"mar.dtype.", Level::kDocumented, "op_api step 2 and the op_api unit tests (invalid_dtype_*)"},
        {"mar.attr.reduce_op", Level::kDocumented, "op_api step 3 and the unit test invalid_reduce_op"},
        {"mar.attr.stream_mode", Level::kDocumented, "op_api step 3 and the unit tests invalid_stream_mode_*"},
        {"mar.attr.comm_turn_negative", Level::kDocumented,
         "the documents allow commTurn 0 only; the vendor's tiling refuses other values"},
        {"mar.format.x2_nz", Level::kDocumented, "op_api step 4 and the unit test invalid_x2_nz_format"},
        {"mar.shape.negative", Level::kHardening,
         "no op_api check; aclCreateTensor is documented to refuse negative dims, not negative strides"},
        {"mar.shape.descriptor", Level::kDocumented,
         "aclCreateTensor documents these limits; a runtime that refuses the descriptor answers for the operator"},
        {"mar.shape.x1_contiguous", Level::kHardening,
         "the table marks non-contiguous x1 unsupported, but the op_api has no check (ops.md §1.4)"},
        {"mar.shape.x2_strides", Level::kHardening,
         "the table allows only a last-two-axes transpose, but the op_api has no check (ops.md §1.4)"},
        {"mar.shape.output_overlap", Level::kHardening, "the documents and the op_api say nothing of aliasing outputs"},
        {"mar.shape.storage", Level::kHardening, "the op_api checks no storage size or data address (ops.md §1.3)"},
        {"mar.shape.", Level::kDocumented, "op_api step 5 and the op_api unit tests (invalid_*_shape*)"},
        {"mar.inner.", Level::kDocumented, "the generated inner layer; the newer unit tests expect 161001"},
        {"mar.empty.", Level::kDocumented,
         "the op_api unit tests empty_K / empty_M and the tiling code (ops.md §2.1)"},
        {"mar.tiling.", Level::kDocumented, "the documents' constraints and the vendor's tiling code (ops.md §2.1)"},
        {"mar.runtime.", Level::kDocumented,
         "the documents (group from HcclGetCommName); the vendor finds an unknown name at execution"},
        {"mar.xrank.mismatch", Level::kHardening,
         "the documents require the ranks' calls to agree but define no answer when they do not (HCCL may fail, time out "
         "or reduce mismatched buffers); failing every rank within bounded time is this suite's robustness demand, and a "
         "library that succeeds (e.g. one that ignores commTurn, which changes no value) is not wrong by the documents"},
        {"mar.xrank.", Level::kDocumented,
         "the documents' all-reduce over the group; HCCL fails a collective whose peers do not join"},
    };
    return kLevels;
}

// Bends one rank's all-reduced buffer (n, rows or dtype) or its commTurn (mar.xrank.mismatch).
std::optional<Case> BreakAgreement(const Case &valid, Choices &ch) {
    if (valid.world < 2) return std::nullopt;
    const int victim = static_cast<int>(ch.Int(0, valid.world - 1));
    const int mode = static_cast<int>(ch.Int(0, 3));
    const int64_t delta = ch.Int(1, 8);
    if (mode == 3) return common::BumpCommTurn(valid, victim, delta);
    return EditGeometry(valid, [&](int r, Geometry &g) {
        if (r != victim) return false;
        if (mode == 0) {
            g.n += delta;
        } else if (mode == 1) {
            g.lead.front() += delta;
        } else {
            g.dtype = OtherHalf(g.dtype);
        }
        return true;
    });
}

// The rules every family repeats (spec/common/common_rules.h), with this family's words.
const common::CommonRules &Common() {
    static const common::CommonRules kCommon = {
        .family = {.prefix = "mar", .ops = kBoth, .world_sizes = &WorldSizes},
        .null_tensors = common::NullTensors{
            .names = {"x1", "x2", "output"},
            .note = "",
            .citation = V1("返回值 (ACLNN_ERR_PARAM_NULLPTR: x1, x2 or output null)") + "; " + Notes("§2.1 op_api step 1")},
        .null_reduce_op = common::Words{
            "reduceOp must not be a null pointer. The vendor dereferences it (undefined behaviour, a crash); this "
            "suite requires a clean 161001 before anything else is checked.",
            Notes("§2.1 op_api step 3, §8.3 (reduceOp comparison)")},
        .reduce_op = common::ReduceOpSum{
            {"reduceOp must be exactly \"sum\" (exact comparison: \"sumX\" and \"SUM\" are refused too).",
             V1("参数说明 (reduceOp: 当前版本仅支持输入\"sum\")") + "; " + Notes("§2.1 op_api step 3, §8.3")},
            {"max", "min", "prod", "SUM", "sumX", "sum ", ""}},
        .stream_mode = common::StreamMode{
            {"streamMode must be 1 (ACL_STOP_ON_FAILURE).",
             V1("参数说明 (streamMode: 当前版本仅支持枚举值1)") + "; " + Notes("§2.1 op_api step 3")},
            {0, 2, -1, 3}},
        .comm_turn_negative = common::Words{
            "commTurn must not be negative. The documents allow only 0 and the vendor refuses every non-zero value in "
            "tiling (inner error); this suite's implementation splits the communication by commTurn and refuses a "
            "negative count as an invalid attribute (161002). Either answer conforms.",
            V1("参数说明 (commTurn: 当前版本仅支持输入0)") + "; " + Notes("§2.1 (tiling: commTurn must be 0)")},
        .x1_contiguous = common::Words{
            "x1 must be contiguous (strides of size-1 dims are ignored). The parameter table marks x1 as "
            "non-contiguous ×; the vendor op_api has no explicit check, this suite requires 161002.",
            V1("参数说明 (x1 非连续Tensor: ×)") + "; " + Notes("§1.4")},
        .storage = common::Storage{
            {"Every present tensor's storage (the product of its storage shape; derived from shape and strides unless "
             "given, an offset needs an explicit storage shape) must cover the elements its view reaches "
             "(offset + 1 + Σ (shape[i]-1)·|stride[i]|). The vendor does not check (it would read or write out of "
             "bounds); this suite requires 161002.",
             Notes("§1.3; harness/case.h StorageElementsNeeded")},
            {"x1", "x2", "bias", "x3", "output"},
            {"x1", "x2", "output"}},
        .group_null = common::Words{
            "group must not be a null pointer: checked by the generated inner layer (after every op_api check), "
            "which returns 161001.",
            Notes("§1.2 item 2, §8.3 (Y UT CSVs expect PARAM_NULLPTR)")},
        .world_size_a2 = common::WorldSize{
            {"Atlas A2: the world size must be 1, 2, 4 or 8 (HCCS full mesh).",
             V1("约束说明 (支持1、2、4、8卡)") + "; " + Notes("§2.1 (tiling: rank size)")},
            {3, 5, 6, 7, 16}},
        .world_size_950 = common::WorldSize{
            {"Ascend 950: the world size must be 1, 2, 4, 8, 16, 32 or 64.",
             Notes("§2.1 (rank size {1,2,4,8,16,32,64} on Ascend 950 per the newer tiling code Y), §8.1")},
            {3, 5, 6, 7, 12}},
        .comm_turn_positive = common::CommTurnPositive{
            {"commTurn > 0: the documents support only 0 (the vendor's tiling refuses other values); this suite's "
             "implementation splits the communication into commTurn pieces. Success is expected; a tiling refusal "
             "(561xxx, nothing written) conforms too.",
             V1("参数说明 (commTurn: 当前版本仅支持输入0)") + "; " + Notes("§2.1 (UT: commTurn=8 passes op_api)")},
            8},
        .unknown_group = common::UnknownGroup{
            {"group must name a live communicator (HcclGetCommName). A literal name is taken to name none: the vendor "
             "does not check it in GetWorkspaceSize and fails at execution; an implementation may refuse it early "
             "with 161002.",
             V1("参数说明 (group: 通过HcclGetCommName获取)") + "; " + Notes("§1 ambiguities (group name not checked)")},
            Code{Outcome::kRuntimeError, 0, {161002}, false},
            {"no_such_group", "test_group", ""}},
        .peer_failed = common::PeerFailed{
            {"When another rank's call fails (its own rule), a rank whose own arguments pass cannot complete the "
             "all-reduce: it must fail with a runtime error within bounded time, never hang.",
             "shared/DESIGN.md (ABI fidelity: no rank hangs); " + Notes("§1.2 item 4")},
            {{"reduce_op", std::string("max")},
             {"stream_mode", int64_t{0}},
             {"group", harness::Null{}},
             {"x1", harness::Null{}}}},
        .mismatch = common::Mismatch{
            {"All ranks must agree on the all-reduced buffer: m (b·s), n and the output dtype, and on commTurn (k, "
             "bias and x3 may differ per rank). Ranks that disagree must all fail with a runtime error within bounded "
             "time. commTurn: this suite's implementation all-reduces the rows piece by piece, so ranks cutting "
             "different pieces would pair mismatched collectives; the vendor supports only commTurn 0, so a "
             "disagreement can only arise with that extension.",
             V1("计算公式 (allreduce over the group); 参数说明 (commTurn: 当前版本仅支持输入0)") +
                 "; shared/DESIGN.md (ABI fidelity)"},
            &common::AllReduceKey, &BreakAgreement},
    };
    return kCommon;
}


std::vector<Rule> Build() {
    std::vector<Rule> t;

    // ---------------------------------------------------------------- null (161001)
    common::Add(t, Common(), {Which::kNullTensors, Which::kNullReduceOp});

    // ---------------------------------------------------------------- dtype (161002)
    const std::string dtype_cite = V1("参数说明 (数据类型 column)") + "; " + Notes("§2.1 op_api step 2");
    AddDtypeList(t, "mar.dtype.x1", kBoth, "x1", &DtypeRow::x1, "x1 dtype must be FLOAT16 or BFLOAT16.", dtype_cite);
    AddDtypeList(t, "mar.dtype.x2", kBoth, "x2", &DtypeRow::x2, "x2 dtype must be FLOAT16 or BFLOAT16.", dtype_cite);
    AddDtypeList(t, "mar.dtype.output", kBoth, "output", &DtypeRow::output,
                 "output dtype must be FLOAT16 or BFLOAT16.", dtype_cite);
    AddDtypeList(t, "mar.dtype.bias", kBoth, "bias", &DtypeRow::bias,
                 "bias (when present) dtype must be FLOAT16 or BFLOAT16.", dtype_cite);
    AddDtypeList(t, "mar.dtype.x3", kOnlyV2, "x3", &DtypeRow::x3, "x3 (when present) dtype must be FLOAT16 or BFLOAT16.",
                 V2("参数说明 (x3 row)") + "; " + Notes("§2.1 op_api step 2"));
    AddDtypeEq(t, "mar.dtype.x3_eq_x1", kOnlyV2, "x3", "x3 (when present) must have x1's dtype.",
               V2("返回值 / 约束说明") + "; " + Notes("§2.1 op_api step 2 (dtype(x3)==dtype(x1))"));
    const std::string same_cite = V1("约束说明 (x1、x2、bias的数据类型要和output一致)") + "; " + Notes("§2.1 op_api step 2");
    AddDtypeEq(t, "mar.dtype.x2_eq_x1", kBoth, "x2", "x2 must have x1's dtype.", same_cite);
    AddDtypeEq(t, "mar.dtype.output_eq_x1", kBoth, "output", "output must have x1's dtype.", same_cite);
    AddDtypeEq(t, "mar.dtype.bias_eq_x1", kBoth, "bias", "bias (when present) must have x1's dtype.", same_cite);

    // ---------------------------------------------------------------- attributes (161002)
    common::Add(t, Common(), {Which::kReduceOp, Which::kStreamMode, Which::kCommTurnNegative});

    // ---------------------------------------------------------------- format (161002)
    AddRule(
        t, "mar.format.x2_nz", {.ops = kBoth, .stage = Stage::kFormat}, kInvalid,
        "A weight-NZ x2 (format FRACTAL_NZ with a 4-D storage shape) is refused; it is the only format check. "
        "The tables list ND for every tensor, but the op_api checks nothing else: any other format label on any "
        "tensor (NCHW, NC, FRACTAL_NZ with another storage rank, ...) is accepted and the data are read as ND.",
        V1("参数说明 (数据格式 column: ND)") + "; " +
            Notes("§1.4 (weight-NZ = FRACTAL_NZ and 4-D storage), §2.1 op_api step 4 (non-310P: x2 must not be "
                  "weight-NZ)"),
        [](const Case &c, int r) {
            const TensorSpec *x2 = T(c, r, "x2");
            return x2 && x2->format == ACL_FORMAT_FRACTAL_NZ && x2->StorageShape().size() == 4;
        },
        [](const Case &valid, Choices &) {
            return EditRanks(valid, [](int, ParamMap &p) {
                TensorSpec *x2 = TensorIn(p, "x2");
                if (!x2 || x2->shape.size() != 2) return false;
                const int64_t k = std::max<int64_t>(x2->shape[0], 1), n = std::max<int64_t>(x2->shape[1], 1);
                x2->format = ACL_FORMAT_FRACTAL_NZ;
                x2->storage_shape = {(n + 15) / 16, (k + 15) / 16, 16, 16};
                return true;
            });
        });

    // ---------------------------------------------------------------- shape (161002)
    AddRule(
        t, "mar.shape.negative", {.ops = kBoth, .stage = Stage::kShape}, kInvalidOrRefusedTensor,
        "No dim or stride of a present tensor may be negative, nor its last element lie past 2^64 bits (suite requirement: the documents describe shapes "
        "as sizes; the vendor's behaviour is unspecified). An implementation whose aclCreateTensor refuses such a "
        "descriptor hands the operator a null tensor, so 161001 is accepted too.",
        Notes("§1.3 (view shapes)"),
        [](const Case &c, int r) {
            for (const char *name : {"x1", "x2", "bias", "x3", "output"}) {
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
            return EditRanks(valid, [&](int, ParamMap &p) {
                TensorSpec *x = TensorIn(p, name);
                if (!x || x->shape.empty()) return false;
                x->shape[0] = d;
                x->strides.clear();
                x->storage_shape.clear();
                return true;
            });
        });
    AddRule(
        t, "mar.shape.descriptor", {.ops = kBoth, .stage = Stage::kShape}, kInvalidOrRefusedTensor,
        "A present tensor (bias and x3 included) must have a descriptor the runtime can build: at most 8 view and "
        "8 storage dims, a non-negative offset and non-negative storage dims (aclCreateTensor refuses the rest). "
        "Suite requirement: an implementation whose aclCreateTensor builds such a descriptor must refuse it in "
        "the operator; where aclCreateTensor refuses it, that refusal is the expected failure (a refused optional "
        "tensor is not an absent one).",
        "include/aclnn/acl_meta.h (aclCreateTensor: more than 8 dims, negative dims, negative offset refused); " +
            Notes("§1.3 (view and storage shapes)"),
        [](const Case &c, int r) {
            for (const char *name : {"x1", "x2", "bias", "x3", "output"}) {
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
            std::vector<std::string> names = {"x1", "x2", "output", "bias"};
            if (IsV2(valid)) names.push_back("x3");
            const std::string name = ch.Pick(names);
            const int mode = static_cast<int>(ch.Int(0, 3));
            const int64_t amount = ch.Int(1, 8);
            return EditRanks(WithOptional(valid, name), [&](int, ParamMap &p) {
                TensorSpec *x = TensorIn(p, name);
                if (!x) return false;
                const int64_t needed = std::max<int64_t>(x->StorageElementsNeeded(), 1);
                switch (mode) {
                    case 0: x->offset = -amount; break;
                    case 1: x->storage_shape = {-amount, needed}; break;
                    case 2:  // nine storage dims of the same element count
                        x->storage_shape = std::vector<int64_t>(kMaxTensorDims, 1);
                        x->storage_shape.push_back(needed);
                        break;
                    default:  // nine view dims, the extra ones of size 1
                        while (x->shape.size() <= kMaxTensorDims) x->shape.insert(x->shape.begin(), 1);
                        x->strides.clear();
                        x->storage_shape.clear();
                        break;
                }
                return true;
            });
        });
    AddRule(
        t, "mar.shape.x2_rank", {.ops = kBoth, .stage = Stage::kShape}, kInvalid, "x2 must be 2-D (k, n).",
        V1("约束说明 (x2必须是二维)") + "; " + Notes("§2.1 op_api step 5"),
        [](const Case &c, int r) {
            const TensorSpec *x2 = T(c, r, "x2");
            return x2 && x2->shape.size() != 2;
        },
        [](const Case &valid, Choices &ch) {
            const bool three = ch.Bool();
            return EditRanks(valid, [&](int, ParamMap &p) {
                TensorSpec *x2 = TensorIn(p, "x2");
                if (!x2 || x2->shape.size() != 2) return false;
                x2->shape = three ? std::vector<int64_t>{1, x2->shape[0], x2->shape[1]}
                                  : std::vector<int64_t>{x2->shape[0] * x2->shape[1]};
                x2->strides.clear();
                x2->storage_shape.clear();
                return true;
            });
        });
    AddRule(
        t, "mar.shape.x1_rank", {.ops = kBoth, .stage = Stage::kShape}, kInvalid,
        "x1 must be 2-D (m, k) or 3-D (b, s, k).",
        V1("约束说明 (输入x1可为二维或者三维)") + "; " + Notes("§2.1 op_api step 5"),
        [](const Case &c, int r) {
            const TensorSpec *x1 = T(c, r, "x1");
            return x1 && (x1->shape.size() < 2 || x1->shape.size() > 3);
        },
        [](const Case &valid, Choices &ch) {
            const bool one_d = ch.Bool();
            return EditRanks(valid, [&](int, ParamMap &p) {
                TensorSpec *x1 = TensorIn(p, "x1");
                if (!x1 || x1->shape.empty()) return false;
                if (one_d) {
                    x1->shape = {x1->shape.back()};
                } else {
                    while (x1->shape.size() < 4) x1->shape.insert(x1->shape.begin(), 1);
                }
                x1->strides.clear();
                return true;
            });
        });
    AddRule(
        t, "mar.shape.k", {.ops = kBoth, .stage = Stage::kShape}, kInvalid,
        "The last dim of x1 must equal x2's first dim (k), compared on view shapes.",
        V1("约束说明 (k轴相等)") + "; " + Notes("§1.3, §2.1 op_api step 5"),
        [](const Case &c, int r) {
            const TensorSpec *x1 = T(c, r, "x1");
            const TensorSpec *x2 = T(c, r, "x2");
            return x1 && x2 && !x1->shape.empty() && !x2->shape.empty() && x1->shape.back() != x2->shape[0];
        },
        [](const Case &valid, Choices &ch) {
            const int64_t delta = ch.Int(1, 16);
            return EditRanks(valid, [&](int, ParamMap &p) {
                TensorSpec *x1 = TensorIn(p, "x1");
                if (!x1 || x1->shape.empty()) return false;
                x1->shape.back() += delta;
                x1->strides.clear();
                return true;
            });
        });
    AddRule(
        t, "mar.shape.output", {.ops = kBoth, .stage = Stage::kShape}, kInvalid,
        "output must be (b, s, n) for x1 (b, s, k) and (m, n) for x1 (m, k).",
        V1("约束说明 (输出output的shape)") + "; " + Notes("§2.1 op_api step 5"),
        [](const Case &c, int r) {
            const TensorSpec *x1 = T(c, r, "x1");
            const TensorSpec *x2 = T(c, r, "x2");
            const TensorSpec *out = T(c, r, "output");
            if (!x1 || !x2 || !out || x2->shape.size() < 2) return false;
            std::vector<int64_t> want = Lead(*x1);
            want.push_back(x2->shape[1]);
            return out->shape != want;
        },
        [](const Case &valid, Choices &ch) {
            const int mode = static_cast<int>(ch.Int(0, 2));
            const int64_t delta = ch.Int(1, 8);
            return EditRanks(valid, [&](int, ParamMap &p) {
                TensorSpec *out = TensorIn(p, "output");
                if (!out || out->shape.empty()) return false;
                if (mode == 0) {
                    out->shape.back() += delta;
                } else if (mode == 1) {
                    out->shape.front() += delta;
                } else if (out->shape.size() == 2) {
                    out->shape.insert(out->shape.begin(), 1);
                } else {
                    out->shape = {DimProduct(out->shape, 0, out->shape.size() - 1), out->shape.back()};
                }
                out->strides.clear();
                return true;
            });
        });
    AddRule(
        t, "mar.shape.x3", {.ops = kOnlyV2, .stage = Stage::kShape}, kInvalid,
        "x3 (when present) must have output's shape. (The V2 parameter table gives x3 as 2-D, but output may be "
        "3-D and the op_api compares the two shapes; the shape equality is the rule.)",
        V2("参数说明 (x3: shape与MatMul计算后的shape一致)") + "; " + Notes("§2.1 op_api step 5"),
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
                const TensorSpec *x1 = TensorIn(p, "x1");
                if (!out || !x1 || out->shape.empty()) return false;
                TensorSpec x3;
                x3.dtype = x1->dtype;
                x3.shape = out->shape;
                (last ? x3.shape.back() : x3.shape.front()) += delta;
                p["x3"] = x3;
                return true;
            });
        });
    AddRule(
        t, "mar.shape.bias", {.ops = kBoth, .stage = Stage::kShape}, kInvalid,
        "bias (when present) must be 1-D (n). (The parameter table says rank 0-1; the constraints and the op_api "
        "require exactly (n), which is the rule.)",
        V1("约束说明 (bias若非空，其shape为(n))") + "; " + Notes("§2.1 op_api step 5, §8.2"),
        [](const Case &c, int r) {
            const TensorSpec *bias = T(c, r, "bias");
            const TensorSpec *x2 = T(c, r, "x2");
            if (!bias || !x2 || x2->shape.size() < 2) return false;
            return bias->shape != std::vector<int64_t>{x2->shape[1]};
        },
        [](const Case &valid, Choices &ch) {
            const int mode = static_cast<int>(ch.Int(0, 2));
            const int64_t delta = ch.Int(1, 16);
            return EditRanks(valid, [&](int, ParamMap &p) {
                const TensorSpec *x2 = TensorIn(p, "x2");
                const TensorSpec *x1 = TensorIn(p, "x1");
                if (!x2 || !x1 || x2->shape.size() != 2) return false;
                const int64_t n = x2->shape[1];
                TensorSpec bias;
                bias.dtype = x1->dtype;
                bias.shape = mode == 0 ? std::vector<int64_t>{n + delta}
                             : mode == 1 ? std::vector<int64_t>{}
                                         : std::vector<int64_t>{1, n};
                p["bias"] = bias;
                return true;
            });
        });
    common::Add(t, Common(), {Which::kX1Contiguous});
    AddRule(
        t, "mar.shape.x2_strides", {.ops = kBoth, .stage = Stage::kShape}, kInvalid,
        "x2 must be contiguous or exactly the transpose of a contiguous (n, k) matrix (strides (1, k)); other "
        "non-contiguous layouts are refused (suite requirement; the documents allow only the last-two-axes "
        "transpose).",
        V1("参数说明 (x2: 支持最后两轴转置情况下的非连续的tensor)") + "; " + Notes("§1.4"),
        [](const Case &c, int r) {
            const TensorSpec *x2 = T(c, r, "x2");
            return x2 && x2->shape.size() == 2 && !Dense(*x2) && !TransposedDense(*x2);
        },
        [](const Case &valid, Choices &ch) {
            const int64_t pad = ch.Int(1, 8);
            return EditRanks(valid, [&](int, ParamMap &p) {
                TensorSpec *x2 = TensorIn(p, "x2");
                if (!x2 || x2->shape.size() != 2 || x2->NumElements() == 0) return false;
                const int64_t k = x2->shape[0], n = x2->shape[1];
                if (k >= 2) {
                    x2->strides = {n + pad, 1};  // padded rows
                } else if (n >= 2) {
                    x2->strides = {1, k + pad};  // transposed with padded columns
                } else {
                    return false;
                }
                x2->storage_shape.clear();
                return true;
            });
        });
    AddRule(
        t, "mar.shape.output_overlap", {.ops = kBoth, .stage = Stage::kShape}, kInvalid,
        "output must not alias itself. Suite requirement: the documents allow strided outputs but not aliasing "
        "ones; results would be undefined. A layout counts as aliasing unless, with its dims of size > 1 sorted "
        "by stride, each stride exceeds the furthest offset the smaller ones reach: a zero stride and overlapping "
        "rows are refused, and so are interleaved layouts this test cannot prove alias-free, such as shape (3, 2) "
        "strides (2, 3).",
        V1("参数说明 (output 非连续Tensor: √)") + "; " + Notes("§2.1 (parameter tables: output non-contiguous √)"),
        [](const Case &c, int r) {
            const TensorSpec *out = T(c, r, "output");
            return out && ViewAliases(*out);
        },
        [](const Case &valid, Choices &ch) {
            const bool zero = ch.Bool();
            return EditRanks(valid, [&](int, ParamMap &p) {
                TensorSpec *out = TensorIn(p, "output");
                if (!out || out->NumElements() == 0) return false;
                std::vector<size_t> big;  // dims of size >= 2, outermost first
                for (size_t i = 0; i < out->shape.size(); ++i) {
                    if (out->shape[i] >= 2) big.push_back(i);
                }
                if (big.empty()) return false;
                std::vector<int64_t> s = harness::ContiguousStrides(out->shape);
                if (zero || big.size() < 2) {
                    s[big.front()] = 0;  // every index of that dim writes one element
                } else {
                    // The outer dim steps by less than the inner one reaches: rows overlap.
                    const size_t inner = big.back(), outer = big[big.size() - 2];
                    s[outer] = s[inner] * (out->shape[inner] - 1);
                }
                out->strides = s;
                out->storage_shape.clear();
                return true;
            });
        });
    common::Add(t, Common(), {Which::kStorage});

    // ---------------------------------------------------------------- generated inner layer
    common::Add(t, Common(), {Which::kGroupNull});

    // ---------------------------------------------------------------- empty tensors
    AddRule(
        t, "mar.empty.m_zero", {.ops = kBoth, .stage = Stage::kEmpty, .layer = Layer::kTiling},
        Code{Outcome::kInnerError, 0, {161002}, false},
        "m (or b·s) == 0 is refused: tiling rejects an empty output (inner error); the older unit tests expect "
        "161002 from GetWorkspaceSize, so 161002 is accepted too.",
        Notes("§2.1 (UT: x1 (0,32) → 161002; tiling: output must not be empty), §8.1, §8.3"),
        [](const Case &c, int r) {
            const TensorSpec *x1 = T(c, r, "x1");
            return x1 && x1->shape.size() >= 2 && M(*x1) == 0;
        },
        [](const Case &valid, Choices &ch) {
            const bool outer = ch.Bool();
            return EditGeometry(valid, [&](int, Geometry &g) {
                (outer || g.lead.size() < 2 ? g.lead.front() : g.lead.back()) = 0;
                return true;
            });
        });
    AddRule(
        t, "mar.empty.k_zero", {.ops = kBoth, .stage = Stage::kEmpty, .layer = Layer::kTiling},
        Code{Outcome::kSuccess, 0, {}, false},
        "k == 0 with m, n > 0 is supported: output = allreduce(broadcast(bias) + x3), zeros without them.",
        Notes("§2.1 (UT: x1 (16,0), x2 (0,16) → SUCCESS; dedicated empty-k kernel)"),
        [](const Case &c, int r) {
            const TensorSpec *x1 = T(c, r, "x1");
            const TensorSpec *x2 = T(c, r, "x2");
            return x1 && x2 && x1->shape.size() >= 2 && x2->shape.size() == 2 && x1->shape.back() == 0 &&
                   M(*x1) > 0 && x2->shape[1] > 0;
        },
        [](const Case &valid, Choices &) {
            return EditGeometry(valid, [&](int, Geometry &g) {
                g.k = 0;
                g.transposed = false;
                return true;
            });
        });

    // ---------------------------------------------------------------- tiling (inner error class)
    common::Add(t, Common(), {Which::kWorldSizeA2, Which::kWorldSize950});
    AddRule(
        t, "mar.tiling.dims_int32", {.ops = kBoth, .stage = Stage::kTiling, .layer = Layer::kTiling}, kInner,
        "b·s (m), k and n must each be at most 2147483647 (INT32_MAX).",
        V1("约束说明 (b*s、m、k、n的值均不得超过2147483647)") + "; " + Notes("§2.1 (tiling)"),
        [](const Case &c, int r) {
            const TensorSpec *x1 = T(c, r, "x1");
            const TensorSpec *x2 = T(c, r, "x2");
            if (!x1 || !x2 || x1->shape.empty() || x2->shape.size() != 2) return false;
            return M(*x1) > kInt32Max || x1->shape.back() > kInt32Max || x2->shape[1] > kInt32Max;
        },
        [](const Case &valid, Choices &ch) {
            // Only m is made huge, with k = n = 0, so that every tensor stays empty (no storage)
            // and m != 0 keeps the older versions' empty-m refusal out of the way.
            const bool three_d = ch.Bool();
            return EditGeometry(valid, [&](int, Geometry &g) {
                g.lead = three_d ? std::vector<int64_t>{65536, 32768} : std::vector<int64_t>{kInt32Max + 1};
                g.k = 0;
                g.n = 0;
                g.transposed = false;
                return true;
            });
        });
    AddRule(
        t, "mar.tiling.empty_bias", {.ops = kBoth, .stage = Stage::kTiling, .layer = Layer::kTiling}, kInner,
        "A present bias must not be empty (n == 0 with a bias).", Notes("§2.1 (tiling: bias, x3 must not be empty)"),
        [](const Case &c, int r) {
            const TensorSpec *bias = T(c, r, "bias");
            return bias && bias->NumElements() == 0;
        },
        [](const Case &valid, Choices &) {
            return EditGeometry(valid, [&](int, Geometry &g) {
                g.n = 0;
                g.bias = true;
                g.transposed = false;
                return true;
            });
        });
    AddRule(
        t, "mar.tiling.empty_x3", {.ops = kOnlyV2, .stage = Stage::kTiling, .layer = Layer::kTiling}, kInner,
        "A present x3 must not be empty.", Notes("§2.1 (tiling: bias, x3 must not be empty)"),
        [](const Case &c, int r) {
            const TensorSpec *x3 = T(c, r, "x3");
            return x3 && x3->NumElements() == 0;
        },
        [](const Case &valid, Choices &) {
            return EditGeometry(valid, [&](int, Geometry &g) {
                g.n = 0;
                g.bias = false;
                g.x3 = true;
                g.transposed = false;
                return true;
            });
        });
    AddRule(
        t, "mar.tiling.empty_output", {.ops = kBoth, .stage = Stage::kTiling, .layer = Layer::kTiling}, kInner,
        "output must not be empty (n == 0).", Notes("§2.1 (tiling: output must not be empty)"),
        [](const Case &c, int r) {
            const TensorSpec *out = T(c, r, "output");
            return out && out->NumElements() == 0;
        },
        [](const Case &valid, Choices &) {
            return EditGeometry(valid, [&](int, Geometry &g) {
                g.n = 0;
                g.bias = false;
                g.x3 = false;
                g.transposed = false;
                return true;
            });
        });
    common::Add(t, Common(), {Which::kCommTurnPositive});

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
    f.name = "matmul_all_reduce";
    f.ops = {kV1, kV2};
    f.rules = &Rules();
    f.generate_valid = &GenerateValid;
    f.generate_typical = &GenerateTypical;
    f.decisions = {
        "m == 0: the older op-api unit test expects 161002, the tiling code refuses an empty output (inner "
        "error); `mar.empty.m_zero` accepts both.",
        "commTurn: documented as 0 only and refused by the vendor's tiling otherwise. Positive values are "
        "expected to succeed (this suite's implementation splits the communication) with a tiling refusal "
        "tolerated; negative values are 161002 with a tiling refusal tolerated.",
        "reduceOp null: the vendor dereferences it; this suite requires 161001 at the null stage.",
        "group: a null group is 161001 from the generated inner layer, i.e. after every op_api check; a name "
        "that is no live communicator fails at execution, 161002 from GetWorkspaceSize tolerated.",
        "bias rank: the parameter table says 0-1 dims; the constraints and op_api require exactly (n).",
        "Formats: the tables say ND for every tensor, the op_api refuses only a weight-NZ x2 (FRACTAL_NZ with 4-D "
        "storage); other format labels are accepted and read as ND (`mar.format.x2_nz`).",
        "x3 (V2): the parameter table says 2-D and the constraint text lists x3 among the non-null pointers, "
        "but the op_api treats x3 as optional and compares its shape with output (2-D or 3-D); x3 is optional "
        "and must equal output's shape.",
        "Contiguity: x1 non-contiguous and x2 layouts other than plain or last-two-axes transposed are marked "
        "unsupported in the tables without an op_api check; this suite requires 161002 (strides of size-1 dims "
        "are ignored).",
        "output aliasing itself (strides that map two indices to one element): the documents allow strided "
        "outputs and say nothing of aliasing ones, whose results would be undefined; this suite requires 161002 "
        "(`mar.shape.output_overlap`).",
        "Descriptors aclCreateTensor refuses (more than 8 dims, negative offset or storage dims) on a present "
        "tensor, optional ones included: 161002 from an implementation that builds them, the refusal itself "
        "otherwise (`mar.shape.descriptor`).",
        "Storage smaller than the view reaches, negative dims or strides: unchecked by the vendor (out-of-bounds "
        "access); this suite requires 161002 at the end of the shape stage.",
        "Ascend 950: world sizes {1,2,4,8,16,32,64} and the same fp16/bf16 table, from the newer code (its "
        "public document rows are stripped).",
        "Cross-rank: a rank whose own arguments pass but whose peer fails, or ranks disagreeing on m, n, "
        "dtype or commTurn, must fail with a runtime error in bounded time (the vendor would hang or fail HCCL; "
        "commTurn can differ only with this suite's extension, the vendor supports 0 alone).",
        "The V1-only original-shape rank check (561000) is not modelled: a Case has no separate original shape.",
        "Levels: the hardening rules (a WARNING when broken, FAILED only under --strict) are a null reduceOp, "
        "negative strides, x1 contiguity, x2 layouts other than a transpose, aliasing outputs and storage "
        "coverage: the vendor's op_api checks none of them, so its behaviour there is undefined. Every other "
        "rule is documented (FAILED when broken).",
        "Several broken rules: the first in the check order decides; an unknown group (which the vendor finds "
        "only at execution) may be refused early with 161002 whatever else is broken; a descriptor the runtime "
        "may refuse (aclCreateTensor) also admits the answers for that tensor null.",
    };
    return f;
}

}  // namespace mc2::spec::matmul_all_reduce
