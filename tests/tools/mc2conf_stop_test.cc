// tests/tools/mc2conf_stop_test.cc — `mc2conf run` stopping (issue 13.4): SIGTERM during a gate
// whose library hangs kills every case process (none survives the runner), writes results.json
// marked incomplete with the journal beside it, and exits 128 + SIGTERM; a library that cannot
// be loaded or lacks the operators ends the run before any case, with one line and exit 2.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/tools/run_mc2conf.h"

extern char **environ;

namespace {

using mc2::testing_tools::ReadFile;
using mc2::testing_tools::Result;
using mc2::testing_tools::RunMc2conf;

// The pids whose parent is `parent` (from /proc/<pid>/stat: "pid (comm) state ppid ...").
std::set<pid_t> ChildrenOf(pid_t parent) {
    std::set<pid_t> children;
    DIR *proc = opendir("/proc");
    if (proc == nullptr) return children;
    while (dirent *e = readdir(proc)) {
        const std::string name = e->d_name;
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
        const std::string stat = ReadFile("/proc/" + name + "/stat");
        const size_t close_paren = stat.rfind(')');
        if (close_paren == std::string::npos) continue;
        char state = 0;
        int ppid = 0;
        if (std::sscanf(stat.c_str() + close_paren + 1, " %c %d", &state, &ppid) == 2 && ppid == parent) {
            children.insert(static_cast<pid_t>(std::stoi(name)));
        }
    }
    closedir(proc);
    return children;
}

// A case process (mc2conf-case running a descriptor), not the start-up symbol inspection.
bool IsCaseProcess(pid_t pid) {
    std::string cmdline = ReadFile("/proc/" + std::to_string(pid) + "/cmdline");
    for (char &c : cmdline) c = c == '\0' ? ' ' : c;
    return cmdline.find("mc2conf-case") != std::string::npos && cmdline.find("--symbols") == std::string::npos;
}

// Alive and not a zombie waiting for init.
bool Alive(pid_t pid) {
    const std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
    if (stat.empty()) return false;
    const size_t close_paren = stat.rfind(')');
    return close_paren != std::string::npos && stat.size() > close_paren + 2 && stat[close_paren + 2] != 'Z';
}

TEST(Mc2confStop, SigtermKillsTheCasesAndWritesAnIncompleteResult) {
    const std::string dir = ::testing::TempDir() + "mc2conf_stop_test." + std::to_string(getpid());
    std::filesystem::remove_all(dir);
    // MatmulAllReduce only: the fake libraries implement no other operator.
    std::vector<std::string> args = {MC2CONF_PATH, "run", "--gate", "quick", "--op", "matmul_all_reduce", "--limit", "6", "--jobs", "2",
                                     "--timeout", "120", "--impl", FAKE_HANG_PATH, "--out", dir};
    std::vector<char *> argv;
    for (std::string &a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, (dir + ".out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, (dir + ".err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t runner = -1;
    ASSERT_EQ(posix_spawn(&runner, argv[0], &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);

    // Both jobs have a case process hanging in the library (the fake hangs in every execute).
    std::set<pid_t> cases;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (cases.size() < 2 && std::chrono::steady_clock::now() < deadline) {
        for (pid_t p : ChildrenOf(runner)) {
            if (IsCaseProcess(p)) cases.insert(p);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_GE(cases.size(), 2u) << "the runner never had two case processes; stderr: " << ReadFile(dir + ".err");
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // into the hanging execute

    ASSERT_EQ(kill(runner, SIGTERM), 0);
    int status = 0;
    bool exited = false;
    for (int i = 0; i < 300 && !exited; ++i) {  // 30 s: a stop must not wait for the case timeout
        exited = waitpid(runner, &status, WNOHANG) == runner;
        if (!exited) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (!exited) {
        for (pid_t p : ChildrenOf(runner)) cases.insert(p);  // started after the first look
        kill(runner, SIGKILL);
        waitpid(runner, &status, 0);
        for (pid_t p : cases) kill(-p, SIGKILL);
        FAIL() << "mc2conf did not exit within 30 s of SIGTERM; stderr: " << ReadFile(dir + ".err");
    }
    ASSERT_TRUE(WIFEXITED(status)) << "mc2conf died of signal " << WTERMSIG(status);
    EXPECT_EQ(WEXITSTATUS(status), 128 + SIGTERM) << ReadFile(dir + ".err");

    // No case process outlives the runner (re-parented to init, or to this test as a
    // subreaper, it would show as alive here).
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    for (pid_t p : cases) EXPECT_FALSE(Alive(p)) << "case process " << p << " survived the runner";

    const std::string results = ReadFile(dir + "/results.json");
    EXPECT_NE(results.find("\"incomplete\":true"), std::string::npos) << results.substr(0, 2000);
    EXPECT_NE(results.find("\"stopped_by\":\"SIGTERM\""), std::string::npos);
    EXPECT_TRUE(std::filesystem::exists(dir + "/report.md"));
    EXPECT_NE(ReadFile(dir + "/report.md").find("Incomplete run"), std::string::npos);
    EXPECT_TRUE(std::filesystem::exists(dir + "/results.jsonl")) << "the journal stays beside an incomplete result";
    EXPECT_NE(ReadFile(dir + ".out").find("STOPPED by SIGTERM"), std::string::npos) << ReadFile(dir + ".out");
    std::filesystem::remove_all(dir);
}

void ExpectStartupError(const std::string &impl, const std::string &fragment) {
    const auto t0 = std::chrono::steady_clock::now();
    const Result r = RunMc2conf("run --gate quick --op matmul_all_reduce --limit 4 --impl '" + impl + "' --out '" +
                                ::testing::TempDir() +
                                "mc2conf_stop_test.startup'");
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err.rfind("mc2conf: ", 0), 0u) << r.err;
    ASSERT_FALSE(r.err.empty());
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "one line: " << r.err;
    EXPECT_NE(r.err.find(fragment), std::string::npos) << r.err;
    // At once: no case ran (four cases of a broken library would each take a child's start-up).
    EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 30.0);
}

TEST(Mc2confStop, AnUnloadableLibraryStopsTheRunAtOnce) {
    ExpectStartupError("/nonexistent/libvendor.so", "cannot load implementation library /nonexistent/libvendor.so");
}

TEST(Mc2confStop, ALibraryWithoutTheOperatorsStopsTheRunAtOnce) {
    ExpectStartupError(FAKE_NO_OPS_PATH, "does not export what the selected cases call: aclnnMatmulAllReduce");
}

}  // namespace
