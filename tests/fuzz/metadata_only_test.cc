// tests/fuzz/metadata_only_test.cc — api_fuzzer's metadata-only call (fuzz/internal/run_support.h
// RunMetadataOnly) shows each rank the case as declared, against the built-in library through
// the ABI: small tensors get their whole span, so no output lies inside another's declared span;
// outputs cut to probes that meet in memory make the input unjudged instead of a false finding.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "fuzz/internal/run_support.h"
#include "harness/case.h"
#include "spec/expectation.h"

namespace mc2::fuzz {
namespace {

harness::Case C(const std::string &text) {
    const harness::CaseParse p = harness::ParseCase(text);
    EXPECT_TRUE(p.value) << p.error;
    return *p.value;
}

// An AllGatherMatmul whose null group every rank refuses; the tests add the world and the outputs.
harness::Case Agm(const std::string &world_and_tensors) {
    return C("all_gather_matmul platform=atlas_a2 x1=bf16[8,256] x2=bf16[256,4] bias=- group=null gather_index=0 "
             "comm_turn=0 stream_mode=1 seed=1 dist=cancel sched=0 " + world_and_tensors);
}

struct Probed {
    bool judged = false;
    std::string failure;
};

// One metadata-only call of `c`, which must be one (MetadataOnlyApplies).
Probed Probe(const harness::Case &c) {
    EXPECT_TRUE(MetadataOnlyApplies(c));
    const spec::ExpectationScope scope(c);
    Probed p;
    p.failure = RunMetadataOnly(c, Abi(), &p.judged);
    return p;
}

class MetadataOnly : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { setenv("MC2_FUZZ_IMPL", MC2_TEST_IMPL_PATH, 1); }
};

// Session 20's rule-feedback campaign: rank 3's x2 is too big to run, so every rank made only its
// first phase, over 4 KiB probes. Rank 2's output (256 bytes) was sometimes allocated inside the
// first 16 KiB after its gatherOut's probe, i.e. inside gatherOut's declared span, and the library
// refused the outputs as aliasing (161002) where the spec expected the null group's 161001 (about
// one run in 60). With whole spans for small tensors it cannot happen: every run is judged and
// admitted.
TEST_F(MetadataOnly, SmallOutputsNeverMeetInsideADeclaredSpan) {
    const harness::Case c =
        Agm("world=4 output=bf16[32,4] gather_out=bf16[32,256] x2@3=bf16[4611686018427387904,4]");
    for (int run = 0; run < 200; ++run) {
        const Probed p = Probe(c);
        ASSERT_TRUE(p.judged) << "run " << run;
        ASSERT_EQ(p.failure, "") << "run " << run;
    }
}

// What each tensor gets: its whole span up to kMaxRunBytes, a probe beyond (gatherOut above held
// 16,384 bytes as declared and got 4,096 before session 20).
TEST_F(MetadataOnly, SmallTensorsGetTheirWholeSpan) {
    const harness::Case c = Agm("world=1 output=bf16[32,4]s(8,2) gather_out=bf16[32,256] x2@0=bf16[1024,1024]");
    EXPECT_GE(MetadataOnlyBytes(*c.Tensor(0, "gather_out")), 32u * 256 * 2);
    EXPECT_LE(MetadataOnlyBytes(*c.Tensor(0, "gather_out")), kMaxRunBytes);
    EXPECT_GE(MetadataOnlyBytes(*c.Tensor(0, "output")), (31u * 8 + 3 * 2 + 1) * 2);  // the strided view's reach
    EXPECT_EQ(MetadataOnlyBytes(*c.Tensor(0, "x2")), kProbeBytes);  // 2 MiB: beyond the bound, a probe
}

// Both outputs far beyond kMaxRunBytes: each gets a 4 KiB probe, and the one at the higher address
// lies inside the other's declared span (2^41 bytes). The call cannot show the rank two disjoint
// outputs, so the input is not judged (api_fuzzer counts it as skipped).
TEST_F(MetadataOnly, OutputsCutToProbesThatMeetAreNotJudged) {
    const Probed p = Probe(Agm("world=1 output=bf16[1048576,1048576] gather_out=bf16[1048576,1048576]"));
    EXPECT_EQ(p.failure, "");
    EXPECT_FALSE(p.judged);
}

}  // namespace
}  // namespace mc2::fuzz
