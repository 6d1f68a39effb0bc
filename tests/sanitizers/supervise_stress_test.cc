// tests/sanitizers/supervise_stress_test.cc — case processes cannot inherit a lock (issue 13.5).
// Hundreds of trivial supervised cases (a null x1 at world 1: refused by GetWorkspaceSize in a
// few milliseconds) from MC2_STRESS_JOBS worker threads at once, as `mc2conf run --jobs N` does.
// When case processes were forks of this multi-threaded process, an allocator lock held by
// another thread at fork time (ASan's here) left a child hung before its case began: 0–4
// TIMEOUTs per 600 cases at --jobs 2 under ASan, and under TSan every child died. Every case
// must come back PASSED within its limit: no TIMEOUT, no CRASH. Sized by MC2_STRESS_CASES
// (tests/sanitizers/CMakeLists.txt says why 400 under ASan in CI; 200 under the slower TSan).
#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "harness/case.h"
#include "harness/supervise/supervise.h"

namespace mc2::harness {
namespace {

int EnvInt(const char *name, int fallback) {
    const char *v = std::getenv(name);
    return v != nullptr && *v != '\0' ? std::atoi(v) : fallback;
}

TEST(SuperviseStress, ThousandsOfTrivialCasesFromConcurrentWorkersNeverHang) {
    const int cases = EnvInt("MC2_STRESS_CASES", 1000);
    const int jobs = EnvInt("MC2_STRESS_JOBS", 4);
    const CaseParse parsed = ParseCase(
        "matmul_all_reduce platform=atlas_a2 world=1 x1=- x2=float16[32,24] bias=- group=comm reduce_op=\"sum\" "
        "comm_turn=0 stream_mode=1 output=float16[16,24] seed=1 dist=normal sched=0");
    ASSERT_TRUE(parsed.value) << parsed.error;
    SuperviseOptions supervise;
    supervise.impl_paths = {MC2IMPL_PATH};
    // A trivial case takes well under a second even under a sanitizer on a loaded machine; a
    // child stuck on an inherited lock never finishes.
    supervise.timeout_s = 30;

    std::atomic<int> next{0};
    std::mutex mu;
    std::map<std::string, int> statuses;
    std::vector<std::string> bad;
    std::vector<std::thread> workers;
    for (int w = 0; w < jobs; ++w) {
        workers.emplace_back([&] {
            for (int i = next++; i < cases; i = next++) {
                // A fresh Supervisor per case, with its own strings, as the runner's pool does:
                // the parent allocates on every thread while others start children.
                const CaseResult r = Supervisor(supervise, RunOptions{}).Run(*parsed.value);
                std::lock_guard<std::mutex> lock(mu);
                ++statuses[StatusName(r.status)];
                if (r.status != Status::kPassed && bad.size() < 5) bad.push_back(r.Line());
            }
        });
    }
    for (std::thread &t : workers) t.join();
    std::string tally;
    for (const auto &[name, n] : statuses) tally += name + "=" + std::to_string(n) + " ";
    RecordProperty("statuses", tally);
    EXPECT_EQ(statuses["TIMEOUT"], 0) << tally;
    EXPECT_EQ(statuses["CRASH"], 0) << tally;
    EXPECT_EQ(statuses["PASSED"], cases) << tally << "\nfirst others:\n"
                                         << (bad.empty() ? "" : bad[0]) << "\n" << (bad.size() > 1 ? bad[1] : "");
}

}  // namespace
}  // namespace mc2::harness
