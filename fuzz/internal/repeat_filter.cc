// fuzz/internal/repeat_filter.cc — cases already run, remembered as hashes (repeat_filter.h).
#include "fuzz/internal/repeat_filter.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <string_view>

namespace mc2::fuzz {
namespace {

// This process's inputs, run and skipped as repeats, for $MC2_FUZZ_STATS.
uint64_t g_ran = 0;
uint64_t g_repeats = 0;

// At exit, one line "<run> <repeats>" appended to $MC2_FUZZ_STATS (fuzz/campaign sums the lines
// of every process of a campaign: libFuzzer counts a skipped repeat as an execution like any
// other, and the summary says how many of them were). One write of a short line to a file opened
// for appending: lines of processes ending at once do not interleave.
void WriteStats() {
    const char *path = std::getenv("MC2_FUZZ_STATS");
    if (path == nullptr || *path == '\0') return;
    const int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return;
    char line[64];
    const int n = std::snprintf(line, sizeof line, "%llu %llu\n", static_cast<unsigned long long>(g_ran),
                                static_cast<unsigned long long>(g_repeats));
    if (n > 0) (void)!write(fd, line, static_cast<size_t>(n));
    close(fd);
}

}  // namespace

bool RepeatFilter::Repeats(const uint8_t *data, size_t size, const harness::Case &c) {
    const uint64_t bytes =
        std::hash<std::string_view>{}(std::string_view(reinterpret_cast<const char *>(data), size));
    // libFuzzer's deliberate re-run follows an input that was run; the same bytes after a
    // skipped input are a mutation that changed nothing, and as much a repeat as it was.
    const bool rerun = last_ran_ && bytes == last_bytes_;
    last_bytes_ = bytes;
    // The descriptor names everything a case is (Case::ToString round-trips through Parse).
    const uint64_t the_case = std::hash<std::string>{}(c.ToString());
    bool seen = false;
    if (the_case != 0) {
        // The slot from the high bits: std::hash of a string mixes them as well as the low ones.
        uint64_t &slot = seen_[static_cast<size_t>(the_case >> 48) % kSlots];
        seen = slot == the_case;
        slot = the_case;
    }
    const bool repeat = seen && !rerun;
    last_ran_ = !repeat;
    return repeat;
}

bool RepeatsEarlierInput(const uint8_t *data, size_t size, const harness::Case &c) {
    static const bool run_repeats = [] {
        const char *env = std::getenv("MC2_FUZZ_RUN_REPEATS");
        return env != nullptr && *env != '\0' && std::string_view(env) != "0";
    }();
    static RepeatFilter filter;
    static const bool stats = [] {
        const char *env = std::getenv("MC2_FUZZ_STATS");
        return env != nullptr && *env != '\0' && std::atexit(WriteStats) == 0;
    }();
    (void)stats;
    const bool repeat = !run_repeats && filter.Repeats(data, size, c);
    ++(repeat ? g_repeats : g_ran);
    return repeat;
}

}  // namespace mc2::fuzz
