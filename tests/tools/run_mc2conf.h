// tests/tools/run_mc2conf.h — runs the built mc2conf binary through the shell, as a user would,
// and collects its exit status, stdout and stderr (shared by the CLI tests of each subcommand).
#ifndef MC2_TESTS_TOOLS_RUN_MC2CONF_H_
#define MC2_TESTS_TOOLS_RUN_MC2CONF_H_

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace mc2::testing_tools {

struct Result {
    int exit_code = -1;
    std::string out;
    std::string err;
};

inline std::string ReadFile(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// Runs `mc2conf <args>` with the given stdin; args are passed to the shell verbatim.
inline Result RunMc2conf(const std::string &args, const std::string &stdin_text = "") {
    // ctest runs each TEST in its own process, possibly in parallel: name the files per process.
    const std::string base = ::testing::TempDir() + "mc2conf_cli_test." + std::to_string(getpid());
    const std::string in_path = base + ".in";
    const std::string err_path = base + ".err";
    std::ofstream(in_path) << stdin_text;
    const std::string cmd = std::string("'") + MC2CONF_PATH + "' " + args + " <'" + in_path + "' 2>'" + err_path + "'";
    Result r;
    FILE *pipe = popen(cmd.c_str(), "r");
    if (pipe == nullptr) {
        ADD_FAILURE() << "popen failed: " << cmd;
        return r;
    }
    char buf[4096];
    size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) r.out.append(buf, n);
    const int status = pclose(pipe);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.err = ReadFile(err_path);
    return r;
}

}  // namespace mc2::testing_tools

#endif  // MC2_TESTS_TOOLS_RUN_MC2CONF_H_
