// tests/harness/harness_e2e_test.cc — MatmulAllReduce cases end to end through the built-in
// implementation (libmc2impl.so, loaded by path like any third-party library): valid cases
// across dtypes, layouts, distributions and rank schedules PASS; a refused call (reduce_op
// "max") returns the documented 161002 on every rank with the outputs left untouched; the peer
// of a refusing rank fails with a runtime error in bounded time.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <tuple>

#include "harness/case.h"
#include "harness/fill/storage.h"
#include "harness/run/case_scratch.h"
#include "harness/run/run_case.h"
#include "harness/run/world.h"
#include "harness/supervise/supervise.h"
#include "spec/choices.h"
#include "spec/generate.h"

namespace mc2::harness {
namespace {

Case Parse(const std::string &text) {
    CaseParse p = ParseCase(text);
    EXPECT_TRUE(p.value) << p.error;
    return p.value.value_or(Case{});
}

SuperviseOptions BuiltIn(bool in_process) {
    SuperviseOptions s;
    s.impl_paths = {MC2IMPL_PATH};
    s.in_process = in_process;
    s.timeout_s = 30;
    return s;
}

// One supervisor for the file: the library is loaded once (in-process mode).
Supervisor &InProcess() {
    static Supervisor s(BuiltIn(true), RunOptions{});
    return s;
}

class ValidCase : public ::testing::TestWithParam<std::string> {};

TEST_P(ValidCase, Passes) {
    const CaseResult r = InProcess().Run(Parse(GetParam()));
    EXPECT_EQ(r.status, Status::kPassed) << r.Line();
    for (const RankReport &rank : r.ranks) {
        EXPECT_EQ(rank.prepare_status, 0);
        ASSERT_EQ(rank.checks.size(), 1u);
        EXPECT_TRUE(rank.checks[0].pass) << rank.checks[0].summary;
    }
}

INSTANTIATE_TEST_SUITE_P(
    MatmulAllReduce, ValidCase,
    ::testing::Values(
        "matmul_all_reduce platform=atlas_a2 world=2 x1=float16[16,32] x2=float16[32,24] bias=- group=comm "
        "reduce_op=\"sum\" comm_turn=0 stream_mode=1 output=float16[16,24] seed=1 dist=normal sched=0",
        "matmul_all_reduce platform=atlas_a2 world=4 x1=bf16[2,8,64] x2=bf16[64,16]s(1,64) bias=bf16[16] "
        "group=comm reduce_op=\"sum\" comm_turn=0 stream_mode=1 output=bf16[2,8,16] seed=2 dist=exact sched=5",
        "matmul_all_reduce_v2 platform=atlas_a2 world=2 x1=float16[8,48] x2=float16[48,40] bias=float16[40] "
        "x3=float16[8,40] group=comm reduce_op=\"sum\" comm_turn=0 stream_mode=1 output=float16[8,40] seed=3 "
        "dist=ties sched=9",
        "matmul_all_reduce_v2 platform=atlas_a2 world=2 x1=float16[12,64] x2=float16[64,16] bias=- x3=- "
        "group=comm reduce_op=\"sum\" comm_turn=0 stream_mode=1 output=float16[12,16] seed=4 dist=cancel sched=0",
        "matmul_all_reduce platform=atlas_a2 world=2 x1=float16[8,32] x2=float16[32,8] bias=float16[8] "
        "group=comm reduce_op=\"sum\" comm_turn=0 stream_mode=1 output=float16[8,8] seed=5 dist=extreme sched=3",
        // Ranks may lay the replicated output out differently: the cross-rank comparison reads
        // each rank's copy through that rank's own strides (a false FAILED before, api_fuzzer).
        "matmul_all_reduce platform=atlas_a2 world=4 x1=float16[2,16] x2=float16[16,4] bias=- group=comm "
        "reduce_op=\"sum\" comm_turn=0 stream_mode=1 output=float16[2,4] seed=29014716 dist=normal sched=0 "
        "output@1=float16[2,4]s(50,1)",
        "matmul_all_reduce platform=atlas_a2 world=4 x1=float16[2,16] x2=float16[16,4] bias=- group=comm "
        "reduce_op=\"sum\" comm_turn=0 stream_mode=1 output=float16[2,4] seed=29014716 dist=normal sched=0 "
        "output@0=float16[2,4]s(50,1) output@3=float16[2,4]s(1,2)"));

TEST(MatmulAllReduceE2E, DefaultImplementationIsTheBuiltOneNextToTheExecutable) {
    // bin/<test> -> bin/../lib/libmc2impl.so in the build tree.
    EXPECT_EQ(std::filesystem::weakly_canonical(DefaultImplPath()), std::filesystem::weakly_canonical(MC2IMPL_PATH));
}

TEST(MatmulAllReduceE2E, ReduceMaxIsRefusedWith161002AndOutputsUntouched) {
    const CaseResult r = InProcess().Run(
        Parse("matmul_all_reduce platform=atlas_a2 world=2 x1=float16[16,32] x2=float16[32,24] bias=- group=comm "
              "reduce_op=\"max\" comm_turn=0 stream_mode=1 output=float16[16,24] seed=1 dist=normal sched=0"));
    EXPECT_EQ(r.status, Status::kPassed) << r.Line();
    ASSERT_EQ(r.ranks.size(), 2u);
    for (const RankReport &rank : r.ranks) {
        EXPECT_EQ(rank.prepare_status, 161002);
        EXPECT_FALSE(rank.execute_called);
        EXPECT_TRUE(rank.outputs_untouched);
        EXPECT_FALSE(rank.messages.empty());  // the implementation explains the refusal
    }
}

TEST(MatmulAllReduceE2E, SupervisedChildGivesTheSameVerdict) {
    const CaseResult r = RunSupervised(
        Parse("matmul_all_reduce platform=atlas_a2 world=2 x1=float16[16,32] x2=float16[32,24] bias=- group=comm "
              "reduce_op=\"sum\" comm_turn=0 stream_mode=1 output=float16[16,24] seed=1 dist=uniform sched=7"),
        RunOptions{}, BuiltIn(false));
    EXPECT_EQ(r.status, Status::kPassed) << r.Line();
    EXPECT_FALSE(r.schedule.empty());
}

TEST(MatmulAllReduceE2E, PeerOfARefusingRankFailsInBoundedTime) {
    // Rank 1's x1 is bf16 (161002 on rank 1); rank 0's own call is valid and must end with a
    // runtime error once its collective gives up waiting (CANN's HCCL_EXEC_TIMEOUT, 1 s here).
    SuperviseOptions s = BuiltIn(false);
    s.env = {{"HCCL_EXEC_TIMEOUT", "1"}};
    const CaseResult r = RunSupervised(
        Parse("matmul_all_reduce platform=atlas_a2 world=2 x1=float16[16,32] x2=float16[32,24] bias=- group=comm "
              "reduce_op=\"sum\" comm_turn=0 stream_mode=1 output=float16[16,24] seed=1 dist=normal sched=0 "
              "x1@1=bf16[16,32]"),
        RunOptions{}, s);
    EXPECT_EQ(r.status, Status::kPassed) << r.Line();
    ASSERT_EQ(r.ranks.size(), 2u);
    EXPECT_EQ(r.ranks[1].prepare_status, 161002);
    EXPECT_NE(r.ranks[0].execute_status == 0 ? r.ranks[0].sync_status : r.ranks[0].execute_status, 0);
    EXPECT_TRUE(r.ranks[0].outputs_untouched);
    EXPECT_LT(r.seconds, 10);
    // World 2 keeps the implementation's exec-timeout path (RunOptions::release_peers_from_world).
    EXPECT_NE(r.ranks[0].messages.find("timed out"), std::string::npos) << r.ranks[0].messages;
}

// The gates' default at world >= 3: the refused rank leaves its group (HcclCommDestroy), so its
// peers fail their collective because it left, not because the exec timeout ran out; the verdict
// is the same as when they wait. With release_peers_from_world = 0 they wait, as at world 2.
TEST(MatmulAllReduceE2E, GatesReleaseThePeersOfARefusingRankFromWorldThree) {
    const std::string refused =
        "matmul_all_reduce platform=atlas_a2 world=4 x1=float16[16,32] x2=float16[32,24] bias=- group=comm "
        "reduce_op=\"sum\" comm_turn=0 stream_mode=1 output=float16[16,24] seed=1 dist=normal sched=0 "
        "x1@3=bf16[16,32]";
    SuperviseOptions s = BuiltIn(false);
    s.env = {{"HCCL_EXEC_TIMEOUT", "1"}};
    for (const int from : {3, 0}) {
        RunOptions run;
        run.release_peers_from_world = from;
        const CaseResult r = RunSupervised(Parse(refused), run, s);
        EXPECT_EQ(r.status, Status::kPassed) << r.Line();
        ASSERT_EQ(r.ranks.size(), 4u);
        EXPECT_EQ(r.ranks[3].prepare_status, 161002);
        for (int peer = 0; peer < 3; ++peer) {
            const RankReport &p = r.ranks[static_cast<size_t>(peer)];
            EXPECT_NE(p.execute_status == 0 ? p.sync_status : p.execute_status, 0) << peer;
            EXPECT_TRUE(p.outputs_untouched) << peer;
            const bool waited = p.messages.find("timed out") != std::string::npos;
            EXPECT_EQ(waited, from == 0) << "release_peers_from_world=" << from << " rank " << peer << ": " << p.messages;
        }
    }
}

// The fuzzers' options (RunOptions::release_peers_of_refused, compress_schedule,
// pattern_fill_refused): the same case with a straggler schedule is judged the same way, but
// rank 1 destroys its communicator as soon as its first phase is refused, so rank 0 fails its
// collective at once instead of after the 5 s exec timeout RunCase sets.
TEST(MatmulAllReduceE2E, FuzzerOptionsReleaseThePeerOfARefusingRankAtOnce) {
    RunOptions fast;
    fast.release_peers_of_refused = true;
    fast.compress_schedule = true;
    fast.pattern_fill_refused = true;
    Supervisor s(BuiltIn(true), fast);
    const CaseResult r = s.Run(
        Parse("matmul_all_reduce platform=atlas_a2 world=2 x1=float16[16,32] x2=float16[32,24] bias=- group=comm "
              "reduce_op=\"sum\" comm_turn=0 stream_mode=1 output=float16[16,24] seed=1 dist=normal sched=7 "
              "x1@1=bf16[16,32]"));
    EXPECT_EQ(r.status, Status::kPassed) << r.Line();
    ASSERT_EQ(r.ranks.size(), 2u);
    EXPECT_EQ(r.ranks[1].prepare_status, 161002);
    EXPECT_NE(r.ranks[0].execute_status == 0 ? r.ranks[0].sync_status : r.ranks[0].execute_status, 0);
    EXPECT_TRUE(r.ranks[0].outputs_untouched);
    EXPECT_TRUE(r.ranks[1].outputs_untouched);
    EXPECT_FALSE(r.schedule.empty());  // the schedule is still named (and its order kept)
    EXPECT_LT(r.seconds, 3) << "the peer waited for the exec timeout";
    // Nothing of that case reaches the next one in the same process (the fuzzers run inputs back
    // to back): a valid case on the same devices passes, all ranks through their collective.
    const CaseResult next = s.Run(Parse(
        "matmul_all_reduce platform=atlas_a2 world=2 x1=float16[16,32] x2=float16[32,24] bias=- group=comm "
        "reduce_op=\"sum\" comm_turn=0 stream_mode=1 output=float16[16,24] seed=2 dist=normal sched=7"));
    EXPECT_EQ(next.status, Status::kPassed) << next.Line();
    ASSERT_EQ(next.ranks.size(), 2u);
    for (const RankReport &rank : next.ranks) EXPECT_TRUE(rank.sync_called && rank.sync_status == 0) << rank.rank;
}

// RunOptions::world (the fuzzers'): devices, rank threads, streams and communicators kept across
// cases (harness/run/world.h). Each case is judged as without a world: a refused rank that leaves
// its group, valid cases after it, another world size in between; the communicators of a case
// whose ranks all completed are the next case's, those a rank left are made anew.
// The built library's table, a World over it, and the fuzzers' options that release peers
// early, shared by the World tests.
class WorldE2E : public testing::Test {
protected:
    void SetUp() override {
        std::string error;
        table_ = AbiTable::Load({MC2IMPL_PATH}, &error);
        ASSERT_NE(table_, nullptr) << error;
        world_.emplace(*table_);
    }
    // Without the World when `kept` is false: the case makes and releases everything itself.
    RunOptions Options(bool kept) {
        RunOptions o;
        o.release_peers_of_refused = true;
        o.compress_schedule = true;
        if (kept) o.world = &*world_;
        return o;
    }
    std::unique_ptr<AbiTable> table_;
    std::optional<World> world_;
};

TEST_F(WorldE2E, WorldKeptAcrossCasesJudgesEveryCaseAlike) {
    const AbiTable &table = *table_;
    World &world = *world_;
    RunOptions fast = Options(true);
    fast.pattern_fill_refused = true;
    const std::string valid =
        "matmul_all_reduce platform=atlas_a2 world=2 x1=float16[16,32] x2=float16[32,24] bias=- group=comm "
        "reduce_op=\"sum\" comm_turn=0 stream_mode=1 output=float16[16,24] dist=normal sched=7";
    const CaseResult refused = RunCase(Parse(valid + " seed=1 x1@1=bf16[16,32]"), table, fast);
    EXPECT_EQ(refused.status, Status::kPassed) << refused.Line();
    ASSERT_EQ(refused.ranks.size(), 2u);
    EXPECT_EQ(refused.ranks[1].prepare_status, 161002);
    EXPECT_NE(refused.ranks[0].execute_status == 0 ? refused.ranks[0].sync_status : refused.ranks[0].execute_status, 0);
    const CaseResult first = RunCase(Parse(valid + " seed=2"), table, fast);
    EXPECT_EQ(first.status, Status::kPassed) << first.Line();
    const std::vector<HcclComm> comms = world.Comms(2);
    const CaseResult four = RunCase(
        Parse("matmul_all_reduce platform=atlas_a2 world=4 x1=float16[8,32] x2=float16[32,8] bias=- group=comm "
              "reduce_op=\"sum\" comm_turn=0 stream_mode=1 output=float16[8,8] seed=3 dist=normal sched=0"),
        table, fast);
    EXPECT_EQ(four.status, Status::kPassed) << four.Line();
    const CaseResult again = RunCase(Parse(valid + " seed=4"), table, fast);
    EXPECT_EQ(again.status, Status::kPassed) << again.Line();
    for (const RankReport &rank : again.ranks) EXPECT_TRUE(rank.sync_called && rank.sync_status == 0) << rank.rank;
    EXPECT_EQ(world.Comms(2), comms) << "communicators of a clean case are kept";
}

// The same through every operator: generated cases (valid ones, and ones breaking a rule) of
// mixed world sizes, run one after another through one World, each get the verdict and the
// per-rank statuses they get when the case makes and releases everything itself. A World that
// let one case's state reach the next (a stream, a communicator, a worker's job) or a race
// between its workers (this test also runs under TSan: the tsan.world label) shows up here
// as a different answer, whichever operator leaves it.
TEST_F(WorldE2E, WorldJudgesGeneratedCasesOfEveryOperatorAsWithoutOne) {
    const AbiTable &table = *table_;
    RunOptions alone = Options(false);
    alone.late_write_delay_ms = 0;
    RunOptions kept = Options(true);
    kept.late_write_delay_ms = 0;
    spec::Limits limits;
    limits.max_m = 16;
    limits.max_k = 32;
    limits.max_n = 16;
    limits.max_world = 4;
    auto phases = [](const CaseResult &r) {
        std::string out;
        for (const RankReport &rank : r.ranks) {
            out += "[" + std::to_string(rank.prepare_called) + std::to_string(rank.execute_called) +
                   std::to_string(rank.sync_called) + " " + std::to_string(rank.prepare_status) + " " +
                   std::to_string(rank.execute_status) + " " + std::to_string(rank.sync_status) + " " +
                   std::to_string(rank.outputs_untouched) + "]";
        }
        return out;
    };
    size_t compared = 0;
    std::set<int> sizes;
    for (uint64_t seed = 1; seed <= 6; ++seed) {
        for (const std::string &op : spec::GeneratableOps()) {
            spec::SeededChoices choices(seed * 7919 + op.size());
            std::vector<Case> cases = {spec::GenerateValid(op, Platform::kAtlasA2, choices, limits)};
            const spec::InvalidCase invalid = spec::GenerateInvalid(op, Platform::kAtlasA2, choices, limits);
            // A peer left waiting in a group that no HcclComm of the world's stands for (an ATB
            // communicator of its own) waits the connect timeout in both runs: slow, and no test
            // of the World.
            if (invalid.rule_id.find(".xrank.") == std::string::npos) cases.push_back(invalid.value);
            for (const Case &c : cases) {
                const CaseResult a = RunCase(c, table, alone);
                const CaseResult b = RunCase(c, table, kept);
                EXPECT_EQ(a.status, b.status) << c.ToString() << "\n  alone: " << a.Line() << "\n  kept: " << b.Line();
                EXPECT_EQ(phases(a), phases(b)) << c.ToString();
                EXPECT_NE(b.status, Status::kFailed) << b.Line();
                sizes.insert(c.world);
                ++compared;
            }
        }
    }
    EXPECT_GE(compared, 3 * spec::GeneratableOps().size());
    EXPECT_GE(sizes.size(), 2u) << "world sizes must vary between the cases";
}

// What a binding caches while a case is judged (harness/run/case_scratch.h) is forgotten when
// the judgement ends, on the judging thread, whatever the verdict: kept, it is memory the next
// case did not allocate, which libFuzzer's leak detection re-runs inputs for.
thread_local int scratch_held = 0;

TEST(MatmulAllReduceE2E, CaseScratchIsForgottenWhenEachJudgementEnds) {
    std::string error;
    auto table = AbiTable::Load({MC2IMPL_PATH}, &error);
    ASSERT_NE(table, nullptr) << error;
    RegisterCaseScratch([] { scratch_held = 0; });
    const std::string base =
        "matmul_all_reduce platform=atlas_a2 world=2 x1=float16[16,32] x2=float16[32,24] bias=- group=comm "
        "comm_turn=0 stream_mode=1 output=float16[16,24] seed=1 dist=normal sched=0";
    scratch_held = 1;
    const CaseResult passed = RunCase(Parse(base + " reduce_op=\"sum\""), *table);
    EXPECT_EQ(passed.status, Status::kPassed) << passed.Line();
    EXPECT_EQ(scratch_held, 0) << "a judged case's scratch was kept";
    scratch_held = 1;
    const CaseResult refused = RunCase(Parse(base + " reduce_op=\"max\""), *table);  // no output judged
    EXPECT_EQ(refused.status, Status::kPassed) << refused.Line();
    EXPECT_EQ(scratch_held, 0) << "a refused case's scratch was kept";
}

// The case's platform reaches the implementation (MC2_PLATFORM, set by RunCase before any call),
// whatever the process had set before: world 16 is valid on Ascend 950 only (spec rules
// mar.tiling.world_size_a2 / _950), and the built-in library emulates the profile it is told.
TEST(MatmulAllReduceE2E, EachCaseRunsUnderItsOwnPlatform) {
    const std::string world16 =
        "world=16 x1=float16[16,32] x2=float16[32,24] bias=- group=comm reduce_op=\"sum\" comm_turn=0 stream_mode=1 "
        "output=float16[16,24] seed=1 dist=normal sched=0";
    setenv("MC2_PLATFORM", "atlas_a2", 1);  // a stale value: the case must override it
    const CaseResult on950 = InProcess().Run(Parse("matmul_all_reduce platform=ascend_950 " + world16));
    EXPECT_EQ(on950.status, Status::kPassed) << on950.Line();
    setenv("MC2_PLATFORM", "ascend_950", 1);
    const CaseResult onA2 = InProcess().Run(Parse("matmul_all_reduce platform=atlas_a2 " + world16));
    EXPECT_EQ(onA2.status, Status::kPassed) << onA2.Line();
    ASSERT_EQ(onA2.ranks.size(), 16u);
    EXPECT_NE(onA2.ranks[0].prepare_status, 0);  // refused: Atlas A2 has no 16-rank mesh
    unsetenv("MC2_PLATFORM");
}


// A descriptor aclCreateTensor refuses is judged on the refusal, not passed on as a null tensor
// (where the operator answers for "no x3": 161001, or success for an optional tensor). A 9-dim
// x3 is refused by the built-in library (at most 8 dims); the spec expects the call to fail
// (x3 must have the output's shape), so the refusal conforms.
const std::string kNineDimX3 =
    "matmul_all_reduce_v2 platform=atlas_a2 world=2 x1=float16[8,32] x2=float16[32,16] bias=- "
    "x3=float16[1,1,1,1,1,1,1,8,16] group=comm reduce_op=\"sum\" comm_turn=0 stream_mode=1 "
    "output=float16[8,16] seed=1 dist=normal sched=0";

TEST(MatmulAllReduceE2E, RefusedDescriptorOfAFailingCallConforms) {
    const CaseResult r = InProcess().Run(Parse(kNineDimX3));
    EXPECT_EQ(r.status, Status::kPassed) << r.Line();
    ASSERT_EQ(r.ranks.size(), 2u);
    for (const RankReport &rank : r.ranks) {
        EXPECT_EQ(rank.descriptor_refused.rfind("x3: ", 0), 0u) << rank.descriptor_refused;
        EXPECT_NE(rank.descriptor_refused.find("exceeds the maximum"), std::string::npos) << rank.descriptor_refused;
        EXPECT_FALSE(rank.prepare_called);
        EXPECT_TRUE(rank.outputs_untouched);
        EXPECT_TRUE(rank.verdict.empty()) << rank.verdict;
    }
}

TEST(MatmulAllReduceE2E, RankWithARefusedDescriptorIsAPeerThatFailedEarly) {
    // Only rank 1's x3 is refused: rank 1 makes no call, and rank 0's collective must give up
    // with a runtime error in bounded time (the cross-rank rules' expectation).
    std::string text = kNineDimX3;
    text.replace(text.find("x3=float16[1,1,1,1,1,1,1,8,16]"), 30, "x3=float16[8,16]");
    text += " x3@1=float16[1,1,1,1,1,1,1,8,16]";
    SuperviseOptions s = BuiltIn(false);
    s.env = {{"HCCL_EXEC_TIMEOUT", "1"}};
    const CaseResult r = RunSupervised(Parse(text), RunOptions{}, s);
    EXPECT_EQ(r.status, Status::kPassed) << r.Line();
    ASSERT_EQ(r.ranks.size(), 2u);
    EXPECT_TRUE(r.ranks[0].descriptor_refused.empty());
    EXPECT_TRUE(r.ranks[0].prepare_called);
    EXPECT_EQ(r.ranks[1].descriptor_refused.rfind("x3: ", 0), 0u) << r.ranks[1].descriptor_refused;
    EXPECT_FALSE(r.ranks[1].prepare_called);
    EXPECT_LT(r.seconds, 10);
}

// A tensor beyond the harness's size limit (4·10^10 bytes here) on a call the spec refuses at the
// first phase is judged on that phase over a small stand-in buffer (found by api_fuzzer: the
// runner reported its own limit as FAILED for a conforming library); on a call the spec expects to
// run it is still the harness's limit, and said so.
TEST(MatmulAllReduceE2E, OversizedTensorOfARefusedCallIsJudgedOnTheFirstPhase) {
    const std::string body =
        " platform=atlas_a2 world=1 x1=float16[32,64] x2=float16[64,20] bias=- group=comm reduce_op=\"sum\" "
        "comm_turn=0 output=float16[100000,200000] seed=1 dist=normal sched=0";
    const CaseResult refused = InProcess().Run(Parse("matmul_all_reduce stream_mode=1" + body));
    EXPECT_EQ(refused.status, Status::kPassed) << refused.Line();
    ASSERT_EQ(refused.ranks.size(), 1u);
    EXPECT_EQ(refused.ranks[0].prepare_status, 161002);
    EXPECT_FALSE(refused.ranks[0].execute_called);
    TensorSpec huge;
    huge.shape = {100000, 200000};
    EXPECT_GT(StorageBytes(huge), RunOptions{}.max_tensor_bytes);
}

// ATB has no views: the binding passes a non-plain view as the tensor it declares. A count tensor
// whose view puts an element before its storage (stride -1 at offset 0) still reaches the library
// with its declared values, which the catalogue judges: a window past the output is refused by
// Setup (a2av.counts.window), a valid one is executed and checked. Before the fix the element read
// as 0 from the missing byte, so the library accepted the first (api_fuzzer, issue 12).
TEST(AllToAllVV2E2E, CountsViewOutsideItsStorageReachesTheLibraryAsDeclared) {
    RunOptions release;
    release.release_peers_of_refused = true;  // rank 1 need not wait out the exec timeout
    Supervisor s(BuiltIn(true), release);
    const std::string base = "all_to_all_vv2 platform=atlas_a2 world=2 x=bf16[19] send_counts=int64[2]v(15,0) sdispls=int64[2]v(1,1) recv_counts=int64[2]v(15,16) rdispls=int64[2]v(16,0) tensor_for_infer_shape=int8[31] output=bf16[1,31] rank=0 rank_size=2 rank_root=0 backend=\"hccl\" hccl_comm=comm comm_mode=1 rank_table_file=\"\" comm_domain=\"\" seed=1284060666 dist=uniform sched=0 x@1=bf16[21] send_counts@1=int64[2]v(16,2) sdispls@1=int64[2]v(0,17) recv_counts@1=int64[2]v(0,2) rdispls@1=int64[2]v(0,0) tensor_for_infer_shape@1=int8[2] output@1=bf16[1,2] rank@1=1";
    for (const char *rdispls : {"rdispls=int64[2]s(-1)v(0,100)", "rdispls=int64[2]s(-1)v(0,15)"}) {
        std::string text = base;
        const size_t at = text.find("rdispls=int64[2]v(16,0)");
        ASSERT_NE(at, std::string::npos);
        text.replace(at, std::string("rdispls=int64[2]v(16,0)").size(), rdispls);
        const CaseResult r = s.Run(Parse(text));
        EXPECT_EQ(r.status, Status::kPassed) << rdispls << ": " << r.Line();
        ASSERT_EQ(r.ranks.size(), 2u);
        if (std::string(rdispls).find("100") != std::string::npos) {
            EXPECT_NE(r.ranks[0].prepare_status, 0) << "Setup saw other counts than the declared ones";
        } else {
            EXPECT_TRUE(r.ranks[0].sync_called && r.ranks[0].sync_status == 0) << r.Line();
        }
    }
}


// A data view (no explicit values) that reaches before its storage has no contents to give ATB:
// the runner makes no call for that rank, which the spec admits (api_fuzzer seed 1: an output at
// offset -4 was passed as a one-element copy that was never scattered back, and the runner then
// read an element the library could not have written). A negative stride the offset covers is
// an ordinary view, gathered and executed.
TEST(AllToAllVV2E2E, DataViewBeforeItsStorageIsNotPassed) {
    const std::string base = "all_to_all_vv2 platform=atlas_a2 world=1 x=int64[3]X send_counts=int64[1]v(2) "
                             "sdispls=int64[1]v(1) recv_counts=int64[1]v(2) rdispls=int64[1]v(0) "
                             "tensor_for_infer_shape=int8[1] output=int64[1,2]O rank=0 rank_size=1 rank_root=0 "
                             "backend=\"hccl\" hccl_comm=comm comm_mode=1 rank_table_file=\"\" comm_domain=\"\" "
                             "seed=2091935146 dist=uniform sched=0";
    auto run = [&](const std::string &x, const std::string &out) {
        std::string text = base;
        text.replace(text.find("X "), 1, x);
        text.replace(text.find("O "), 1, out);
        return InProcess().Run(Parse(text));
    };
    for (const auto &[x, out, tensor] : {std::tuple<std::string, std::string, std::string>{"", "o(-4)", "output"},
                                         {"", "s(2,-1)", "output"},
                                         {"s(-1)", "", "x"}}) {
        const CaseResult r = run(x, out);
        EXPECT_EQ(r.status, Status::kPassed) << r.Line();
        ASSERT_EQ(r.ranks.size(), 1u);
        EXPECT_EQ(r.ranks[0].descriptor_refused.rfind(tensor + ": (runner)", 0), 0u) << r.ranks[0].descriptor_refused;
        EXPECT_FALSE(r.ranks[0].prepare_called);
        EXPECT_TRUE(r.ranks[0].outputs_untouched);
    }
    for (const auto &[x, out] : {std::pair<std::string, std::string>{"s(-1)o(2)", ""}, {"", "s(2,-1)o(1)"}}) {
        const CaseResult r = run(x, out);
        EXPECT_EQ(r.status, Status::kPassed) << r.Line();
        ASSERT_EQ(r.ranks.size(), 1u);
        EXPECT_TRUE(r.ranks[0].descriptor_refused.empty());
        EXPECT_TRUE(r.ranks[0].sync_called && r.ranks[0].sync_status == 0) << r.Line();
    }
}

// A rank's all-to-all runs with the ranks of its communicator (spec/all_to_all_vv2 GroupMembers):
// (a) rank 0 alone makes its own (hcclComm null, rankSize 4) while its peers pass the caller's:
// neither collective can complete, every rank fails at run time; (b) every rank makes a world-1
// communicator and rank 1 is refused for its rank table: the others complete on their own and
// their outputs are judged within their groups (api_fuzzer findings, issue 12).
TEST(AllToAllVV2E2E, EachRankRunsWithTheRanksOfItsCommunicator) {
    SuperviseOptions s = BuiltIn(false);
    s.env = {{"HCCL_EXEC_TIMEOUT", "1"}, {"HCCL_CONNECT_TIMEOUT", "2"}};
    const CaseResult mixed = RunSupervised(Parse("all_to_all_vv2 platform=atlas_a2 world=4 x=bf16[45] send_counts=int64[4]v(15,16,7,0) sdispls=int64[4]v(27,1,19,0) recv_counts=int64[4]v(15,6,0,5) rdispls=int64[4]v(0,20,15,15) tensor_for_infer_shape=int8[26] output=bf16[1,26] rank=0 rank_size=4 rank_root=0 backend=\"hccl\" hccl_comm=comm hccl_comm@0=null comm_mode=1 rank_table_file=\"\" comm_domain=\"\" seed=865235711 dist=uniform sched=0 x@1=bf16[2,12] send_counts@1=int64[4]v(6,13,0,0) sdispls@1=int64[4]v(1,7,21,21) recv_counts@1=int64[4]v(16,13,3,11) rdispls@1=int64[4]v(27,11,24,0) tensor_for_infer_shape@1=int8[43] output@1=bf16[1,43] rank@1=1 x@2=bf16[2,9] send_counts@2=int64[4]v(0,3,14,11) sdispls@2=int64[4]v(1,1,1,1) recv_counts@2=int64[4]v(7,0,14,16) rdispls@2=int64[4]v(30,16,16,0) tensor_for_infer_shape@2=int8[37] output@2=bf16[1,37] rank@2=2 x@3=bf16[42] send_counts@3=int64[4]v(5,11,16,4) sdispls@3=int64[4]v(2,25,9,36) recv_counts@3=int64[4]v(0,0,11,4) rdispls@3=int64[4]v(4,15,4,0) tensor_for_infer_shape@3=int8[15] output@3=bf16[1,15] rank@3=3"), RunOptions{}, s);
    EXPECT_EQ(mixed.status, Status::kPassed) << mixed.Line();
    ASSERT_EQ(mixed.ranks.size(), 4u);
    for (const RankReport &r : mixed.ranks) {
        EXPECT_FALSE(r.prepare_status == 0 && r.execute_status == 0 && r.sync_status == 0) << r.rank;
    }
    const CaseResult own = RunSupervised(Parse("all_to_all_vv2 platform=atlas_a2 world=4 x=int32[9] send_counts=int64[1]v(4) sdispls=int64[1]v(2) recv_counts=int64[1]v(4) rdispls=int64[1]v(0) tensor_for_infer_shape=int8[4] output=int32[1,4] rank=0 rank_size=1 rank_root=0 backend=\"hccl\" hccl_comm=null comm_mode=1 rank_table_file=\"\" comm_domain=\"\" seed=710777308 dist=uniform sched=0 rank_table_file@1=\"\\xCF\\x00\""), RunOptions{}, s);
    EXPECT_EQ(own.status, Status::kPassed) << own.Line();
    ASSERT_EQ(own.ranks.size(), 4u);
    EXPECT_NE(own.ranks[1].prepare_status, 0);
    for (int r : {0, 2, 3}) {
        EXPECT_TRUE(own.ranks[static_cast<size_t>(r)].sync_called && own.ranks[static_cast<size_t>(r)].sync_status == 0) << r;
    }
}

}  // namespace
}  // namespace mc2::harness
