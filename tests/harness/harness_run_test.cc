// tests/harness/harness_run_test.cc — the loader, the runner and the supervisor against fake
// implementations (fake_impl.cc): a missing required symbol is a clear load error, a missing
// operator symbol a FAILED case naming it, later libraries fill what earlier ones lack, a
// crash is CRASH with the signal's name, a hang is TIMEOUT, and the run goes on after both;
// garbage outputs and outputs written by a refusing call are FAILED. Also the rank schedule
// and the JSON form of results.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

#include "harness/abi/abi_table.h"
#include "harness/case.h"
#include "harness/run/run_case.h"
#include "harness/run/schedule.h"
#include "harness/run/world.h"
#include "harness/supervise/result_json.h"
#include "harness/supervise/supervise.h"

namespace mc2::harness {
namespace {

Case Parse(const std::string &text) {
    CaseParse p = ParseCase(text);
    EXPECT_TRUE(p.value) << p.error;
    return p.value.value_or(Case{});
}

const std::string kValid =
    "matmul_all_reduce platform=atlas_a2 world=2 x1=float16[16,32] x2=float16[32,24] bias=- group=comm "
    "reduce_op=\"sum\" comm_turn=0 stream_mode=1 output=float16[16,24] seed=1 dist=normal sched=0";
const std::string kValidV2 =
    "matmul_all_reduce_v2 platform=atlas_a2 world=2 x1=float16[16,32] x2=float16[32,24] bias=- x3=- group=comm "
    "reduce_op=\"sum\" comm_turn=0 stream_mode=1 output=float16[16,24] seed=1 dist=normal sched=0";
const std::string kMaxReduce =
    "matmul_all_reduce platform=atlas_a2 world=2 x1=float16[16,32] x2=float16[32,24] bias=- group=comm "
    "reduce_op=\"max\" comm_turn=0 stream_mode=1 output=float16[16,24] seed=1 dist=normal sched=0";

SuperviseOptions Fake(const char *path, double timeout_s = 20) {
    SuperviseOptions s;
    s.impl_paths = {path};
    s.timeout_s = timeout_s;
    return s;
}

TEST(AbiTable, MissingRequiredSymbolIsAClearLoadError) {
    std::string error;
    EXPECT_EQ(AbiTable::Load({FAKE_NO_HCCL_PATH}, &error), nullptr);
    EXPECT_NE(error.find("HcclCommInitAll"), std::string::npos) << error;
    EXPECT_NE(error.find(FAKE_NO_HCCL_PATH), std::string::npos) << error;
    EXPECT_EQ(AbiTable::Load({"/nonexistent/libnothing.so"}, &error), nullptr);
    EXPECT_NE(error.find("cannot load implementation library /nonexistent/libnothing.so"), std::string::npos);
}

TEST(AbiTable, MissingOperatorSymbolFailsOnlyThatCase) {
    std::string error;
    auto table = AbiTable::Load({FAKE_NO_OPS_PATH}, &error);
    ASSERT_NE(table, nullptr) << error;
    const CaseResult r = RunCase(Parse(kValidV2), *table);
    EXPECT_EQ(r.status, Status::kFailed);
    EXPECT_NE(r.reason.find("symbol aclnnMatmulAllReduceV2GetWorkspaceSize not exported"), std::string::npos) << r.reason;
    EXPECT_NE(r.Line().find("__REPRO: mc2conf run 'matmul_all_reduce_v2 "), std::string::npos) << r.Line();
}

TEST(AbiTable, LaterLibrariesResolveWhatEarlierOnesLack) {
    std::string error;
    auto table = AbiTable::Load({FAKE_NO_OPS_PATH, FAKE_DIRTY_PATH}, &error);
    ASSERT_NE(table, nullptr) << error;
    EXPECT_NE(table->Find("aclnnMatmulAllReduce"), nullptr);
    EXPECT_NE(table->Find("aclInit"), nullptr);
    // The operator now comes from the second library: it refuses but writes its output.
    const CaseResult r = RunCase(Parse(kMaxReduce), *table);
    EXPECT_EQ(r.status, Status::kFailed);
    EXPECT_NE(r.reason.find("output was modified"), std::string::npos) << r.reason;
}

TEST(Supervisor, CrashIsRecordedWithTheSignalName) {
    const CaseResult r = RunSupervised(Parse(kValid), RunOptions{}, Fake(FAKE_SEGV_PATH));
    EXPECT_EQ(r.status, Status::kCrash);
    // Under AddressSanitizer the segfault is reported by ASan, which then aborts (SIGABRT):
    // the reason carries its SUMMARY line instead of the bare signal.
    const bool named = r.reason.find("SIGSEGV") != std::string::npos ||
                       r.reason.find("SUMMARY: AddressSanitizer: SEGV") != std::string::npos;
    EXPECT_TRUE(named) << r.reason;
    EXPECT_EQ(r.descriptor, Parse(kValid).ToString());
}

TEST(Supervisor, HangIsATimeoutAndTheRunGoesOn) {
    Supervisor hang(Fake(FAKE_HANG_PATH, 1.0), RunOptions{});
    const auto t0 = std::chrono::steady_clock::now();
    const CaseResult r = hang.Run(Parse(kValid));
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_EQ(r.status, Status::kTimeout) << r.reason;
    EXPECT_LT(took, 5.0);
    // The same supervisor takes the next case: it hangs and times out again, nothing wedges.
    EXPECT_EQ(hang.Run(Parse(kValid)).status, Status::kTimeout);
    // And a different library afterwards is unaffected.
    EXPECT_EQ(RunSupervised(Parse(kValid), RunOptions{}, Fake(FAKE_SEGV_PATH)).status, Status::kCrash);
}

TEST(Supervisor, GarbageOutputsFail) {
    const CaseResult r = RunSupervised(Parse(kValid), RunOptions{}, Fake(FAKE_GARBAGE_PATH));
    EXPECT_EQ(r.status, Status::kFailed) << r.reason;
    ASSERT_EQ(r.ranks.size(), 2u);
    EXPECT_FALSE(r.ranks[0].verdict.empty());
}

TEST(Supervisor, AcceptingAnInvalidCallFails) {
    // reduce_op "max" must be refused with 161002; the garbage fake accepts it.
    const CaseResult r = RunSupervised(Parse(kMaxReduce), RunOptions{}, Fake(FAKE_GARBAGE_PATH));
    EXPECT_EQ(r.status, Status::kFailed);
    EXPECT_NE(r.reason.find("161002"), std::string::npos) << r.reason;
}

TEST(Supervisor, LoadErrorsComeBackAsFailed) {
    const CaseResult r = RunSupervised(Parse(kValid), RunOptions{}, Fake(FAKE_NO_HCCL_PATH));
    EXPECT_EQ(r.status, Status::kFailed);
    EXPECT_NE(r.reason.find("HcclCommInitAll"), std::string::npos) << r.reason;
}

// Sizes are checked without overflow (found by the fuzzers: float16[2^62] made elements·bits
// wrap round to 0 bytes, so the limit check let it through and the filler died on it).
std::string WithX1(const std::string &x1) {
    std::string text = kValid;
    const std::string from = "x1=float16[16,32]";
    return text.replace(text.find(from), from.size(), "x1=" + x1);
}

// An output view at an offset (o(8) over a storage of 392 elements): the garbage fake writes 384
// elements from the start of the storage, ignoring the offset, so the view's last 8 elements keep
// the poison and storage elements 0..7, outside the view, change. The contiguous-view shortcut
// of the output checks (harness/run/run_case.cc ContiguousWritesPass) must not pass it; the
// element walk names the first element left unwritten, the check it makes first.
TEST(RunCase, AnOffsetViewWrittenFromTheStorageStartIsFound) {
    std::string error;
    auto table = AbiTable::Load({FAKE_GARBAGE_PATH}, &error);
    ASSERT_NE(table, nullptr) << error;
    std::string text = kValid;
    const std::string from = "output=float16[16,24]";
    text.replace(text.find(from), from.size(), "output=float16[16,24]o(8)st(392)");
    const CaseResult r = RunCase(Parse(text), *table);
    EXPECT_EQ(r.status, Status::kFailed) << r.reason;
    ASSERT_EQ(r.ranks.size(), 2u);
    EXPECT_NE(r.ranks[0].verdict.find("output element 376 not written (poison left in place)"), std::string::npos)
        << r.ranks[0].verdict;
}

TEST(RunCase, HugeTensorsAreAHarnessLimitOnTheirRank) {
    std::string error;
    auto table = AbiTable::Load({FAKE_GARBAGE_PATH}, &error);
    ASSERT_NE(table, nullptr) << error;
    // A call the spec expects to run (m = INT32_MAX is within the documented limits) with tensors
    // beyond the harness's limit: nothing is allocated or called, the reason names the tensor.
    std::string big = kValid;
    big.replace(big.find("x1=float16[16,32]"), 17, "x1=float16[2147483647,32]");
    big.replace(big.find("output=float16[16,24]"), 21, "output=float16[2147483647,24]");
    const CaseResult r = RunCase(Parse(big), *table);
    EXPECT_EQ(r.status, Status::kFailed);
    EXPECT_NE(r.reason.find("harness limit: rank 0 tensor x1 needs 137438953408 bytes of storage"), std::string::npos)
        << r.reason;
    ASSERT_EQ(r.ranks.size(), 2u);
    EXPECT_EQ(r.ranks[0].setup_error, r.reason);
    EXPECT_FALSE(r.ranks[0].prepare_called);
    EXPECT_FALSE(r.ranks[1].expected.empty());

    // Calls the spec refuses at the first phase are judged on that phase over small stand-in
    // buffers, whatever their size (2 TiB, 2^63 bytes beyond size_t, a 2^40-element broadcast
    // view): this library accepts them and is never executed. A 1-D or float32 x1 breaks a
    // documented rule, so accepting it is FAILED; a view past 2^64 bits cannot be addressed, which this suite's
    // hardening rule mar.shape.negative refuses first (session 16), and the vendor profile leaves
    // such a call undefined, so accepting it is a WARNING.
    const std::pair<std::string, Status> calls[] = {{"float16[1099511627776]", Status::kFailed},
                                                    {"float16[4611686018427387904]", Status::kWarning},
                                                    {"float[4611686018427387904,4]", Status::kFailed},  // dtype first
                                                    {"float16[1099511627776]s(0)", Status::kFailed}};
    for (const auto &[x1, want] : calls) {
        const CaseResult refused = RunCase(Parse(WithX1(x1)), *table);
        EXPECT_EQ(refused.status, want) << x1 << ": " << refused.reason;
        EXPECT_EQ(refused.reason.find("harness limit"), std::string::npos) << refused.reason;
        ASSERT_EQ(refused.ranks.size(), 2u) << x1;
        EXPECT_TRUE(refused.ranks[0].prepare_called) << x1;
        EXPECT_FALSE(refused.ranks[0].execute_called) << x1;
        const std::string &why = want == Status::kFailed ? refused.ranks[0].verdict : refused.ranks[0].warning;
        EXPECT_NE(why.find("got GetWorkspaceSize 0"), std::string::npos) << x1 << ": " << why;
        if (want == Status::kWarning) EXPECT_NE(why.find("mar.shape.negative"), std::string::npos) << why;
    }
}

// RunCase exports MC2_PLATFORM = the case's platform before any call; a supervised child has it
// before the library loads. The ENV fake refuses every call with "MC2_PLATFORM at load=… at
// call=…" as its error text.
TEST(RunCase, ThePlatformIsInTheEnvironmentAtLoadAndAtEveryCall) {
    unsetenv("MC2_PLATFORM");
    std::string on950 = kValid;
    on950.replace(on950.find("atlas_a2"), 8, "ascend_950");
    const CaseResult child = RunSupervised(Parse(on950), RunOptions{}, Fake(FAKE_ENV_PATH));
    ASSERT_EQ(child.ranks.size(), 2u) << child.Line();
    for (const RankReport &rank : child.ranks) {
        EXPECT_NE(rank.messages.find("MC2_PLATFORM at load=ascend_950 at call=ascend_950"), std::string::npos)
            << rank.messages;
    }
    // In-process: the library is loaded once; every case then runs under its own platform.
    setenv("MC2_PLATFORM", "ascend_950", 1);
    std::string error;
    auto table = AbiTable::Load({FAKE_ENV_PATH}, &error);
    ASSERT_NE(table, nullptr) << error;
    const CaseResult here = RunCase(Parse(kValid), *table);
    ASSERT_EQ(here.ranks.size(), 2u) << here.Line();
    EXPECT_NE(here.ranks[1].messages.find("at call=atlas_a2"), std::string::npos) << here.ranks[1].messages;
    const char *now = std::getenv("MC2_PLATFORM");
    EXPECT_STREQ(now, "atlas_a2");
    unsetenv("MC2_PLATFORM");
}

// An implementation whose aclCreateTensor refuses everything: a valid case is FAILED on the
// refusal (not on what the operator says about null tensors), a case the spec refuses anyway
// conforms, and the operator is never called.
TEST(RunCase, RefusedDescriptorsAreJudgedAgainstTheSpec) {
    std::string error;
    auto table = AbiTable::Load({FAKE_REFUSE_PATH}, &error);
    ASSERT_NE(table, nullptr) << error;
    const CaseResult valid = RunCase(Parse(kValid), *table);
    EXPECT_EQ(valid.status, Status::kFailed);
    EXPECT_NE(valid.reason.find("rank 0: aclCreateTensor refused a descriptor the spec accepts: x1: fake: every "
                                "descriptor is refused"),
              std::string::npos)
        << valid.reason;
    ASSERT_EQ(valid.ranks.size(), 2u);
    for (const RankReport &rank : valid.ranks) {
        EXPECT_EQ(rank.descriptor_refused, "x1: fake: every descriptor is refused");
        EXPECT_FALSE(rank.prepare_called);
        EXPECT_TRUE(rank.setup_error.empty()) << rank.setup_error;
    }
    const CaseResult refused = RunCase(Parse(kMaxReduce), *table);  // the spec expects 161002
    EXPECT_EQ(refused.status, Status::kPassed) << refused.Line();
}

// RunOptions::world checks what a case leaves behind (harness/run/world.h): this fake's
// refusing first phase leaves its stream failing. Case by case the stream is destroyed with the
// case and nothing judged sees it; kept across cases, the world finds it failing after the case
// and the case is FAILED for it, and the stream is replaced, so the next case starts clean.
TEST(RunCase, WorldReportsTheStateACaseLeavesBehind) {
    std::string error;
    auto table = AbiTable::Load({FAKE_LEAKY_PATH}, &error);
    ASSERT_NE(table, nullptr) << error;
    const CaseResult alone = RunCase(Parse(kMaxReduce), *table);  // the spec expects 161002
    EXPECT_EQ(alone.status, Status::kPassed) << alone.Line();
    World world(*table);
    RunOptions options;
    options.world = &world;
    const CaseResult kept = RunCase(Parse(kMaxReduce), *table, options);
    EXPECT_EQ(kept.status, Status::kFailed) << kept.Line();
    EXPECT_NE(kept.reason.find("its stream did not synchronise cleanly (status 507000)"), std::string::npos)
        << kept.reason;
    EXPECT_NE(kept.reason.find("state left for the next input"), std::string::npos) << kept.reason;
}

TEST(Schedule, SeededAndReproducible) {
    EXPECT_FALSE(MakeSchedule(0, 4).Active());
    const Schedule a = MakeSchedule(42, 4);
    const Schedule b = MakeSchedule(42, 4);
    EXPECT_EQ(a.Describe(), b.Describe());
    EXPECT_NE(a.Describe(), MakeSchedule(43, 4).Describe());
    ASSERT_EQ(a.order.size(), 4u);
    EXPECT_GE(a.straggler, 0);
    EXPECT_LT(a.straggler, 4);
    const RankPlan &late = a.ranks[static_cast<size_t>(a.straggler)];
    EXPECT_GE((late.before_prepare + late.before_execute + late.before_sync).count(), 3000);
}

TEST(ResultJson, RoundTrips) {
    CaseResult r;
    r.status = Status::kMistrusted;
    r.reason = "rank 0: output: \"quoted\" \xff";
    r.descriptor = "matmul_all_reduce world=2 reduce_op=\"it's\"";
    r.seconds = 0.25;
    RankReport rank;
    rank.rank = 1;
    rank.prepare_called = true;
    rank.prepare_status = 161002;
    rank.messages = "GetWorkspaceSize: bad";
    rank.descriptor_refused = "x3: too many dims";
    OutputCheck check;
    check.name = "output";
    check.pass = true;
    check.mistrusted = true;
    check.ratio_max = 0.5;
    check.summary = "ok";
    check.exact_checked = 7;
    check.readings = {{"round to nearest", 9}, {"truncate", 8}};
    rank.checks.push_back(check);
    r.ranks.push_back(rank);
    const auto back = ResultFromJson(ResultToJson(r));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->status, Status::kMistrusted);
    EXPECT_EQ(back->descriptor, r.descriptor);
    ASSERT_EQ(back->ranks.size(), 1u);
    EXPECT_EQ(back->ranks[0].prepare_status, 161002);
    EXPECT_EQ(back->ranks[0].checks[0].ratio_max, 0.5);
    EXPECT_EQ(back->ranks[0].checks[0].exact_checked, 7);
    ASSERT_EQ(back->ranks[0].checks[0].readings.size(), 2u);
    EXPECT_EQ(back->ranks[0].checks[0].readings[1].name, "truncate");
    EXPECT_EQ(back->ranks[0].checks[0].readings[1].consistent, 8);
    EXPECT_EQ(back->ranks[0].descriptor_refused, "x3: too many dims");
    EXPECT_EQ(back->Repro(), "mc2conf run 'matmul_all_reduce world=2 reduce_op=\"it'\\''s\"'");
    EXPECT_FALSE(ResultFromJson("{\"status\":\"PASSED\""));
}

}  // namespace
}  // namespace mc2::harness
