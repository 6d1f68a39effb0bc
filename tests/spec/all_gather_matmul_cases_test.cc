// tests/spec/all_gather_matmul_cases_test.cc — the AllGatherMatmul catalogue on explicit cases
// from the document and CANN's op-api unit test (spec-notes/ops.md §5.1), written as
// descriptors, with the expected rule and code: the vendor's check order, the empty-x1
// short-cut, the tiling layer and the cross-rank consequences.
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

// World 2 on Atlas A2: x1 (16, 256), x2 (256, 16), output (32, 16), gather_out (32, 256), then
// `extra` key=value pairs that replace the defaults (later keys win in the parser).
std::string Agm(const std::string &extra, const std::string &prefix = "all_gather_matmul platform=atlas_a2 world=2") {
    return prefix + " x1=float16[16,256] x2=float16[256,16] bias=- group=comm gather_index=0 comm_turn=0 " +
           "stream_mode=1 output=float16[32,16] gather_out=float16[32,256] " + extra;
}

void ExpectRule(const std::string &text, const std::string &rule, Outcome outcome, int32_t status = 0,
                int rank = 0) {
    const Expectation e = Expect(C(text), rank);
    EXPECT_EQ(e.rule_id, rule) << text;
    EXPECT_EQ(e.outcome, outcome) << text;
    if (outcome == Outcome::kStatus) EXPECT_EQ(e.status, status) << text;
}

TEST(AllGatherMatmulCases, DocExampleAndBasicsSucceed) {
    // The document's example: 8 ranks, x1 (128, 256), x2 (256, 512), no bias.
    EXPECT_TRUE(ExpectSuccessEverywhere(C(
        "all_gather_matmul platform=atlas_a2 world=8 x1=float16[128,256] x2=float16[256,512] bias=- group=comm "
        "gather_index=0 comm_turn=0 stream_mode=1 output=float16[1024,512] gather_out=float16[1024,256]")));
    EXPECT_TRUE(ExpectSuccessEverywhere(C(Agm(""))));
    EXPECT_TRUE(ExpectSuccessEverywhere(C(Agm("x2=bf16[256,16]s(1,256) x1=bf16[16,256] output=bf16[32,16] "
                                              "gather_out=-"))));
    EXPECT_TRUE(ExpectSuccessEverywhere(C(Agm("gather_out=float16[0]"))));
    EXPECT_TRUE(ExpectSuccessEverywhere(C(Agm("x2=float16[256,0] output=float16[32,0]"))));  // n = 0
    EXPECT_TRUE(ExpectSuccessEverywhere(C(Agm("x1=float16[16,65534] x2=float16[65534,16] gather_out=-"))));
}

TEST(AllGatherMatmulCases, VendorUnitTestCalls) {
    // (16,256)x(256,16), bias (32), commTurn 8, output (16,16): the op_api passes it (its unit
    // test), the tiling layer refuses commTurn 8 (before the rows); with commTurn 0 and rows
    // m·R it succeeds, the bias of 32 for n = 16 included.
    ExpectRule(Agm("bias=float16[32] comm_turn=8 output=float16[16,16] gather_out=float16[16,256]"),
               "agm.tiling.comm_turn", Outcome::kInnerError);
    EXPECT_TRUE(ExpectSuccessEverywhere(C(Agm("bias=float16[32]"))));
    EXPECT_TRUE(ExpectSuccessEverywhere(C(Agm("bias=float16[256]"))));
    // x1 (0, 256): SUCCESS before the group, the rows and commTurn are looked at.
    ExpectRule(Agm("x1=float16[0,256] group=\"test_all_gather_group\" comm_turn=8 output=float16[0,16] "
                   "gather_out=float16[0,256] bias=float16[32]"),
               "agm.empty.m_zero", Outcome::kSuccess);
    // (16,16)x(16,16) and (16,32) with gatherOut (0): k below 256.
    ExpectRule(Agm("x1=float16[16,16] x2=float16[16,16] gather_out=float16[32,16]"), "agm.shape.k_range",
               Outcome::kStatus, 161002);
    ExpectRule(Agm("x1=float16[16,32] x2=float16[32,16] gather_out=float16[0]"), "agm.shape.k_range",
               Outcome::kStatus, 161002);
}

TEST(AllGatherMatmulCases, CheckOrder) {
    ExpectRule(Agm("x1=float32[16,256] output=-"), "agm.null.output", Outcome::kStatus, 161001);
    ExpectRule(Agm("x1=float32[16,256] stream_mode=0"), "agm.dtype.x1", Outcome::kStatus, 161002);
    ExpectRule(Agm("stream_mode=0 x1=float16[0,0] x2=float16[0,16]"), "agm.attr.stream_mode", Outcome::kStatus,
               161002);
    // k = 0 before the empty short-cut; the short-cut before every shape rule.
    ExpectRule(Agm("x1=float16[0,0] x2=float16[0,16]"), "agm.shape.k_zero", Outcome::kStatus, 161002);
    ExpectRule(Agm("x1=float16[0,16] x2=float16[7,3]"), "agm.empty.m_zero", Outcome::kSuccess);
    // Shapes: k equality, then gatherOut's k, then the k range, then n.
    ExpectRule(Agm("x1=float16[16,255] gather_out=float16[32,7]"), "agm.shape.k", Outcome::kStatus, 161002);
    ExpectRule(Agm("x1=float16[16,255] x2=float16[255,16]"), "agm.shape.gather_out_k", Outcome::kStatus, 161002);
    ExpectRule(Agm("x1=float16[16,255] x2=float16[255,16] gather_out=- output=float16[32,9]"), "agm.shape.k_range",
               Outcome::kStatus, 161002);
    ExpectRule(Agm("x1=float16[16,256]s(1,16)"), "agm.shape.x1_transposed", Outcome::kStatus, 161002);
    // The inner layer, then the tiling layer in the vendor's order.
    ExpectRule(Agm("group=null gather_index=1"), "agm.inner.group_null", Outcome::kStatus, 161001);
    ExpectRule(Agm("gather_index=1 comm_turn=1 output=float16[16,16]"), "agm.tiling.gather_index",
               Outcome::kInnerError);
    ExpectRule(Agm("output=float16[16,16]"), "agm.tiling.output_rows", Outcome::kInnerError);
    ExpectRule(Agm("gather_out=float16[16,256]"), "agm.tiling.gather_out_rows", Outcome::kInnerError);
    ExpectRule(Agm("output=float16[48,16] gather_out=float16[48,256]", "all_gather_matmul platform=atlas_a2 world=3"),
               "agm.tiling.world_size_a2", Outcome::kInnerError);
    EXPECT_TRUE(ExpectSuccessEverywhere(C(Agm("output=float16[256,16] gather_out=float16[256,256]",
                                              "all_gather_matmul platform=ascend_950 world=16"))));
    // An unknown group: a runtime error (or a tiling refusal); 161002 is admitted whatever else
    // the case breaks.
    const Expectation unknown = Expect(C(Agm("group=\"nope\"")), 0);
    EXPECT_EQ(unknown.rule_id, "agm.runtime.unknown_group");
    EXPECT_EQ(unknown.outcome, Outcome::kRuntimeError);
    EXPECT_TRUE(unknown.AdmitsPrepareStatus(161002));
    const Expectation both = Expect(C(Agm("group=\"nope\" gather_index=1")), 0);
    EXPECT_EQ(both.rule_id, "agm.tiling.gather_index");
    EXPECT_TRUE(both.AdmitsPrepareStatus(161002));
}

TEST(AllGatherMatmulCases, CrossRankConsequences) {
    // Rank 1 passes another m: every rank fails at run time (the handshake).
    const std::string mismatch = Agm("x1@1=float16[8,256] output@1=float16[16,16] gather_out@1=float16[16,256]");
    ExpectRule(mismatch, "agm.xrank.mismatch", Outcome::kRuntimeError, 0, 0);
    // Rank 1 takes the empty short-cut: it succeeds, rank 0 waits for it in vain.
    const std::string empty = Agm("x1@1=float16[0,256] output@1=float16[0,16] gather_out@1=float16[0,256]");
    ExpectRule(empty, "agm.xrank.peer_failed", Outcome::kRuntimeError, 0, 0);
    ExpectRule(empty, "agm.empty.m_zero", Outcome::kSuccess, 0, 1);
    // x2's layout, bias and gatherOut may differ per rank.
    EXPECT_TRUE(ExpectSuccessEverywhere(C(Agm("x2@1=float16[256,16]s(1,256) bias@1=float16[16] gather_out@1=-"))));
}

}  // namespace
}  // namespace mc2::spec
