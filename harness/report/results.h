// harness/report/results.h — the results of one `mc2conf run` as the report writers see them:
// every case's CaseResult with why it was run (gate section, rule), and the run's context (gate,
// seed, implementation libraries and where each ABI symbol came from). results.json is this
// structure; `mc2conf report` re-renders every other format from it, so nothing a writer
// shows may exist only in memory.
#ifndef MC2_HARNESS_REPORT_RESULTS_H_
#define MC2_HARNESS_REPORT_RESULTS_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/run/result.h"

namespace mc2::harness::report {

struct CaseRecord {
    std::string kind;     // gates::KindName: valid, invalid, edge, typical, single
    std::string rule_id;  // invalid/edge: the rule it exercises
    std::string note;     // edge: what it covers
    CaseResult result;
};

struct SymbolSource {
    std::string symbol;
    std::string library;  // the file dladdr names, or "" when no library exports it
};

struct RunInfo {
    std::string gate;                    // quick, full, gpt3; empty for a single case
    uint64_t seed = 0;
    std::string platform_filter = "all";
    std::string op_filter;               // empty = all
    std::vector<std::string> impl_args;   // the --impl arguments as given (empty = default)
    std::vector<std::string> impl_paths;  // as loaded (the default library resolved)
    std::vector<SymbolSource> symbols;   // provenance of every entry point the suite calls
    std::string symbols_error;           // why provenance is missing, when it is
    bool supervised = true;
    int jobs = 1;
    double timeout_s = 0;
    std::string started_utc;             // ISO 8601
    double wall_seconds = 0;
    std::string suite_version;
    int total_cases = 0;                 // the gate's size before --limit
    // A run stopped by a signal (SIGINT/SIGTERM): `cases` holds only the cases that finished.
    bool incomplete = false;
    std::string stopped_by;              // "SIGTERM", when incomplete
};

struct Results {
    RunInfo info;
    std::vector<CaseRecord> cases;
};

std::string ResultsToJson(const Results &results);
// Parses results.json; on failure returns nullopt and sets *error to one line.
std::optional<Results> ResultsFromJson(const std::string &text, std::string *error);

// The reproducer of a case under the run's libraries:
// `mc2conf run [--impl 'lib.so']... '<descriptor>'` (the --impl words only when the run named
// libraries other than the default).
std::string ReproCommand(const std::string &descriptor, const std::vector<std::string> &explicit_impls);
// "STATUS (reason) __REPRO: <ReproCommand>" — benchdnn's result line.
std::string ResultLine(const CaseResult &result, const std::vector<std::string> &explicit_impls);

}  // namespace mc2::harness::report

#endif  // MC2_HARNESS_REPORT_RESULTS_H_
