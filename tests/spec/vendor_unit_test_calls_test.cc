// tests/spec/vendor_unit_test_calls_test.cc — the vendor's own op_api and tiling unit-test calls
// of the H mirror (hicann/ops-transformer c29bc10, ops.md §0 "H"), replayed against the catalogue:
//   mc2/matmul_all_reduce/tests/ut/op_host/op_api/test_aclnn_matmul_all_reduce.cpp (20 calls),
//   mc2/matmul_all_reduce_add_rms_norm/tests/ut/op_host/op_api/test_aclnn_matmul_all_reduce_add_rms_norm.cpp (6),
//   mc2/inplace_matmul_all_reduce_add_rms_norm/tests/ut/op_host/op_api/test_aclnn_inplace_matmul_all_reduce_add_rms_norm.cpp (2),
//   mc2/all_gather_matmul/tests/ut/op_host/op_api/test_aclnn_all_gather_matmul.cpp (7);
//   and the tiling tests mc2/matmul_all_reduce/tests/ut/op_host/test_matmul_all_reduce_tiling.cpp
//   (17 of 21), mc2/all_gather_matmul/tests/ut/op_host/test_all_gather_matmul_tiling.cpp (6) and
//   mc2/matmul_all_reduce_add_rms_norm/tests/ut/op_host/test_matmul_all_reduce_add_rms_norm_tiling.cpp
//   (8 valid, 5 of 9 invalid); plus the Y table of aclnnWeightQuantMatmulAllReduce (20).
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
#include "tests/spec/vendor_replay.h"

namespace mc2::spec {
namespace {

using testing::AdmitsOpApiPass;
using testing::StrictCheck;
using Ut = testing::UtWant;

harness::Case C(const std::string &text) { return testing::ParseOrFail(text); }

struct Call {
    const char *name;  // the vendor test's name (TEST_F's second argument, prefix dropped)
    const char *args;  // key=value pairs replacing the family's defaults (later keys win)
    Ut want;
};

// Replays `calls` of one API, `defaults` first. Returns how many calls were replayed, so that a
// table emptied by mistake fails its test. Only the vendor profile must admit the vendor's
// answer: strict adds hardening rules that may refuse more (vendor_replay.h).
size_t Replay(const std::string &defaults, const Call *calls, size_t count) {
    for (size_t i = 0; i < count; ++i) {
        const Call &u = calls[i];
        EXPECT_EQ(testing::ExpectAdmitted(u.name, defaults + " " + u.args, u.want, StrictCheck::kDefinedOnly), 3);
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

// ---- aclnnWeightQuantMatmulAllReduce: the Y unit-test table (test_aclnn_weight_quant_matmul_all_
// reduce.csv, ops.md §2.2; the H mirror has no op_api unit test of it). Y adds an explicit
// empty-output check (161002 for M = 0) that H leaves to the tiling (ops.md §8.1): the catalogue
// must admit Y's answer. ----
const char kWq[] =
    "weight_quant_matmul_all_reduce platform=atlas_a2 world=1 x1=float16[32,64] x2=int8[64,128] bias=- "
    "antiquant_scale=float16[128] antiquant_offset=- x3=- group=comm reduce_op=\"sum\" comm_turn=0 stream_mode=1 "
    "antiquant_group_size=0 output=float16[32,128] seed=1 dist=normal sched=0";

const Call kWqCalls[] = {
    {"k_zero", "x1=float16[32,0] x2=int8[0,128]", Ut::kSuccess},
    {"per_group_32", "antiquant_scale=float16[2,128] antiquant_group_size=32", Ut::kSuccess},
    {"per_tensor", "antiquant_scale=float16[1]", Ut::kSuccess},
    {"per_channel_2d", "antiquant_scale=float16[1,128]", Ut::kSuccess},
    {"m_zero", "x1=float16[0,64] output=float16[0,128]", Ut::kParamInvalid},
    {"x1_4d", "x1=float16[1,1,32,64] output=float16[1,1,32,128]", Ut::kParamInvalid},
    {"x2_3d", "x2=int8[1,64,128]", Ut::kParamInvalid},
    {"reduce_op_max", "reduce_op=\"max\"", Ut::kParamInvalid},
    {"stream_mode_0", "stream_mode=0", Ut::kParamInvalid},
    {"stream_mode_negative", "stream_mode=-1", Ut::kParamInvalid},
    {"k_mismatch", "x2=int8[32,128]", Ut::kParamInvalid},
    {"output_shape", "output=float16[32,64]", Ut::kParamInvalid},
    {"bias_length", "bias=float16[64]", Ut::kParamInvalid},
    {"scale_length", "antiquant_scale=float16[64]", Ut::kParamInvalid},
    {"group_size_16", "antiquant_scale=float16[4,128] antiquant_group_size=16", Ut::kParamInvalid},
    {"x1_fp32", "x1=float[32,64]", Ut::kParamInvalid},
    {"scale_bf16_x1_fp16", "antiquant_scale=bf16[128]", Ut::kParamInvalid},
    {"output_bf16_x1_fp16", "output=bf16[32,128]", Ut::kParamInvalid},
    {"offset_bf16_scale_fp16", "antiquant_offset=bf16[128]", Ut::kParamInvalid},
    {"group_null", "group=null", Ut::kParamNullptr},
};

TEST(VendorUnitTestCalls, WeightQuantMatmulAllReduceYCallsAreAdmitted) {
    EXPECT_EQ(Replay(kWq, kWqCalls, std::size(kWqCalls)), 20u);
}

TEST(VendorUnitTestCalls, MatmulAllReduceHCallsAreAdmitted) {
    EXPECT_EQ(Replay(kMar, kMarCalls, std::size(kMarCalls)), 20u);
}

TEST(VendorUnitTestCalls, MatmulAllReduceAddRmsNormHCallsAreAdmitted) {
    EXPECT_EQ(Replay(kArn, kArnCalls, std::size(kArnCalls)), 6u);
    EXPECT_EQ(Replay(kInplaceArn, kInplaceArnCalls, std::size(kInplaceArnCalls)), 2u);
}

TEST(VendorUnitTestCalls, AllGatherMatmulHCallsAreAdmitted) {
    EXPECT_EQ(Replay(kAgm, kAgmCalls, std::size(kAgmCalls)), 7u);
}

// ---- Tiling unit tests: each hands the host tiling a context (shapes, dtypes, attributes) and
// expects GRAPH_SUCCESS. They come after op_api in a real call, so a replay is a whole call whose
// op_api checks pass too, and the catalogue must admit success (not only "a tiling refusal"):
// these shapes are what the vendor's tiling accepts. Left out (not reachable through aclnn):
// is_trans_a = true (aclnn always passes false: float16_2) and an output shape that x1 and x2 do
// not give (tiling never reads it: float16_3/4/5). The tiling asks the (stubbed) group for its
// rank count and refuses sizes outside {2, 4, 8} on A2 — AllGatherMatmul's calls pass that check, so
// they replay at world 2 with the tests' row counts (m, not m·2: the tiling does not check them,
// agm.tiling.output_rows is hardening). MatmulAllReduce's shapes do not depend on the world: 1. ----
// (kUndefined: a hardening rule the vendor does not check — any answer, success included.)
bool AdmitsSuccess(const Expectation &e) {
    for (const Answer *a : e.All()) {
        if (a->outcome == Outcome::kSuccess || a->outcome == Outcome::kUndefined) return true;
    }
    return false;
}

size_t ReplayTiling(const char *const *calls, size_t count) {
    for (size_t i = 0; i < count; ++i) {
        const harness::Case c = C(calls[i]);
        const Expectation e = Expect(c, 0, Profile::kVendor);
        EXPECT_TRUE(AdmitsSuccess(e)) << calls[i] << " -> " << e.rule_id << " (" << e.reason << ")";
    }
    return count;
}

#define MAR_TILING(x1, x2, bias, x3, out)                                                               \
    "matmul_all_reduce_v2 platform=atlas_a2 world=1 x1=" x1 " x2=" x2 " bias=" bias " x3=" x3           \
    " group=comm reduce_op=\"sum\" comm_turn=0 stream_mode=1 output=" out " seed=1 dist=normal sched=0"

const char *const kMarTiling[] = {
    // float16_1, float16_1_cube, float16_unaligned, big_N, big_K, mcut_float16_910B_1 (and
    // _win2win, the same shapes), support_3_dim, bfloat16 (fp16 with a bias), empty_k.
    MAR_TILING("float16[8192,1536]", "float16[1536,12288]", "-", "float16[8192,12288]", "float16[8192,12288]"),
    MAR_TILING("float16[8192,1536]", "float16[1536,12288]", "-", "-", "float16[8192,12288]"),
    MAR_TILING("float16[1,65536]", "float16[65536,128]", "-", "-", "float16[1,128]"),
    MAR_TILING("float16[8192,1536]", "float16[1536,268435455]", "-", "float16[8192,268435455]",
               "float16[8192,268435455]"),
    MAR_TILING("float16[8192,268435455]", "float16[268435455,12288]", "-", "float16[8192,12288]",
               "float16[8192,12288]"),
    MAR_TILING("float16[12290,15360]", "float16[15360,12288]", "-", "-", "float16[12290,12288]"),
    MAR_TILING("float16[1,8192,1536]", "float16[1536,12288]", "-", "-", "float16[1,8192,12288]"),
    MAR_TILING("float16[8192,1536]", "float16[1536,12288]", "float16[12288]", "-", "float16[8192,12288]"),
    MAR_TILING("float16[256,0]", "float16[0,8192]", "-", "-", "float16[256,8192]"),
};
#undef MAR_TILING

#define QMAR_TILING(api, x1, x2, dequant, rest, out)                                                     \
    api " platform=atlas_a2 world=1 x1=" x1 " x2=" x2 " bias=- x3=- dequant_scale=" dequant " " rest     \
    " group=comm reduce_op=\"sum\" comm_turn=0 stream_mode=1 output=" out " seed=1 dist=normal sched=0"

const char *const kQuantTiling[] = {
    // int8_1: UINT64 dequant, fp16 output.
    QMAR_TILING("quant_matmul_all_reduce", "int8[256,1536]", "int8[1536,8192]", "uint64[8192]", "",
                "float16[256,8192]"),
    // int8_2: fp32 per-tensor dequant with an fp32 pertoken scale, fp16 output (ops.md §8.2: the
    // tiling wants FLOAT where its message says bf16).
    QMAR_TILING("quant_matmul_all_reduce_v2", "int8[256,1536]", "int8[1536,8192]", "float[1]",
                "pertoken_scale=float[256]", "float16[256,8192]"),
    // int8_bf16: bf16 dequant, bf16 output.
    QMAR_TILING("quant_matmul_all_reduce", "int8[256,1536]", "int8[1536,8192]", "bf16[8192]", "",
                "bf16[256,8192]"),
    // a8w8_910b, a8w8_scaleDimNum2_910b, a8w8_910b_mCut_1, a8w8_910b_mCut_2: int8 communication
    // with fp16 comm scales (1-D and 2-D) and an fp16 output (ops.md §8.2: "bf16 output only" is
    // not enforced).
    QMAR_TILING("quant_matmul_all_reduce_v3", "int8[256,1536]", "int8[1536,8192]", "uint64[8192]",
                "pertoken_scale=- comm_quant_scale_1=float16[8192] comm_quant_scale_2=float16[8192]",
                "float16[256,8192]"),
    QMAR_TILING("quant_matmul_all_reduce_v3", "int8[256,1536]", "int8[1536,8192]", "uint64[1,8192]",
                "pertoken_scale=- comm_quant_scale_1=float16[1,8192] comm_quant_scale_2=float16[1,8192]",
                "float16[256,8192]"),
    QMAR_TILING("quant_matmul_all_reduce_v3", "int8[4096,6272]", "int8[6272,8192]", "uint64[8192]",
                "pertoken_scale=- comm_quant_scale_1=float16[8192] comm_quant_scale_2=float16[8192]",
                "float16[4096,8192]"),
    QMAR_TILING("quant_matmul_all_reduce_v3", "int8[4096,1024]", "int8[1024,8192]", "uint64[8192]",
                "pertoken_scale=- comm_quant_scale_1=float16[8192] comm_quant_scale_2=float16[8192]",
                "float16[4096,8192]"),
};
#undef QMAR_TILING

#define AGM_TILING(x1, x2, bias, out, gather)                                                            \
    "all_gather_matmul platform=atlas_a2 world=2 x1=" x1 " x2=" x2 " bias=" bias                         \
    " group=comm gather_index=0 comm_turn=0 stream_mode=1 output=" out " gather_out=" gather              \
    " seed=1 dist=normal sched=0"

const char *const kAgmTiling[] = {
    // float16_1; float16_2, float16_3, float16_l2cache and n_0 with is_trans_b (x2 a transposed
    // view of the same logical (k, n)); bfloat16 (fp16 with a bias the A2 path ignores).
    AGM_TILING("float16[512,12288]", "float16[12288,3904]", "-", "float16[512,3904]", "float16[512,12288]"),
    AGM_TILING("float16[2048,4096]", "float16[4096,1536]s(1,4096)", "-", "float16[2048,1536]",
               "float16[2048,4096]"),
    AGM_TILING("float16[327680,15360]", "float16[15360,10240]s(1,15360)", "-", "float16[327680,10240]",
               "float16[327680,15360]"),
    AGM_TILING("float16[2048,4096]", "float16[4096,1536]", "float16[12288]", "float16[2048,1536]",
               "float16[2048,4096]"),
    AGM_TILING("float16[8192,5120]", "float16[5120,12288]s(1,5120)", "float16[12288]", "float16[8192,12288]",
               "float16[8192,5120]"),
    AGM_TILING("float16[1024,256]", "float16[256,0]s(1,256)", "-", "float16[1024,0]", "float16[1024,256]"),
};
#undef AGM_TILING

// ---- The AddRmsNorm tiling unit test (H mc2/matmul_all_reduce_add_rms_norm/tests/ut/op_host/
// test_matmul_all_reduce_add_rms_norm_tiling.cpp): a table of cases named by their parameters
// (m, k, n, bias, transB, scale layout, group size, epsilon, dtypes), residual / y / normOut
// (1, m, n). The valid ones are whole calls the catalogue must admit as successes; the invalid
// ones that aclnn can express (not transA, not dequant and antiquant together: one API has
// one of them) must be refusals — documented ones: the vendor's tiling refuses them. World 2
// (the tiling asks the stubbed group; see above). ----
#define ARN_TILING(api, x1, x2, bias, scales, residual, gamma, eps, extra)                               \
    api " platform=atlas_a2 world=2 x1=" x1 " x2=" x2 " bias=" bias " " scales " residual=" residual       \
    " gamma=" gamma " epsilon=" eps " group=comm reduce_op=\"sum\" comm_turn=0 stream_mode=1 " extra     \
    " y=" residual " norm_out=" residual " seed=1 dist=normal sched=0"

const char *const kArnTilingValid[] = {
    // quant, per-channel bf16 dequant, int32 bias: 4096 x 688 x 4096; and 4 x 4096 x 11008 with x2
    // transposed (and again plain, with antiquant_group_size 10, an attribute the quant API lacks).
    ARN_TILING("quant_matmul_all_reduce_add_rms_norm", "int8[4096,688]", "int8[688,4096]", "int32[4096]",
               "dequant_scale=bf16[4096]", "bf16[1,4096,4096]", "bf16[4096]", "0.1", ""),
    ARN_TILING("quant_matmul_all_reduce_add_rms_norm", "int8[4,4096]", "int8[4096,11008]s(1,4096)", "int32[11008]",
               "dequant_scale=bf16[11008]", "bf16[1,4,11008]", "bf16[11008]", "0.1", ""),
    ARN_TILING("quant_matmul_all_reduce_add_rms_norm", "int8[4,4096]", "int8[4096,11008]", "int32[11008]",
               "dequant_scale=bf16[11008]", "bf16[1,4,11008]", "bf16[11008]", "0.1", ""),
    // weight-quant: int8 per-channel fp16 with offset; int4 transposed per-channel; int4 per-group
    // G = 32 bf16 (scale and offset (128, n)).
    ARN_TILING("weight_quant_matmul_all_reduce_add_rms_norm", "float16[4096,688]", "int8[688,4096]",
               "float16[4096]", "antiquant_scale=float16[4096] antiquant_offset=float16[4096]",
               "float16[1,4096,4096]", "float16[4096]", "0.1", "antiquant_group_size=0"),
    ARN_TILING("weight_quant_matmul_all_reduce_add_rms_norm", "float16[4,4096]", "int4[4096,11008]s(1,4096)",
               "float16[11008]", "antiquant_scale=float16[11008] antiquant_offset=float16[11008]",
               "float16[1,4,11008]", "float16[11008]", "0.1", "antiquant_group_size=0"),
    ARN_TILING("weight_quant_matmul_all_reduce_add_rms_norm", "bf16[4,4096]", "int4[4096,11008]", "bf16[11008]",
               "antiquant_scale=bf16[128,11008] antiquant_offset=bf16[128,11008]", "bf16[1,4,11008]",
               "bf16[11008]", "0.1", "antiquant_group_size=32"),
    // plain bf16: 4 x 4096 x 11008 and 9471 x 18 x 379.
    ARN_TILING("matmul_all_reduce_add_rms_norm", "bf16[4,4096]", "bf16[4096,11008]", "bf16[11008]", "",
               "bf16[1,4,11008]", "bf16[11008]", "0.1", ""),
    ARN_TILING("matmul_all_reduce_add_rms_norm", "bf16[9471,18]", "bf16[18,379]", "bf16[379]", "",
               "bf16[1,9471,379]", "bf16[379]", "0.1", ""),
};

const char *const kArnTilingInvalid[] = {
    // per-group: group size 30 (< 32, not a multiple of 32); k = 2 (k - 1 < 32).
    ARN_TILING("weight_quant_matmul_all_reduce_add_rms_norm", "bf16[4,4096]", "int4[4096,11008]", "bf16[11008]",
               "antiquant_scale=bf16[128,11008] antiquant_offset=bf16[128,11008]", "bf16[1,4,11008]",
               "bf16[11008]", "0.1", "antiquant_group_size=30"),
    ARN_TILING("weight_quant_matmul_all_reduce_add_rms_norm", "bf16[4,2]", "int4[2,11008]", "bf16[11008]",
               "antiquant_scale=bf16[1,11008] antiquant_offset=bf16[1,11008]", "bf16[1,4,11008]", "bf16[11008]",
               "0.1", "antiquant_group_size=32"),
    // epsilon 0 and 1 (it must lie in (0, 1)); reduceOp "mul".
    ARN_TILING("quant_matmul_all_reduce_add_rms_norm", "int8[4096,688]", "int8[688,4096]", "int32[4096]",
               "dequant_scale=bf16[4096]", "bf16[1,4096,4096]", "bf16[4096]", "0", ""),
    ARN_TILING("quant_matmul_all_reduce_add_rms_norm", "int8[4096,688]", "int8[688,4096]", "int32[4096]",
               "dequant_scale=bf16[4096]", "bf16[1,4096,4096]", "bf16[4096]", "1", ""),
    ARN_TILING("quant_matmul_all_reduce_add_rms_norm", "int8[4096,688]", "int8[688,4096]", "int32[4096]",
               "dequant_scale=bf16[4096]", "bf16[1,4096,4096]", "bf16[4096]", "0.1", "reduce_op=\"mul\""),
};
#undef ARN_TILING

TEST(VendorUnitTestCalls, AddRmsNormTilingCalls) {
    EXPECT_EQ(ReplayTiling(kArnTilingValid, std::size(kArnTilingValid)), 8u);
    for (const char *text : kArnTilingInvalid) {
        const Expectation e = Expect(C(text), 0, Profile::kVendor);
        EXPECT_TRUE(e.outcome == Outcome::kInnerError || e.outcome == Outcome::kStatus)
            << text << " -> " << e.rule_id << " (" << e.reason << ")";
    }
}

TEST(VendorUnitTestCalls, MatmulAllReduceTilingCallsSucceed) {
    EXPECT_EQ(ReplayTiling(kMarTiling, std::size(kMarTiling)), 9u);
    EXPECT_EQ(ReplayTiling(kQuantTiling, std::size(kQuantTiling)), 7u);
}

TEST(VendorUnitTestCalls, AllGatherMatmulTilingCallsSucceed) {
    EXPECT_EQ(ReplayTiling(kAgmTiling, std::size(kAgmTiling)), 6u);
}

// The replay can fail: a SUCCESS call is not admitted where the op_api must refuse (streamMode 0),
// nor a PARAM_INVALID one where the op_api must pass (the first call as written).
TEST(VendorUnitTestCalls, TheReplayCanFail) {
    const std::string mar = std::string(kMar);
    EXPECT_FALSE(AdmitsOpApiPass(Expect(C(mar + " stream_mode=0"), 0, Profile::kVendor)));
    EXPECT_FALSE(Expect(C(mar), 0, Profile::kVendor).AdmitsPrepareStatus(161002));
    EXPECT_FALSE(Expect(C(mar + " x1=-"), 0, Profile::kVendor).AdmitsPrepareStatus(161002));
    const std::string arn = std::string(kArn);
    EXPECT_FALSE(AdmitsOpApiPass(Expect(C(arn + " x2=float16[30,16]"), 0, Profile::kVendor)));
}

}  // namespace
}  // namespace mc2::spec
