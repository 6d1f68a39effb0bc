// tests/spec/vendor_op_api_calls_test.cc — the vendor's own op_api unit-test calls of the H
// mirror (hicann/ops-transformer c29bc10, ops.md §0 "H"), replayed against the catalogue:
//   mc2/matmul_all_reduce/tests/ut/op_host/op_api/test_aclnn_matmul_all_reduce.cpp (20 calls),
//   mc2/matmul_all_reduce_add_rms_norm/tests/ut/op_host/op_api/test_aclnn_matmul_all_reduce_add_rms_norm.cpp (6),
//   mc2/inplace_matmul_all_reduce_add_rms_norm/tests/ut/op_host/op_api/test_aclnn_inplace_matmul_all_reduce_add_rms_norm.cpp (2),
//   mc2/all_gather_matmul/tests/ut/op_host/op_api/test_aclnn_all_gather_matmul.cpp (7).
// Facts only (shapes, dtypes, arguments, the expected status), written as descriptors.
//
// Why a second replay beside documented_cases_test.cc's: that one holds the Y versions (CSV
// tables); H and Y disagree on some calls (H expects 161002 for MatmulAllReduce with x1 (0, 32),
// Y expects SUCCESS: ops.md §8.3 "MatmulAllReduce M = 0"). A library built from either version
// does what its vendor documents, so the catalogue must admit both answers at conformance level
// (the vendor profile). What "admit" means is the same as there: these tests stub the generated
// inner layer (ops.md §1.2), so a SUCCESS expectation means "the op_api checks pass" — success, a
// tiling refusal (561xxx) or a failure at execution are all consistent with it —, and
// PARAM_INVALID / PARAM_NULLPTR mean GetWorkspaceSize's status. The vendor's group is stubbed
// (its name, e.g. "test_group", names no communicator in the test), so the replay passes a live
// one: world 1, group `comm`. Replaying the literal name would make every call admit 161002
// through the unknown-group rule (a library may refuse an unknown group early), and the
// PARAM_INVALID rows would prove nothing.
#include <gtest/gtest.h>

#include <iterator>
#include <string>

#include "spec/catalogue.h"

namespace mc2::spec {
namespace {

harness::Case C(const std::string &text) {
    auto r = harness::ParseCase(text);
    EXPECT_TRUE(r.value) << r.error << "\n  in: " << text;
    return r.value.value_or(harness::Case{});
}

enum class Ut { kSuccess, kParamInvalid, kParamNullptr };

struct Call {
    const char *name;  // the vendor test's name (TEST_F's second argument, prefix dropped)
    const char *args;  // key=value pairs replacing the family's defaults (later keys win)
    Ut want;
};

// Whether some admitted answer lets GetWorkspaceSize's op_api checks pass.
bool AdmitsOpApiPass(const Expectation &e) {
    for (const Answer *a : e.All()) {
        if (a->outcome != Outcome::kStatus || a->inner_error_accepted) return true;
    }
    return false;
}

// Replays `calls` of one API, `defaults` first. Returns how many calls were replayed, so that a
// table emptied by mistake fails its test.
size_t Replay(const std::string &defaults, const Call *calls, size_t count) {
    for (size_t i = 0; i < count; ++i) {
        const Call &u = calls[i];
        const std::string text = defaults + " " + u.args;
        const harness::Case c = C(text);
        // The vendor profile is the conformance verdict; strict adds hardening rules that may
        // refuse more, never admit less of the documented answers of a valid call — so only the
        // vendor profile must admit the vendor's answer, and neither may call it undefined.
        const Expectation e = Expect(c, 0, Profile::kVendor);
        const std::string where = std::string(u.name) + ": " + text + " -> " + e.rule_id;
        switch (u.want) {
            case Ut::kSuccess: EXPECT_TRUE(AdmitsOpApiPass(e)) << where; break;
            case Ut::kParamInvalid: EXPECT_TRUE(e.AdmitsPrepareStatus(161002)) << where; break;
            case Ut::kParamNullptr: EXPECT_TRUE(e.AdmitsPrepareStatus(161001)) << where; break;
        }
        EXPECT_NE(e.outcome, Outcome::kUndefined) << where;
        EXPECT_NE(Expect(c, 0, Profile::kStrict).outcome, Outcome::kUndefined) << where << " (strict)";
    }
    return count;
}

// ---- aclnnMatmulAllReduce: INPUT(x1, x2, bias, group, "sum", commTurn 8, streamMode 1) ----
const char kMar[] =
    "matmul_all_reduce platform=atlas_a2 world=1 x1=float16[16,32] x2=float16[32,16] bias=float16[16] "
    "group=comm reduce_op=\"sum\" comm_turn=8 stream_mode=1 output=float16[16,16] seed=1 dist=normal sched=0";

const Call kMarCalls[] = {
    {"first_api", "", Ut::kSuccess},
    {"empty_K", "x1=float16[16,0] x2=float16[0,16]", Ut::kSuccess},
    // H expects 161002 here; Y's CSV expects SUCCESS for the same call (documented_cases_test).
    {"empty_M", "x1=float16[0,32] output=float16[0,16]", Ut::kParamInvalid},
    {"null_x1", "x1=-", Ut::kParamNullptr},
    {"null_x2", "x2=-", Ut::kParamNullptr},
    {"null_output", "output=-", Ut::kParamNullptr},
    {"wrong_reduce_op", "reduce_op=\"max\"", Ut::kParamInvalid},
    {"wrong_stream_mode", "stream_mode=0", Ut::kParamInvalid},
    {"wrong_shape_x1", "x1=float16[16,32,1]", Ut::kParamInvalid},
    {"wrong_shape_x2", "x2=float16[32,16,1]", Ut::kParamInvalid},
    {"wrong_shape_x1_x2", "x2=float16[16,16]", Ut::kParamInvalid},
    {"wrong_shape_x1_output", "x1=float16[32,32]", Ut::kParamInvalid},
    {"wrong_shape_x2_output", "x2=float16[32,32]", Ut::kParamInvalid},
    {"wrong_shape_bias_output", "bias=float16[32]", Ut::kParamInvalid},
    {"wrong_dtype_x1_x2", "x1=float[16,32] x2=float16[16,16]", Ut::kParamInvalid},
    {"wrong_dtype_x1_x2_2", "x1=bf16[16,32] x2=float16[16,16]", Ut::kParamInvalid},
    {"wrong_dtype_x1_output", "x2=float16[16,16] output=bf16[16,16]", Ut::kParamInvalid},
    {"wrong_dtype_bias_x1", "x2=float16[16,16] bias=bf16[16]", Ut::kParamInvalid},
    {"success", "x1=float16[1,32] x2=float16[32,256] bias=float16[256] output=float16[1,256]", Ut::kSuccess},
    {"success_no_cube",
     "x1=float16[128,8192] x2=float16[8192,11296] bias=float16[11296] output=float16[128,11296]", Ut::kSuccess},
};

// ---- aclnnMatmulAllReduceAddRmsNorm: INPUT(x1, x2, bias, residual, gamma, 1e-6, group,
//      "sum", 8, 1), OUTPUT(y, normOut) ----
const char kArn[] =
    "matmul_all_reduce_add_rms_norm platform=atlas_a2 world=1 x1=float16[16,32] x2=float16[32,16] bias=float16[16] "
    "residual=float16[1,16,16] gamma=float16[16] epsilon=1e-06 group=comm reduce_op=\"sum\" comm_turn=8 "
    "stream_mode=1 y=float16[1,16,16] norm_out=float16[1,16,16] seed=1 dist=normal sched=0";

const Call kArnCalls[] = {
    {"first_api", "", Ut::kSuccess},
    // The AddRmsNorm empty short-cut: SUCCESS with workspace 0 (ops.md §6.1 step 4).
    {"empty_M", "x1=float16[0,32] residual=float16[1,0,16] y=float16[1,0,16] norm_out=float16[1,0,16]", Ut::kSuccess},
    {"empty_K", "x1=float16[16,0] x2=float16[0,16]", Ut::kParamInvalid},
    {"empty_N",
     "x2=float16[32,0] bias=float16[0] residual=float16[1,16,0] gamma=float16[0] y=float16[1,16,0] "
     "norm_out=float16[1,16,0]",
     Ut::kSuccess},
    {"wrong_k", "x2=float16[30,16]", Ut::kParamInvalid},
    {"wrong_n", "residual=float16[1,16,32]", Ut::kParamInvalid},
};

// ---- aclnnInplaceMatmulAllReduceAddRmsNorm: as above without y (y = residual) ----
const char kInplaceArn[] =
    "inplace_matmul_all_reduce_add_rms_norm platform=atlas_a2 world=1 x1=float16[16,32] x2=float16[32,16] "
    "bias=float16[16] residual=float16[1,16,16] gamma=float16[16] epsilon=1e-06 group=comm "
    "reduce_op=\"sum\" comm_turn=8 stream_mode=1 norm_out=float16[1,16,16] seed=1 dist=normal sched=0";

const Call kInplaceArnCalls[] = {
    {"first_api", "", Ut::kSuccess},
    {"wrong_stream_mode", "stream_mode=0", Ut::kParamInvalid},
};

// ---- aclnnAllGatherMatmul: INPUT(x1, x2, bias, group, gatherIndex 0,
//      commTurn 8, streamMode 1), OUTPUT(output, gatherOut). The output row count (m · world) is
//      not checked in op_api (ops.md §8.3); a bias is only logged as unsupported (§8.2). ----
const char kAgm[] =
    "all_gather_matmul platform=atlas_a2 world=1 x1=float16[16,256] x2=float16[256,16] bias=float16[32] "
    "group=comm gather_index=0 comm_turn=8 stream_mode=1 output=float16[16,16] "
    "gather_out=float16[16,256] seed=1 dist=normal sched=0";

const Call kAgmCalls[] = {
    {"first_api", "", Ut::kSuccess},
    {"first_api_2", "x1=float16[0,256] output=float16[0,16] gather_out=float16[0,256]", Ut::kSuccess},
    {"first_api_3",
     "x1=float16[1,256] x2=float16[256,1] bias=float16[1] output=float16[1,1] gather_out=float16[1,256]",
     Ut::kSuccess},
    {"first_api_4",
     "x1=float16[8,256] x2=float16[256,1] bias=float16[1] output=float16[8,1] gather_out=float16[8,256]",
     Ut::kSuccess},
    {"first_api_5", "bias=float16[256]", Ut::kSuccess},
    // k = 16 < 256 (the documented k range): op_api refuses it.
    {"first_api_input_false", "x1=float16[16,16] x2=float16[16,16] gather_out=float16[16,16]", Ut::kParamInvalid},
    {"first_api_gather_out_false", "x1=float16[16,32] x2=float16[32,16] gather_out=float16[0]", Ut::kParamInvalid},
};

TEST(VendorOpApiCalls, MatmulAllReduceHCallsAreAdmitted) {
    EXPECT_EQ(Replay(kMar, kMarCalls, std::size(kMarCalls)), 20u);
}

TEST(VendorOpApiCalls, MatmulAllReduceAddRmsNormHCallsAreAdmitted) {
    EXPECT_EQ(Replay(kArn, kArnCalls, std::size(kArnCalls)), 6u);
    EXPECT_EQ(Replay(kInplaceArn, kInplaceArnCalls, std::size(kInplaceArnCalls)), 2u);
}

TEST(VendorOpApiCalls, AllGatherMatmulHCallsAreAdmitted) {
    EXPECT_EQ(Replay(kAgm, kAgmCalls, std::size(kAgmCalls)), 7u);
}

// The replay can fail: a SUCCESS call is not admitted where the op_api must refuse (streamMode 0),
// nor a PARAM_INVALID one where the op_api must pass (the first call as written).
TEST(VendorOpApiCalls, TheReplayCanFail) {
    const std::string mar = std::string(kMar);
    EXPECT_FALSE(AdmitsOpApiPass(Expect(C(mar + " stream_mode=0"), 0, Profile::kVendor)));
    EXPECT_FALSE(Expect(C(mar), 0, Profile::kVendor).AdmitsPrepareStatus(161002));
    EXPECT_FALSE(Expect(C(mar + " x1=-"), 0, Profile::kVendor).AdmitsPrepareStatus(161002));
    const std::string arn = std::string(kArn);
    EXPECT_FALSE(AdmitsOpApiPass(Expect(C(arn + " x2=float16[30,16]"), 0, Profile::kVendor)));
}

}  // namespace
}  // namespace mc2::spec
