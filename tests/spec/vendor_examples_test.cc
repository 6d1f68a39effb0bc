// tests/spec/vendor_examples_test.cc — the calls of the vendor's example programs (H mirror,
// hicann/ops-transformer c29bc10: mc2/<op>/examples/test_aclnn_*.cpp, 13 programs; facts only:
// world size, shapes, dtypes, arguments), written as descriptors: the catalogue must expect
// success on every rank, under both profiles. The programs themselves build and run against the
// built-in library through the ABI when MC2_VENDOR_EXAMPLES_DIR points at copies of them
// (examples/CMakeLists.txt); this test keeps the catalogue in step with them without the copies.
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

// Every example runs 8 ranks (ndev / DEV_NUM = 8) on Atlas A2, reduceOp "sum", commTurn 0,
// streamMode 1; x1 (32, 64), x2 (64, 128) except AllGatherMatmul's.
const char kCommon[] = " group=comm reduce_op=\"sum\" comm_turn=0 stream_mode=1 seed=1 dist=normal sched=0";
const char kAgmCommon[] = " group=comm comm_turn=0 stream_mode=1 seed=1 dist=normal sched=0";  // no reduceOp

std::string WithCommon(const std::string &example) {
    return example + (example.rfind("all_gather_matmul ", 0) == 0 ? kAgmCommon : kCommon);
}
// The quantised examples create x2 either ND or, with their "NZ" argument, through
// aclnnTransMatmulWeight: int8 (64, 128) in FRACTAL_NZ is (n/32, k/16, 16, 32) = (4, 4, 16, 32).
const char kNzX2[] = "int8[64,128]f(fractal_nz)st(4,4,16,32)";

const std::string kExamples[] = {
    // test_aclnn_matmul_all_reduce.cpp, _v2.cpp
    "matmul_all_reduce platform=atlas_a2 world=8 x1=float16[32,64] x2=float16[64,128] bias=float16[128] "
    "output=float16[32,128]",
    "matmul_all_reduce_v2 platform=atlas_a2 world=8 x1=float16[32,64] x2=float16[64,128] bias=float16[128] "
    "x3=float16[32,128] output=float16[32,128]",
    // test_aclnn_quant_matmul_all_reduce.cpp: int32 bias, UINT64 dequant, fp16 x3 and output.
    "quant_matmul_all_reduce platform=atlas_a2 world=8 x1=int8[32,64] x2=int8[64,128] bias=int32[128] "
    "x3=float16[32,128] dequant_scale=uint64[128] output=float16[32,128]",
    "quant_matmul_all_reduce platform=atlas_a2 world=8 x1=int8[32,64] x2=" + std::string(kNzX2) +
        " bias=int32[128] x3=float16[32,128] dequant_scale=uint64[128] output=float16[32,128]",
    // _v2.cpp: fp32 dequant and pertoken scales, fp16 output.
    "quant_matmul_all_reduce_v2 platform=atlas_a2 world=8 x1=int8[32,64] x2=int8[64,128] bias=int32[128] "
    "x3=float16[32,128] dequant_scale=float[128] pertoken_scale=float[32] output=float16[32,128]",
    "quant_matmul_all_reduce_v2 platform=atlas_a2 world=8 x1=int8[32,64] x2=" + std::string(kNzX2) +
        " bias=int32[128] x3=float16[32,128] dequant_scale=float[128] pertoken_scale=float[32] "
        "output=float16[32,128]",
    // _v3.cpp: as V2, with fp16 communication scales (128).
    "quant_matmul_all_reduce_v3 platform=atlas_a2 world=8 x1=int8[32,64] x2=int8[64,128] bias=int32[128] "
    "x3=float16[32,128] dequant_scale=float[128] pertoken_scale=float[32] comm_quant_scale_1=float16[128] "
    "comm_quant_scale_2=float16[128] output=float16[32,128]",
    "quant_matmul_all_reduce_v3 platform=atlas_a2 world=8 x1=int8[32,64] x2=" + std::string(kNzX2) +
        " bias=int32[128] x3=float16[32,128] dequant_scale=float[128] pertoken_scale=float[32] "
        "comm_quant_scale_1=float16[128] comm_quant_scale_2=float16[128] output=float16[32,128]",
    // test_aclnn_weight_quant_matmul_all_reduce.cpp: fp16 per-channel scale and offset, group 0.
    "weight_quant_matmul_all_reduce platform=atlas_a2 world=8 x1=float16[32,64] x2=int8[64,128] bias=float16[128] "
    "antiquant_scale=float16[128] antiquant_offset=float16[128] x3=float16[32,128] antiquant_group_size=0 "
    "output=float16[32,128]",
    // test_aclnn_matmul_all_reduce_add_rms_norm.cpp and its quant / weight-quant siblings:
    // residual, y, normOut (1, 32, 128), gamma (128), epsilon 1e-6.
    "matmul_all_reduce_add_rms_norm platform=atlas_a2 world=8 x1=float16[32,64] x2=float16[64,128] "
    "bias=float16[128] residual=float16[1,32,128] gamma=float16[128] epsilon=1e-06 y=float16[1,32,128] "
    "norm_out=float16[1,32,128]",
    "quant_matmul_all_reduce_add_rms_norm platform=atlas_a2 world=8 x1=int8[32,64] x2=int8[64,128] "
    "bias=int32[128] dequant_scale=uint64[128] residual=float16[1,32,128] gamma=float16[128] epsilon=1e-06 "
    "y=float16[1,32,128] norm_out=float16[1,32,128]",
    "weight_quant_matmul_all_reduce_add_rms_norm platform=atlas_a2 world=8 x1=float16[32,64] x2=int8[64,128] "
    "bias=float16[128] antiquant_scale=float16[128] antiquant_offset=float16[128] residual=float16[1,32,128] "
    "gamma=float16[128] epsilon=1e-06 antiquant_group_size=0 y=float16[1,32,128] norm_out=float16[1,32,128]",
    // The in-place examples (y = residual).
    "inplace_matmul_all_reduce_add_rms_norm platform=atlas_a2 world=8 x1=float16[32,64] x2=float16[64,128] "
    "bias=float16[128] residual=float16[1,32,128] gamma=float16[128] epsilon=1e-06 norm_out=float16[1,32,128]",
    "inplace_quant_matmul_all_reduce_add_rms_norm platform=atlas_a2 world=8 x1=int8[32,64] x2=int8[64,128] "
    "bias=int32[128] dequant_scale=uint64[128] residual=float16[1,32,128] gamma=float16[128] epsilon=1e-06 "
    "norm_out=float16[1,32,128]",
    "inplace_weight_quant_matmul_all_reduce_add_rms_norm platform=atlas_a2 world=8 x1=float16[32,64] "
    "x2=int8[64,128] bias=float16[128] antiquant_scale=float16[128] antiquant_offset=float16[128] "
    "residual=float16[1,32,128] gamma=float16[128] epsilon=1e-06 antiquant_group_size=0 norm_out=float16[1,32,128]",
    // test_aclnn_all_gather_matmul.cpp: x1 (128, 256), x2 (256, 512), no bias, output and gatherOut
    // (128 · 8, ·), gatherIndex 0.
    "all_gather_matmul platform=atlas_a2 world=8 x1=float16[128,256] x2=float16[256,512] bias=- gather_index=0 "
    "output=float16[1024,512] gather_out=float16[1024,256]",
};

TEST(VendorExamples, EveryExampleCallSucceedsOnEveryRank) {
    int seen = 0;
    for (const std::string &example : kExamples) {
        const harness::Case c = C(WithCommon(example));
        for (Profile profile : {Profile::kStrict, Profile::kVendor}) {
            for (int r = 0; r < c.world; ++r) {
                const Expectation e = Expect(c, r, profile);
                EXPECT_EQ(e.outcome, Outcome::kSuccess)
                    << example << " rank " << r << (profile == Profile::kStrict ? " strict" : " vendor") << " -> "
                    << e.rule_id << " (" << e.reason << ")";
            }
        }
        ++seen;
    }
    EXPECT_EQ(seen, 16);
    // The check can fail: the same call with the output one column short is refused.
    const harness::Case broken = C(WithCommon(
        std::string(kExamples[0]).replace(kExamples[0].find("output=float16[32,128]"), 22, "output=float16[32,127]")));
    EXPECT_NE(Expect(broken, 0).outcome, Outcome::kSuccess);
}

}  // namespace
}  // namespace mc2::spec
