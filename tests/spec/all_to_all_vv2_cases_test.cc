// tests/spec/all_to_all_vv2_cases_test.cc — AllToAllVV2 cases the fuzzers found, worked out by hand:
// a commDomain claimed by more ranks than its rankSize (a2av.xrank.domain_contested, api_fuzzer
// seed 3002): which ranks may be each rank of a group, and what each rank is then admitted to
// answer (a runtime error, or a success judged against the claimants' data); an output view that
// aliases itself, which no caller can pass to ATB as declared (api_fuzzer seed 4003).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "harness/case.h"
#include "spec/all_to_all_vv2/all_to_all_vv2.h"
#include "spec/expectation.h"

namespace mc2::spec::all_to_all_vv2 {
namespace {

// Four ranks of domain "su", rank size 2. Ranks 0, 2 and 3 claim rank 0 with the same counts
// (one element to rank 0 of the group, none to rank 1); rank 1 claims rank 1 (one element to
// itself). The descriptor of the seed-3002 finding, without its schedule.
const char *kContested =
    "all_to_all_vv2 platform=atlas_a2 world=4 x=int32[3] send_counts=int64[2]v(1,0) sdispls=int64[2]v(1,1) "
    "recv_counts=int64[2]v(1,0) rdispls=int64[2]v(0,0) tensor_for_infer_shape=int8[1] output=int32[1,1] rank=0 "
    "rank_size=2 rank_root=0 backend=\"hccl\" hccl_comm=null comm_mode=1 rank_table_file=\"\" comm_domain=\"su\" "
    "seed=1 dist=uniform x@1=int32[5] send_counts@1=int64[2]v(0,1) recv_counts@1=int64[2]v(0,1) "
    "rdispls@1=int64[2]v(1,0) rank@1=1";

harness::Case Parse(const std::string &text) {
    auto parsed = harness::ParseCase(text);
    EXPECT_TRUE(parsed.value.has_value()) << parsed.error;
    return *parsed.value;
}

bool Admits(const Expectation &e, Outcome outcome, const std::string &rule) {
    const auto all = e.All();
    return std::any_of(all.begin(), all.end(),
                       [&](const Answer *a) { return a->outcome == outcome && a->rule_id == rule; });
}

TEST(ContestedDomain, EveryClaimantAdmitsARuntimeErrorOrASuccess) {
    const harness::Case c = Parse(kContested);
    for (int r = 0; r < c.world; ++r) {
        const Expectation e = Expect(c, r);
        EXPECT_EQ(e.rule_id, "a2av.xrank.domain_contested") << "rank " << r;
        EXPECT_EQ(e.outcome, Outcome::kRuntimeError) << "rank " << r;
        EXPECT_TRUE(Admits(e, Outcome::kSuccess, "a2av.xrank.domain_contested")) << "rank " << r;
        // Both profiles: the rule is documented (the documents leave the grouping open).
        EXPECT_TRUE(Admits(Expect(c, r, Profile::kVendor), Outcome::kSuccess, "a2av.xrank.domain_contested"));
    }
}

TEST(ContestedDomain, SourcesAreTheAgreeingClaimantsOfEachOtherRank) {
    const harness::Case c = Parse(kContested);
    // Rank 1 of the group may receive from any claimant of rank 0; each claimant of rank 0 only
    // from rank 1, the one claimant of rank 1.
    auto one = SourcesOf(c, 1);
    ASSERT_TRUE(one.has_value());
    EXPECT_EQ(one->me, 1);
    EXPECT_EQ(one->sources, (std::vector<std::vector<int>>{{0, 2, 3}, {1}}));
    for (int r : {0, 2, 3}) {
        auto s = SourcesOf(c, r);
        ASSERT_TRUE(s.has_value()) << "rank " << r;
        EXPECT_EQ(s->me, 0);
        EXPECT_EQ(s->sources, (std::vector<std::vector<int>>{{r}, {1}}));
    }
}

TEST(ContestedDomain, ClaimantsThatCannotJoinOrDisagreeAreNoSources) {
    harness::Case c = Parse(kContested);
    // Rank 2 is refused by CreateOperation (it never joins); rank 3 would send rank 1 an element
    // rank 1 does not expect.
    c.SetForRank(2, "backend", std::string("lccl"));
    harness::TensorSpec sends;
    sends.dtype = ACL_INT64;
    sends.shape = {2};
    sends.values = {1, 1};
    c.SetForRank(3, "send_counts", sends);
    c.Normalize();
    auto one = SourcesOf(c, 1);
    ASSERT_TRUE(one.has_value());
    EXPECT_EQ(one->sources, (std::vector<std::vector<int>>{{0}, {1}}));
    EXPECT_EQ(Expect(c, 2).rule_id, "a2av.param.backend");
}

TEST(ContestedDomain, ARankNobodyClaimsLeavesOnlyThePeerFailure) {
    harness::Case c = Parse(kContested);
    c.SetForRank(1, "rank", int64_t{0});  // every rank claims rank 0: no group can form
    c.Normalize();
    for (int r = 0; r < c.world; ++r) {
        const Expectation e = Expect(c, r);
        EXPECT_FALSE(SourcesOf(c, r).has_value()) << "rank " << r;
        EXPECT_FALSE(Admits(e, Outcome::kSuccess, "a2av.xrank.domain_contested")) << "rank " << r;
    }
}

TEST(ContestedDomain, AnExactGroupIsNotContested) {
    harness::Case c = Parse(kContested);
    // Ranks 2 and 3 move to a domain of their own: "su" holds exactly ranks 0 and 1.
    c.SetForRank(2, "comm_domain", std::string("other"));
    c.SetForRank(3, "comm_domain", std::string("other"));
    c.Normalize();
    auto zero = SourcesOf(c, 0);
    ASSERT_TRUE(zero.has_value());
    EXPECT_EQ(zero->sources, (std::vector<std::vector<int>>{{0}, {1}}));
    EXPECT_EQ(Expect(c, 0).outcome, Outcome::kSuccess);
    EXPECT_EQ(Expect(c, 1).outcome, Outcome::kSuccess);
    // "other" is claimed twice as rank 0 and never as rank 1: both wait for a peer that never comes.
    EXPECT_EQ(Expect(c, 2).rule_id, "a2av.xrank.peer_failed");
}

// The api_fuzzer hour of session 18: one rank's commDomain null beside three "" ones. ATB's
// AllToAllVV2Param::commDomain is a std::string, so the binding hands a null as "" (CallArgs::Text)
// and the four ranks make one communicator: the built-in library completed every rank, where the
// spec had counted the null rank out of the group and demanded a2av.xrank.peer_failed of all.
// A null domain is the empty one; another domain still splits the group.
TEST(ContestedDomain, ANullDomainIsTheEmptyOne) {
    harness::Case c = Parse(kContested);
    c.SetForRank(2, "comm_domain", std::string("other"));
    c.SetForRank(3, "comm_domain", std::string("other"));
    c.SetForRank(1, "comm_domain", harness::Null{});
    c.SetForRank(0, "comm_domain", std::string());
    c.Normalize();
    EXPECT_EQ(Expect(c, 0).outcome, Outcome::kSuccess) << Expect(c, 0).rule_id;
    EXPECT_EQ(Expect(c, 1).outcome, Outcome::kSuccess) << Expect(c, 1).rule_id;
    // Control: "x" is not "", so rank 1 is alone and rank 0 waits for a peer.
    c.SetForRank(1, "comm_domain", std::string("x"));
    c.Normalize();
    EXPECT_EQ(Expect(c, 0).rule_id, "a2av.xrank.peer_failed");
}

// World 2, rank 0's output int16[1,14] with strides (7, 0): its 14 elements share one address,
// so the contiguous output ATB writes cannot be scattered back into it.
const char *kAliasingOutput =
    "all_to_all_vv2 platform=atlas_a2 world=2 x=int16[15] send_counts=int64[2]v(7,7) sdispls=int64[2]v(7,0) "
    "recv_counts=int64[2]v(7,7) rdispls=int64[2]v(7,0) tensor_for_infer_shape=int8[14] output=int16[1,14] rank=0 "
    "rank_size=2 rank_root=0 backend=\"hccl\" hccl_comm=comm comm_mode=1 rank_table_file=\"\" comm_domain=\"\" "
    "seed=1 dist=uniform output@0=int16[1,14]s(7,0) rdispls@1=int64[2]v(0,7) rank@1=1";

TEST(AliasingOutput, OnlyAnOutputThatAliasesCannotBePassed) {
    const harness::Case c = Parse(kAliasingOutput);
    EXPECT_TRUE(RunnerCannotPass(kOp, *c.Tensor(0, "output"), "output"));
    EXPECT_FALSE(RunnerCannotPass(kOp, *c.Tensor(1, "output"), "output"));  // rank 1's is plain
    // The same view as an input is gathered element by element: nothing is lost.
    EXPECT_FALSE(RunnerCannotPass(kOp, *c.Tensor(0, "output"), "x"));
    // aclnn operators take the view itself (aclCreateTensor has strides).
    EXPECT_FALSE(RunnerCannotPass("matmul_all_reduce", *c.Tensor(0, "output"), "output"));
}

TEST(AliasingOutput, TheRankMayMakeNoCallAndItsPeerThenFails) {
    const harness::Case c = Parse(kAliasingOutput);
    // Valid as written (ATB sees no strides), so success stays the primary answer; the refusal
    // the runner makes is admitted beside it, and rank 1 may then fail as a peer of a silent rank.
    EXPECT_EQ(Expect(c, 0).outcome, Outcome::kSuccess);
    EXPECT_TRUE(Expect(c, 0).AdmitsFailure());
    EXPECT_TRUE(Admits(Expect(c, 1), Outcome::kRuntimeError, "a2av.xrank.peer_failed"));
    // Without the aliasing view neither is admitted.
    harness::Case plain = c;
    plain.SetForRank(0, "output", *c.Tensor(1, "output"));
    plain.Normalize();
    EXPECT_FALSE(Expect(plain, 0).AdmitsFailure());
    EXPECT_FALSE(Expect(plain, 1).AdmitsFailure());
}

// Four ranks on the caller's communicator but rank 2, which has none and names the rank table
// "/" (comm_mode 1, as the fuzzer's input had it; the rest of the session-19 api_fuzzer finding
// dropped): an existing path passes CreateOperation, and ATB makes rank 2's communicator from it.
const char *kRankTable =
    "all_to_all_vv2 platform=atlas_a2 world=4 x=float16[4] send_counts=int64[4]v(1,1,1,1) "
    "sdispls=int64[4]v(0,1,2,3) recv_counts=int64[4]v(1,1,1,1) rdispls=int64[4]v(0,1,2,3) "
    "tensor_for_infer_shape=int8[4] output=float16[1,4] rank=0 rank_size=4 rank_root=0 backend=\"hccl\" "
    "hccl_comm=comm comm_mode=1 rank_table_file=\"\" comm_domain=\"\" seed=1 dist=uniform rank@1=1 rank@2=2 "
    "hccl_comm@2=null rank_table_file@2=\"/\" rank@3=3";

TEST(RankTable, ADirectoryMakesNoCommunicator) {
    const harness::Case c = Parse(kRankTable);
    const Expectation e = Expect(c, 2);
    EXPECT_EQ(e.rule_id, "a2av.exec.rank_table_not_a_file");
    EXPECT_EQ(e.outcome, Outcome::kRuntimeError);
    EXPECT_FALSE(Admits(e, Outcome::kSuccess, "a2av.exec.rank_table_not_a_file"));
    EXPECT_FALSE(Admits(Expect(c, 2, Profile::kVendor), Outcome::kSuccess, ""));
    // The others wait for a rank that never joins their communicator.
    for (int r : {0, 1, 3}) EXPECT_EQ(Expect(c, r).rule_id, "a2av.xrank.peer_failed") << "rank " << r;
}

TEST(RankTable, AFileAdmitsAFailureOrACompletion) {
    harness::Case c = Parse(kRankTable);
    c.SetForRank(2, "rank_table_file", std::string("/proc/self/exe"));
    c.Normalize();
    const Expectation e = Expect(c, 2);
    EXPECT_EQ(e.rule_id, "a2av.exec.rank_table");
    EXPECT_EQ(e.outcome, Outcome::kRuntimeError);
    EXPECT_TRUE(Admits(e, Outcome::kSuccess, "a2av.exec.rank_table"));
    // Without a rank table, the caller's communicator for every rank: each completes.
    c.SetForRank(2, "rank_table_file", std::string());
    c.SetForRank(2, "hccl_comm", harness::CommName{});
    c.Normalize();
    for (int r = 0; r < c.world; ++r) EXPECT_EQ(Expect(c, r).outcome, Outcome::kSuccess) << "rank " << r;
}

}  // namespace
}  // namespace mc2::spec::all_to_all_vv2
