// tests/spec/multi_rule_test.cc — expectations for cases that break several rules (issue 12
// item 2) and the two profiles (expectation.h): the fuzzer findings that had a single expected
// answer, may-refuse-early rules, descriptors the runtime may refuse, and the vendor profile's
// undefined answers for the hardening rules.
#include <gtest/gtest.h>

#include <string>
#include <tuple>

#include "spec/catalogue.h"

namespace mc2::spec {
namespace {

harness::Case C(const std::string &text) {
    auto r = harness::ParseCase(text);
    EXPECT_TRUE(r.value) << r.error << "\n  in: " << text;
    return r.value.value_or(harness::Case{});
}

const std::string kV2 =
    "matmul_all_reduce_v2 platform=atlas_a2 world=4 x1=float16[32,64] x2=float16[64,20] bias=float16[20] "
    "x3=float16[32,20] group=comm reduce_op=\"sum\" comm_turn=0 stream_mode=1 output=float16[32,20] ";

bool HasAlternative(const Expectation &e, const std::string &rule, int32_t status) {
    for (const Answer &a : e.alternatives) {
        if (a.rule_id == rule && a.outcome == Outcome::kStatus && a.status == status) return true;
    }
    return false;
}

// The idiom of the fuzzer findings below: `text` on `rank` is decided by `rule`, and its answer
// admits `status` from the first phase (GetWorkspaceSize). A failure names what decided instead.
testing::AssertionResult DecidedBy(const std::string &text, const std::string &rule, int32_t status, int rank = 0) {
    const Expectation e = Expect(C(text), rank);
    if (e.rule_id != rule) return testing::AssertionFailure() << "decided by '" << e.rule_id << "', not '" << rule << "'";
    if (!e.AdmitsPrepareStatus(status)) return testing::AssertionFailure() << rule << " does not admit " << status;
    return testing::AssertionSuccess();
}
// Its control: `text` is decided by `rule`, whose answer does not admit `status`.
testing::AssertionResult DecidedWithout(const std::string &text, const std::string &rule, int32_t status) {
    const Expectation e = Expect(C(text), 0);
    if (e.rule_id != rule) return testing::AssertionFailure() << "decided by '" << e.rule_id << "', not '" << rule << "'";
    if (e.AdmitsPrepareStatus(status)) return testing::AssertionFailure() << rule << " admits " << status;
    return testing::AssertionSuccess();
}

// api_fuzzer -seed=7: an empty bias (tiling, inner error) with a group naming no communicator,
// which an implementation may refuse early (161002 from GetWorkspaceSize).
TEST(MultiRule, UnknownGroupMayRefuseEarlyBesideAnEmptyBias) {
    const Expectation e =
        Expect(C(kV2 + "x2=float16[32,0] bias=float16[0] x1=float16[32,32] x3=- output=float16[32,0] "
                       "group=\"J\\x9D\\x89\\xCE[\\x1B\""),
               0);
    EXPECT_EQ(e.rule_id, "mar.tiling.empty_bias");
    EXPECT_EQ(e.outcome, Outcome::kInnerError);
    EXPECT_TRUE(HasAlternative(e, "mar.runtime.unknown_group", 161002));
    EXPECT_TRUE(e.AdmitsPrepareStatus(161002));
    EXPECT_TRUE(e.AdmitsPrepareStatus(561002));
    EXPECT_FALSE(e.AdmitsPrepareStatus(161001));
    // Earlier in the order too: a null x1 decides, the early refusal stays admitted.
    const Expectation null_x1 = Expect(C(kV2 + "x1=- group=\"nosuch\""), 0);
    EXPECT_EQ(null_x1.rule_id, "mar.null.x1");
    EXPECT_TRUE(null_x1.AdmitsPrepareStatus(161001));
    EXPECT_TRUE(null_x1.AdmitsPrepareStatus(161002));
    // With a live group there is no such alternative.
    const Expectation alone = Expect(C(kV2 + "x1=-"), 0);
    EXPECT_TRUE(alone.alternatives.empty());
    EXPECT_FALSE(alone.AdmitsPrepareStatus(161002));
}

// api_fuzzer seeds 11-16: streamMode 0 (161002) with a 9-dim output that aclCreateTensor refuses:
// a caller passing the refusal's nullptr on gets the null-output answer (161001).
TEST(MultiRule, RefusedDescriptorAdmitsTheNullTensorAnswer) {
    const Expectation e = Expect(C(kV2 + "stream_mode=0 output=float16[28,26,23,3,36,40,9,2,4]"), 0);
    EXPECT_EQ(e.rule_id, "mar.attr.stream_mode");
    EXPECT_EQ(e.status, 161002);
    EXPECT_TRUE(HasAlternative(e, "mar.null.output", 161001));
    EXPECT_TRUE(e.AdmitsPrepareStatus(161001));
    EXPECT_TRUE(e.AdmitsFailure());
    // A refusable optional tensor: the null-bias case would succeed, which is no refusal and is
    // not admitted; the descriptor rule's own 161002|161001 is.
    const Expectation bias = Expect(C(kV2 + "bias=float16[1,1,1,1,1,1,1,1,20]"), 0);
    EXPECT_EQ(bias.rule_id, "mar.shape.descriptor");
    for (const Answer *a : bias.All()) EXPECT_NE(a->outcome, Outcome::kSuccess) << a->rule_id;
    // Without a refusable descriptor, streamMode 0 admits 161002 only.
    const Expectation plain = Expect(C(kV2 + "stream_mode=0"), 0);
    EXPECT_TRUE(plain.alternatives.empty());
    EXPECT_FALSE(plain.AdmitsPrepareStatus(161001));
}

// api_fuzzer campaign: a V4 commQuantScale1 of dtype 23 (no aclDataType) without its pair. The
// tiling rule decides (561xxx); refusing the unaddressable tensor first (161002) is admitted too,
// and nothing else is: no null-tensor answer, and no alternative at all without such a dtype.
TEST(MultiRule, TensorWithoutAnElementWidthMayBeRefusedAsInvalid) {
    const std::string v4 =
        "quant_matmul_all_reduce_v4 platform=atlas_a2 world=2 x1=int8[7,64] x2=int8[64,32] bias=int32[32] x3=- "
        "x1_scale=- x2_scale=uint64[32] comm_quant_scale_2=- group=comm reduce_op=\"sum\" comm_turn=0 "
        "stream_mode=1 group_size=0 comm_quant_mode=0 output=float16[7,32] ";
    const Expectation e = Expect(C(v4 + "comm_quant_scale_1=dt23[32]"), 0);
    EXPECT_EQ(e.outcome, Outcome::kInnerError) << e.rule_id;
    EXPECT_TRUE(e.AdmitsPrepareStatus(161002));
    EXPECT_FALSE(e.AdmitsPrepareStatus(161001));
    const Expectation known = Expect(C(v4 + "comm_quant_scale_1=float16[32]"), 0);
    EXPECT_EQ(known.rule_id, e.rule_id);
    EXPECT_FALSE(known.AdmitsPrepareStatus(161002));
}

// api_fuzzer fresh seed 6001: the same width-less dtype on a case the empty short-cut decides
// (success, ops.md §6.1 step 4). The operator may refuse the tensor where it checks dtypes, and
// the MC2 APIs check them in the tiling layer: 161002 and 561xxx are both admitted beside the
// short-cut's success; a null-tensor answer (161001) is not.
TEST(MultiRule, TensorWithoutAnElementWidthMayBeRefusedByTheTilingLayer) {
    const std::string arn =
        "inplace_weight_quant_matmul_all_reduce_add_rms_norm platform=atlas_a2 world=2 x1=bf16[8,64] "
        "x2=int8[64,32]s(1,64) bias=float16[32] antiquant_offset=- residual=bf16[8,1,32] gamma=bf16[32] "
        "epsilon=0.0625 group=comm reduce_op=\"sum\" comm_turn=4 stream_mode=1 antiquant_group_size=0 "
        "norm_out=bf16[8,1,32] seed=1 dist=cancel sched=0 ";
    const Expectation e = Expect(C(arn + "antiquant_scale=dt20[4294967296,2,9223372036854775807,0]"), 0);
    EXPECT_EQ(e.rule_id, "arn.empty.short_cut");
    EXPECT_EQ(e.outcome, Outcome::kSuccess);
    EXPECT_TRUE(e.AdmitsPrepareStatus(161002));
    EXPECT_TRUE(e.AdmitsPrepareStatus(561002));
    EXPECT_FALSE(e.AdmitsPrepareStatus(161001));
    // The same with the zero dim first (no count overflows before it, see the next test): still
    // both for the width-less dtype, and with a dtype that has a width the short-cut alone.
    const Expectation widthless = Expect(C(arn + "antiquant_scale=dt20[0,2,9223372036854775807,4294967296]"), 0);
    EXPECT_TRUE(widthless.AdmitsPrepareStatus(161002));
    EXPECT_TRUE(widthless.AdmitsPrepareStatus(561002));
    const Expectation known = Expect(C(arn + "antiquant_scale=bf16[0,2,9223372036854775807,4294967296]"), 0);
    EXPECT_EQ(known.rule_id, "arn.empty.short_cut");
    EXPECT_FALSE(known.AdmitsPrepareStatus(161002));
    EXPECT_FALSE(known.AdmitsPrepareStatus(561002));
}

// api_fuzzer fresh seed 8001: an empty gamma (a zero dim) whose dims before the zero overflow
// int64 when multiplied from the left, beside streamMode 0. Counted exactly it is empty, and the
// short-cut (ops.md §6.1 step 4) returns SUCCESS before streamMode; counted as the vendor's
// gert::Shape::GetShapeSize does (a checked product, invalid at the first overflow) it is not,
// and streamMode's 161002 follows. Both are admitted; with the zero first only the short-cut is.
TEST(MultiRule, EmptyTensorWhoseCountOverflowsFirstMayBeTakenForNonEmpty) {
    const std::string arn =
        "quant_matmul_all_reduce_add_rms_norm platform=atlas_a2 world=2 x1=int8[1,7,3,32] x2=int8[32,32]s(1,32) "
        "bias=int32[32] dequant_scale=bf16[1,32] residual=bf16[7,3,32] gamma=bf16[32] epsilon=1e-06 group=comm "
        "reduce_op=\"sum\" comm_turn=4 stream_mode=0 y=bf16[7,3,32] norm_out=bf16[7,3,32] seed=1 dist=exact sched=0 ";
    const Expectation e = Expect(C(arn + "gamma@0=bf16[23,4611686018427387904,7,31,7,15,0]"), 0);
    EXPECT_EQ(e.rule_id, "arn.empty.short_cut");
    EXPECT_EQ(e.outcome, Outcome::kSuccess);
    EXPECT_TRUE(e.AdmitsPrepareStatus(161002));
    // Counted as not empty, the gamma also ends past 2^64 bits: arn.shape.negative (session 16)
    // then decides that reading, with its 161001 for a runtime that refuses such a descriptor.
    EXPECT_TRUE(HasAlternative(e, "arn.shape.negative", 161002));
    EXPECT_FALSE(e.AdmitsPrepareStatus(561002));
    const Expectation zero_first = Expect(C(arn + "gamma@0=bf16[0,4611686018427387904,7,31,7,15,23]"), 0);
    EXPECT_EQ(zero_first.rule_id, "arn.empty.short_cut");
    EXPECT_FALSE(zero_first.AdmitsPrepareStatus(161002));
    EXPECT_TRUE(CountOverflowsBeforeZero(*C(arn + "gamma=bf16[4611686018427387904,4,0]").Tensor(0, "gamma")));
    EXPECT_FALSE(CountOverflowsBeforeZero(*C(arn + "gamma=bf16[4611686018427387904,0,4]").Tensor(0, "gamma")));
    EXPECT_FALSE(CountOverflowsBeforeZero(*C(arn + "gamma=bf16[4611686018427387904,4]").Tensor(0, "gamma")));
}

// The torch CPU adapter on session 14's quick gate: a (3, n) antiquantScale with
// antiquantGroupSize 0 (arn.tiling.wq_scale_shape, a tiling rule: 561xxx) beside a transposed x2,
// which makes the scale's layout one arn.shape.wq_group_layout refuses. That check is a hardening
// rule (the embedded WeightQuantMatmulAllReduce's op_api check, which runs before any tiling
// check): its 161002 is admitted beside the tiling rule's answer (spec/expectation.cc
// LaterOpApiHardeningRefusals). Without the layout break it is not.
TEST(MultiRule, OpApiLayoutCheckMayRefuseBeforeATilingRule) {
    const std::string arn =
        "inplace_weight_quant_matmul_all_reduce_add_rms_norm platform=atlas_a2 world=1 x1=float16[28,52] "
        "bias=- antiquant_scale=float16[3,11] antiquant_offset=float16[1,11] residual=float16[7,4,11] "
        "gamma=float16[11] epsilon=1e-06 group=comm reduce_op=\"sum\" comm_turn=0 stream_mode=1 "
        "antiquant_group_size=0 norm_out=float16[7,4,11] seed=1 dist=cancel sched=0 ";
    EXPECT_TRUE(DecidedBy(arn + "x2=int8[52,11]s(1,52)", "arn.tiling.wq_scale_shape", 561002));
    EXPECT_TRUE(DecidedBy(arn + "x2=int8[52,11]s(1,52)", "arn.tiling.wq_scale_shape", 161002));
    EXPECT_TRUE(DecidedWithout(arn + "x2=int8[52,11]", "arn.tiling.wq_scale_shape", 161002));
}

// The api_fuzzer campaign of session 15: a QuantMatmulAllReduceV4 output of [32, 4] with strides
// (2^62, 2^40), whose last element lies beyond 2^64 bytes, beside a null group. The spec had only
// the inner layer's group check (161001); the library refused the output as unaddressable
// (161002). qmar4.shape.negative (hardening, op_api) now covers a view that cannot be addressed.
TEST(MultiRule, UnaddressableViewIsRefusedBeforeTheInnerGroupCheck) {
    const std::string v4 =
        "quant_matmul_all_reduce_v4 platform=atlas_a2 world=1 x1=int8[32,64] x2=int8[64,4]s(1,64) bias=- x3=- "
        "x1_scale=- x2_scale=uint64[1]v(70369767636992) comm_quant_scale_1=- comm_quant_scale_2=float16[4] "
        "group=null reduce_op=\"sum\" comm_turn=1 stream_mode=1 group_size=0 comm_quant_mode=0 ";
    EXPECT_TRUE(DecidedBy(v4 + "output=float16[32,4]s(4611686018427387904,1099511627776)", "qmar4.shape.negative",
                          161002));
    // A dense output: the group check decides.
    EXPECT_TRUE(DecidedWithout(v4 + "output=float16[32,4]s(4,1)", "qmar4.inner.group_null", 161002));
}

// The api_fuzzer campaign of session 16: QuantMatmulAllReduceV4 (int8, both comm scales) where one
// rank's comm_quant_scale_1 is a stride-0 view, so all its elements read one value. The documents
// require the comm scales to be the same on every card and do not say what happens otherwise; the
// spec expected success and the built-in library failed every rank's handshake (561000).
// qmar4.xrank.comm_scales (and V3's qmar.xrank.comm_scales) leave such a case undefined. A layout
// that reads every element's own value (a stride of 2 over a larger storage) is no difference.
TEST(MultiRule, CommScalesThatMayDifferAcrossRanksLeaveTheAnswerUndefined) {
    const std::string v4 =
        "quant_matmul_all_reduce_v4 platform=atlas_a2 world=2 x1=int8[4,32] x2=int8[32,8] bias=- x3=- x1_scale=- "
        "x2_scale=int64[8]v(70369809530880,70369809530880,70369809530880,70369809530880,70369809530880,"
        "70369809530880,70369809530880,70369809530880) comm_quant_scale_1=float16[8] comm_quant_scale_2=float16[8] "
        "group=comm reduce_op=\"sum\" comm_turn=0 stream_mode=1 group_size=0 comm_quant_mode=0 output=float16[4,8] "
        "seed=1 dist=normal sched=0";
    const std::string v3 =
        "quant_matmul_all_reduce_v3 platform=atlas_a2 world=2 x1=int8[4,32] x2=int8[32,8] bias=- x3=- "
        "dequant_scale=float[8] pertoken_scale=float[4] comm_quant_scale_1=float16[8] comm_quant_scale_2=float16[8] "
        "group=comm reduce_op=\"sum\" comm_turn=0 stream_mode=1 output=float16[4,8] seed=1 dist=normal sched=0";
    for (const auto &[base, rule, dtype] : {std::tuple{v4, "qmar4.xrank.comm_scales", "float16"},
                                            std::tuple{v3, "qmar.xrank.comm_scales", "float16"}}) {
        const Expectation plain = Expect(C(base), 0);
        EXPECT_EQ(plain.outcome, Outcome::kSuccess) << plain.rule_id;
        for (int rank : {0, 1}) {
            const Expectation aliased = Expect(C(base + " comm_quant_scale_1@1=" + dtype + "[8]s(0)"), rank);
            EXPECT_EQ(aliased.rule_id, rule) << "rank " << rank;
            EXPECT_EQ(aliased.outcome, Outcome::kUndefined);
        }
        const Expectation spread = Expect(C(base + " comm_quant_scale_1@1=" + dtype + "[8]s(2)st(16)"), 0);
        EXPECT_EQ(spread.outcome, Outcome::kSuccess) << spread.rule_id;
        // Session 20's rule-feedback campaign: rank 0 passes neither comm scale, its peers both,
        // so the ranks choose different communication; the built-in library failed every rank's
        // all-reduce handshake (561000) where the spec expected success.
        for (int rank : {0, 1}) {
            const Expectation absent = Expect(C(base + " comm_quant_scale_1@0=- comm_quant_scale_2@0=-"), rank);
            EXPECT_EQ(absent.rule_id, rule) << "rank " << rank;
            EXPECT_EQ(absent.outcome, Outcome::kUndefined);
        }
        // Absent on every rank is no difference.
        const Expectation none = Expect(C(base + " comm_quant_scale_1=- comm_quant_scale_2=-"), 0);
        EXPECT_NE(none.rule_id, rule);
    }
}

// The coverage-only campaign of session 16: the same unaddressable view in QuantMatmulAllReduceV3
// (comm_quant_scale_1 of [2^62] float16 elements, beside a null group) and, by the same check in
// every matmul family's op_api, MatmulAllReduce's output: each family's *.shape.negative refuses it.
TEST(MultiRule, UnaddressableViewsAreRefusedInEveryMatmulFamily) {
    const std::string v3 =
        "quant_matmul_all_reduce_v3 platform=atlas_a2 world=1 x1=int8[5,6] x2=int8[6,4] bias=- x3=- "
        "dequant_scale=int64[1,4]v(70369809530880,70369809530880,70371923492864,70371955769344) pertoken_scale=- "
        "comm_quant_scale_2=float16[4] group=null reduce_op=\"sum\" comm_turn=0 stream_mode=1 output=float16[5,4] "
        "seed=65330 dist=uniform sched=0 ";
    EXPECT_TRUE(DecidedBy(v3 + "comm_quant_scale_1=float16[4611686018427387904]", "qmar.shape.negative", 161002));
    const Expectation fits = Expect(C(v3 + "comm_quant_scale_1=float16[4]"), 0);
    EXPECT_FALSE(fits.AdmitsPrepareStatus(161002)) << fits.rule_id;
    const std::string mar =
        "matmul_all_reduce platform=atlas_a2 world=1 x1=float16[16,32] x2=float16[32,24] bias=- group=null "
        "reduce_op=\"sum\" comm_turn=0 stream_mode=1 seed=1 dist=normal sched=0 ";
    EXPECT_TRUE(DecidedBy(mar + "output=float16[16,24]s(4611686018427387904,1)", "mar.shape.negative", 161002));
}

// The same demand in TransMatmulWeight (session 16): a float16 weight of 2^31 × 2^31 has 2^62
// elements, an element count that fits int64 and a storage shape that declares them all, yet its
// last byte lies past 2^64 bits. Only the "addressable" half of tmw.shape.storage refuses it; the
// spec expected success before. 2^20 × 2^20 is addressable and passes that rule.
TEST(MultiRule, TransMatmulWeightRefusesAnUnaddressableWeight) {
    const std::string tmw = "trans_matmul_weight platform=atlas_a2 world=1 seed=1 dist=uniform sched=0 ";
    EXPECT_TRUE(DecidedBy(tmw + "mm_weight_ref=float16[2147483648,2147483648]", "tmw.shape.storage", 161002));
    const Expectation big = Expect(C(tmw + "mm_weight_ref=float16[1048576,1048576]"), 0);
    EXPECT_EQ(big.outcome, Outcome::kSuccess) << big.rule_id;
}

// api_fuzzer campaign: an AllToAllVV2 rankSize of 65535 without an external communicator, beside
// a tensor-size violation. DistributedInitCheck may refuse a rankSize above the visible devices
// (ERROR_INVALID_PARAM, 1) before Setup's tensor checks; how many devices a machine shows is not
// the case's to say, so the refusal is admitted, and so is the tensor-size answer (9).
TEST(MultiRule, RankSizeAboveTheWorldMayBeRefusedBeforeSetup) {
    const std::string a2av =
        "all_to_all_vv2 platform=atlas_a2 world=1 x=bf16[16] send_counts=int64[1]v(14) sdispls=int64[1]v(1) "
        "recv_counts=int64[1]v(14) rdispls=int64[1]v(0) tensor_for_infer_shape=int8[14] output=bf16[1,14] rank=0 "
        "rank_root=0 backend=\"hccl\" hccl_comm=null comm_mode=1 rank_table_file=\"\" comm_domain=\"\" seed=1 "
        "dist=uniform sched=0 ";
    const Expectation big = Expect(C(a2av + "rank_size=65535 rdispls=double[65535,65535,2,9]"), 0);
    EXPECT_TRUE(big.AdmitsPrepareStatus(1)) << big.rule_id;
    EXPECT_TRUE(HasAlternative(big, "a2av.param.rank_size_devices", 1));
    // Within the world there is no such alternative.
    const Expectation small = Expect(C(a2av + "rank_size=1 rdispls=double[1]"), 0);
    EXPECT_FALSE(HasAlternative(small, "a2av.param.rank_size_devices", 1)) << small.rule_id;
}

// api_fuzzer campaign (2026-12-06, --strict): a negative x1 stride (qmar.shape.negative, this
// suite's hardening, at the shape stage) beside k == 0 (qmar.tiling.k_zero, documented). The
// library refused with the tiling rule's inner error first; the documents do not place the
// suite's demand before it, so that answer is admitted beside the hardening rule's 161002. Only
// the first documented rule after it is: where an empty output (qmar.empty.output) comes first,
// k_zero's answer is not an alternative.
TEST(MultiRule, HardeningRuleAdmitsTheFirstDocumentedRuleAfterIt) {
    const std::string qmar =
        "quant_matmul_all_reduce platform=atlas_a2 world=1 x1=int8[16,64] x2=int8[64,16] bias=int32[16] x3=- "
        "dequant_scale=uint64[1]v(70369801150463) group=comm reduce_op=\"sum\" comm_turn=0 stream_mode=1 "
        "output=float16[16,16] ";
    const harness::Case k_zero = C(qmar + "x1=int8[16,0]s(-1,1) x2=int8[0,16]");
    const Expectation e = Expect(k_zero, 0);
    EXPECT_EQ(e.rule_id, "qmar.shape.negative");
    EXPECT_EQ(e.level, Level::kHardening);
    EXPECT_EQ(e.status, 161002);
    EXPECT_TRUE(e.AdmitsPrepareStatus(161002));
    EXPECT_TRUE(e.AdmitsPrepareStatus(561002)) << "the tiling rule's inner error";
    ASSERT_EQ(e.alternatives.size(), 1u);
    EXPECT_EQ(e.alternatives[0].rule_id, "qmar.tiling.k_zero");
    EXPECT_EQ(e.alternatives[0].outcome, Outcome::kInnerError);
    // The vendor profile is unchanged: the hardening rule leaves the call undefined.
    EXPECT_EQ(Expect(k_zero, 0, Profile::kVendor).outcome, Outcome::kUndefined);
    // Without the documented rule, the hardening rule's answer alone (the offset covers the
    // step back: a view before its storage would admit the runtime's refusal as well).
    const Expectation alone = Expect(C(qmar + "x1=int8[16,64]s(-64,1)o(960)"), 0);
    EXPECT_EQ(alone.rule_id, "qmar.shape.negative");
    EXPECT_TRUE(alone.alternatives.empty());
    EXPECT_FALSE(alone.AdmitsPrepareStatus(561002));
    // Two documented rules after it: the first one's answer only.
    const Expectation two = Expect(C(qmar + "x1=int8[0,0]s(-1,1) x2=int8[0,16] output=float16[0,16]"), 0);
    EXPECT_EQ(two.rule_id, "qmar.shape.negative");
    ASSERT_EQ(two.alternatives.size(), 1u);
    EXPECT_EQ(two.alternatives[0].rule_id, "qmar.empty.output");
}

// The vendor profile: a broken hardening rule is undefined behaviour (any answer); documented
// rules before it still decide, and a peer's undefined call makes this rank's undefined too.
TEST(MultiRule, VendorProfileTreatsHardeningRulesAsUndefined) {
    const harness::Case storage = C(kV2 + "output=float16[32,20]st(639)");
    const Expectation strict = Expect(storage, 0);
    EXPECT_EQ(strict.rule_id, "mar.shape.storage");
    EXPECT_EQ(strict.level, Level::kHardening);
    EXPECT_EQ(strict.status, 161002);
    const Expectation vendor = Expect(storage, 0, Profile::kVendor);
    EXPECT_EQ(vendor.outcome, Outcome::kUndefined);
    EXPECT_EQ(vendor.rule_id, "mar.shape.storage");
    // A documented rule earlier in the order decides in both profiles.
    const harness::Case both = C(kV2 + "output=float16[32,20]st(639) stream_mode=0");
    EXPECT_EQ(Expect(both, 0, Profile::kVendor).rule_id, "mar.attr.stream_mode");
    EXPECT_EQ(Expect(both, 0, Profile::kVendor).outcome, Outcome::kStatus);
    // A null reduceOp comes first: undefined whatever follows.
    EXPECT_EQ(Expect(C(kV2 + "reduce_op=null x1=float[32,64]"), 0, Profile::kVendor).outcome, Outcome::kUndefined);
    EXPECT_EQ(Expect(C(kV2 + "reduce_op=null x1=float[32,64]"), 0).status, 161001);
    // Rank 1's x1 is strided: rank 0 expects a runtime error (strict) or anything (vendor).
    const harness::Case peer = C(kV2 + "x1@1=float16[32,64]s(70,1)");
    EXPECT_EQ(Expect(peer, 0).rule_id, "mar.xrank.peer_failed");
    EXPECT_EQ(Expect(peer, 0, Profile::kVendor).outcome, Outcome::kUndefined);
    // Documented rules alone: both profiles agree.
    const harness::Case documented = C(kV2 + "stream_mode@1=0");
    EXPECT_EQ(Expect(documented, 0, Profile::kVendor).rule_id, "mar.xrank.peer_failed");
    EXPECT_EQ(Expect(documented, 1, Profile::kVendor).rule_id, "mar.attr.stream_mode");
}

// A documented empty-tensor short-cut and this suite's layout hardening: the documents place the
// short-cut and not the suite's check, so whichever the table lists first, the other's answer is
// admitted (spec/expectation.cc NextDocumentedAnswer, HardeningRefusalsBeforeTheShortCut).
// AllGatherMatmul lists its short-cut (op_api step 6) before its shape rules (step 7): an empty
// x1 beside an unaddressable x2 takes the short-cut and admits agm.shape.negative's refusal too.
// Not past a documented shape check the case breaks after the short-cut (a 3-D x1): a library
// reaching that check is past the short-cut, and later predicates may assume it passed.
TEST(MultiRule, ShortCutAdmitsTheLayoutRefusalsPlacedAfterIt) {
    const std::string agm =
        "all_gather_matmul platform=atlas_a2 world=2 bias=- group=comm gather_index=0 comm_turn=0 stream_mode=1 "
        "output=float16[0,16] gather_out=float16[0,256] x2=float16[256,16]s(4611686018427387904,1) ";
    EXPECT_TRUE(DecidedBy(agm + "x1=float16[0,256]", "agm.empty.m_zero", 161002));
    EXPECT_TRUE(DecidedBy(agm + "x1=float16[0,256]", "agm.empty.m_zero", 161002, 1));
    EXPECT_TRUE(Expect(C(agm + "x1=float16[0,256]"), 0, Profile::kVendor).AdmitsPrepareStatus(161002));
    // A 3-D empty x1 takes the short-cut too, but agm.shape.x1_rank (documented) stops the scan.
    EXPECT_TRUE(DecidedWithout(agm + "x1=float16[0,256,1]", "agm.empty.m_zero", 161002));
    // A dense x2: nothing to refuse.
    EXPECT_TRUE(DecidedWithout(
        "all_gather_matmul platform=atlas_a2 world=2 bias=- group=comm gather_index=0 comm_turn=0 stream_mode=1 "
        "output=float16[0,16] gather_out=float16[0,256] x2=float16[256,16] x1=float16[0,256]",
        "agm.empty.m_zero", 161002));
}

// The mirror: AddRmsNorm lists its layout rule (op_api step 2) before its empty-tensor short-cut
// (step 4). Session 17's fresh seed 17002 — a residual past 2^64 bits beside an empty gamma — is
// decided by arn.shape.negative under the strict profile, and the short-cut's SUCCESS, writing
// nothing, is admitted beside it. A negative dim makes no empty tensor (spec::EmptyView): there
// the short-cut is not admitted.
TEST(MultiRule, LayoutRefusalPlacedBeforeAShortCutAdmitsTheShortCut) {
    const std::string arn =
        "matmul_all_reduce_add_rms_norm platform=atlas_a2 world=1 x1=float16[16,64] x2=float16[64,16] bias=- "
        "epsilon=1e-06 group=comm reduce_op=\"sum\" comm_turn=0 stream_mode=1 y=float16[2,8,16] "
        "norm_out=float16[2,8,16] ";
    auto short_cut_admitted = [](const Expectation &e) {
        for (const Answer *a : e.All()) {
            if (a->rule_id == "arn.empty.short_cut" && a->outcome == Outcome::kSuccess && a->writes_nothing) return true;
        }
        return false;
    };
    const Expectation found = Expect(C(arn + "residual=float16[2,8,16]s(4611686018427387904,16,1) gamma=float16[0]"), 0);
    EXPECT_EQ(found.rule_id, "arn.shape.negative");
    EXPECT_TRUE(found.AdmitsPrepareStatus(161002));
    EXPECT_TRUE(short_cut_admitted(found));
    // Without the empty gamma, only the refusal.
    const Expectation whole = Expect(C(arn + "residual=float16[2,8,16]s(4611686018427387904,16,1) gamma=float16[16]"), 0);
    EXPECT_EQ(whole.rule_id, "arn.shape.negative");
    EXPECT_FALSE(short_cut_admitted(whole));
    // A negative dim is no empty tensor.
    const Expectation negative = Expect(C(arn + "residual=float16[2,-8,16] gamma=float16[16]"), 0);
    EXPECT_EQ(negative.rule_id, "arn.shape.negative");
    EXPECT_FALSE(short_cut_admitted(negative));
}

}  // namespace
}  // namespace mc2::spec
