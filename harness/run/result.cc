// harness/run/result.cc — status names and reproducer lines (result.h).
#include "harness/run/result.h"

#include <array>
#include <utility>

namespace mc2::harness {
namespace {
constexpr std::array<std::pair<Status, const char *>, 7> kNames = {{
    {Status::kPassed, "PASSED"},
    {Status::kFailed, "FAILED"},
    {Status::kCrash, "CRASH"},
    {Status::kTimeout, "TIMEOUT"},
    {Status::kNotSupported, "NOT_SUPPORTED"},
    {Status::kMistrusted, "MISTRUSTED"},
    {Status::kWarning, "WARNING"},
}};
}  // namespace

std::string StatusName(Status status) {
    for (const auto &[s, name] : kNames) {
        if (s == status) return name;
    }
    return "FAILED";
}

std::optional<Status> ParseStatus(std::string_view name) {
    for (const auto &[s, n] : kNames) {
        if (name == n) return s;
    }
    return std::nullopt;
}

bool IsFailure(Status status) {
    return status != Status::kPassed && status != Status::kMistrusted && status != Status::kNotSupported &&
           status != Status::kWarning;
}

std::string ShellQuote(std::string_view text) {
    std::string out = "'";
    for (char ch : text) {
        if (ch == '\'') {
            out += "'\\''";
        } else {
            out += ch;
        }
    }
    return out + "'";
}

std::string CaseResult::Repro() const { return "mc2conf run " + ShellQuote(descriptor); }

std::string CaseResult::Line() const {
    std::string line = StatusName(status);
    if (!reason.empty()) line += " (" + reason + ")";
    return line + " __REPRO: " + Repro();
}

}  // namespace mc2::harness
