// tools/mc2conf/progress.cc — progress display (progress.h).
#include "tools/mc2conf/progress.h"

#include <algorithm>

namespace mc2::tools {

using SteadyClock = std::chrono::steady_clock;

Progress::Progress(int total, bool tty, std::FILE *out, std::chrono::seconds line_interval)
    : total_(total), tty_(tty), out_(out), line_interval_(line_interval), start_(SteadyClock::now()),
      last_draw_(start_) {}

std::string Progress::Clock(double seconds) {
    const long s = std::max(0L, static_cast<long>(seconds + 0.5));
    char buf[32];
    if (s >= 3600) {
        std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    } else {
        std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
    }
    return buf;
}

std::string Progress::Text(int done, int failures, bool bar) const {
    const double elapsed = std::chrono::duration<double>(SteadyClock::now() - start_).count();
    std::string text;
    if (bar) {
        constexpr int kWidth = 30;
        const int filled = total_ > 0 ? done * kWidth / total_ : kWidth;
        text = "[" + std::string(static_cast<size_t>(filled), '#') + std::string(static_cast<size_t>(kWidth - filled), '.') + "] ";
    }
    text += std::to_string(done) + "/" + std::to_string(total_) + " cases, " + std::to_string(failures) +
            (failures == 1 ? " failure, " : " failures, ") + Clock(elapsed) + " elapsed";
    if (done > 0 && done < total_) {
        text += ", ETA " + Clock(elapsed / done * (total_ - done));
    }
    return text;
}

void Progress::Update(int done, int failures) {
    const auto now = SteadyClock::now();
    if (tty_) {
        // Redraw at most 10 times a second: a fast gate must not spend its time on the terminal.
        if (now - last_draw_ < std::chrono::milliseconds(100) && done == last_done_) return;
        if (now - last_draw_ < std::chrono::milliseconds(100) && done != total_) return;
        std::fprintf(out_, "\r\033[K%s", Text(done, failures, true).c_str());
        std::fflush(out_);
    } else {
        if (now - last_draw_ < line_interval_) return;
        std::fprintf(out_, "mc2conf: %s\n", Text(done, failures, false).c_str());
        std::fflush(out_);
    }
    last_draw_ = now;
    last_done_ = done;
}

void Progress::Finish(int done, int failures) {
    if (tty_) {
        std::fprintf(out_, "\r\033[K%s\n", Text(done, failures, true).c_str());
    } else {
        std::fprintf(out_, "mc2conf: %s\n", Text(done, failures, false).c_str());
    }
    std::fflush(out_);
}

}  // namespace mc2::tools
