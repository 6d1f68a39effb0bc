// tests/spec/front_end_test.cc — the framework front-end families (spec/front_end/): every check
// has a call it refuses first, the nearest valid calls are accepted and dispatched to the API the
// documents name, with the arguments they name, and the aclnn case a valid call becomes is one
// that API's own catalogue accepts.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "harness/ops/registry.h"
#include "spec/catalogue.h"
#include "spec/front_end/front_end.h"

namespace mc2::spec::front_end {
namespace {

const Call *FindValid(const std::vector<FrontEndCase> &cases, const std::string &route, const char *kwarg = nullptr) {
    for (const FrontEndCase &c : cases) {
        if (c.valid && c.rule_id == route && (kwarg == nullptr || c.call.Find(kwarg) != nullptr)) return &c.call;
    }
    return nullptr;
}

TEST(FrontEnd, ThreeFamiliesWithCitedDocumentedRules) {
    std::set<std::string> names, ids;
    for (const Family &f : AllFamilies()) {
        names.insert(f.name);
        for (const Rule &r : *f.rules) {
            EXPECT_TRUE(ids.insert(r.id).second) << "duplicate rule id " << r.id;
            EXPECT_EQ(r.level, Level::kDocumented) << r.id;
            EXPECT_NE(r.citation.find("ops.md §"), std::string::npos) << r.id;
            EXPECT_FALSE(r.text.empty()) << r.id;
        }
    }
    EXPECT_EQ(names, (std::set<std::string>{"mindspeed", "mindspore", "torch_npu"}));
    const std::string md = RenderMarkdown();
    for (const std::string &id : ids) EXPECT_NE(md.find("`" + id + "`"), std::string::npos) << id;
}

TEST(FrontEnd, EveryCheckRefusesACallAndEveryCaseIsJudgedAsItsRuleSays) {
    for (const Family &f : AllFamilies()) {
        const std::vector<FrontEndCase> cases = Cases(f);
        std::set<std::string> covered;
        for (const FrontEndCase &c : cases) {
            const Verdict v = Evaluate(f, c.call);
            if (c.valid) {
                ASSERT_EQ(v.refused, nullptr) << c.call.ToString();
                ASSERT_TRUE(v.dispatch.has_value());
                EXPECT_EQ(v.route, c.rule_id);
            } else {
                ASSERT_NE(v.refused, nullptr) << c.call.ToString();
                EXPECT_EQ(v.refused->id, c.rule_id);
            }
            covered.insert(c.rule_id);
        }
        for (const Rule &r : *f.rules) {
            if (r.kind == Rule::Kind::kCheck) EXPECT_TRUE(covered.count(r.id)) << "no case refused by " << r.id;
        }
    }
}

// A call the front-end accepts becomes an aclnn case its API's catalogue accepts on every rank,
// except the one the family keeps to show that reduce_op is the API's check, not torch_npu's.
TEST(FrontEnd, AcceptedCallsBecomeValidApiCases) {
    for (const Family &f : AllFamilies()) {
        for (const FrontEndCase &c : Cases(f)) {
            if (!c.valid) continue;
            const Dispatch d = *Evaluate(f, c.call).dispatch;
            ASSERT_NE(harness::FindBinding(d.target.op), nullptr) << d.target.op;
            EXPECT_EQ(harness::FindBinding(d.target.op)->api.api, d.api);
            for (int r = 0; r < d.target.world; ++r) {
                const Expectation e = Expect(d.target, r);
                const Arg *op = c.call.Find("reduce_op");
                if (op && std::get<std::string>(*op) == "max") {
                    EXPECT_EQ(e.outcome, Outcome::kStatus) << d.target.ToString();
                    EXPECT_EQ(e.status, 161002);
                } else {
                    EXPECT_EQ(e.outcome, Outcome::kSuccess) << d.target.ToString() << " " << e.rule_id;
                }
            }
        }
    }
}

TEST(FrontEnd, TorchNpuDispatchRoutesAndArguments) {
    const Family &f = *FindFamily("torch_npu");
    const std::vector<FrontEndCase> cases = Cases(f);
    // comm_quant_mode is not forwarded on the weight-quant path; antiquant_group_size is.
    const Call *wq = FindValid(cases, "tnpu.mmar.route.wq", "comm_quant_mode");
    ASSERT_NE(wq, nullptr);
    const Dispatch d = *Evaluate(f, *wq).dispatch;
    EXPECT_EQ(d.api, "aclnnWeightQuantMatmulAllReduce");
    EXPECT_EQ(d.target.params.count("comm_quant_mode"), 0u);
    EXPECT_EQ(std::get<int64_t>(d.target.Get(0, "stream_mode")), 1);
    const Call *grouped = FindValid(cases, "tnpu.mmar.route.wq", "antiquant_group_size");
    ASSERT_NE(grouped, nullptr);
    EXPECT_EQ(std::get<int64_t>(Evaluate(f, *grouped).dispatch->target.Get(0, "antiquant_group_size")), 32);
    // pertoken goes to V2 with the pertoken scale; comm scales to V3; neither to V1.
    const Call *pertoken = FindValid(cases, "tnpu.mmar.route.quant_v2");
    ASSERT_NE(pertoken, nullptr);
    const Dispatch v2 = *Evaluate(f, *pertoken).dispatch;
    EXPECT_EQ(v2.api, "aclnnQuantMatmulAllReduceV2");
    EXPECT_NE(v2.target.Tensor(0, "pertoken_scale"), nullptr);
    EXPECT_EQ(v2.target.Tensor(0, "output")->dtype, ACL_FLOAT16);
    ASSERT_NE(FindValid(cases, "tnpu.mmar.route.quant_v3"), nullptr);
    EXPECT_EQ(Evaluate(f, *FindValid(cases, "tnpu.mmar.route.quant_v3")).dispatch->api, "aclnnQuantMatmulAllReduceV3");
    // A bfloat16 dequant scale makes the output bfloat16; x3 makes the float path V2.
    const Call *v1 = FindValid(cases, "tnpu.mmar.route.quant_v1", "x3");
    ASSERT_NE(v1, nullptr);
    EXPECT_EQ(Evaluate(f, *v1).dispatch->target.Tensor(0, "output")->dtype, ACL_BF16);
    ASSERT_NE(FindValid(cases, "tnpu.mmar.route.mar_v2"), nullptr);
    // Dropping pertoken's dequant, one comm scale, or a fourth group size: refused, never dispatched.
    Call bad = *pertoken;
    bad.Set("dequant_scale", None{});
    EXPECT_EQ(Evaluate(f, bad).refused->id, "tnpu.mmar.pertoken.dequant");
    bad = *pertoken;
    bad.Set("group_sizes", std::vector<int64_t>{0, 0, 65536});
    EXPECT_EQ(Evaluate(f, bad).refused->id, "tnpu.mmar.group_sizes");
}

// fp8 / fp4 x1 → aclnnQuantMatmulAllReduceV4 (ops.md §2.6): the family's valid calls are all
// accepted, HiF8 in int8 tensors reaches V4 retyped by x1_dtype / x2_dtype with pertoken_scale as
// x1Scale, dequant_scale as x2Scale, y_dtype as the output, group_sizes packed, comm_quant_mode
// forwarded; the op-plugin's checks refuse torch float8 tensors with a dequant_scale and 2-D
// pertoken scales before the V4 branch.
TEST(FrontEnd, TorchNpuLowBitInputsRouteToV4) {
    const Family &f = *FindFamily("torch_npu");
    const std::vector<FrontEndCase> cases = Cases(f);
    size_t accepted = 0;
    for (const FrontEndCase &c : cases) accepted += c.valid ? 1 : 0;
    EXPECT_EQ(accepted, f.valid_calls().size()) << "a valid call of the family is refused";
    const Call *pertoken = FindValid(cases, "tnpu.mmar.route.quant_v4", "pertoken_scale");
    const Call *words = FindValid(cases, "tnpu.mmar.route.quant_v4", "comm_quant_mode");
    ASSERT_NE(pertoken, nullptr);
    ASSERT_NE(words, nullptr);
    const Dispatch d = *Evaluate(f, *pertoken).dispatch;
    EXPECT_EQ(d.api, "aclnnQuantMatmulAllReduceV4");
    EXPECT_EQ(d.target.platform, harness::Platform::kAscend950);
    EXPECT_EQ(d.target.Tensor(0, "x1")->dtype, ACL_HIFLOAT8);
    EXPECT_EQ(d.target.Tensor(0, "x2")->dtype, ACL_HIFLOAT8);
    EXPECT_EQ(d.target.Tensor(0, "x1_scale")->shape, (std::vector<int64_t>{16}));
    EXPECT_EQ(d.target.Tensor(0, "x2_scale")->dtype, ACL_FLOAT);
    EXPECT_EQ(d.target.Tensor(0, "output")->dtype, ACL_FLOAT16);
    EXPECT_EQ(d.tensor_args.at("pertoken_scale"), "x1_scale");
    EXPECT_EQ(d.tensor_args.at("dequant_scale"), "x2_scale");
    EXPECT_EQ(std::get<int64_t>(d.target.Get(0, "group_size")), 0);
    EXPECT_EQ(d.target.params.count("antiquant_group_size"), 0u);
    const Dispatch w = *Evaluate(f, *words).dispatch;
    EXPECT_EQ(w.target.Tensor(0, "x1_scale"), nullptr);
    EXPECT_EQ(w.target.Tensor(0, "x2_scale")->dtype, ACL_INT64);
    EXPECT_EQ(w.target.Tensor(0, "output")->dtype, ACL_BF16);
    EXPECT_EQ(std::get<int64_t>(w.target.Get(0, "comm_quant_mode")), 0);
    // group_sizes [m, n, k] = [128, 128, 128] → (128 << 32) + (128 << 16) + 128.
    Call grouped = *pertoken;
    grouped.Set("group_sizes", std::vector<int64_t>{128, 128, 128});
    EXPECT_EQ(std::get<int64_t>(Evaluate(f, grouped).dispatch->target.Get(0, "group_size")), 549764202624);
    // No y_dtype / no dequant_scale: refused before any aclnn call.
    Call bad = *pertoken;
    bad.Set("y_dtype", None{});
    EXPECT_EQ(Evaluate(f, bad).refused->id, "tnpu.mmar.low.y_dtype");
    bad = *words;
    bad.Set("dequant_scale", None{});
    EXPECT_EQ(Evaluate(f, bad).refused->id, "tnpu.mmar.low.dequant");
    // torch float8 tensors: the op-plugin's "both floating" check refuses the dequant_scale V4 needs.
    Call fp8 = *pertoken;
    fp8.Set("x1", Tensor(ACL_FLOAT8_E4M3FN, {16, 32}));
    fp8.Set("x2", Tensor(ACL_FLOAT8_E4M3FN, {32, 24}));
    fp8.Set("x1_dtype", None{});
    fp8.Set("x2_dtype", None{});
    fp8.Set("x3", None{});  // x3 must then be float8 (the output dtype check_params derives from x1)
    EXPECT_EQ(Evaluate(f, fp8).refused->id, "tnpu.mmar.float.quant_args");
    fp8.Set("dequant_scale", None{});
    fp8.Set("pertoken_scale", None{});
    EXPECT_EQ(Evaluate(f, fp8).refused->id, "tnpu.mmar.low.dequant");
    // MXFP4 with its E8M0 x1Scale [m, ceil(k/64), 2] as pertoken_scale: the pertoken checks refuse it.
    Call mx = *pertoken;
    mx.Set("x1_dtype", std::string("float4_e2m1"));
    mx.Set("x2_dtype", std::string("float4_e2m1"));
    mx.Set("pertoken_scale", Tensor(ACL_UINT8, {16, 1, 2}));
    EXPECT_EQ(Evaluate(f, mx).refused->id, "tnpu.mmar.pertoken.dim");
}

// MindSpeed's three routes (ops.md §6.2), out of place and in place: int8 × int8 reaches the quant
// AddRmsNorm API with dequant_scale, a floating x1 with an int8 x2 the weight-quant one with the
// antiquant tensors and antiquant_group_size; no route passes another route's scale.
TEST(FrontEnd, MindSpeedQuantAndWeightQuantRoutes) {
    const Family &f = *FindFamily("mindspeed");
    const std::vector<FrontEndCase> cases = Cases(f);
    std::map<std::string, std::set<std::string>> apis;  // route -> APIs reached
    for (const FrontEndCase &c : cases) {
        if (!c.valid) continue;
        const Dispatch d = *Evaluate(f, c.call).dispatch;
        apis[c.rule_id].insert(d.api);
        const bool in_place = c.call.function.back() == '_';
        EXPECT_EQ(d.returns.front(), in_place ? "residual" : "y") << c.call.ToString();
        EXPECT_EQ(d.target.params.count("y"), in_place ? 0u : 1u) << c.call.ToString();
        EXPECT_EQ(std::get<int64_t>(d.target.Get(0, "stream_mode")), 1);
        const bool quant = c.rule_id == "msp.arn.route.quant", wq = c.rule_id == "msp.arn.route.wq";
        EXPECT_EQ(d.target.params.count("dequant_scale"), quant ? 1u : 0u) << c.call.ToString();
        EXPECT_EQ(d.target.params.count("antiquant_scale"), wq ? 1u : 0u) << c.call.ToString();
        EXPECT_EQ(d.target.params.count("antiquant_group_size"), wq ? 1u : 0u) << c.call.ToString();
        if (quant) EXPECT_NE(d.target.Tensor(0, "dequant_scale"), nullptr) << c.call.ToString();
        if (wq && c.call.Find("antiquant_group_size") != nullptr) {
            EXPECT_EQ(std::get<int64_t>(d.target.Get(0, "antiquant_group_size")), c.call.I("antiquant_group_size"));
        }
    }
    EXPECT_EQ(apis["msp.arn.route.float"], (std::set<std::string>{"aclnnMatmulAllReduceAddRmsNorm",
                                                                   "aclnnInplaceMatmulAllReduceAddRmsNorm"}));
    EXPECT_EQ(apis["msp.arn.route.quant"], (std::set<std::string>{"aclnnQuantMatmulAllReduceAddRmsNorm",
                                                                   "aclnnInplaceQuantMatmulAllReduceAddRmsNorm"}));
    EXPECT_EQ(apis["msp.arn.route.wq"], (std::set<std::string>{"aclnnWeightQuantMatmulAllReduceAddRmsNorm",
                                                                "aclnnInplaceWeightQuantMatmulAllReduceAddRmsNorm"}));
    // The other side of the routes' checks, from the quantised calls themselves: an antiquant
    // scale beside int8 × int8, a dequant scale or an int32 weight beside a floating x1.
    const Call *quant = FindValid(cases, "msp.arn.route.quant");
    const Call *wq = FindValid(cases, "msp.arn.route.wq");
    ASSERT_NE(quant, nullptr);
    ASSERT_NE(wq, nullptr);
    Call bad = *quant;
    bad.Set("antiquant_offset", Tensor(ACL_FLOAT16, {24}));
    EXPECT_EQ(Evaluate(f, bad).refused->id, "msp.arn.quant.antiquant");
    bad = *wq;
    bad.Set("dequant_scale", Tensor(ACL_FLOAT, {24}));
    EXPECT_EQ(Evaluate(f, bad).refused->id, "msp.arn.wq.dequant");
    bad = *wq;
    bad.Set("x2", Tensor(ACL_INT32, {32, 24}));
    EXPECT_EQ(Evaluate(f, bad).refused->id, "msp.arn.wq.int8");
}

TEST(FrontEnd, MindSporeTransX2IsATransposedViewOfTheSameStorage) {
    const Family &f = *FindFamily("mindspore.ops.all_gather_matmul");
    for (const FrontEndCase &c : Cases(f)) {
        if (!c.valid || !c.call.B("trans_x2")) continue;
        const Dispatch d = *Evaluate(f, c.call).dispatch;
        const harness::TensorSpec &given = *c.call.T("x2");
        const harness::TensorSpec &api = *d.target.Tensor(0, "x2");
        EXPECT_EQ(api.shape, (std::vector<int64_t>{given.shape[1], given.shape[0]}));
        EXPECT_EQ(api.StorageShape(), given.shape);
        EXPECT_EQ(d.target.Tensor(0, "output")->shape[0], c.call.T("input")->shape[0] * c.call.world);
        return;
    }
    FAIL() << "no trans_x2 call";
}

}  // namespace
}  // namespace mc2::spec::front_end
