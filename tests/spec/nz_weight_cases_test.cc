// tests/spec/nz_weight_cases_test.cc — explicit FRACTAL_NZ x2 cases of WeightQuantMatmulAllReduce
// and QuantMatmulAllReduce V1–V3, written as descriptors, with the rule and outcome the spec must
// give (ops.md §1.4: NZ iff format FRACTAL_NZ and 4-D storage; §1.5 rows 11–16; §2.2, §2.3 op_api
// step 4: an NZ x2 ends the shape checks after x1's rank; §8.3).
#include <gtest/gtest.h>

#include <string>

#include "spec/catalogue.h"

namespace mc2::spec {
namespace {

harness::Case C(const std::string &text) {
    auto r = harness::ParseCase(text);
    EXPECT_TRUE(r.value) << r.error << "\n  in: " << text;
    return r.value.value_or(harness::Case{});
}

// 40 x 40 INT8 in NZ: (ceil(40/32), ceil(40/16), 16, 32) = (2, 3, 16, 32).
const std::string kNz = "x2=int8[40,40]f(fractal_nz)st(2,3,16,32) ";

// WeightQuant on Atlas A2, one rank, per-channel fp16 scale, k = n = 40; `extra` replaces keys.
std::string Wq(const std::string &extra) {
    return "weight_quant_matmul_all_reduce platform=atlas_a2 world=1 x1=float16[8,40] x2=int8[40,40] bias=- "
           "antiquant_scale=float16[40] antiquant_offset=- x3=- group=comm reduce_op=\"sum\" comm_turn=0 "
           "stream_mode=1 antiquant_group_size=0 output=float16[8,40] " + extra;
}
// QuantMatmulAllReduce `op` on Atlas A2, one rank, bf16 scale and output, k = n = 40.
std::string Q(const std::string &op, const std::string &extra) {
    std::string s = op + " platform=atlas_a2 world=1 x1=int8[8,40] x2=int8[40,40] bias=- x3=- dequant_scale=bf16[40] ";
    if (op != "quant_matmul_all_reduce") s += "pertoken_scale=- ";
    if (op == "quant_matmul_all_reduce_v3") s += "comm_quant_scale_1=- comm_quant_scale_2=- ";
    return s + "group=comm reduce_op=\"sum\" comm_turn=0 stream_mode=1 output=bf16[8,40] " + extra;
}

void ExpectSuccess(const std::string &text) {
    const Expectation e = Expect(C(text), 0);
    EXPECT_EQ(e.outcome, Outcome::kSuccess) << text << " → " << e.rule_id;
}
void ExpectRule(const std::string &text, const std::string &rule, Outcome outcome, int32_t status = 0) {
    const Expectation e = Expect(C(text), 0);
    EXPECT_EQ(e.rule_id, rule) << text;
    EXPECT_EQ(e.outcome, outcome) << text;
    if (outcome == Outcome::kStatus) EXPECT_EQ(e.status, status) << text;
}

TEST(NzWeightCases, WeightQuantAcceptsAnInt8NzWeightWithPerChannelScales) {
    ExpectSuccess(Wq(kNz));
    ExpectSuccess(Wq(kNz + "antiquant_scale=float16[1,40] antiquant_offset=float16[1,40]"));
    // A FRACTAL_NZ label without a 4-D storage is no weight-NZ: read as ND (§1.4).
    ExpectSuccess(Wq("x2=int8[40,40]f(fractal_nz)"));
}

TEST(NzWeightCases, WeightQuantSkippedShapeChecksBecomeInnerErrors) {
    // k mismatch: 161002 with an ND x2, an inner error with an NZ one (the op_api skipped it).
    ExpectRule(Wq("x1=float16[8,48]"), "wqmar.shape.k", Outcome::kStatus, 161002);
    ExpectRule(Wq(kNz + "x1=float16[8,48]"), "wqmar.nz.shapes", Outcome::kInnerError);
    ExpectRule(Wq(kNz + "output=float16[8,41]"), "wqmar.nz.shapes", Outcome::kInnerError);
    ExpectRule(Wq(kNz + "bias=float16[39]"), "wqmar.nz.shapes", Outcome::kInnerError);
    ExpectRule(Wq(kNz + "antiquant_scale=float16[41]"), "wqmar.nz.shapes", Outcome::kInnerError);
    // x1's rank is checked before the short-cut.
    ExpectRule(Wq(kNz + "x1=float16[40]"), "wqmar.shape.x1_rank", Outcome::kStatus, 161002);
}

TEST(NzWeightCases, WeightQuantNzRefusals) {
    ExpectRule(Wq("x2=int4[40,40]f(fractal_nz)st(2,3,16,32)"), "wqmar.nz.int4", Outcome::kInnerError);
    ExpectRule(Wq(kNz + "antiquant_scale=float16[1]"), "wqmar.nz.per_channel", Outcome::kInnerError);
    ExpectRule(Wq(kNz + "antiquant_scale=float16[2,40] antiquant_group_size=32"), "wqmar.nz.per_channel",
               Outcome::kInnerError);
    ExpectRule(Wq("x2=int8[40,40]f(fractal_nz)st(3,2,16,32)"), "wqmar.nz.storage", Outcome::kInnerError);
    ExpectRule(Wq("x2=int8[40,40]f(fractal_nz)st(2,4,16,32)"), "wqmar.nz.storage", Outcome::kInnerError);
}

TEST(NzWeightCases, QuantAcceptsAnNzWeightInEveryVersion) {
    for (const std::string op : {"quant_matmul_all_reduce", "quant_matmul_all_reduce_v2", "quant_matmul_all_reduce_v3"}) {
        ExpectSuccess(Q(op, kNz));
        ExpectRule(Q(op, "x1=int8[8,48]"), "qmar.shape.k", Outcome::kStatus, 161002);
        ExpectRule(Q(op, kNz + "x1=int8[8,48]"), "qmar.nz.shapes", Outcome::kInnerError);
        ExpectRule(Q(op, kNz + "dequant_scale=bf16[41]"), "qmar.nz.shapes", Outcome::kInnerError);
        ExpectRule(Q(op, "x2=int8[40,40]f(fractal_nz)st(3,2,16,32)"), "qmar.nz.storage", Outcome::kInnerError);
    }
    // V2's pertoken and V3's comm-scale shapes are skipped too.
    ExpectRule(Q("quant_matmul_all_reduce_v2", kNz + "pertoken_scale=float[7]"), "qmar.nz.shapes", Outcome::kInnerError);
    ExpectRule(Q("quant_matmul_all_reduce_v3", kNz + "comm_quant_scale_1=bf16[40] comm_quant_scale_2=bf16[39]"),
               "qmar.nz.shapes", Outcome::kInnerError);
}

}  // namespace
}  // namespace mc2::spec
