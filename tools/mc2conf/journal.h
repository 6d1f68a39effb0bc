// tools/mc2conf/journal.h — the results of a gate as the cases finish, one JSON line each,
// appended to `results.jsonl` beside results.json and flushed per line: a run killed with
// SIGKILL (or a machine that went away) keeps every case it finished. results.json is written
// from the same records at the end or on SIGINT/SIGTERM (stop_on_signal.h); a complete run
// removes the journal, an interrupted one leaves it beside results.json.
//
// Line format: {"index": <position in the gate>, "kind", "rule", "note", "result": <the
// supervisor's CaseResult JSON (harness/supervise/result_json.h)>}.
#ifndef MC2_TOOLS_MC2CONF_JOURNAL_H_
#define MC2_TOOLS_MC2CONF_JOURNAL_H_

#include <cstdio>
#include <string>

#include "harness/report/results.h"

namespace mc2::tools {

class Journal {
  public:
    // Truncates `path`; a journal that cannot be opened is reported once and then skipped
    // (the run still writes results.json at the end).
    explicit Journal(std::string path);
    ~Journal();
    Journal(const Journal &) = delete;
    Journal &operator=(const Journal &) = delete;

    void Append(size_t index, const harness::report::CaseRecord &record);
    // Closes and deletes the file (the run wrote results.json completely).
    void Remove();
    const std::string &path() const { return path_; }

  private:
    std::string path_;
    std::FILE *file_ = nullptr;
};

}  // namespace mc2::tools

#endif  // MC2_TOOLS_MC2CONF_JOURNAL_H_
