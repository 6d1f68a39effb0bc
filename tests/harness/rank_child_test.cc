// tests/harness/rank_child_test.cc — the pieces of ranks-as-processes that need no MPI
// (harness/supervise/rank_child.h, harness/run/run_case.h RunRank / JudgeRanks): a rank's
// report survives its wire form, a crashed or hung rank makes the case CRASH / TIMEOUT naming
// it, and ranks run one by one through HcclGetRootInfo / HcclCommInitRootInfo over the built-in
// library's socket transport get the same verdict as the threaded runner on the same cases.
#include "harness/supervise/rank_child.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "harness/abi/abi_table.h"
#include "harness/case.h"
#include "harness/run/run_case.h"

namespace mc2::harness {
namespace {

Case Parse(const std::string &text) {
    CaseParse p = ParseCase(text);
    EXPECT_TRUE(p.value) << p.error;
    return p.value.value_or(Case{});
}

const char *const kValid =
    "matmul_all_reduce platform=atlas_a2 world=2 x1=float16[16,32] x2=float16[32,24] bias=- group=comm "
    "reduce_op=\"sum\" comm_turn=0 stream_mode=1 output=float16[16,24] seed=1 dist=normal sched=0";

TEST(RankWire, ReportRoundTripsWithOutputs) {
    RankReport rep;
    rep.rank = 3;
    rep.prepare_called = rep.execute_called = rep.sync_called = true;
    rep.prepare_status = 161002;
    rep.execute_status = -7;
    rep.sync_status = 507035;
    rep.workspace_size = uint64_t{1} << 40;
    rep.sync_timed_out = true;
    rep.outputs_untouched = false;
    rep.messages = "GetWorkspaceSize: x1 is \"bad\" | sync: timeout";
    rep.setup_error = "setup";
    rep.descriptor_refused = "x3: too many dims";
    rep.memory_error = "wrote outside";
    rep.outputs["output"] = {0, 1, 2, 255};
    rep.outputs["empty"] = {};
    const std::string wire = EncodeRankReport(rep);
    const std::optional<RankReport> back = DecodeRankReport(wire);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->rank, 3);
    EXPECT_EQ(back->prepare_status, 161002);
    EXPECT_EQ(back->execute_status, -7);
    EXPECT_EQ(back->sync_status, 507035);
    EXPECT_EQ(back->workspace_size, uint64_t{1} << 40);
    EXPECT_TRUE(back->sync_timed_out);
    EXPECT_FALSE(back->outputs_untouched);
    EXPECT_EQ(back->messages, rep.messages);
    EXPECT_EQ(back->descriptor_refused, rep.descriptor_refused);
    EXPECT_EQ(back->memory_error, rep.memory_error);
    EXPECT_EQ(back->outputs, rep.outputs);
    // A child that died mid-write leaves a prefix: never a report.
    EXPECT_FALSE(DecodeRankReport(wire.substr(0, wire.size() - 1)));
    EXPECT_FALSE(DecodeRankReport("garbage"));
    RankOutcome o;
    o.kind = RankOutcome::Kind::kTimedOut;
    o.why = "no result";
    o.report = rep;
    const std::optional<RankOutcome> ob = DecodeRankOutcome(EncodeRankOutcome(o));
    ASSERT_TRUE(ob);
    EXPECT_EQ(ob->kind, RankOutcome::Kind::kTimedOut);
    EXPECT_EQ(ob->why, "no result");
    EXPECT_EQ(ob->report.outputs, rep.outputs);
}

TEST(RankOutcomes, ACrashedOrHungRankDecidesTheCase) {
    const Case c = Parse(kValid);
    std::vector<RankOutcome> outcomes(2);
    outcomes[0].kind = RankOutcome::Kind::kTimedOut;
    outcomes[0].why = "no result within 8 s";
    outcomes[1].kind = RankOutcome::Kind::kCrashed;
    outcomes[1].why = "killed by SIGSEGV";
    CaseResult r = JudgeRankOutcomes(c, outcomes, RunOptions{});
    EXPECT_EQ(r.status, Status::kCrash);  // a crash outranks a hang, as for a whole case process
    EXPECT_EQ(r.reason, "rank 1: killed by SIGSEGV");
    EXPECT_EQ(r.descriptor, c.ToString());
    outcomes[1].kind = RankOutcome::Kind::kReported;
    r = JudgeRankOutcomes(c, outcomes, RunOptions{});
    EXPECT_EQ(r.status, Status::kTimeout);
    EXPECT_EQ(r.reason, "rank 0: no result within 8 s");
}

// Each rank on its own thread, joined only through the root info (the socket transport), as
// separate processes would be; JudgeRanks must agree with RunCase.
class RanksJoinedByRootInfo : public ::testing::TestWithParam<std::string> {
protected:
    static void SetUpTestSuite() {
        setenv("MC2_HCCL_TRANSPORT", "socket", 1);
        setenv("HCCL_EXEC_TIMEOUT", "1", 1);
        setenv("HCCL_CONNECT_TIMEOUT", "10", 1);
        std::string error;
        table_ = AbiTable::Load({MC2IMPL_PATH}, &error).release();
        ASSERT_NE(table_, nullptr) << error;
    }
    static AbiTable *table_;
};
AbiTable *RanksJoinedByRootInfo::table_ = nullptr;

TEST_P(RanksJoinedByRootInfo, SameVerdictAsTheThreadedRunner) {
    const Case c = Parse(GetParam());
    const CaseResult threaded = RunCase(c, *table_, RunOptions{});
    RunOptions keep;
    keep.keep_outputs = true;
    std::mutex mu;
    HcclRootInfo shared{};
    bool have = false, ok = false;
    std::condition_variable cv;
    std::vector<RankReport> reports(static_cast<size_t>(c.world));
    std::vector<std::thread> threads;
    for (int r = 0; r < c.world; ++r) {
        threads.emplace_back([&, r] {
            reports[static_cast<size_t>(r)] = RunRank(c, *table_, keep, r, [&](HcclRootInfo *info, bool made) {
                std::unique_lock<std::mutex> lock(mu);
                if (r == 0) {
                    shared = *info;
                    ok = made;
                    have = true;
                    cv.notify_all();
                    return made;
                }
                cv.wait(lock, [&] { return have; });
                *info = shared;
                return ok;
            });
        });
    }
    for (std::thread &t : threads) t.join();
    for (const RankReport &rep : reports) EXPECT_EQ(rep.setup_error, "") << "rank " << rep.rank;
    const CaseResult joined = JudgeRanks(c, reports, RunOptions{});
    EXPECT_EQ(StatusName(joined.status), StatusName(threaded.status)) << joined.Line() << "\n" << threaded.Line();
    EXPECT_EQ(joined.status, Status::kPassed) << joined.Line();
    ASSERT_EQ(joined.ranks.size(), threaded.ranks.size());
    for (size_t r = 0; r < joined.ranks.size(); ++r) {
        EXPECT_EQ(joined.ranks[r].prepare_status, threaded.ranks[r].prepare_status);
        EXPECT_EQ(joined.ranks[r].execute_called, threaded.ranks[r].execute_called);
    }
}

INSTANTIATE_TEST_SUITE_P(
    MatmulAllReduce, RanksJoinedByRootInfo,
    ::testing::Values(
        kValid,
        "matmul_all_reduce platform=atlas_a2 world=4 x1=bf16[2,8,64] x2=bf16[64,16]s(1,64) bias=bf16[16] "
        "group=comm reduce_op=\"sum\" comm_turn=0 stream_mode=1 output=bf16[2,8,16] seed=2 dist=exact sched=5",
        // Refused on every rank (161002), outputs untouched.
        "matmul_all_reduce platform=atlas_a2 world=2 x1=float16[16,32] x2=float16[32,24] bias=- group=comm "
        "reduce_op=\"max\" comm_turn=0 stream_mode=1 output=float16[16,24] seed=1 dist=normal sched=0",
        // Refused on rank 1 only: rank 0's collective must fail, released through the transport.
        "matmul_all_reduce platform=atlas_a2 world=2 x1=float16[16,32] x2=float16[32,24] bias=- group=comm "
        "reduce_op=\"sum\" comm_turn=0 stream_mode=1 output=float16[16,24] seed=1 dist=normal sched=0 "
        "x1@1=bf16[16,32]"));

}  // namespace
}  // namespace mc2::harness
