// tools/mc2conf/progress.h — the progress display of a gate run on stderr. On a terminal: one
// line redrawn in place (bar, done/total, failures, elapsed, ETA). Otherwise (ctest, CI logs,
// a pipe): a plain line every few seconds and at the end, so logs stay readable and a hung run
// still shows where it stands.
#ifndef MC2_TOOLS_MC2CONF_PROGRESS_H_
#define MC2_TOOLS_MC2CONF_PROGRESS_H_

#include <chrono>
#include <cstdio>
#include <string>

namespace mc2::tools {

class Progress {
  public:
    // `tty`: redraw in place; otherwise print a line at most every `line_interval`.
    Progress(int total, bool tty, std::FILE *out = stderr,
             std::chrono::seconds line_interval = std::chrono::seconds(10));
    // Called when a case finishes (or periodically, with unchanged counts, to move the clock).
    void Update(int done, int failures);
    // The final state; ends the in-place line.
    void Finish(int done, int failures);

    // "1:05" / "1:02:03".
    static std::string Clock(double seconds);

  private:
    std::string Text(int done, int failures, bool bar) const;

    int total_;
    bool tty_;
    std::FILE *out_;
    std::chrono::seconds line_interval_;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_draw_;
    int last_done_ = -1;
};

}  // namespace mc2::tools

#endif  // MC2_TOOLS_MC2CONF_PROGRESS_H_
