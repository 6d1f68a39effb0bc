// impl/ops/trans_quant_param/trans_quant_param_check.cc — GetWorkspaceSize of
// aclnnTransQuantParamV2 / V3: the vendor's op_api checks in its order (ops.md §3: null →
// dtype → format → shape → roundMode), then this suite's hardening (trans_quant_param.h), then
// the plan. No workspace: the words are computed straight into out.
#include <algorithm>
#include <memory>
#include <string>
#include <utility>

#include "ops/common/checks.h"
#include "ops/common/faults.h"
#include "ops/common/layout_checks.h"
#include "ops/common/memory_checks.h"
#include "ops/common/platform.h"
#include "ops/trans_quant_param/trans_quant_param.h"

namespace mc2::impl::ops {
namespace {

// Step 1: scale and out are required (161001); offset is optional.
bool CheckNulls(Checker &c, const TransQuantParamArgs &a) {
    c.NotNull(a.scale, "scale") && c.NotNull(a.out, "out") &&
        c.NotNull(a.workspaceSize, "workspaceSize (output pointer)") &&
        c.NotNull(a.executor, "executor (output pointer)");
    c.Live(a.scale, "scale") && c.Live(a.offset, "offset") && c.Live(a.out, "out");
    return c.ok();
}

// Step 2: scale FLOAT, offset FLOAT, out UINT64 or INT64 (the same words either way).
bool CheckDtypes(Checker &c, const TransQuantParamArgs &a) {
    c.DtypeIn(*a.scale, "scale", {ACL_FLOAT});
    if (a.offset != nullptr) c.DtypeIn(*a.offset, "offset", {ACL_FLOAT});
    c.DtypeIn(*a.out, "out", {ACL_UINT64, ACL_INT64});
    return c.ok();
}

// Step 3: every present tensor is ND.
bool CheckFormats(Checker &c, const TransQuantParamArgs &a) {
    const NamedTensor all[] = {{a.scale, "scale"}, {a.out, "out"}, {a.offset, "offset"}};
    for (const NamedTensor &t : all) {
        if (t.t != nullptr && t.t->format != ACL_FORMAT_ND) {
            return c.Fail(ACLNN_ERR_PARAM_INVALID, "%s format %s not supported; expected ND", t.name,
                          FormatName(t.t->format).c_str());
        }
    }
    return true;
}

bool IsRowOrVector(const std::vector<int64_t> &s) {
    return (s.size() == 1 && s[0] > 0) || (s.size() == 2 && s[0] == 1 && s[1] > 0);
}

// Step 4: scale (t) or (1, n) — on Ascend 950 any (g, n) — with positive dims; offset (t) or
// (1, n); two 1-D operands longer than 1 must agree; then roundMode.
bool CheckShapes(Checker &c, const TransQuantParamArgs &a, Platform platform) {
    const std::vector<int64_t> &s = a.scale->viewShape;
    const bool groups = platform == Platform::kAscend950;
    const bool scaleOk = IsRowOrVector(s) || (groups && s.size() == 2 && s[0] > 0 && s[1] > 0);
    if (!scaleOk) {
        return c.Fail(ACLNN_ERR_PARAM_INVALID, "scale shape %s not supported; expected (t) or %s with positive dims",
                      ShapeString(s).c_str(), groups ? "(g, n)" : "(1, n)");
    }
    if (a.offset != nullptr) {
        const std::vector<int64_t> &o = a.offset->viewShape;
        if (!IsRowOrVector(o)) {
            return c.Fail(ACLNN_ERR_PARAM_INVALID,
                          "offset shape %s not supported; expected (t) or (1, n) with positive dims",
                          ShapeString(o).c_str());
        }
        if (o.size() == 1 && s[0] > 1 && o[0] > 1 && s[0] != o[0]) {
            return c.Fail(ACLNN_ERR_PARAM_INVALID,
                          "scale dim 0 (%lld) and offset dim 0 (%lld) must be equal when both are greater than 1",
                          static_cast<long long>(s[0]), static_cast<long long>(o[0]));
        }
    }
    if (a.roundMode != 0 && a.roundMode != 1) {
        return c.Fail(ACLNN_ERR_PARAM_INVALID, "roundMode %lld not supported; expected 0 (truncate) or 1 (round)",
                      static_cast<long long>(a.roundMode));
    }
    return true;
}

// The documented out shape: 1-D max(scale, offset) for a 1-D scale, the scale's shape for a 2-D one.
std::vector<int64_t> ExpectedOutShape(const TransQuantParamArgs &a) {
    const std::vector<int64_t> &s = a.scale->viewShape;
    if (s.size() == 2) return s;
    const int64_t o = a.offset != nullptr ? a.offset->viewShape.back() : 1;
    return {std::max(s[0], o)};
}

// This suite's hardening (trans_quant_param.h).
bool CheckHardening(Checker &c, const TransQuantParamArgs &a) {
    const NamedTensor all[] = {{a.scale, "scale"}, {a.offset, "offset"}, {a.out, "out"}};
    if (!CheckAddressable(c, all)) return false;
    // The vendor's op_api checks none of the rest (faults.h); the run keeps its reads inside
    // scale and offset whatever their shapes.
    if (kVendorFaithful) return true;
    const NamedTensor inputs[] = {{a.scale, "scale"}, {a.offset, "offset"}};
    for (const NamedTensor &t : inputs) {
        if (t.t != nullptr && !IsContiguous(*t.t)) {
            return c.Fail(ACLNN_ERR_PARAM_INVALID, "%s must be contiguous; got shape %s with strides %s", t.name,
                          ShapeString(t.t->viewShape).c_str(), ShapeString(t.t->strides).c_str());
        }
    }
    const std::vector<int64_t> &s = a.scale->viewShape;
    if (a.offset != nullptr) {
        const int64_t o = a.offset->viewShape.back();
        const int64_t last = s.back();
        if (s.size() == 2 && s[0] != 1) {
            return c.Fail(ACLNN_ERR_PARAM_INVALID,
                          "an offset goes with a (t) or (1, n) scale only; scale has shape %s",
                          ShapeString(s).c_str());
        }
        const bool fits = o == 1 || o == last || (s.size() == 1 && last == 1);
        if (!fits) {
            return c.Fail(ACLNN_ERR_PARAM_INVALID,
                          "offset %s does not broadcast against scale %s: its %lld elements must be 1 or %lld",
                          ShapeString(a.offset->viewShape).c_str(), ShapeString(s).c_str(),
                          static_cast<long long>(o), static_cast<long long>(last));
        }
    }
    if (!c.ShapeIs(*a.out, "out", ExpectedOutShape(a),
                   "1-D max(scale, offset) for a 1-D scale, the scale's shape for a 2-D one")) {
        return false;
    }
    return CheckNoSelfOverlap(c, *a.out, "out") && CheckWithinStorage(c, all);
}

}  // namespace

aclnnStatus TransQuantParamPrepare(const char *api, const TransQuantParamArgs &a) {
    Checker c(api);
    Platform platform = Platform::kAtlasA2;
    std::string error;
    if (!CheckNulls(c, a) || !CheckDtypes(c, a) || !CheckFormats(c, a)) return c.status();
    if (!CurrentPlatform(&platform, &error)) {
        c.Fail(ACLNN_ERR_PARAM_INVALID, "%s", error.c_str());
        return c.status();
    }
    if (!CheckShapes(c, a, platform) || !CheckHardening(c, a)) return c.status();

    TransQuantParamPlan p;
    p.api = api;
    p.scale = Describe(*a.scale);
    p.out = Describe(*a.out);
    p.hasOffset = a.offset != nullptr;
    if (p.hasOffset) p.offset = Describe(*a.offset);
    p.roundMode = a.roundMode;
    if (!CheckDeviceMemory(c, p.scale, "scale") || !CheckDeviceMemory(c, p.out, "out") ||
        (p.hasOffset && !CheckDeviceMemory(c, p.offset, "offset"))) {
        return c.status();
    }

    auto executor = std::make_unique<aclOpExecutor>();
    executor->api = api;
    executor->workspaceSize = 0;
    executor->run = MakeTransQuantParamRun(std::move(p));
    *a.workspaceSize = 0;
    *a.executor = PublishExecutor(std::move(executor));
    return ACLNN_SUCCESS;
}

}  // namespace mc2::impl::ops
