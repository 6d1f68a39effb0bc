// harness/supervise/rank_child.cc — a rank in its own process: the wire form of its report, the
// child's main and the launcher's side (rank_child.h).
#include "harness/supervise/rank_child.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <thread>

#include "harness/abi/abi_table.h"
#include "harness/run/schedule.h"
#include "harness/supervise/case_child.h"
#include "harness/supervise/spawn.h"

namespace mc2::harness {
namespace {

constexpr char kReportMagic[] = "MC2RANK1";
constexpr char kOutcomeMagic[] = "MC2OUTC1";

void PutU64(std::string *out, uint64_t v) { out->append(reinterpret_cast<const char *>(&v), sizeof v); }
void PutStr(std::string *out, const std::string &s) {
    PutU64(out, s.size());
    out->append(s);
}

struct Reader {
    const std::string &in;
    size_t at = 0;
    bool ok = true;
    uint64_t U64() {
        uint64_t v = 0;
        if (at + sizeof v > in.size()) {
            ok = false;
            return 0;
        }
        std::memcpy(&v, in.data() + at, sizeof v);
        at += sizeof v;
        return v;
    }
    std::string Str() {
        const uint64_t n = U64();
        if (!ok || n > in.size() - at) {
            ok = false;
            return "";
        }
        std::string s = in.substr(at, n);
        at += n;
        return s;
    }
};

std::string Hex(const uint8_t *data, size_t n) {
    static const char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(2 * n);
    for (size_t i = 0; i < n; ++i) {
        out += kDigits[data[i] >> 4];
        out += kDigits[data[i] & 15];
    }
    return out;
}

bool Unhex(const std::string &hex, uint8_t *out, size_t capacity) {
    if (hex.size() % 2 != 0 || hex.size() / 2 > capacity) return false;
    auto digit = [](char ch) { return ch >= 'a' ? ch - 'a' + 10 : ch - '0'; };
    std::memset(out, 0, capacity);
    for (size_t i = 0; i < hex.size(); i += 2) {
        out[i / 2] = static_cast<uint8_t>(digit(hex[i]) * 16 + digit(hex[i + 1]));
    }
    return true;
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

// The suite's own tests of the launcher (tests/mpi): MC2_TEST_RANK_FAULT=<rank>:crash|hang makes
// that rank's child die on SIGSEGV, or never answer, after its run, as a library could.
void InjectTestFault(int rank) {
    const char *fault = std::getenv("MC2_TEST_RANK_FAULT");
    if (fault == nullptr) return;
    const std::string f = fault;
    if (f == std::to_string(rank) + ":crash") raise(SIGSEGV);
    if (f == std::to_string(rank) + ":hang") {
        for (;;) pause();
    }
}

}  // namespace

std::string EncodeRankReport(const RankReport &rep) {
    std::string out = kReportMagic;
    for (int64_t v :
         {int64_t{rep.rank}, int64_t{rep.prepare_called}, int64_t{rep.execute_called}, int64_t{rep.sync_called},
          int64_t{rep.prepare_status}, int64_t{rep.execute_status}, int64_t{rep.sync_status},
          static_cast<int64_t>(rep.workspace_size), int64_t{rep.sync_timed_out}, int64_t{rep.outputs_untouched}}) {
        PutU64(&out, static_cast<uint64_t>(v));
    }
    for (const std::string *s : {&rep.messages, &rep.setup_error, &rep.descriptor_refused, &rep.memory_error}) {
        PutStr(&out, *s);
    }
    PutU64(&out, rep.outputs.size());
    for (const auto &[name, bytes] : rep.outputs) {
        PutStr(&out, name);
        PutStr(&out, std::string(bytes.begin(), bytes.end()));
    }
    return out;
}

std::optional<RankReport> DecodeRankReport(const std::string &bytes) {
    if (bytes.compare(0, sizeof kReportMagic - 1, kReportMagic) != 0) return std::nullopt;
    Reader r{bytes, sizeof kReportMagic - 1};
    RankReport rep;
    rep.rank = static_cast<int>(r.U64());
    rep.prepare_called = r.U64() != 0;
    rep.execute_called = r.U64() != 0;
    rep.sync_called = r.U64() != 0;
    rep.prepare_status = static_cast<int32_t>(r.U64());
    rep.execute_status = static_cast<int32_t>(r.U64());
    rep.sync_status = static_cast<int32_t>(r.U64());
    rep.workspace_size = r.U64();
    rep.sync_timed_out = r.U64() != 0;
    rep.outputs_untouched = r.U64() != 0;
    rep.messages = r.Str();
    rep.setup_error = r.Str();
    rep.descriptor_refused = r.Str();
    rep.memory_error = r.Str();
    const uint64_t n = r.U64();
    for (uint64_t i = 0; r.ok && i < n; ++i) {
        const std::string name = r.Str();
        const std::string data = r.Str();
        rep.outputs[name] = std::vector<uint8_t>(data.begin(), data.end());
    }
    if (!r.ok || r.at != bytes.size()) return std::nullopt;
    return rep;
}

std::string EncodeRankOutcome(const RankOutcome &o) {
    std::string out = kOutcomeMagic;
    PutU64(&out, static_cast<uint64_t>(o.kind));
    PutStr(&out, o.why);
    PutStr(&out, EncodeRankReport(o.report));
    return out;
}

std::optional<RankOutcome> DecodeRankOutcome(const std::string &bytes) {
    if (bytes.compare(0, sizeof kOutcomeMagic - 1, kOutcomeMagic) != 0) return std::nullopt;
    Reader r{bytes, sizeof kOutcomeMagic - 1};
    RankOutcome o;
    const uint64_t kind = r.U64();
    if (kind > static_cast<uint64_t>(RankOutcome::Kind::kNoReport)) return std::nullopt;
    o.kind = static_cast<RankOutcome::Kind>(kind);
    o.why = r.Str();
    const std::optional<RankReport> rep = DecodeRankReport(r.Str());
    if (!r.ok || !rep || r.at != bytes.size()) return std::nullopt;
    o.report = *rep;
    return o;
}

// --- the child ---

void RankChildMain(const std::string &descriptor, int rank, const std::string &root_info_hex, const RunOptions &run,
                   const std::vector<std::string> &impl_paths, int result_fd) {
    RankReport rep;
    rep.rank = rank;
    try {
        const CaseParse parsed = ParseCase(descriptor);
        if (!parsed.value) {
            rep.setup_error = "harness child: the descriptor does not parse back: " + parsed.error;
        } else {
            const Case &c = *parsed.value;
            ExportPlatform(c.platform);  // before the library loads (case_child.cc says why)
            std::string error;
            std::unique_ptr<AbiTable> table = AbiTable::Load(impl_paths, &error);
            if (!table) {
                rep.setup_error = error.empty() ? "cannot load the implementation" : error;
                if (rank == 0) WriteAll(result_fd, "R -\n");
            } else {
                rep = RunRank(c, *table, run, rank, [&](HcclRootInfo *info, bool ok) {
                    if (rank == 0) {
                        // Trailing zero bytes are left out: the receiver zero-fills.
                        size_t n = sizeof info->internal;
                        while (n > 0 && info->internal[n - 1] == 0) --n;
                        WriteAll(result_fd, ok ? "R " + Hex(reinterpret_cast<const uint8_t *>(info->internal), n) + "\n"
                                               : std::string("R -\n"));
                        return ok;
                    }
                    return Unhex(root_info_hex, reinterpret_cast<uint8_t *>(info->internal), sizeof info->internal);
                });
            }
        }
    } catch (const std::exception &e) {
        rep.setup_error = std::string("harness child: ") + e.what();
    }
    InjectTestFault(rank);
    WriteAll(result_fd, "W " + EncodeRankReport(rep));
    close(result_fd);
    std::fflush(stdout);
    _exit(0);  // as case_child.cc: the library's static destructors are not the case's business
}

// --- the launcher's side ---

RankChild::~RankChild() {
    if (pid_ > 0) {
        kill(-pid_, SIGKILL);
        kill(pid_, SIGKILL);
        int status = 0;
        waitpid(pid_, &status, 0);
    }
    if (fd_ >= 0) close(fd_);
}

bool RankChild::Start(const Case &c, int rank, const RunOptions &run, const SuperviseOptions &supervise,
                      const std::string &root_info_hex, std::string *error) {
    started_ = Clock::now();
    timeout_s_ = supervise.timeout_s;
    int out_pipe[2];
    if (pipe2(out_pipe, O_CLOEXEC) != 0) {
        *error = "harness: pipe() failed";
        return false;
    }
    std::vector<std::string> args = CaseChildArgs(c, run, supervise.impl_paths, kChildResultFd);
    const auto dashes = args.end() - 2;  // "--", descriptor
    args.insert(dashes, {"--rank", std::to_string(rank), "--root-info", root_info_hex.empty() ? "-" : root_info_hex});
    std::vector<std::pair<std::string, std::string>> env = supervise.env;
    env.emplace_back(kPlatformVariable, PlatformName(c.platform));
    env.emplace_back("MC2_HCCL_TRANSPORT", "socket");  // the built-in library's cross-process groups
    // CANN's join timeout (120 s by default) inside the case's: a rank whose peer never joins
    // fails with its own answer before the launcher has to kill it. The user's setting wins.
    if (std::getenv("HCCL_CONNECT_TIMEOUT") == nullptr) {
        env.emplace_back("HCCL_CONNECT_TIMEOUT", std::to_string(std::max(1, static_cast<int>(timeout_s_ / 3))));
    }
    pid_ = SpawnChild(args, env, out_pipe[1], STDERR_FILENO, error);
    close(out_pipe[1]);
    if (pid_ < 0) {
        close(out_pipe[0]);
        return false;
    }
    fd_ = out_pipe[0];
    return true;
}

std::string RankChild::ReadRootInfo(Clock::time_point deadline) {
    char buf[65536];
    while (fd_ >= 0) {
        if (const size_t nl = buffer_.find('\n'); buffer_.rfind("R ", 0) == 0 && nl != std::string::npos) {
            std::string hex = buffer_.substr(2, nl - 2);
            buffer_.erase(0, nl + 1);
            return hex == "-" ? "" : hex;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) return "";
        pollfd p{fd_, POLLIN, 0};
        const int n = poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000)));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) continue;
        const ssize_t got = read(fd_, buf, sizeof buf);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return "";
        buffer_.append(buf, static_cast<size_t>(got));
    }
    return "";
}

RankOutcome RankChild::Finish(Clock::time_point deadline) {
    RankOutcome o;
    char buf[65536];
    bool timed_out = false;
    while (fd_ >= 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        pollfd p{fd_, POLLIN, 0};
        const int n = poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000)));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) continue;
        const ssize_t got = read(fd_, buf, sizeof buf);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        buffer_.append(buf, static_cast<size_t>(got));
    }
    int status = 0;
    bool reaped = false;
    while (!timed_out && pid_ > 0) {
        const pid_t w = waitpid(pid_, &status, WNOHANG);
        if (w == pid_) {
            reaped = true;
            break;
        }
        if (w < 0 && errno != EINTR) break;
        if (Clock::now() >= deadline) {
            timed_out = true;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (timed_out || !reaped) {
        kill(-pid_, SIGKILL);
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
    }
    pid_ = -1;
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
    // A rank-0 child that died before its root info line leaves it unread.
    if (buffer_.rfind("R ", 0) == 0) {
        const size_t nl = buffer_.find('\n');
        buffer_.erase(0, nl == std::string::npos ? buffer_.size() : nl + 1);
    }
    if (timed_out) {
        o.kind = RankOutcome::Kind::kTimedOut;
        o.why = "no result within " + std::to_string(timeout_s_) + " s; the rank's process group was killed";
    } else if (reaped && WIFSIGNALED(status)) {
        const int sig = WTERMSIG(status);
        o.kind = RankOutcome::Kind::kCrashed;
        o.why = "killed by " + SignalName(sig) + " (" + strsignal(sig) + ")";
    } else if (std::optional<RankReport> rep =
                   buffer_.rfind("W ", 0) == 0 ? DecodeRankReport(buffer_.substr(2)) : std::nullopt) {
        o.kind = RankOutcome::Kind::kReported;
        o.report = std::move(*rep);
        return o;
    } else {
        o.kind = RankOutcome::Kind::kCrashed;
        o.why = "child exited with code " + std::to_string(reaped && WIFEXITED(status) ? WEXITSTATUS(status) : -1) +
                " without a result";
    }
    o.report.setup_error = o.why;
    return o;
}

CaseResult JudgeRankOutcomes(const Case &c, std::vector<RankOutcome> outcomes, const RunOptions &run) {
    std::vector<RankReport> reports;
    int crashed = -1, hung = -1;
    for (size_t r = 0; r < outcomes.size(); ++r) {
        if (outcomes[r].kind == RankOutcome::Kind::kTimedOut && hung < 0) hung = static_cast<int>(r);
        // kNoReport (never started: no root info, spawn failed) is judged as a setup failure.
        if (outcomes[r].kind == RankOutcome::Kind::kCrashed && crashed < 0) crashed = static_cast<int>(r);
        reports.push_back(outcomes[r].report);
    }
    if (crashed < 0 && hung < 0) return JudgeRanks(c, std::move(reports), run);
    // As the supervisor judges a whole case's process: a crash outranks a hang.
    CaseResult res;
    res.descriptor = c.ToString();
    res.schedule = MakeSchedule(c.schedule, c.world).Describe();
    const int who = crashed >= 0 ? crashed : hung;
    res.status = crashed >= 0 ? Status::kCrash : Status::kTimeout;
    res.reason = "rank " + std::to_string(who) + ": " + outcomes[static_cast<size_t>(who)].why;
    for (size_t r = 0; r < reports.size(); ++r) {
        reports[r].rank = static_cast<int>(r);
        reports[r].outputs.clear();
    }
    res.ranks = std::move(reports);
    return res;
}

}  // namespace mc2::harness
