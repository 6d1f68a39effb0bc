// harness/report/escape.cc — escaping for XML/HTML and Markdown (escape.h).
#include "harness/report/escape.h"

#include <algorithm>
#include <cstdint>

namespace mc2::harness::report {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence at s[i], or 0 when the bytes there are not one
// (overlong forms, surrogates and code points above U+10FFFF are invalid).
size_t Utf8Length(std::string_view s, size_t i) {
    const auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
    const uint8_t b0 = byte(i);
    if (b0 < 0x80) return 1;
    size_t len = 0;
    uint32_t cp = 0;
    if ((b0 & 0xE0) == 0xC0) {
        len = 2;
        cp = b0 & 0x1F;
    } else if ((b0 & 0xF0) == 0xE0) {
        len = 3;
        cp = b0 & 0x0F;
    } else if ((b0 & 0xF8) == 0xF0) {
        len = 4;
        cp = b0 & 0x07;
    } else {
        return 0;
    }
    if (i + len > s.size()) return 0;
    for (size_t k = 1; k < len; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (byte(i + k) & 0x3F);
    }
    static constexpr uint32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

// Calls emit(sequence) for each valid UTF-8 sequence, with U+FFFD for every invalid byte.
template <typename Emit>
void ForEachChar(std::string_view s, Emit emit) {
    for (size_t i = 0; i < s.size();) {
        const size_t len = Utf8Length(s, i);
        if (len == 0) {
            emit(kReplacement);
            ++i;
        } else {
            emit(s.substr(i, len));
            i += len;
        }
    }
}

size_t LongestBacktickRun(std::string_view text) {
    size_t best = 0, run = 0;
    for (char c : text) {
        run = c == '`' ? run + 1 : 0;
        best = std::max(best, run);
    }
    return best;
}

// Text for Markdown: valid UTF-8, control characters as U+FFFD (line breaks too, unless kept).
std::string CodeText(std::string_view text, bool keep_newlines = false) {
    std::string out;
    ForEachChar(text, [&](std::string_view ch) {
        const bool control = ch.size() == 1 && (static_cast<uint8_t>(ch[0]) < 0x20 || ch[0] == 0x7F);
        if (control && !(keep_newlines && ch[0] == '\n')) {
            out += kReplacement;
        } else {
            out += ch;
        }
    });
    return out;
}

}  // namespace

std::string SanitizeUtf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    ForEachChar(text, [&](std::string_view ch) { out += ch; });
    return out;
}

std::string XmlEscape(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 16);
    ForEachChar(text, [&](std::string_view ch) {
        if (ch.size() != 1) {
            out += ch;
            return;
        }
        const char c = ch[0];
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&apos;"; break;
            case '\t': out += "&#9;"; break;
            case '\n': out += "&#10;"; break;
            case '\r': out += "&#13;"; break;
            default:
                if (static_cast<uint8_t>(c) < 0x20 || c == 0x7F) {
                    out += kReplacement;
                } else {
                    out += c;
                }
        }
    });
    return out;
}

std::string MarkdownText(std::string_view text) {
    std::string out;
    for (char c : CodeText(text)) {
        switch (c) {
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '&': out += "&amp;"; break;
            case '|': case '\\': case '`': case '*': case '_': case '[': case ']':
                out += '\\';
                out += c;
                break;
            default: out += c;
        }
    }
    return out;
}

std::string MarkdownCode(std::string_view text, bool in_table) {
    std::string body = CodeText(text);
    const std::string fence(LongestBacktickRun(body) + 1, '`');
    // A space on each side keeps a leading or trailing backtick from joining the fence.
    const bool pad = !body.empty() && (body.front() == '`' || body.back() == '`');
    std::string out = fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
    if (!in_table) return out;
    std::string escaped;
    for (char c : out) {
        if (c == '|') escaped += '\\';
        escaped += c;
    }
    return escaped;
}

std::string MarkdownFence(std::string_view text, std::string_view lang) {
    const std::string body = CodeText(text, true);
    const std::string fence(std::max<size_t>(3, LongestBacktickRun(body) + 1), '`');
    return fence + std::string(lang) + "\n" + body + "\n" + fence + "\n";
}

}  // namespace mc2::harness::report
