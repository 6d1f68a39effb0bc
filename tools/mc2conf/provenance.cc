// tools/mc2conf/provenance.cc — symbol provenance through a forked child (provenance.h).
#include "tools/mc2conf/provenance.h"

#include <dlfcn.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <memory>
#include <sstream>

#include "harness/abi/abi_table.h"
#include "harness/ops/registry.h"

namespace mc2::tools {
namespace {

std::vector<std::string> SymbolNames() {
    std::vector<std::string> names = {
#define MC2_PROVENANCE_NAME(name) #name,
        MC2_HARNESS_REQUIRED_SYMBOLS(MC2_PROVENANCE_NAME)
#undef MC2_PROVENANCE_NAME
    };
    for (const harness::OpBinding *b : harness::AllBindings()) {
        names.insert(names.end(), b->api.symbols.begin(), b->api.symbols.end());
    }
    return names;
}

// The child: one "symbol\tlibrary" line per symbol, or "!error" when loading failed.
[[noreturn]] void Child(const std::vector<std::string> &paths, int fd) {
    std::string out;
    std::string error;
    std::unique_ptr<harness::AbiTable> table = harness::AbiTable::Load(paths, &error);
    if (!table) {
        out = "!" + (error.empty() ? std::string("cannot load the implementation") : error) + "\n";
    } else {
        for (const std::string &name : SymbolNames()) {
            std::string library;
            if (void *p = table->Find(name)) {
                Dl_info info{};
                if (dladdr(p, &info) != 0 && info.dli_fname != nullptr) library = info.dli_fname;
            }
            out += name + "\t" + library + "\n";
        }
    }
    for (size_t done = 0; done < out.size();) {
        const ssize_t n = write(fd, out.data() + done, out.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        done += static_cast<size_t>(n);
    }
    _exit(0);
}

}  // namespace

Provenance InspectSymbols(const std::vector<std::string> &impl_paths, double timeout_s) {
    Provenance result;
    int fds[2];
    if (pipe(fds) != 0) {
        result.error = "pipe() failed";
        return result;
    }
    const pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        result.error = "fork() failed";
        return result;
    }
    if (pid == 0) {
        close(fds[0]);
        Child(impl_paths, fds[1]);
    }
    close(fds[1]);
    std::string text;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    bool timed_out = false;
    char buf[4096];
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            timed_out = true;
            break;
        }
        pollfd p{fds[0], POLLIN, 0};
        const int n = poll(&p, 1, static_cast<int>(left.count()));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) continue;
        const ssize_t got = read(fds[0], buf, sizeof buf);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        text.append(buf, static_cast<size_t>(got));
    }
    close(fds[0]);
    if (timed_out) kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    if (timed_out) {
        result.error = "inspecting the libraries took longer than the case timeout";
        return result;
    }
    if (WIFSIGNALED(status)) {
        result.error = "loading the libraries crashed the inspecting process (signal " +
                       std::to_string(WTERMSIG(status)) + ")";
        return result;
    }
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        if (!line.empty() && line[0] == '!') {
            result.error = line.substr(1);
            continue;
        }
        const size_t tab = line.find('\t');
        if (tab == std::string::npos) continue;
        result.symbols.push_back({line.substr(0, tab), line.substr(tab + 1)});
    }
    if (result.symbols.empty() && result.error.empty()) result.error = "no answer from the inspecting process";
    return result;
}

}  // namespace mc2::tools
