// tools/mc2conf/convert_cmd.cc — `mc2conf convert --to F [--saturate] VALUES|-` and
// `mc2conf convert --from F CODES|-`. Values are float32: decimals are rounded to float32 once
// (as an operator's float32 input would be), and 0x + 8 hex digits give the bits directly.
// Every value is parsed before anything is printed, so a bad value yields no partial output.
#include "tools/mc2conf/convert_cmd.h"

#include <bit>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "oracle/codecs/codebook.h"

namespace mc2::tools {
namespace {

struct ConvertOptions {
    std::string to;
    std::string from;
    bool saturate = false;
};

std::string FormatNames() {
    std::string names;
    for (const oracle::Format &f : oracle::AllFormats()) {
        names += names.empty() ? "" : ", ";
        names += f.name;
    }
    return names;
}

const oracle::Format &LookUpFormat(const std::string &name) {
    const oracle::Format *f = oracle::FindFormat(name);
    if (f == nullptr) {
        throw UsageError("convert: unknown format '" + name + "' (known: " + FormatNames() + ")");
    }
    return *f;
}

std::string_view Trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
        s.remove_prefix(1);
    }
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
        s.remove_suffix(1);
    }
    return s;
}

bool IsHexPrefix(std::string_view s) {
    return s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
}

// Parses hex digits (all of s, 1..8 of them) into *out.
bool ParseHexDigits(std::string_view s, uint32_t *out) {
    if (s.empty() || s.size() > 8) {
        return false;
    }
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out, 16);
    return ec == std::errc() && end == s.data() + s.size();
}

// A float32 from a decimal (with optional sign, inf, nan) or from 0x + exactly 8 hex digits.
float ParseFloatValue(std::string_view text) {
    const std::string_view s = Trim(text);
    const auto bad = [&] {
        return UsageError("convert: cannot parse value '" + std::string(text) +
                          "' (expected a decimal like 1.5, -0, inf, nan, or float32 bits as 0x "
                          "followed by exactly 8 hex digits)");
    };
    if (IsHexPrefix(s)) {
        uint32_t bits = 0;
        if (s.size() != 10 || !ParseHexDigits(s.substr(2), &bits)) {
            throw bad();
        }
        return std::bit_cast<float>(bits);
    }
    std::string_view digits = s;
    bool negative = false;
    if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
        negative = digits[0] == '-';
        digits.remove_prefix(1);
    }
    // from_chars would accept a second '-'; hex floats are not offered.
    if (digits.empty() || digits[0] == '-' || digits[0] == '+' || IsHexPrefix(digits)) {
        throw bad();
    }
    float v = 0.0f;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (end != digits.data() + digits.size()) {
        throw bad();
    }
    if (ec == std::errc::result_out_of_range) {
        // The correctly rounded float32 is Inf or zero; tell which from the magnitude.
        const std::string copy(digits);
        v = std::strtod(copy.c_str(), nullptr) > 1.0 ? INFINITY : 0.0f;
    } else if (ec != std::errc()) {
        throw bad();
    }
    return negative ? -v : v;
}

uint32_t ParseCode(std::string_view text, const oracle::Format &f) {
    const std::string_view s = Trim(text);
    uint32_t code = 0;
    if (!IsHexPrefix(s) || !ParseHexDigits(s.substr(2), &code)) {
        throw UsageError("convert: cannot parse code '" + std::string(text) +
                         "' (expected 0x followed by hex digits)");
    }
    if (code >= oracle::CodeCount(f)) {
        throw UsageError("convert: code '" + std::string(text) + "' is out of range for " +
                         std::string(f.name) + " (" + std::to_string(f.bits) + " bits)");
    }
    return code;
}

// The values to convert: the arguments, or the lines of stdin for a lone "-".
std::vector<std::string> CollectInputs(const std::vector<std::string> &args) {
    for (const std::string &a : args) {
        if (a.size() > 2 && a.starts_with("--")) {
            throw UsageError("convert: unknown option '" + a + "'");
        }
    }
    bool from_stdin = false;
    for (const std::string &a : args) {
        if (a == "-") {
            if (args.size() != 1) {
                throw UsageError("convert: '-' (read stdin) must be the only value");
            }
            from_stdin = true;
        }
    }
    if (!from_stdin) {
        if (args.empty()) {
            throw UsageError("convert: no values given (pass them as arguments, or '-' for stdin)");
        }
        return args;
    }
    std::vector<std::string> lines;
    std::string line;
    while (std::getline(std::cin, line)) {
        if (!Trim(line).empty()) {  // blank lines are skipped
            lines.push_back(line);
        }
    }
    if (lines.empty()) {
        throw UsageError("convert: no values on stdin");
    }
    return lines;
}

std::string Hex(uint32_t value, int digits) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%0*X", digits, static_cast<unsigned>(value));
    return buf;
}

int RunConvert(const ConvertOptions &opts, const std::vector<std::string> &args) {
    const bool to = !opts.to.empty();
    const bool from = !opts.from.empty();
    if (to == from) {
        throw UsageError("convert: give exactly one of --to FORMAT or --from FORMAT");
    }
    if (from && opts.saturate) {
        throw UsageError("convert: --saturate applies to --to only");
    }
    const oracle::Format &f = LookUpFormat(to ? opts.to : opts.from);
    const std::vector<std::string> inputs = CollectInputs(args);
    std::string out;
    if (to) {
        const auto sat = opts.saturate ? oracle::Saturation::kFinite : oracle::Saturation::kNone;
        for (const std::string &in : inputs) {
            const float x = ParseFloatValue(in);
            out += Hex(oracle::Encode(f, x, sat), f.bits / 4) + "\n";
        }
    } else {
        for (const std::string &in : inputs) {
            const double v = oracle::Decode(f, ParseCode(in, f));
            // Every code's value is exact in float32; NaNs print as the canonical quiet NaN.
            const uint32_t bits =
                std::isnan(v) ? 0x7FC00000u : std::bit_cast<uint32_t>(static_cast<float>(v));
            out += Hex(bits, 8) + "\n";
        }
    }
    std::fputs(out.c_str(), stdout);
    return 0;
}

}  // namespace

Command AddConvertCommand(CLI::App &app) {
    auto opts = std::make_shared<ConvertOptions>();
    CLI::App *sub = app.add_subcommand(
        "convert", "Encode float32 values into a format's codes, or decode codes (oracle codecs)");
    sub->add_option("--to", opts->to, "Encode the values into this format");
    sub->add_option("--from", opts->from, "Decode the codes of this format to float32 bits");
    sub->add_flag("--saturate", opts->saturate,
                  "With --to: overflow and +-Inf give +-max finite instead of Inf/NaN");
    // The values are taken from the extras, not from a positional option, so that -0, -inf,
    // -nan and -2.5 are read as values rather than as short options.
    sub->allow_extras();
    sub->footer("VALUES: decimals (1.5, -0, inf, nan) or float32 bits as 0x + 8 hex digits; "
                "CODES: 0x + hex digits; '-' reads one per line from stdin.\nFormats: " +
                FormatNames() + ".");
    return Command{sub, [opts, sub] { return RunConvert(*opts, sub->remaining()); }};
}

}  // namespace mc2::tools
