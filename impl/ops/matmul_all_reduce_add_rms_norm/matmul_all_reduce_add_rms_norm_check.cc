// impl/ops/matmul_all_reduce_add_rms_norm/matmul_all_reduce_add_rms_norm_check.cc —
// GetWorkspaceSize of aclnn[Inplace][Quant|WeightQuant]MatmulAllReduceAddRmsNorm: the op_api
// checks in the vendor's order, the empty-tensor short-cut, the tiling-layer limits (561002) and
// the plan (see the header for the decisions).
#include <climits>
#include <cmath>
#include <cstring>
#include <string>
#include <memory>
#include <utility>
#include <vector>

#include "ops/common/checks.h"
#include "ops/common/faults.h"
#include "ops/common/group.h"
#include "ops/common/layout_checks.h"
#include "runtime/dtype.h"
#include "ops/common/memory_checks.h"
#include "ops/common/platform.h"
#include "ops/common/tiling_checks.h"
#include "ops/matmul_all_reduce_add_rms_norm/matmul_all_reduce_add_rms_norm.h"
#include "ops/quant_matmul_all_reduce/quant_matmul_all_reduce.h"
#include "ops/weight_quant_matmul_all_reduce/weight_quant_matmul_all_reduce.h"
#include "runtime/runtime.h"

namespace mc2::impl::ops {
namespace {

constexpr aclnnStatus kTiling = ACLNN_ERR_INNER_TILING_ERROR;
constexpr int64_t kUint16Max = 65535;  // the quant / weight-quant tiling's k and n limit (ops.md §2.2, §2.3)

// The scale the op_api null-checks and treats as a short-cut input (ops.md §6.1 steps 1 and 4).
const aclTensor *Scale(const ArnArgs &a) {
    return a.variant == ArnVariant::kQuant ? a.dequantScale
           : a.variant == ArnVariant::kWeightQuant ? a.antiquantScale
                                                   : nullptr;
}
const char *ScaleName(const ArnArgs &a) {
    return a.variant == ArnVariant::kQuant ? "dequantScale" : "antiquantScale";
}

bool IsEmpty(const aclTensor &t) {
    int64_t count = 0;
    return ViewElementCount(t, &count) && count == 0;
}

int64_t Product(const std::vector<int64_t> &shape, size_t begin, size_t end) {
    int64_t p = 1;
    for (size_t d = begin; d < end; ++d) p = (shape[d] != 0 && p > INT64_MAX / shape[d]) ? INT64_MAX : p * shape[d];
    return p;
}

// ops.md §6.1 op_api step 1: x1, x2, residual, gamma (y and normOut are not checked there), then
// this implementation's own: reduceOp (the vendor's tiling compares it without a null check) and
// the out-pointers; then live handles.
bool CheckNulls(Checker &c, const ArnArgs &a) {
    c.NotNull(a.x1, "x1") && c.NotNull(a.x2, "x2") && c.NotNull(a.residual, "residual") &&
        c.NotNull(a.gamma, "gamma") && (a.variant == ArnVariant::kPlain || c.NotNull(Scale(a), ScaleName(a))) &&
        (kVendorFaithful || c.NotNull(a.reduceOp, "reduceOp")) &&
        c.NotNull(a.workspaceSize, "workspaceSize (output pointer)") &&
        c.NotNull(a.executor, "executor (output pointer)");
    c.Live(a.x1, "x1") && c.Live(a.x2, "x2") && c.Live(a.bias, "bias") && c.Live(a.residual, "residual") &&
        c.Live(a.gamma, "gamma") && c.Live(a.dequantScale, "dequantScale") &&
        c.Live(a.antiquantScale, "antiquantScale") && c.Live(a.antiquantOffset, "antiquantOffset") &&
        c.Live(a.y, "y") && c.Live(a.normOut, "normOut");
    return c.ok();
}

// ops.md §6.1 op_api step 2 (ArnCheckShape), on view shapes.
bool CheckArnShape(Checker &c, const ArnArgs &a) {
    const std::pair<const aclTensor *, const char *> ranked[] = {{a.x1, "x1"}, {a.x2, "x2"}, {a.residual, "residual"}};
    for (const auto &[t, name] : ranked) {
        if (!c.RankIn(*t, name, 1, kMaxTensorDims)) return false;
    }
    const int64_t k = a.x1->viewShape.back();
    if (k != a.x2->viewShape.front()) {
        return c.Fail(ACLNN_ERR_PARAM_INVALID, "x1 last dim (k = %lld) must equal x2 dim 0 (%lld); x1 %s, x2 %s",
                      static_cast<long long>(k), static_cast<long long>(a.x2->viewShape.front()),
                      ShapeString(a.x1->viewShape).c_str(), ShapeString(a.x2->viewShape).c_str());
    }
    if (a.residual->viewShape.back() != a.x2->viewShape.back()) {
        return c.Fail(ACLNN_ERR_PARAM_INVALID, "residual last dim (%lld) must equal x2's last dim (n = %lld)",
                      static_cast<long long>(a.residual->viewShape.back()),
                      static_cast<long long>(a.x2->viewShape.back()));
    }
    // This suite's demand, before anything reads a stride (aclCreateTensor refuses negative dims).
    const std::pair<const aclTensor *, const char *> all[] = {{a.x1, "x1"},         {a.x2, "x2"}, {a.bias, "bias"},
                                                              {a.residual, "residual"}, {a.gamma, "gamma"},
                                                              {a.y, "y"},           {a.normOut, "normOut"},
                                                              {a.dequantScale, "dequantScale"},
                                                              {a.antiquantScale, "antiquantScale"},
                                                              {a.antiquantOffset, "antiquantOffset"}};
    for (const auto &[t, name] : all) {
        if (t == nullptr) continue;
        for (int64_t s : t->strides) {
            if (s < 0) {
                return c.Fail(ACLNN_ERR_PARAM_INVALID, "%s has a negative stride (strides %s)", name,
                              ShapeString(t->strides).c_str());
            }
        }
    }
    // The same demand's other half (arn.shape.negative): a view whose last element lies past 2^64
    // bits, refused here too, before the empty short-cut. CheckLayouts' CheckAddressable comes after
    // it, so a residual with a 2^62 stride beside an empty gamma was taken (fresh seed 17002).
    // The same check on the tensors it can size: an unknown dtype, a negative offset or strides of
    // another rank are other checks' to refuse, after the short-cut.
    std::vector<NamedTensor> sized;
    for (const auto &[t, name] : all) {
        if (t != nullptr && DataTypeBits(t->dataType) != 0 && t->offset >= 0 &&
            t->strides.size() == t->viewShape.size()) {
            sized.push_back({t, name});
        }
    }
    return CheckAddressable(c, sized);
}

// The generated layer's required pointers (161001), after every op_api check.
bool CheckInnerNulls(Checker &c, const ArnArgs &a) {
    return c.NotNull(a.group, "group") && c.NotNull(a.y, "y") && c.NotNull(a.normOut, "normOut");
}

// The quant variant's dtypes (ops.md §6.1; the embedded QuantMatmulAllReduce's tiling, §2.3):
// x1, x2 INT8, bias INT32, dequantScale UINT64/INT64 with an FLOAT16 residual, BFLOAT16 with BFLOAT16.
bool CheckQuantDtypes(Checker &c, const ArnArgs &a) {
    const std::pair<const aclTensor *, const char *> int8s[] = {{a.x1, "x1"}, {a.x2, "x2"}};
    for (const auto &[t, name] : int8s) {
        if (t->dataType != ACL_INT8) {
            return c.Fail(kTiling, "%s dtype %s not supported; expected INT8", name, DataTypeName(t->dataType).c_str());
        }
    }
    if (a.bias != nullptr && a.bias->dataType != ACL_INT32) {
        return c.Fail(kTiling, "bias dtype %s not supported; expected INT32", DataTypeName(a.bias->dataType).c_str());
    }
    const int32_t res = a.residual->dataType, scale = a.dequantScale->dataType;
    const bool ok = res == ACL_BF16 ? scale == ACL_BF16
                    : res == ACL_FLOAT16 ? (scale == ACL_UINT64 || scale == ACL_INT64)
                                         : false;
    if (!ok) {
        return c.Fail(kTiling,
                      "dequantScale dtype %s with residual dtype %s not supported; expected UINT64 or INT64 with "
                      "FLOAT16, BFLOAT16 with BFLOAT16",
                      DataTypeName(scale).c_str(), DataTypeName(res).c_str());
    }
    return true;
}

// The weight-quant variant's dtypes (the embedded WeightQuantMatmulAllReduce's tiling, ops.md
// §2.2): x2 INT8 or INT4, antiquantScale as x1, antiquantOffset as the scale.
bool CheckWeightQuantDtypes(Checker &c, const ArnArgs &a) {
    if (a.x2->dataType != ACL_INT8 && a.x2->dataType != ACL_INT4) {
        return c.Fail(kTiling, "x2 dtype %s not supported; expected INT8 or INT4",
                      DataTypeName(a.x2->dataType).c_str());
    }
    if (a.antiquantScale->dataType != a.x1->dataType) {
        return c.Fail(kTiling, "antiquantScale dtype %s must equal x1's (%s)",
                      DataTypeName(a.antiquantScale->dataType).c_str(), DataTypeName(a.x1->dataType).c_str());
    }
    if (a.antiquantOffset != nullptr && a.antiquantOffset->dataType != a.antiquantScale->dataType) {
        return c.Fail(kTiling, "antiquantOffset dtype %s must equal antiquantScale's (%s)",
                      DataTypeName(a.antiquantOffset->dataType).c_str(),
                      DataTypeName(a.antiquantScale->dataType).c_str());
    }
    return true;
}

// (1), (n) or (1, n): a per-tensor or per-channel scale.
bool TensorOrChannel(const std::vector<int64_t> &shape, int64_t n) {
    return shape == std::vector<int64_t>{1} || shape == std::vector<int64_t>{n} || shape == std::vector<int64_t>{1, n};
}

bool CheckAxisLimit(Checker &c, const ArnArgs &a) {
    for (int64_t d : a.x2->viewShape) {
        if (d > kUint16Max) {
            return c.Fail(kTiling, "x2 %s: k and n must not exceed 65535", ShapeString(a.x2->viewShape).c_str());
        }
    }
    return true;
}

bool CheckQuantShapes(Checker &c, const ArnArgs &a) {
    const int64_t n = a.x2->viewShape[1];
    if (!TensorOrChannel(a.dequantScale->viewShape, n)) {
        return c.Fail(kTiling, "dequantScale %s must be [1], [n] or [1, n] with n = %lld",
                      ShapeString(a.dequantScale->viewShape).c_str(), static_cast<long long>(n));
    }
    return CheckAxisLimit(c, a);
}

bool CheckWeightQuantShapes(Checker &c, const ArnArgs &a) {
    const int64_t k = a.x1->viewShape.back(), n = a.x2->viewShape[1], g = a.antiquantGroupSize;
    if (g != 0 && (g % 32 != 0 || g < 32 || g > k - 1)) {
        return c.Fail(kTiling, "antiquantGroupSize %lld must be 0 or a multiple of 32 in [32, k - 1 = %lld]",
                      static_cast<long long>(g), static_cast<long long>(k - 1));
    }
    const std::vector<int64_t> &scale = a.antiquantScale->viewShape;
    if (g == 0 ? !TensorOrChannel(scale, n) : scale != std::vector<int64_t>{(k + g - 1) / g, n}) {
        return c.Fail(kTiling, "antiquantScale %s must be %s (k = %lld, n = %lld, antiquantGroupSize %lld)",
                      ShapeString(scale).c_str(), g == 0 ? "[1], [n] or [1, n]" : "[ceil(k / G), n]",
                      static_cast<long long>(k), static_cast<long long>(n), static_cast<long long>(g));
    }
    if (a.antiquantOffset != nullptr && a.antiquantOffset->viewShape != scale) {
        return c.Fail(kTiling, "antiquantOffset %s must have antiquantScale's shape %s",
                      ShapeString(a.antiquantOffset->viewShape).c_str(), ShapeString(scale).c_str());
    }
    if (a.x2->dataType == ACL_INT4) {
        const int64_t inner = IsTransposeLastTwoDims(*a.x2) ? k : n;
        if (inner % 2 != 0) {
            return c.Fail(kTiling, "an INT4 x2's contiguous dim (%lld) must be even", static_cast<long long>(inner));
        }
    }
    return CheckAxisLimit(c, a);
}

// The tiling layer (ops.md §6.1 "Tiling checks" and MatmulAllReduce's, §2.1), refused with 561002.
bool CheckTiling(Checker &c, const ArnArgs &a) {
    // Written so that NaN fails too.
    if (!(a.epsilon > 0.0 && a.epsilon < 1.0)) {
        return c.Fail(kTiling, "epsilon %g must lie in (0, 1)", a.epsilon);
    }
    if (kVendorFaithful && a.reduceOp == nullptr) {
        // The vendor's tiling would dereference it (undefined behaviour); the vendor-faithful
        // variant (faults.h) refuses it here instead of crashing the suite's own run.
        return c.Fail(kTiling, "reduceOp is null; expected \"sum\"");
    }
    // The shared tiling compares three characters (ops.md §8.3): "sumX" passes there.
    if (std::strncmp(a.reduceOp, "sum", 3) != 0) {
        return c.Fail(kTiling, "reduceOp \"%.64s\" not supported; expected \"sum\"", a.reduceOp);
    }
    if (!c.ok()) return false;
    auto dtype = [&](const aclTensor *t, const char *name, const aclTensor &ref, const char *refName) {
        if (t == nullptr || t->dataType == ref.dataType) return true;
        return c.Fail(kTiling, "%s dtype %s must equal %s's (%s)", name, DataTypeName(t->dataType).c_str(), refName,
                      DataTypeName(ref.dataType).c_str());
    };
    if (a.variant != ArnVariant::kQuant && a.x1->dataType != ACL_FLOAT16 && a.x1->dataType != ACL_BF16) {
        return c.Fail(kTiling, "x1 dtype %s not supported; expected FLOAT16 or BFLOAT16",
                      DataTypeName(a.x1->dataType).c_str());
    }
    if (a.variant == ArnVariant::kPlain && !dtype(a.x2, "x2", *a.x1, "x1")) return false;
    if (a.variant == ArnVariant::kQuant && !CheckQuantDtypes(c, a)) return false;
    if (a.variant == ArnVariant::kWeightQuant && !CheckWeightQuantDtypes(c, a)) return false;
    if (a.variant != ArnVariant::kQuant &&
        (!dtype(a.bias, "bias", *a.x1, "x1") || !dtype(a.residual, "residual", *a.x1, "x1"))) {
        return false;
    }
    if (!dtype(a.gamma, "gamma", *a.residual, "residual") || !dtype(a.y, "y", *a.residual, "residual") ||
        !dtype(a.normOut, "normOut", *a.residual, "residual")) {
        return false;
    }
    auto rank = [&](const aclTensor &t, const char *name, size_t lo, size_t hi) {
        if (t.viewShape.size() >= lo && t.viewShape.size() <= hi) return true;
        return c.Fail(kTiling, "%s must have %zu%s%s dims; got shape %s", name, lo, hi == lo ? "" : " to ",
                      hi == lo ? "" : std::to_string(hi).c_str(), ShapeString(t.viewShape).c_str());
    };
    if (!rank(*a.x1, "x1", 2, 3) || !rank(*a.x2, "x2", 2, 2) || !rank(*a.residual, "residual", 3, 3) ||
        !rank(*a.gamma, "gamma", 1, 1) || !rank(*a.y, "y", 3, 3) || !rank(*a.normOut, "normOut", 3, 3)) {
        return false;
    }
    const std::vector<int64_t> &res = a.residual->viewShape;
    const int64_t n = a.x2->viewShape[1];
    if (a.gamma->viewShape[0] != res[2]) {
        return c.Fail(kTiling, "gamma %s must be [n] with residual's n (%lld)", ShapeString(a.gamma->viewShape).c_str(),
                      static_cast<long long>(res[2]));
    }
    if (a.y->viewShape != res || a.normOut->viewShape != res) {
        return c.Fail(kTiling, "y %s and normOut %s must have residual's shape %s", ShapeString(a.y->viewShape).c_str(),
                      ShapeString(a.normOut->viewShape).c_str(), ShapeString(res).c_str());
    }
    const int64_t m = Product(a.x1->viewShape, 0, a.x1->viewShape.size() - 1);
    if (m != Product(res, 0, 2)) {
        return c.Fail(kTiling, "x1's b*s (%lld) must equal residual's b*s (%lld)", static_cast<long long>(m),
                      static_cast<long long>(Product(res, 0, 2)));
    }
    if (a.bias != nullptr && a.bias->viewShape != std::vector<int64_t>{n}) {
        return c.Fail(kTiling, "bias %s must be [n] = [%lld]", ShapeString(a.bias->viewShape).c_str(),
                      static_cast<long long>(n));
    }
    if (a.variant == ArnVariant::kQuant && !CheckQuantShapes(c, a)) return false;
    if (a.variant == ArnVariant::kWeightQuant && !CheckWeightQuantShapes(c, a)) return false;
    const std::pair<const char *, int64_t> dims[] = {{"m (b*s)", m}, {"k", a.x1->viewShape.back()}, {"n", n}};
    for (const auto &[name, v] : dims) {
        if (v > INT32_MAX) {
            return c.Fail(kTiling, "%s = %lld exceeds INT32_MAX (2147483647)", name, static_cast<long long>(v));
        }
    }
    return true;
}

// This suite's layout demands, as MatmulAllReduce's (hardening; the documents mark x1, residual
// and gamma non-contiguous unsupported, y and normOut supported).
bool CheckLayouts(Checker &c, const ArnArgs &a) {
    const NamedTensor all[] = {{a.x1, "x1"},
                               {a.x2, "x2"},
                               {a.bias, "bias"},
                               {a.residual, "residual"},
                               {a.gamma, "gamma"},
                               {a.y, "y"},
                               {a.normOut, "normOut"},
                               {a.dequantScale, "dequantScale"},
                               {a.antiquantScale, "antiquantScale"},
                               {a.antiquantOffset, "antiquantOffset"}};
    const NamedTensor dense[] = {{a.x1, "x1"}, {a.residual, "residual"}, {a.gamma, "gamma"}};
    // y may be residual itself (the in-place variant); normOut may overlap neither.
    const NamedTensor outputs[] = {{a.y, "y"}, {a.normOut, "normOut"}};
    const std::pair<NamedTensor, NamedTensor> disjoint[] = {{{a.normOut, "normOut"}, {a.y, "y"}},
                                                            {{a.normOut, "normOut"}, {a.residual, "residual"}}};
    auto ndX2 = [&] {  // in every variant: this family's kernels read x2 as ND only
        if (!IsWeightNz(*a.x2)) return true;
        return c.Fail(ACLNN_ERR_PARAM_INVALID, "x2 is a FRACTAL_NZ weight (4-D storage shape %s); only ND x2",
                      ShapeString(a.x2->storageShape).c_str());
    };
    // A per-group scale (2-D, both dims > 1) has no defined layout beside a transposed x2, and
    // must be contiguous (the documents allow no other non-contiguous input than x2).
    auto perGroupScales = [&] {
        const NamedTensor scales[] = {{a.antiquantScale, "antiquantScale"}, {a.antiquantOffset, "antiquantOffset"}};
        for (const auto &[t, name] : scales) {
            if (t == nullptr || t->viewShape.size() != 2 || t->viewShape[0] <= 1 || t->viewShape[1] <= 1) continue;
            if (!IsContiguous(*a.x2) || !IsContiguous(*t)) {
                return c.Fail(ACLNN_ERR_PARAM_INVALID,
                              "a per-group %s %s must be contiguous and x2 not transposed (x2 strides %s, %s strides "
                              "%s)",
                              name, ShapeString(t->viewShape).c_str(), ShapeString(a.x2->strides).c_str(), name,
                              ShapeString(t->strides).c_str());
            }
        }
        return true;
    };
    return CheckMatmulLayouts(c, {.all = all,
                                  .dense = dense,
                                  .x2 = a.x2,
                                  .outputs = outputs,
                                  .disjoint = disjoint,
                                  .first = ndX2,
                                  .extra = perGroupScales});
}

aclnnStatus PublishNothingToRun(const char *api, const ArnArgs &a) {
    auto executor = std::make_unique<aclOpExecutor>();
    executor->api = api;
    executor->nothingToRun = true;
    *a.workspaceSize = 0;
    *a.executor = PublishExecutor(std::move(executor));
    return ACLNN_SUCCESS;
}

// x1 seen as (b, s, k) with residual's b and s, when its leading dims differ (the embedded
// matmul's checks want the output's leading dims): x1 is contiguous here (CheckLayouts).
class X1AsResidualRows {
public:
    explicit X1AsResidualRows(const ArnArgs &a) {
        const std::vector<int64_t> &x = a.x1->viewShape;
        const std::vector<int64_t> lead(a.residual->viewShape.begin(), a.residual->viewShape.begin() + 2);
        if (std::vector<int64_t>(x.begin(), x.end() - 1) == lead) return;
        const int64_t k = x.back();
        const int64_t dims[] = {lead[0], lead[1], k};
        const int64_t strides[] = {lead[1] * k, k, 1};
        view_ = aclCreateTensor(dims, 3, static_cast<aclDataType>(a.x1->dataType), strides, a.x1->offset,
                                static_cast<aclFormat>(a.x1->format), a.x1->storageShape.data(),
                                a.x1->storageShape.size(), a.x1->data);
    }
    ~X1AsResidualRows() {
        if (view_ != nullptr) aclDestroyTensor(view_);
    }
    X1AsResidualRows(const X1AsResidualRows &) = delete;
    X1AsResidualRows &operator=(const X1AsResidualRows &) = delete;
    const aclTensor *Or(const aclTensor *x1) const { return view_ != nullptr ? view_ : x1; }

private:
    aclTensor *view_ = nullptr;
};

// The arguments this family hands the embedded quant or weight-quant matmul (their Args structs
// name them alike), with y's rows as its output; the caller adds the variant's scales.
template <typename MatmulArgs, typename MatmulPlan>
MatmulArgs EmbeddedArgs(const ArnArgs &a, const aclTensor *x1, MatmulPlan *plan) {
    MatmulArgs m;
    m.x1 = x1;
    m.x2 = a.x2;
    m.bias = a.bias;
    m.group = a.group;
    m.reduceOp = "sum";  // this family's tiling compares three characters (checked above)
    m.commTurn = a.commTurn;
    m.streamMode = a.streamMode;
    m.output = a.normOut;
    m.workspaceSize = a.workspaceSize;
    m.executor = a.executor;
    m.planOut = plan;
    return m;
}

// The quant / weight-quant matmul: its own checks build its plan (every refusal of theirs was
// made above with this family's code and order, so they pass).
aclnnStatus PlanQuantisedMatmul(const char *api, const ArnArgs &a, ArnPlan &p, std::unique_ptr<OpRun> *mm) {
    X1AsResidualRows x1(a);
    if (a.variant == ArnVariant::kQuant) {
        QuantMatmulAllReducePlan plan;
        auto q = EmbeddedArgs<QuantMatmulAllReduceArgs>(a, x1.Or(a.x1), &plan);
        q.dequantScale = a.dequantScale;
        const aclnnStatus status = QuantMatmulAllReducePrepare(api, q);
        if (status != ACLNN_SUCCESS) return status;
        p.workspaceBytes = plan.workspaceBytes;
        *mm = MakeQuantMatmulAllReduceRun(std::move(plan));
        return ACLNN_SUCCESS;
    }
    WeightQuantMatmulAllReducePlan plan;
    auto w = EmbeddedArgs<WeightQuantMatmulAllReduceArgs>(a, x1.Or(a.x1), &plan);
    w.antiquantScale = a.antiquantScale;
    // Fault kArnWqOffsetIgnored: the offset never reaches the matmul.
    w.antiquantOffset = kFault == Fault::kArnWqOffsetIgnored ? nullptr : a.antiquantOffset;
    w.antiquantGroupSize = a.antiquantGroupSize;
    const aclnnStatus status = WeightQuantMatmulAllReducePrepare(api, w);
    if (status != ACLNN_SUCCESS) return status;
    p.workspaceBytes = plan.workspaceBytes;
    *mm = MakeWeightQuantMatmulAllReduceRun(std::move(plan));
    return ACLNN_SUCCESS;
}

}  // namespace

aclnnStatus ArnPrepare(const char *api, const ArnArgs &a) {
    Checker c(api);
    if (!CheckNulls(c, a) || !CheckArnShape(c, a)) return c.status();
    // ops.md §6.1 step 4: the empty short-cut, before streamMode and everything after it.
    if (IsEmpty(*a.x1) || IsEmpty(*a.x2) || IsEmpty(*a.residual) || IsEmpty(*a.gamma) ||
        (Scale(a) != nullptr && IsEmpty(*Scale(a)))) {
        if (a.x1->viewShape.back() == 0) {
            c.Fail(ACLNN_ERR_PARAM_INVALID, "k (x1's last dim) is 0; empty k is not supported");
            return c.status();
        }
        return PublishNothingToRun(api, a);
    }
    if (a.streamMode != 1) {
        c.Fail(ACLNN_ERR_PARAM_INVALID, "streamMode %lld not supported; expected 1 (ACL_STOP_ON_FAILURE)",
               static_cast<long long>(a.streamMode));
        return c.status();
    }
    if (!CheckInnerNulls(c, a) || !CheckTiling(c, a) || !CheckLayouts(c, a)) return c.status();
    if (a.commTurn < 0) {
        c.Fail(ACLNN_ERR_PARAM_INVALID, "commTurn %lld is negative; expected 0 (automatic) or a number of pieces",
               static_cast<long long>(a.commTurn));
        return c.status();
    }
    std::shared_ptr<hccl::Communicator> comm = ResolveGroup(c, a.group);
    if (comm == nullptr) return UnresolvedGroup(c, api, a.group, a.workspaceSize, a.executor);
    if (!CheckWorldSize(c, *comm, MatmulAllReduceWorldSizes)) return c.status();

    ArnPlan p;
    p.api = api;
    p.inPlace = a.inPlace;
    p.variant = a.variant;
    p.epsilon = static_cast<float>(a.epsilon);
    p.dataType = static_cast<aclDataType>(a.residual->dataType);
    p.m = Product(a.x1->viewShape, 0, a.x1->viewShape.size() - 1);
    p.n = a.x2->viewShape[1];
    p.normOut = Describe(*a.normOut);  // the vendor's kernel all-reduces into normOut (ops.md §6.1)
    p.residual = Describe(*a.residual);
    p.gamma = Describe(*a.gamma);
    p.y = Describe(*a.y);
    p.comm = comm;
    if (!CheckDeviceMemory(c, p.residual, "residual") || !CheckDeviceMemory(c, p.gamma, "gamma") ||
        !CheckDeviceMemory(c, p.y, "y")) {
        return c.status();
    }
    std::unique_ptr<OpRun> mm;
    if (a.variant == ArnVariant::kPlain) {
        MatmulAllReducePlan plan;
        plan.api = api;
        plan.dataType = static_cast<aclDataType>(a.x1->dataType);
        plan.k = a.x1->viewShape.back();
        plan.n = p.n;
        plan.m = p.m;
        plan.x1 = Describe(*a.x1);
        plan.x2 = Describe(*a.x2);
        plan.output = p.normOut;
        plan.hasBias = a.bias != nullptr;
        if (plan.hasBias) plan.bias = Describe(*a.bias);
        if (!CheckDeviceMemory(c, plan.x1, "x1") || !CheckDeviceMemory(c, plan.x2, "x2") ||
            (plan.hasBias && !CheckDeviceMemory(c, plan.bias, "bias")) ||
            !CheckDeviceMemory(c, plan.output, "normOut")) {
            return c.status();
        }
        PlanMatmulAllReducePieces(plan, a.commTurn);
        plan.comm = std::move(comm);
        p.workspaceBytes = plan.workspaceBytes;
        mm = MakeMatmulAllReduceRun(std::move(plan));
    } else {
        const aclnnStatus status = PlanQuantisedMatmul(api, a, p, &mm);
        if (status != ACLNN_SUCCESS) return status;
    }

    auto executor = std::make_unique<aclOpExecutor>();
    executor->api = api;
    executor->workspaceSize = p.workspaceBytes;
    executor->run = MakeArnRun(std::move(p), std::move(mm));
    *a.workspaceSize = executor->workspaceSize;
    *a.executor = PublishExecutor(std::move(executor));
    return ACLNN_SUCCESS;
}

}  // namespace mc2::impl::ops
