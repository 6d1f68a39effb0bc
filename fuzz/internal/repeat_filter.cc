// fuzz/internal/repeat_filter.cc — the last input's case, remembered as hashes (repeat_filter.h).
#include "fuzz/internal/repeat_filter.h"

#include <cstdlib>
#include <functional>
#include <string>
#include <string_view>

namespace mc2::fuzz {

bool RepeatFilter::Repeats(const uint8_t *data, size_t size, const harness::Case &c) {
    const uint64_t bytes =
        std::hash<std::string_view>{}(std::string_view(reinterpret_cast<const char *>(data), size));
    // The descriptor names everything a case is (Case::ToString round-trips through Parse).
    const uint64_t the_case = std::hash<std::string>{}(c.ToString());
    const bool repeat = any_ && the_case == last_case_ && bytes != last_bytes_;
    any_ = true;
    last_bytes_ = bytes;
    last_case_ = the_case;
    return repeat;
}

bool RepeatsLastInput(const uint8_t *data, size_t size, const harness::Case &c) {
    static const bool run_repeats = [] {
        const char *env = std::getenv("MC2_FUZZ_RUN_REPEATS");
        return env != nullptr && *env != '\0' && std::string_view(env) != "0";
    }();
    static RepeatFilter filter;
    return !run_repeats && filter.Repeats(data, size, c);
}

}  // namespace mc2::fuzz
