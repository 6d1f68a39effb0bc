// tools/mc2conf/run_cmd.cc — `mc2conf run` (run_cmd.h).
#include "tools/mc2conf/run_cmd.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "harness/abi/abi_table.h"
#include "harness/gates/gates.h"
#include "harness/report/results.h"
#include "harness/report/summary.h"
#include "harness/run/verdict.h"
#include "harness/supervise/supervise.h"
#include "spec/expectation.h"
#include "spec/generate.h"
#include "tools/mc2conf/case_pool.h"
#include "tools/mc2conf/install_paths.h"
#include "tools/mc2conf/journal.h"
#include "tools/mc2conf/mpi_pool.h"
#include "tools/mc2conf/output_files.h"
#include "tools/mc2conf/preflight.h"
#include "tools/mc2conf/progress.h"
#include "tools/mc2conf/provenance.h"
#include "tools/mc2conf/stop_on_signal.h"

namespace mc2::tools {
namespace {

using harness::Case;
using harness::CaseResult;
namespace gates = harness::gates;
namespace report = harness::report;

struct RunOptions {
    std::string gate;
    std::string descriptor;
    std::vector<std::string> impls;
    std::string platform = "all";
    std::string op;
    int jobs = 1;
    double timeout_s = 0;  // 0 = the gate's default
    std::string out;
    bool no_supervise = false;
    int limit = -1;
    int every = 1;  // run every N-th case of the gate (after --limit): a sample reaching every kind
    uint64_t seed = gates::kDefaultSeed;
    bool list = false;
    bool verbose = false;
    bool strict = false;  // a WARNING (a hardening rule not met) counts as FAILED
    bool mpi = false;     // ranks as MPI processes (mpi_pool.h)
    bool every_world_timeout = false;  // harness::RunOptions::release_peers_from_world = 0
};

// Failure lines printed after the summary; the rest are in the reports.
constexpr size_t kMaxPrintedFailures = 50;

std::string NowUtc() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::vector<harness::Platform> Platforms(const std::string &name) {
    if (name == "all") return {harness::Platform::kAtlasA2, harness::Platform::kAscend950};
    if (auto p = harness::ParsePlatform(name)) return {*p};
    throw UsageError("run: unknown platform '" + name + "' (expected atlas_a2, ascend_950 or all)");
}

std::string OpList() {
    std::string list;
    for (const std::string &op : spec::GeneratableOps()) list += (list.empty() ? "" : ", ") + op;
    return list;
}

std::vector<std::string> ResolvedImpls(const std::vector<std::string> &impls) {
    return impls.empty() ? std::vector<std::string>{DefaultImpl()} : impls;
}

// What the supervisor and the runner get from the options (timeouts scale with --timeout: a
// stream that has not drained in three quarters of the case's time is a hang, and the
// supervisor's clock stays the outer bound).
PoolOptions MakePoolOptions(const RunOptions &o, double timeout_s) {
    PoolOptions p;
    p.jobs = o.no_supervise ? 1 : o.jobs;
    // Resolved here, not in the child: a child in libexec/ cannot guess the default library.
    p.supervise.impl_paths = ResolvedImpls(o.impls);
    p.supervise.timeout_s = timeout_s;
    p.supervise.in_process = o.no_supervise;
    p.run.sync_timeout_ms = static_cast<int>(std::clamp(timeout_s * 750.0, 1000.0, 2e9));
    if (o.every_world_timeout) p.run.release_peers_from_world = 0;
    return p;
}


void CheckCommon(const RunOptions &o) {
    if (o.jobs < 1) throw UsageError("run: --jobs must be at least 1");
    if (o.every < 1) throw UsageError("run: --every must be at least 1");
    if (o.timeout_s < 0 || !std::isfinite(o.timeout_s)) throw UsageError("run: --timeout must be a positive number");
}

// ---- start-up and stop (issue 13.4) ----

// A library that cannot be loaded, or lacks an entry point the cases call, ends the run before
// it starts: one line, exit 2 (UsageError), instead of every case failing alike.
void StopBeforeAnyCase(const Provenance &provenance, const std::vector<Case> &cases) {
    const std::string error = PreflightError(provenance, OperatorEntryPoints(cases));
    if (!error.empty()) throw UsageError("run: " + error);
}

// After a stop by a signal: results.json keeps only the cases that finished, and says so.
void MarkIncomplete(report::Results &results, const std::vector<bool> &finished, int signal) {
    std::vector<report::CaseRecord> kept;
    for (size_t i = 0; i < results.cases.size(); ++i) {
        if (finished[i]) kept.push_back(std::move(results.cases[i]));
    }
    results.cases = std::move(kept);
    results.info.incomplete = true;
    results.info.stopped_by = harness::SignalName(signal);
}

// ---- one case ----

std::string Phase(bool called, int32_t status) { return called ? std::to_string(status) : "not called"; }

void PrintVerbose(const CaseResult &r) {
    if (!r.schedule.empty()) std::printf("  schedule: %s\n", r.schedule.c_str());
    std::printf("  %.3f s\n", r.seconds);
    for (const harness::RankReport &rank : r.ranks) {
        std::printf("  rank %d: expected %s\n", rank.rank, rank.expected.c_str());
        std::printf("    GetWorkspaceSize %s (workspace %llu), execute %s, synchronize %s%s\n",
                    Phase(rank.prepare_called, rank.prepare_status).c_str(),
                    static_cast<unsigned long long>(rank.workspace_size),
                    Phase(rank.execute_called, rank.execute_status).c_str(),
                    Phase(rank.sync_called, rank.sync_status).c_str(), rank.sync_timed_out ? " (timed out)" : "");
        if (!rank.messages.empty()) std::printf("    messages: %s\n", rank.messages.c_str());
        if (!rank.setup_error.empty()) std::printf("    setup error: %s\n", rank.setup_error.c_str());
        std::printf("    outputs untouched: %s\n", rank.outputs_untouched ? "yes" : "no");
        for (const harness::OutputCheck &c : rank.checks) {
            std::printf("    %s: %s%s%s — %s\n", c.name.c_str(), c.pass ? "pass" : "FAIL",
                        c.mistrusted ? ", mistrusted" : "", c.precision_suspect ? ", precision suspect" : "",
                        c.summary.c_str());
            std::printf("      %lld elements (%lld exact-checked), %lld outside; ulps median %.3g p99 %.3g max %.3g; "
                        "observed/bound %.3g; vendor criterion %s (failing share %.3g)\n",
                        static_cast<long long>(c.elements), static_cast<long long>(c.exact_checked),
                        static_cast<long long>(c.outside), c.ulp_median, c.ulp_p99,
                        c.ulp_max, c.ratio_max, c.vendor_pass ? "pass" : "fail", c.vendor_fail_share);
            for (const harness::OutputCheck::Reading &rd : c.readings) {
                std::printf("      reading [%s]: %lld of %lld elements consistent%s\n", rd.name.c_str(),
                            static_cast<long long>(rd.consistent), static_cast<long long>(c.elements),
                            rd.consistent == c.elements ? " (all)" : "");
            }
        }
        std::printf("    verdict: %s\n", rank.verdict.empty() ? "conforms" : rank.verdict.c_str());
    }
}

// The rule a single case exercises, for its record (the first rank's expectation names it).
std::string RuleOf(const Case &c) {
    for (int r = 0; r < c.world; ++r) {
        const spec::Expectation e = spec::Expect(c, r);
        if (!e.rule_id.empty()) return e.rule_id;
    }
    return "";
}

int RunOne(const RunOptions &o) {
    if (!o.gate.empty()) throw UsageError("run: give either --gate or a descriptor, not both");
    if (o.list || o.limit >= 0 || o.every != 1 || !o.op.empty() || o.platform != "all" || o.seed != gates::kDefaultSeed) {
        throw UsageError("run: --list, --limit, --every, --op, --platform and --seed apply to --gate runs only");
    }
    CheckCommon(o);
    harness::CaseParse parsed = harness::ParseCase(o.descriptor);
    if (!parsed.value) throw UsageError("run: bad descriptor: " + parsed.error);
    const Case &c = *parsed.value;
    const double timeout_s = o.timeout_s > 0 ? o.timeout_s : 60;
    const PoolOptions p = MakePoolOptions(o, timeout_s);
    if (!o.no_supervise) StopBeforeAnyCase(InspectSymbols(ResolvedImpls(o.impls), timeout_s), {c});
    const auto t0 = std::chrono::steady_clock::now();
    StopOnSignal stop;
    const std::optional<CaseResult> done = RunOneCase(c, p);
    if (!done) {
        std::fprintf(stderr, "mc2conf: stopped by %s before the case finished\n",
                     harness::SignalName(stop.Received()).c_str());
        return ExitCodeForSignal(stop.Received());
    }
    CaseResult r = *done;
    if (o.strict) harness::ApplyStrict(r);
    std::printf("%s\n", report::ResultLine(r, o.impls).c_str());
    if (o.verbose) PrintVerbose(r);
    if (!o.out.empty()) {
        EnsureDirectory(o.out);
        report::Results results;
        results.info.impl_args = o.impls;
        results.info.impl_paths = ResolvedImpls(o.impls);
        results.info.supervised = !o.no_supervise;
        results.info.timeout_s = timeout_s;
        results.info.started_utc = NowUtc();
        results.info.suite_version = MC2_VERSION;
        results.info.total_cases = 1;
        const Provenance prov = InspectSymbols(results.info.impl_paths, timeout_s);
        results.info.symbols = prov.symbols;
        results.info.symbols_error = prov.error;
        results.cases.push_back({gates::KindName(gates::CaseKind::kSingle), RuleOf(c), "", r});
        results.info.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        WriteAllReports(results, o.out);
    }
    return harness::IsFailure(r.status) ? 1 : 0;
}

// ---- a gate ----

int RunGate(const RunOptions &o) {
    CheckCommon(o);
    const std::optional<gates::Gate> gate = gates::ParseGate(o.gate);
    if (!gate) throw UsageError("run: unknown gate '" + o.gate + "' (expected quick, full or gpt3)");
    gates::GateFilter filter;
    filter.platforms = Platforms(o.platform);
    if (!o.op.empty()) {
        const std::vector<std::string> ops = spec::GeneratableOps();
        if (std::find(ops.begin(), ops.end(), o.op) == ops.end()) {
            throw UsageError("run: unknown operator '" + o.op + "' (known: " + OpList() + ")");
        }
        filter.op = o.op;
    }
    std::vector<gates::GateCase> cases;
    try {
        cases = gates::BuildGate(*gate, o.seed, filter);
    } catch (const std::runtime_error &e) {
        // A rule the generators cannot produce is a hole in the suite, not a usage error.
        std::fprintf(stderr, "mc2conf: %s gate cannot be built: %s\n", o.gate.c_str(), e.what());
        return 1;
    }
    const int total_cases = static_cast<int>(cases.size());
    if (o.limit >= 0 && static_cast<size_t>(o.limit) < cases.size()) cases.resize(static_cast<size_t>(o.limit));
    if (o.every > 1) {
        std::vector<gates::GateCase> sample;
        for (size_t i = 0; i < cases.size(); i += static_cast<size_t>(o.every)) sample.push_back(std::move(cases[i]));
        cases = std::move(sample);
    }
    if (o.list) {
        for (const gates::GateCase &g : cases) {
            std::string why = gates::KindName(g.kind);
            if (!g.rule_id.empty()) why += " " + g.rule_id;
            if (!g.note.empty()) why += " (" + g.note + ")";
            std::printf("%s\t%s\n", why.c_str(), g.value.ToString().c_str());
        }
        return 0;
    }
    const gates::GateConfig cfg = gates::ConfigFor(*gate);
    const double timeout_s = o.timeout_s > 0 ? o.timeout_s : cfg.default_timeout_s;
    // --mpi: every MPI process builds the same list; rank 0 leads, the others follow it.
    std::optional<MpiWorld> mpi;
    struct MpiScope {
        bool on = false;
        ~MpiScope() {
            if (on) MpiFinish();
        }
    } mpi_scope;
    if (o.mpi) {
        if (!MpiBuilt()) throw UsageError("run: --mpi: " + ExecMpiBuild());
        mpi = MpiStart();
        mpi_scope.on = true;
        const size_t before = cases.size();
        std::erase_if(cases, [&](const gates::GateCase &g) { return g.value.world > mpi->size; });
        if (mpi->rank != 0) {
            std::vector<Case> follow;
            for (const gates::GateCase &g : cases) follow.push_back(g.value);
            MpiFollow(follow, MakePoolOptions(o, timeout_s));
            return 0;
        }
        if (cases.size() < before) {
            std::fprintf(stderr, "mc2conf: --mpi: %zu cases need more ranks than the %d MPI processes: left out\n",
                         before - cases.size(), mpi->size);
        }
    }
    const std::string out_dir = o.out.empty() ? "mc2conf-results" : o.out;
    EnsureDirectory(out_dir);  // before the run: a bad --out must not cost a whole gate
    // From here on SIGINT/SIGTERM stop the run cleanly (stop_on_signal.h).
    StopOnSignal stop;

    report::Results results;
    report::RunInfo &info = results.info;
    info.gate = o.gate;
    info.seed = o.seed;
    info.platform_filter = o.platform;
    info.op_filter = o.op;
    info.impl_args = o.impls;
    info.impl_paths = ResolvedImpls(o.impls);
    info.supervised = !o.no_supervise;
    info.jobs = o.no_supervise || o.mpi ? 1 : o.jobs;
    info.timeout_s = timeout_s;
    info.started_utc = NowUtc();
    info.suite_version = MC2_VERSION;
    info.total_cases = total_cases;
    // The libraries are inspected in a spawned child (provenance.h); its answer also decides
    // whether the run can start at all (StopBeforeAnyCase).
    const Provenance prov = InspectSymbols(info.impl_paths, timeout_s);
    info.symbols = prov.symbols;
    info.symbols_error = prov.error;

    std::vector<Case> values;
    values.reserve(cases.size());
    results.cases.resize(cases.size());
    for (size_t i = 0; i < cases.size(); ++i) {
        values.push_back(cases[i].value);
        results.cases[i].kind = gates::KindName(cases[i].kind);
        results.cases[i].rule_id = cases[i].rule_id;
        results.cases[i].note = cases[i].note;
    }
    // In-process runs load the library here and report a load error per case, as before.
    if (!o.no_supervise) StopBeforeAnyCase(prov, values);
    std::fprintf(stderr, "mc2conf: %s gate, %zu cases%s, %d job%s, %s, libraries: ", o.gate.c_str(), cases.size(),
                 cases.size() < static_cast<size_t>(total_cases) ? (" of " + std::to_string(total_cases)).c_str() : "",
                 info.jobs, info.jobs == 1 ? "" : "s",
                 mpi ? ("ranks as processes over " + std::to_string(mpi->size) + " MPI processes").c_str()
                     : info.supervised ? "supervised" : "in-process");
    for (size_t i = 0; i < info.impl_paths.size(); ++i) {
        std::fprintf(stderr, "%s%s", i ? ", " : "", info.impl_paths[i].c_str());
    }
    std::fprintf(stderr, "\n");
    if (!prov.error.empty()) std::fprintf(stderr, "mc2conf: warning: symbol provenance: %s\n", prov.error.c_str());

    const auto t0 = std::chrono::steady_clock::now();
    Progress progress(static_cast<int>(values.size()), isatty(STDERR_FILENO) == 1);
    int done = 0;
    int failures = 0;
    std::vector<bool> finished(values.size(), false);
    Journal journal(out_dir + "/results.jsonl");
    const auto on_done = [&](size_t index, CaseResult r) {
        ++done;
        if (o.strict) harness::ApplyStrict(r);
        if (harness::IsFailure(r.status)) ++failures;
        results.cases[index].result = std::move(r);
        finished[index] = true;
        journal.Append(index, results.cases[index]);
    };
    const auto on_tick = [&] { progress.Update(done, failures); };
    if (mpi) {
        MpiRunPool(values, MakePoolOptions(o, timeout_s), on_done, on_tick);
    } else {
        RunPool(values, MakePoolOptions(o, timeout_s), on_done, on_tick);
    }
    progress.Finish(done, failures);
    info.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const int signal = stop.Received();
    if (signal != 0) MarkIncomplete(results, finished, signal);

    const report::Summary summary = report::Summarize(results);
    std::printf("\n%s", report::RenderSummaryText(summary).c_str());
    if (!summary.failures.empty()) {
        std::printf("\nFailures (%zu):\n", summary.failures.size());
        for (size_t i = 0; i < summary.failures.size() && i < kMaxPrintedFailures; ++i) {
            std::printf("%s\n", report::ResultLine(results.cases[summary.failures[i]].result, o.impls).c_str());
        }
        if (summary.failures.size() > kMaxPrintedFailures) {
            std::printf("... and %zu more (see %s/report.md)\n", summary.failures.size() - kMaxPrintedFailures,
                        out_dir.c_str());
        }
    }
    WriteAllReports(results, out_dir);
    if (signal != 0) {
        std::printf("\n%s gate: STOPPED by %s after %d of %zu cases; results.json (marked incomplete) and the "
                    "reports hold those; journal %s\n",
                    o.gate.c_str(), info.stopped_by.c_str(), done, values.size(), journal.path().c_str());
        return ExitCodeForSignal(signal);
    }
    journal.Remove();
    std::printf("\n%s gate: %d cases, %d passed, %d warnings, %d failed, %d crashed, %d timed out, %d mistrusted, %d "
                "not supported in %s; reports in %s/\n",
                o.gate.c_str(), summary.total.cases, summary.total.passed, summary.total.warning, summary.total.failed,
                summary.total.crash,
                summary.total.timeout, summary.total.mistrusted, summary.total.not_supported,
                Progress::Clock(info.wall_seconds).c_str(), out_dir.c_str());
    return summary.total.failures() == 0 ? 0 : 1;
}

}  // namespace

Command AddRunCommand(CLI::App &app) {
    auto o = std::make_shared<RunOptions>();
    CLI::App *sub = app.add_subcommand("run", "Run a conformance gate, or one case given by its descriptor");
    sub->add_option("descriptor", o->descriptor, "One case's descriptor (as printed after __REPRO:)");
    sub->add_option("--gate", o->gate, "Run a gate: quick, full or gpt3");
    sub->add_option("--impl", o->impls,
                    "Implementation library (repeatable; a symbol comes from the first library that exports it; "
                    "default: the libmc2impl.so installed or built with mc2conf, see --version)")
        // One library per --impl, so that `--impl a.so '<descriptor>'` leaves the descriptor alone.
        ->expected(1)
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    sub->add_option("--platform", o->platform, "Gate cases of atlas_a2, ascend_950 or all (default)");
    sub->add_option("--op", o->op, "Gate cases of this operator only");
    sub->add_option("--jobs,-j", o->jobs, "Cases run at once, each in its own child process (default 1)");
    sub->add_option("--timeout", o->timeout_s,
                    "Wall-clock seconds per case (default: 60 for quick and single cases, 300 full, 3600 gpt3)");
    sub->add_option("--out", o->out,
                    "Directory for results.json, junit.xml, report.md, report.html (default for gates: "
                    "./mc2conf-results; single cases write reports only when given)");
    sub->add_flag("--no-supervise", o->no_supervise,
                  "Run cases in this process, one at a time (no crash containment, no per-case timeout)");
    sub->add_option("--limit", o->limit, "Run only the gate's first N cases");
    sub->add_option("--every", o->every, "Run only every N-th case of the gate (after --limit): a sample of every kind");
    sub->add_option("--seed", o->seed, "Gate seed (default " + std::to_string(gates::kDefaultSeed) + ")");
    sub->add_flag("--list", o->list, "Print the gate's cases (kind, rule, descriptor) without running them");
    sub->add_flag("--strict", o->strict,
                  "Hardening rules decide too: a WARNING (documented behaviour met, a hardening rule not) is FAILED");
    sub->add_flag("--mpi", o->mpi,
                  "Gates: each rank its own process, one MPI process per rank (mpirun -np W [--hostfile F] "
                  "mc2conf run --mpi --gate …); rank 0 writes the reports; cases wider than W are left out");
    sub->add_flag("--every-world-timeout", o->every_world_timeout,
                  "Peers of a refused rank wait out the exec timeout in every world (default: world 2 only; "
                  "wider worlds release them by HcclCommDestroy, as a rank leaving its group does)");
    sub->add_flag("-v,--verbose", o->verbose, "Single case: per-rank phases, statuses, messages and comparison");
    return Command{sub, [o] {
                       if (o->gate.empty() && o->descriptor.empty()) {
                           throw UsageError("run: give --gate quick|full|gpt3 or a case descriptor");
                       }
                       if (!o->descriptor.empty() && o->mpi) throw UsageError("run: --mpi applies to --gate runs");
                       if (!o->descriptor.empty()) return RunOne(*o);
                       if (o->verbose) throw UsageError("run: -v applies to a single case");
                       return RunGate(*o);
                   }};
}

}  // namespace mc2::tools
