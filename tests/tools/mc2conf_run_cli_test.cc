// tests/tools/mc2conf_run_cli_test.cc — `mc2conf run`, `report` and `spec` as a user runs them:
// the error contract (one "mc2conf: " line on stderr, exit 2, nothing on stdout), a gate's
// listing is deterministic, a small gate writes every report and `report` re-renders them
// identically, a single case prints its reproducer line (and per-rank detail with -v), and a
// broken implementation fails the run with exit 1 (CRASH for a segfaulting one).
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "tests/common/sanitized_build.h"
#include "tests/tools/run_mc2conf.h"

namespace {

using mc2::testing_tools::ReadFile;
using mc2::testing_tools::Result;
using mc2::testing_tools::RunMc2conf;

const std::string kValid =
    "'matmul_all_reduce platform=atlas_a2 world=2 x1=float16[16,32] x2=float16[32,24] bias=- group=comm "
    "reduce_op=\"sum\" comm_turn=0 stream_mode=1 output=float16[16,24] seed=1 dist=normal sched=0'";
const std::string kRefused =
    "'matmul_all_reduce platform=atlas_a2 world=2 x1=float16[16,32] x2=float16[32,24] bias=- group=comm "
    "reduce_op=\"max\" comm_turn=0 stream_mode=1 output=float16[16,24] seed=1 dist=normal sched=0'";

// Gate listings of one operator under sanitizers: `--list` builds the whole gate first (seconds
// in the default build, a minute under ASan); the listing code is the same for any filter.
const std::string kListScope = mc2::tests::kSanitizedBuild ? " --op matmul_all_reduce" : "";

std::string TempDir(const std::string &name) {
    const std::string dir = ::testing::TempDir() + "mc2conf_run_cli_test." + std::to_string(getpid()) + "." + name;
    std::filesystem::remove_all(dir);
    return dir;
}

void ExpectUsageError(const std::string &args, const std::string &fragment) {
    const Result r = RunMc2conf(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\nstdout: " << r.out << "\nstderr: " << r.err;
    EXPECT_EQ(r.out, "") << args;
    EXPECT_EQ(r.err.rfind("mc2conf: ", 0), 0u) << args << "\n" << r.err;
    ASSERT_FALSE(r.err.empty());
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "one line: " << r.err;
    EXPECT_NE(r.err.find(fragment), std::string::npos) << args << "\n" << r.err;
}

TEST(Mc2confRun, ErrorContract) {
    ExpectUsageError("run", "give --gate");
    ExpectUsageError("run --gate slow", "unknown gate 'slow'");
    ExpectUsageError("run --gate quick --platform mars", "unknown platform 'mars'");
    ExpectUsageError("run --gate quick --op nope", "unknown operator 'nope'");
    ExpectUsageError("run --gate quick --jobs 0", "--jobs");
    ExpectUsageError("run --gate quick --timeout -1", "--timeout");
    ExpectUsageError("run --gate quick --jobs many", "jobs");
    ExpectUsageError("run 'not a descriptor'", "bad descriptor");
    ExpectUsageError("run 'matmul_all_reduce platform=atlas_a2 world=0'", "bad descriptor");
    ExpectUsageError("run --gate quick " + kValid, "not both");
    ExpectUsageError("run " + kValid + " --limit 3", "apply to --gate runs only");
    ExpectUsageError("run --gate quick -v", "-v applies to a single case");
    ExpectUsageError("run --gate quick --frobnicate", "frobnicate");
    const std::string file = TempDir("plain_file");
    std::ofstream(file) << "x";
    ExpectUsageError("run --gate quick --limit 1" + kListScope + " --out '" + file + "/sub'",
                     "cannot create the output directory");
}

TEST(Mc2confRun, GateListingIsDeterministic) {
    const Result a = RunMc2conf("run --gate quick --list --limit 20" + kListScope);
    const Result b = RunMc2conf("run --gate quick --list --limit 20" + kListScope);
    ASSERT_EQ(a.exit_code, 0) << a.err;
    EXPECT_EQ(a.out, b.out);
    int lines = 0;
    for (char c : a.out) lines += c == '\n';
    EXPECT_EQ(lines, 20);
    EXPECT_EQ(a.out.rfind("valid\t", 0), 0u) << a.out;  // the gate starts with valid cases
    const Result seeded = RunMc2conf("run --gate quick --list --limit 20 --seed 5" + kListScope);
    EXPECT_NE(seeded.out, a.out);
    const Result filtered = RunMc2conf("run --gate quick --list --platform ascend_950 --op matmul_all_reduce_v2");
    EXPECT_EQ(filtered.out.find("platform=atlas_a2"), std::string::npos);
    EXPECT_EQ(filtered.out.find("matmul_all_reduce platform"), std::string::npos);
    EXPECT_NE(filtered.out.find("invalid mar.null.x1\t"), std::string::npos);
}

TEST(Mc2confRun, SmallGateWritesEveryReportAndReportRerendersThem) {
    const std::string dir = TempDir("gate");
    const Result r = RunMc2conf("run --gate quick --limit 6 --jobs 2 --out '" + dir + "'");
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.err.find("6/6 cases, 0 failures"), std::string::npos) << r.err;  // not a TTY: plain lines
    EXPECT_NE(r.out.find("not supported"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\ntotal "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("quick gate: 6 cases, 6 passed"), std::string::npos) << r.out;
    for (const char *f : {"results.json", "junit.xml", "report.md", "report.html"}) {
        EXPECT_TRUE(std::filesystem::exists(dir + "/" + f)) << f;
    }
    const Result again = RunMc2conf("report --results '" + dir + "/results.json' --markdown '" + dir +
                                    "/again.md' --html '" + dir + "/again.html' --junit '" + dir + "/again.xml'");
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(ReadFile(dir + "/again.md"), ReadFile(dir + "/report.md"));
    EXPECT_EQ(ReadFile(dir + "/again.html"), ReadFile(dir + "/report.html"));
    EXPECT_EQ(ReadFile(dir + "/again.xml"), ReadFile(dir + "/junit.xml"));
    const Result table = RunMc2conf("report --results '" + dir + "/results.json'");
    EXPECT_EQ(table.exit_code, 0);
    EXPECT_NE(table.out.find("total"), std::string::npos);
}

// -v says, per output, how many elements were judged by equality and, where the oracle admits
// several readings of an UNVERIFIED step (QuantMatmulAllReduceV3's fp16 int8 communication), which
// readings the result is consistent with: the built-in library computes the assumed reading (round
// to nearest everywhere, listed first), so it matches that one in full.
TEST(Mc2confRun, VerboseSaysWhichReadingMatched) {
    const Result v = RunMc2conf(
        "run -v 'quant_matmul_all_reduce_v3 platform=atlas_a2 world=2 x1=int8[16,64] x2=int8[64,32] bias=- x3=- "
        "dequant_scale=float[32] pertoken_scale=float[16] comm_quant_scale_1=float16[32] comm_quant_scale_2=float16[32] "
        "group=comm reduce_op=\"sum\" comm_turn=0 stream_mode=1 output=float16[16,32] seed=5 dist=normal sched=0'");
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
    EXPECT_NE(v.out.find("exact-checked)"), std::string::npos) << v.out;
    EXPECT_NE(v.out.find("reading [y/s1 rounded to fp16, dequant Mul rounded to nearest]: 512 of 512 elements "
                         "consistent (all)"),
              std::string::npos)
        << v.out;
    EXPECT_NE(v.out.find("reading [y times fp16(1/s1), dequant Mul truncated]: "), std::string::npos) << v.out;
}

TEST(Mc2confRun, SingleCase) {
    const Result r = RunMc2conf("run " + kValid);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.rfind("PASSED __REPRO: mc2conf run 'matmul_all_reduce platform=atlas_a2", 0), 0u) << r.out;
    const Result v = RunMc2conf("run -v " + kRefused);
    EXPECT_EQ(v.exit_code, 0) << v.err;
    EXPECT_NE(v.out.find("rank 0: expected 161002"), std::string::npos) << v.out;
    EXPECT_NE(v.out.find("rank 1:"), std::string::npos) << v.out;
    EXPECT_NE(v.out.find("GetWorkspaceSize 161002"), std::string::npos) << v.out;
    // A world size only Ascend 950 supports: the case's platform reaches the implementation.
    const Result a950 = RunMc2conf(
        "run 'matmul_all_reduce platform=ascend_950 world=16 x1=float16[4,16] x2=float16[16,8] bias=- group=comm "
        "reduce_op=\"sum\" comm_turn=0 stream_mode=1 output=float16[4,8] seed=3 dist=normal sched=0'");
    EXPECT_EQ(a950.exit_code, 0) << a950.out << a950.err;
    EXPECT_EQ(a950.out.rfind("PASSED", 0), 0u) << a950.out;
    const Result in_process = RunMc2conf("run --no-supervise " + kValid);
    EXPECT_EQ(in_process.exit_code, 0) << in_process.err;
    const std::string dir = TempDir("single");
    const Result out = RunMc2conf("run " + kValid + " --out '" + dir + "'");
    EXPECT_EQ(out.exit_code, 0);
    EXPECT_NE(ReadFile(dir + "/report.md").find("**Verdict: PASS**"), std::string::npos);
}

TEST(Mc2confRun, BrokenImplementationsFailTheRun) {
    const Result crash = RunMc2conf("run --impl '" FAKE_SEGV_PATH "' " + kValid);
    EXPECT_EQ(crash.exit_code, 1);
    // Under AddressSanitizer the segfault is ASan's report and then abort(): the reason names
    // it by ASan's SUMMARY line (harness/supervise/supervise.cc).
    const bool segv = crash.out.rfind("CRASH (killed by SIGSEGV", 0) == 0 ||
                      (crash.out.rfind("CRASH (killed by SIGABRT", 0) == 0 &&
                       crash.out.find("SUMMARY: AddressSanitizer: SEGV") != std::string::npos);
    EXPECT_TRUE(segv) << crash.out;
    EXPECT_NE(crash.out.find("__REPRO: mc2conf run --impl '" FAKE_SEGV_PATH "' 'matmul_all_reduce"), std::string::npos)
        << crash.out;
    const std::string dir = TempDir("garbage");
    const Result gate = RunMc2conf("run --gate quick --op matmul_all_reduce --limit 3 --impl '" FAKE_GARBAGE_PATH "' --out '" + dir + "'");
    EXPECT_EQ(gate.exit_code, 1) << gate.out << gate.err;
    EXPECT_NE(gate.out.find("Failures (3):"), std::string::npos) << gate.out;
    EXPECT_NE(ReadFile(dir + "/junit.xml").find("failures=\"3\""), std::string::npos);
}

TEST(Mc2confReport, ErrorContract) {
    ExpectUsageError("report", "--results");
    const std::string dir = TempDir("report");
    ExpectUsageError("report --results '" + dir + "/missing.json'", "cannot read");
    std::filesystem::create_directories(dir);
    std::ofstream(dir + "/bad.json") << "{\"format\": \"something else\"}";
    ExpectUsageError("report --results '" + dir + "/bad.json' --html '" + dir + "/x.html'", "not an mc2conf results file");
    EXPECT_FALSE(std::filesystem::exists(dir + "/x.html"));
    std::ofstream(dir + "/truncated.json") << "{\"format\": \"mc2conf-results/1\", \"run\": {";
    ExpectUsageError("report --results '" + dir + "/truncated.json'", "report:");
}

TEST(Mc2confSpec, ListingAndMarkdown) {
    const Result plain = RunMc2conf("spec");
    ASSERT_EQ(plain.exit_code, 0) << plain.err;
    EXPECT_NE(plain.out.find("matmul_all_reduce (aclnnMatmulAllReduce): "), std::string::npos) << plain.out;
    EXPECT_NE(plain.out.find("mar.dtype.x1"), std::string::npos);
    const Result md = RunMc2conf("spec --markdown --op matmul_all_reduce_v2");
    ASSERT_EQ(md.exit_code, 0) << md.err;
    EXPECT_EQ(md.out.rfind("# mc2conf constraint catalogue", 0), 0u);
    EXPECT_NE(md.out.find("(`matmul_all_reduce_v2`)"), std::string::npos);
    EXPECT_EQ(md.out.find("(`matmul_all_reduce`)"), std::string::npos) << "other operators filtered out";
    EXPECT_NE(md.out.find("`mar.dtype.x3`"), std::string::npos);
    const Result all = RunMc2conf("spec --markdown");
    EXPECT_NE(all.out.find("(`matmul_all_reduce`)"), std::string::npos);
    ExpectUsageError("spec --op nope", "unknown operator 'nope'");
    ExpectUsageError("spec --bogus", "bogus");
}

}  // namespace
