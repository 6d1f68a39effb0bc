// harness/supervise/case_child.cc — the case child's command line and main (case_child.h).
#include "harness/supervise/case_child.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <memory>
#include <string_view>

#include "harness/abi/abi_table.h"
#include "harness/ops/registry.h"
#include "harness/run/schedule.h"
#include "harness/supervise/rank_child.h"
#include "harness/supervise/result_json.h"

namespace mc2::harness {
namespace {

// %.17g: a double crosses the exec exactly.
std::string Exact(double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

void WriteAll(int fd, const std::string &text) {
    size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        done += static_cast<size_t>(n);
    }
}

CaseResult ChildFailure(const std::string &descriptor, const std::string &reason) {
    CaseResult r;
    r.status = Status::kFailed;
    r.reason = reason;
    r.descriptor = descriptor;
    return r;
}

int Usage(const std::string &why) {
    std::fprintf(stderr, "mc2conf-case: %s (this program is started by the mc2conf supervisor)\n", why.c_str());
    return 2;
}

// The --symbols answer (SymbolsChildArgs).
std::string InspectSymbols(const std::vector<std::string> &impl_paths) {
    std::string error;
    std::unique_ptr<AbiTable> table = AbiTable::Load(impl_paths, &error);
    if (!table) return "!" + (error.empty() ? std::string("cannot load the implementation") : error) + "\n";
    std::vector<std::string> names = {
#define MC2_CASE_CHILD_NAME(name) #name,
        MC2_HARNESS_REQUIRED_SYMBOLS(MC2_CASE_CHILD_NAME)
#undef MC2_CASE_CHILD_NAME
    };
    for (const OpBinding *b : AllBindings()) {
        names.insert(names.end(), b->api.symbols.begin(), b->api.symbols.end());
    }
    std::string out;
    for (const std::string &name : names) {
        std::string library;
        if (void *p = table->Find(name)) {
            Dl_info info{};
            if (dladdr(p, &info) != 0 && info.dli_fname != nullptr) library = info.dli_fname;
        }
        out += name + "\t" + library + "\n";
    }
    return out;
}

}  // namespace

std::vector<std::string> SymbolsChildArgs(const std::vector<std::string> &impl_paths, int result_fd) {
    std::vector<std::string> args = {CaseChildPath(), "--result-fd", std::to_string(result_fd), "--symbols", "1"};
    for (const std::string &path : impl_paths) {
        args.push_back("--impl");
        args.push_back(path);
    }
    return args;
}

std::vector<std::string> CaseChildArgs(const Case &c, const RunOptions &run, const std::vector<std::string> &impl_paths,
                                       int result_fd) {
    std::vector<std::string> args = {CaseChildPath(),
                                      "--result-fd", std::to_string(result_fd),
                                      "--sync-timeout-ms", std::to_string(run.sync_timeout_ms),
                                      "--hccl-exec-timeout-s", std::to_string(run.hccl_exec_timeout_s),
                                      "--max-tensor-bytes", std::to_string(run.max_tensor_bytes),
                                      "--late-write-delay-ms", std::to_string(run.late_write_delay_ms),
                                      "--release-peers-from-world", std::to_string(run.release_peers_from_world),
                                      "--mistrust-zero-share", Exact(run.compare.mistrust_zero_share),
                                      "--precision-min-elements", std::to_string(run.compare.precision_min_elements),
                                      "--precision-max-share", Exact(run.compare.precision_max_share),
                                      "--precision-in-pass", run.compare.precision_in_pass ? "1" : "0",
                                      "--vendor-max-fail-share", Exact(run.compare.vendor_max_fail_share)};
    for (const std::string &path : impl_paths) {
        args.push_back("--impl");
        args.push_back(path);
    }
    args.push_back("--");
    args.push_back(c.ToString());
    return args;
}

std::string CaseChildPath() {
    if (const char *env = std::getenv("MC2_CASE_CHILD"); env != nullptr && *env != '\0') return env;
    std::error_code ec;
    const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const std::filesystem::path beside = exe.parent_path() / "mc2conf-case";
        if (std::filesystem::exists(beside, ec)) return beside.string();
    }
#ifdef MC2_CASE_CHILD_PATH
    return MC2_CASE_CHILD_PATH;
#else
    return "mc2conf-case";
#endif
}

int CaseChildMain(int argc, char **argv) {
    int result_fd = -1;
    RunOptions run;
    std::vector<std::string> impl_paths;
    std::string descriptor;
    bool have_descriptor = false;
    bool symbols = false;
    int rank = -1;              // --rank: one rank of a case whose ranks are processes (rank_child.h)
    std::string root_info_hex;  // --root-info: rank 0's root info for the other ranks
    try {
        for (int i = 1; i < argc; ++i) {
            const std::string_view flag = argv[i];
            if (flag == "--") {
                if (i + 2 != argc) return Usage("expected exactly one descriptor after --");
                descriptor = argv[i + 1];
                have_descriptor = true;
                break;
            }
            if (i + 1 >= argc) return Usage("flag " + std::string(flag) + " needs a value");
            const std::string value = argv[++i];
            if (flag == "--result-fd") {
                result_fd = std::stoi(value);
            } else if (flag == "--sync-timeout-ms") {
                run.sync_timeout_ms = std::stoi(value);
            } else if (flag == "--hccl-exec-timeout-s") {
                run.hccl_exec_timeout_s = std::stoi(value);
            } else if (flag == "--max-tensor-bytes") {
                run.max_tensor_bytes = static_cast<size_t>(std::stoull(value));
            } else if (flag == "--late-write-delay-ms") {
                run.late_write_delay_ms = std::stoi(value);
            } else if (flag == "--release-peers-from-world") {
                run.release_peers_from_world = std::stoi(value);
            } else if (flag == "--mistrust-zero-share") {
                run.compare.mistrust_zero_share = std::stod(value);
            } else if (flag == "--precision-min-elements") {
                run.compare.precision_min_elements = std::stoll(value);
            } else if (flag == "--precision-max-share") {
                run.compare.precision_max_share = std::stod(value);
            } else if (flag == "--precision-in-pass") {
                run.compare.precision_in_pass = value == "1";
            } else if (flag == "--vendor-max-fail-share") {
                run.compare.vendor_max_fail_share = std::stod(value);
            } else if (flag == "--symbols") {
                symbols = value == "1";
            } else if (flag == "--impl") {
                impl_paths.push_back(value);
            } else if (flag == "--rank") {
                rank = std::stoi(value);
            } else if (flag == "--root-info") {
                root_info_hex = value == "-" ? "" : value;
            } else {
                return Usage("unknown flag " + std::string(flag));
            }
        }
    } catch (const std::exception &) {
        return Usage("a flag's value is not a number");
    }
    if (result_fd >= 0 && symbols && !have_descriptor) {
        WriteAll(result_fd, InspectSymbols(impl_paths));
        close(result_fd);
        _exit(0);
    }
    if (result_fd < 0 || !have_descriptor) return Usage("needs --result-fd N and -- <descriptor>");
    if (rank >= 0) RankChildMain(descriptor, rank, root_info_hex, run, impl_paths, result_fd);

    std::string json;
    try {
        const CaseParse parsed = ParseCase(descriptor);
        if (!parsed.value) {
            // The supervisor sends Case::ToString(), which must parse back (case.h): a suite bug.
            json = ResultToJson(ChildFailure(descriptor, "harness child: the descriptor does not parse back: " + parsed.error));
        } else {
            const Case &c = *parsed.value;
            // Before the library loads: an implementation may read its profile once, at load.
            ExportPlatform(c.platform);
            std::string error;
            std::unique_ptr<AbiTable> table = AbiTable::Load(impl_paths, &error);
            if (table) {
                json = ResultToJson(RunCase(c, *table, run));
            } else {
                CaseResult r = ChildFailure(c.ToString(), error.empty() ? "cannot load the implementation" : error);
                r.schedule = MakeSchedule(c.schedule, c.world).Describe();
                json = ResultToJson(r);
            }
        }
    } catch (const std::exception &e) {
        json = ResultToJson(ChildFailure(descriptor, std::string("harness child: ") + e.what()));
    }
    WriteAll(result_fd, json);
    close(result_fd);
    // _exit: the implementation's static destructors and atexit handlers are not the case's
    // business (and may block on threads a failed run left behind).
    std::fflush(stdout);
    _exit(0);
}

}  // namespace mc2::harness
