// fuzz/internal/repeat_filter.cc — cases already run, remembered as hashes (repeat_filter.h).
#include "fuzz/internal/repeat_filter.h"

#include <cstdlib>
#include <functional>
#include <string>
#include <string_view>

namespace mc2::fuzz {

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
    return !run_repeats && filter.Repeats(data, size, c);
}

}  // namespace mc2::fuzz
