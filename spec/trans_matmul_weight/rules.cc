// spec/trans_matmul_weight/rules.cc — the constraint catalogue of aclnnTransMatmulWeight, one
// rule per check, in the vendor op_api's order (op_api/aclnn_trans_matmul_weight.cpp): null →
// dtype → format ND → at most 8 dims → empty tensor → rank 2–6 (or 2) → this suite's layout
// demands (strides, storage, offset, room for the NZ weight).
//
// Stages are labels in table order: the vendor checks emptiness between its two rank checks, so
// every check after the format is labelled kShape.
#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "spec/tensor_layout.h"
#include "spec/trans_matmul_weight/trans_matmul_weight.h"

namespace mc2::spec::trans_matmul_weight {
namespace {

using harness::Case;
using harness::Platform;
using harness::TensorSpec;

constexpr size_t kMaxTensorDims = 8;  // aclCreateTensor's and the op_api's limit

const std::string kDoc = "hicann/ops-math conversion/trans_data/docs/aclnnTransMatmulWeight.md";
const std::string kOpApi = "hicann/ops-math conversion/trans_data/op_api/aclnn_trans_matmul_weight.cpp";
const std::string kUt = "hicann/ops-math conversion/trans_data/tests/ut/op_api/test_aclnn_trans_matmul_weight_l2.cpp";

const TensorSpec *W(const Case &c, int rank) { return c.Tensor(rank, kWeight); }

bool In(const std::vector<aclDataType> &list, aclDataType d) { return std::find(list.begin(), list.end(), d) != list.end(); }

// The same edit on every rank's weight (the ranks are independent calls: a rule broken on one
// rank only would leave the others valid, and no cross-rank rule exists to name them).
std::optional<Case> EditWeight(const Case &valid, const std::function<bool(TensorSpec &)> &edit) {
    std::vector<ParamMap> per = EffectiveParams(valid);
    for (ParamMap &p : per) {
        TensorSpec *w = TensorIn(p, kWeight);
        if (w == nullptr || !edit(*w)) return std::nullopt;
    }
    Case out = valid;
    AssignPerRank(out, per);
    return out;
}

std::vector<Rule> Build() {
    std::vector<Rule> t;

    AddRule(
        t, "tmw.null.weight", {.ops = {kOp}, .stage = Stage::kNull}, kNullptr,
        "mmWeightRef must not be a null pointer.",
        kDoc + " 返回值 (ACLNN_ERR_PARAM_NULLPTR); " + kUt + " (ascend910B2_test_nullptr)",
        [](const Case &c, int r) { return W(c, r) == nullptr; },
        [](const Case &valid, Choices &) {
            Case out = valid;
            out.Set(kWeight, harness::Null{});
            return std::optional<Case>(out);
        });

    AddRule(
        t, "tmw.dtype.weight", {.ops = {kOp}, .stage = Stage::kDtype}, kInvalid,
        "mmWeightRef dtype must be FLOAT16, BFLOAT16 or INT8 (UINT8, FLOAT8_E4M3FN and HIFLOAT8: "
        "tmw.dtype.undocumented).",
        kDoc + " 参数说明 (数据类型: FLOAT16、BFLOAT16、INT8); " + kOpApi + " (CheckDtypeValid)",
        [](const Case &c, int r) {
            const TensorSpec *w = W(c, r);
            return w && !In(DocumentedDtypes(), w->dtype) && !In(UndocumentedDtypes(), w->dtype);
        },
        [](const Case &valid, Choices &ch) {
            static const std::vector<aclDataType> kOthers = {ACL_FLOAT, ACL_INT32, ACL_INT16, ACL_DOUBLE,
                                                             ACL_FLOAT8_E5M2, ACL_INT4, ACL_INT64};
            const aclDataType d = ch.Pick(kOthers);
            return EditWeight(valid, [&](TensorSpec &w) {
                w.dtype = d;
                return true;
            });
        });
    AddRule(
        t, "tmw.dtype.undocumented", {.ops = {kOp}, .stage = Stage::kDtype}, kInvalid,
        "UINT8, FLOAT8_E4M3FN and HIFLOAT8 weights are refused: no document lists them, though the vendor's "
        "op_api accepts them on Atlas A2/A3 and Ascend 950 and converts them with 32-element tile rows.",
        kDoc + " 参数说明; " + kOpApi + " (ASCEND910B_DTYPE_DTYPE_SUPPORT_LIST)",
        [](const Case &c, int r) {
            const TensorSpec *w = W(c, r);
            return w && In(UndocumentedDtypes(), w->dtype);
        },
        [](const Case &valid, Choices &ch) {
            const aclDataType d = ch.Pick(UndocumentedDtypes());
            return EditWeight(valid, [&](TensorSpec &w) {
                w.dtype = d;
                return true;
            });
        });

    AddRule(
        t, "tmw.format.nd", {.ops = {kOp}, .stage = Stage::kFormat}, kInvalid,
        "mmWeightRef's format must be ND (a weight already in "
        "FRACTAL_NZ, or any other format, is refused).",
        kDoc + " 参数说明 (数据格式: ND), 返回值; " + kOpApi + " (CheckFormatValid); " + kUt +
            " (ascend910B2_invalid_format)",
        [](const Case &c, int r) {
            const TensorSpec *w = W(c, r);
            return w && w->format != ACL_FORMAT_ND;
        },
        [](const Case &valid, Choices &ch) {
            static const std::vector<aclFormat> kFormats = {ACL_FORMAT_FRACTAL_NZ, ACL_FORMAT_NCHW, ACL_FORMAT_NC1HWC0,
                                                            ACL_FORMAT_FRACTAL_Z, ACL_FORMAT_NC};
            const aclFormat f = ch.Pick(kFormats);
            return EditWeight(valid, [&](TensorSpec &w) {
                w.format = f;
                return true;
            });
        });

    AddRule(
        t, "tmw.shape.descriptor", {.ops = {kOp}, .stage = Stage::kShape}, kInvalidOrRefusedTensor,
        "mmWeightRef must have at most 8 view and 8 storage dims, no negative view or storage dim and a "
        "non-negative offset (the op_api's OP_CHECK_MAX_DIM; aclCreateTensor refuses the rest, and then that "
        "refusal is the expected failure).",
        kOpApi + " (CheckShape: MAX_SUPPORT_DIMS_NUMS); include/aclnn/acl_meta.h (aclCreateTensor)",
        [](const Case &c, int r) {
            const TensorSpec *w = W(c, r);
            if (!w) return false;
            if (w->offset < 0 || w->shape.size() > kMaxTensorDims) return true;
            for (int64_t d : w->shape) {
                if (d < 0) return true;
            }
            const std::vector<int64_t> storage = w->StorageShape();
            if (storage.size() > kMaxTensorDims) return true;
            return std::any_of(storage.begin(), storage.end(), [](int64_t d) { return d < 0; });
        },
        [](const Case &valid, Choices &ch) {
            const int mode = static_cast<int>(ch.Int(0, 3));
            const int64_t amount = ch.Int(1, 8);
            return EditWeight(valid, [&](TensorSpec &w) {
                switch (mode) {
                    case 0: w.offset = -amount; break;
                    case 1: w.shape[0] = -amount; w.strides.clear(); break;
                    case 2: {  // nine storage dims of the same element count
                        const int64_t held = StorageElements(w);
                        w.storage_shape = std::vector<int64_t>(kMaxTensorDims, 1);
                        w.storage_shape.push_back(held);
                        break;
                    }
                    default:  // nine view dims, the extra ones of size 1
                        while (w.shape.size() <= kMaxTensorDims) w.shape.insert(w.shape.begin(), 1);
                        w.strides.clear();
                        break;
                }
                return true;
            });
        });

    AddRule(
        t, "tmw.shape.empty", {.ops = {kOp}, .stage = Stage::kShape}, kInvalid,
        "An empty mmWeightRef (a dim of 0) is refused. The document's return table lists it (不支持空Tensor输入); "
        "the vendor's op_api and its unit test ascend910B2_test_empty accept it with workspace 0 and do "
        "nothing, so that answer passes with a warning.",
        kDoc + " 返回值 (不支持空Tensor输入); " + kUt + " (ascend910B2_test_empty: SUCCESS)",
        [](const Case &c, int r) {
            const TensorSpec *w = W(c, r);
            return w && w->NumElements() == 0;
        },
        [](const Case &valid, Choices &ch) {
            const bool first = ch.Bool();
            return EditWeight(valid, [&](TensorSpec &w) {
                w.shape[first ? 0 : w.shape.size() - 1] = 0;
                w.strides.clear();
                return true;
            });
        });

    AddRule(
        t, "tmw.shape.rank", {.ops = {kOp}, .stage = Stage::kShape}, kInvalid,
        "mmWeightRef must have 2 to 6 dims; FLOAT16/BFLOAT16 weights exactly 2 outside Atlas A2/A3 (INT8 2 to 6 "
        "everywhere). The document says 2-6 for every product; the op_api and its unit test "
        "ascend950_dim_larger_than_2 refuse a 3-D FLOAT16 weight on Ascend 950.",
        kDoc + " 参数说明 (维度: 2-6); " + kOpApi + " (CheckShapeDim, CheckShapeDimV2); " + kUt +
            " (ascend910B2_dim_larger_than_6, ascend950_dim_larger_than_2)",
        [](const Case &c, int r) {
            const TensorSpec *w = W(c, r);
            return w && (w->shape.size() < 2 || w->shape.size() > MaxRank(c.platform, w->dtype));
        },
        [](const Case &valid, Choices &ch) {
            const size_t max = MaxRank(valid.platform, valid.Tensor(0, kWeight) ? valid.Tensor(0, kWeight)->dtype
                                                                                 : ACL_FLOAT16);
            const int mode = static_cast<int>(ch.Int(0, 1));
            return EditWeight(valid, [&](TensorSpec &w) {
                if (mode == 0) {
                    w.shape = {w.NumElements()};  // 1-D, the same elements
                } else {
                    while (w.shape.size() <= max) w.shape.insert(w.shape.begin(), 1);  // one dim too many
                }
                w.strides.clear();
                return true;
            });
        });

    AddRule(
        t, "tmw.shape.strides", {.ops = {kOp}, .stage = Stage::kShape}, kInvalid,
        "mmWeightRef's strides must not be negative. The vendor does not check (its Contiguous copy reads what "
        "the strides address); this suite requires 161002.",
        kDoc + " 参数说明 (非连续tensor √); include/aclnn/acl_meta.h (aclCreateTensor accepts negative strides)",
        [](const Case &c, int r) {
            const TensorSpec *w = W(c, r);
            if (!w) return false;
            return std::any_of(w->strides.begin(), w->strides.end(), [](int64_t s) { return s < 0; });
        },
        [](const Case &valid, Choices &) {
            return EditWeight(valid, [&](TensorSpec &w) {
                std::vector<int64_t> s = w.Strides();
                s.back() = -1;
                w.strides = s;
                return true;
            });
        });

    AddRule(
        t, "tmw.shape.storage", {.ops = {kOp}, .stage = Stage::kShape}, kInvalid,
        "mmWeightRef's storage (its storage shape's element count) must cover the elements its view reaches "
        "(offset + 1 + Σ (shape[i]-1)·stride[i]), and the byte past its last element must be addressable (fit "
        "64 bits). The vendor does not check; this suite requires 161002.",
        "harness/case.h StorageElementsNeeded; spec/tensor_layout.h SpanOverflows; " + kOpApi + " (no storage check)",
        [](const Case &c, int r) {
            const TensorSpec *w = W(c, r);
            // A view whose element count fits int64 may still end past 2^64 bits (2^62 float32
            // elements): no memory can back it, whatever its storage shape declares.
            return w && w->NumElements() > 0 && (StorageElements(*w) < w->StorageElementsNeeded() || SpanOverflows(*w));
        },
        [](const Case &valid, Choices &) {
            return EditWeight(valid, [&](TensorSpec &w) {
                const int64_t needed = w.StorageElementsNeeded();
                if (needed < 2) return false;
                w.storage_shape = {needed - 1};
                return true;
            });
        });

    AddRule(
        t, "tmw.shape.offset", {.ops = {kOp}, .stage = Stage::kShape}, kInvalid,
        "mmWeightRef's view offset must be 0. Where the NZ weight starts when the view has an offset is not "
        "documented (the converted tensor describes a 4-D NZ storage); this suite requires 161002.",
        kDoc + " 参数说明 (使用说明: the tensor is refreshed as the NZ weight); " + kOpApi +
            " (SetStorageShape / SetStorageFormat)",
        [](const Case &c, int r) {
            const TensorSpec *w = W(c, r);
            return w && w->offset > 0;
        },
        [](const Case &valid, Choices &ch) {
            const int64_t offset = ch.Int(1, 16);
            return EditWeight(valid, [&](TensorSpec &w) {
                w.offset = offset;
                w.storage_shape = {StorageElements(w) + offset};  // the view still fits
                return true;
            });
        });

    AddRule(
        t, "tmw.shape.nz_storage", {.ops = {kOp}, .stage = Stage::kShape}, kInvalid,
        "mmWeightRef's storage must hold the NZ weight: at least aclnnCalculateMatmulWeightSizeV2(shape, dtype) "
        "elements (batch dims × Align(dim[-2], 16) × Align(dim[-1], 16 or 32)). The vendor writes that many "
        "regardless (its examples allocate that size); this suite requires 161002 when the declared storage "
        "is smaller.",
        "hicann/ops-math conversion/trans_data/docs/aclnnCalculateMatmulWeightSizeV2.md (计算公式); " + kDoc +
            " (调用示例: the weight's memory sized by aclnnCalculateMatmulWeightSize)",
        [](const Case &c, int r) {
            const TensorSpec *w = W(c, r);
            return w && w->NumElements() > 0 && StorageElements(*w) < NzElements(w->shape, w->dtype);
        },
        [](const Case &valid, Choices &) {
            return EditWeight(valid, [&](TensorSpec &w) {
                // A last dim that is no multiple of the tile width pads past the view: declare only
                // the view's elements.
                const int64_t c0 = w.dtype == ACL_INT8 ? 32 : 16;
                w.shape.back() = w.shape.back() / c0 * c0 + 1;
                w.strides.clear();
                w.storage_shape = {w.StorageElementsNeeded()};
                return true;
            });
        });
    return t;
}

const std::vector<LevelEntry> &Levels() {
    static const std::vector<LevelEntry> kLevels = {
        {"tmw.null.", Level::kDocumented, "the return table and the op_api unit test ascend910B2_test_nullptr"},
        {"tmw.dtype.undocumented", Level::kHardening,
         "no document lists these dtypes, but the vendor's op_api accepts them: either answer passes"},
        {"tmw.dtype.", Level::kDocumented, "the parameter table and the op_api's dtype list"},
        {"tmw.format.", Level::kDocumented, "the parameter table and the unit test ascend910B2_invalid_format"},
        {"tmw.shape.descriptor", Level::kDocumented,
         "the op_api's dim limit; aclCreateTensor documents the rest and its refusal answers for the operator"},
        {"tmw.shape.empty", Level::kHardening,
         "the document refuses empty tensors, the vendor's op_api and unit test accept them: either answer passes"},
        {"tmw.shape.rank", Level::kDocumented, "the parameter table (2-6) and the op_api's per-product rank checks"},
        {"tmw.shape.", Level::kHardening, "the op_api checks no strides, storage size, offset or room for the NZ weight"},
    };
    return kLevels;
}

}  // namespace

const std::vector<Rule> &Rules() {
    static const std::vector<Rule> rules = [] {
        std::vector<Rule> t = Build();
        AssignLevels(t, Levels());
        return t;
    }();
    return rules;
}

OpFamily Family() {
    OpFamily f;
    f.name = kOp;
    f.ops = {kOp};
    f.rules = &Rules();
    f.generate_valid = &GenerateValid;
    f.generate_typical = nullptr;
    f.decisions = {
        "Empty mmWeightRef: the document's return table refuses it (161002), the vendor's op_api and unit test "
        "accept it and do nothing; 161002 is required, success passes with a warning (`tmw.shape.empty`).",
        "Dtypes: the document lists FLOAT16, BFLOAT16, INT8; the vendor's op_api also takes UINT8, "
        "FLOAT8_E4M3FN and HIFLOAT8 on A2/A3/950. Those are refused here, accepted with a warning "
        "(`tmw.dtype.undocumented`).",
        "Rank: the document says 2-6 everywhere; the op_api allows FLOAT16/BFLOAT16 beyond 2-D only on "
        "Atlas A2/A3 (Ascend 950: exactly 2, unit test ascend950_dim_larger_than_2), INT8 2-6 everywhere.",
        "Result: the storage becomes FRACTAL_NZ (…, ceil(n/C0), ceil(k/16), 16, C0) of the logical view, "
        "C0 = 16 (FLOAT16/BFLOAT16) or 32 (INT8); padding is zero (the vendor's NZ transfer clears its "
        "destination: vendor code, no document sentence), storage past the NZ size keeps its bytes. Every "
        "storage element is judged exactly.",
        "A transposed view is converted as the matrix it shows (the op_api makes the view contiguous first); "
        "UNVERIFIED against hardware for the transposed case.",
        "aclnnCalculateMatmulWeightSize / V2 return a host integer and have no executor: tested through the ABI "
        "in tests/ops/trans_matmul_weight_test.cc, not by the gate.",
    };
    return f;
}

}  // namespace mc2::spec::trans_matmul_weight
