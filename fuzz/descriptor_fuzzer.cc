// fuzz/descriptor_fuzzer.cc — the descriptor grammar (harness/case.h) on arbitrary text. Every
// failure the suite reports is a descriptor the user pastes back into `mc2conf run`, so the
// parser must survive anything and the printer must be its exact inverse:
//   - ParseCase never crashes, hangs or trips a sanitizer, whatever the bytes;
//   - a rejection carries a non-empty one-line reason (it is printed inside a one-line report);
//   - an accepted text prints as a one-line canonical string that parses back, prints to the
//     identical string again, and yields an equal Case (NaN doubles excepted: NaN != NaN).
// A broken property prints the input and the two descriptors, then aborts.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "harness/case.h"

namespace {

using mc2::harness::Case;
using mc2::harness::Value;

// Control and non-ASCII bytes as \xHH, so that a report stays one line per item.
std::string Printable(std::string_view text) {
    std::string out;
    for (const unsigned char c : text) {
        if (c < 0x20 || c > 0x7E || c == '\\') {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02X", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

[[noreturn]] void Fail(const char *what, std::string_view input, const std::string &a, const std::string &b) {
    std::fprintf(stderr, "descriptor_fuzzer: %s\n  input:  %s\n  first:  %s\n  second: %s\n", what,
                 Printable(input).c_str(), Printable(a).c_str(), Printable(b).c_str());
    std::fflush(stderr);
    std::abort();
}

bool OneLine(const std::string &s) { return s.find_first_of("\n\r") == std::string::npos; }

bool HasNan(const Value &v) {
    const double *d = std::get_if<double>(&v);
    return d != nullptr && std::isnan(*d);
}

// Whether any double of the case is NaN (the only reason two equal descriptors may give
// unequal Cases).
bool HasNan(const Case &c) {
    for (const auto &[name, v] : c.params) {
        if (HasNan(v)) return true;
    }
    for (const auto &[rank, m] : c.overrides) {
        for (const auto &[name, v] : m) {
            if (HasNan(v)) return true;
        }
    }
    return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const std::string_view text(reinterpret_cast<const char *>(data), size);
    const mc2::harness::CaseParse first = mc2::harness::ParseCase(text);
    if (!first.value) {
        if (first.error.empty()) Fail("rejected without a reason", text, "", "");
        if (!OneLine(first.error)) Fail("rejection reason spans several lines", text, first.error, "");
        return 0;
    }
    const std::string printed = first.value->ToString();
    if (!OneLine(printed)) Fail("canonical descriptor spans several lines", text, printed, "");
    const mc2::harness::CaseParse second = mc2::harness::ParseCase(printed);
    if (!second.value) Fail("canonical descriptor does not parse back", text, printed, second.error);
    const std::string reprinted = second.value->ToString();
    if (reprinted != printed) Fail("canonical descriptor is not a fixed point", text, printed, reprinted);
    if (!(*second.value == *first.value) && !HasNan(*first.value)) {
        Fail("canonical descriptor parses back to a different Case", text, printed, reprinted);
    }
    return 0;
}
