// harness/report/escape.h — making arbitrary text safe for the report formats. Descriptors and
// reasons carry whatever an implementation or a fuzzer put into them (quotes, angle brackets,
// control characters, invalid UTF-8), and a report that a hostile string can break is useless
// to a CI system.
#ifndef MC2_HARNESS_REPORT_ESCAPE_H_
#define MC2_HARNESS_REPORT_ESCAPE_H_

#include <string>
#include <string_view>

namespace mc2::harness::report {

// Valid UTF-8: every invalid byte sequence becomes U+FFFD.
std::string SanitizeUtf8(std::string_view text);

// XML 1.0 character data and attribute values (also HTML): & < > " ' as entities; tab, LF and
// CR as character references (attribute values keep them); other C0 controls, which XML 1.0
// cannot carry at all, as U+FFFD; invalid UTF-8 as U+FFFD.
std::string XmlEscape(std::string_view text);

// Plain text for a Markdown table cell or paragraph: | \ ` * _ [ ] < > & escaped, control
// characters (line breaks included) as U+FFFD.
std::string MarkdownText(std::string_view text);
// An inline code span that holds `text` literally (fence longer than any backtick run inside);
// with in_table, | is escaped as GFM tables require even inside code.
std::string MarkdownCode(std::string_view text, bool in_table = false);
// A fenced code block (```lang ... ```) that holds `text` literally, line breaks kept.
std::string MarkdownFence(std::string_view text, std::string_view lang);

}  // namespace mc2::harness::report

#endif  // MC2_HARNESS_REPORT_ESCAPE_H_
