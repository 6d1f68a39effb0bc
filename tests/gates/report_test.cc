// tests/gates/report_test.cc — the report writers (harness/report): JUnit XML is well-formed
// (checked by a minimal XML reader below) and counts right; hostile strings from descriptors and
// implementations (quotes, angle brackets, ampersands, control characters, invalid UTF-8,
// backticks, pipes) cannot break XML, Markdown or HTML; the HTML page holds its SVG plots and
// no script; results.json round-trips; the ulp histogram agrees with the comparator.
#include <cctype>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness/compare.h"
#include "harness/report/escape.h"
#include "harness/report/html.h"
#include "harness/report/junit.h"
#include "harness/report/markdown.h"
#include "harness/report/results.h"
#include "harness/report/summary.h"
#include "harness/report/ulp_histogram.h"

namespace mc2::harness::report {
namespace {

// A string an implementation or a fuzzer could put into a reason or a descriptor.
const std::string kHostile =
    "x<script>alert(1)</script> & \"q\" 'a' ]]> `tick` | pipe \x01\x1b[31m\xff\xfe end\nnext line";

const char *kValid =
    "matmul_all_reduce platform=atlas_a2 world=2 x1=float16[16,32] x2=float16[32,24] bias=- group=comm "
    "reduce_op=\"sum\" comm_turn=0 stream_mode=1 output=float16[16,24] seed=1 dist=normal sched=0";

CaseRecord Passing(const std::string &descriptor) {
    CaseRecord r;
    r.kind = "valid";
    r.result.status = Status::kPassed;
    r.result.descriptor = descriptor;
    r.result.seconds = 0.25;
    for (int rank = 0; rank < 2; ++rank) {
        RankReport rep;
        rep.rank = rank;
        OutputCheck c;
        c.name = "output";
        c.pass = true;
        c.elements = 384;
        c.ulp_median = 0.25;
        c.ulp_p99 = 1;
        c.ulp_max = 3;
        c.ratio_max = 0.4;
        c.vendor_pass = true;
        c.ulp_histogram.assign(kUlpBins, 0);
        c.ulp_histogram[0] = 300;
        c.ulp_histogram[4] = 80;
        c.ulp_histogram[7] = 4;
        rep.checks.push_back(c);
        r.result.ranks.push_back(rep);
    }
    return r;
}

Results Sample() {
    Results res;
    res.info.gate = "quick";
    res.info.seed = 7;
    res.info.impl_args = {"/opt/vendor lib/libascend's.so"};
    res.info.impl_paths = res.info.impl_args;
    res.info.symbols = {{"aclInit", "/opt/vendor lib/libascend's.so"}, {"aclnnMatmulAllReduce", ""}};
    res.info.started_utc = "2024-06-01T00:00:00Z";
    res.info.wall_seconds = 12.5;
    res.info.suite_version = "0.1.0";
    res.info.total_cases = 4;
    res.cases.push_back(Passing(kValid));
    CaseRecord failed;
    failed.kind = "invalid";
    failed.rule_id = "mar.dtype.x1";
    failed.result.status = Status::kFailed;
    failed.result.reason = kHostile;
    failed.result.descriptor = kHostile;  // does not parse: the writers must still cope
    failed.result.ranks.push_back(RankReport{});
    failed.result.ranks.back().messages = kHostile;
    res.cases.push_back(failed);
    CaseRecord crash = Passing(kValid);
    crash.kind = "edge";
    crash.note = "3-D x1";
    crash.result.status = Status::kCrash;
    crash.result.reason = "killed by SIGSEGV";
    crash.result.ranks.clear();
    res.cases.push_back(crash);
    CaseRecord unsupported = Passing(kValid);
    unsupported.result.status = Status::kNotSupported;
    unsupported.result.reason = "fp8 <not> documented";
    unsupported.result.ranks.clear();
    res.cases.push_back(unsupported);
    return res;
}

// ---- a minimal XML 1.0 well-formedness reader (elements, attributes, text, entities) ----

class XmlReader {
public:
    explicit XmlReader(const std::string &text) : s_(text) {}

    // Empty when well-formed, else what is wrong and where.
    std::string Check() {
        if (s_.compare(0, 5, "<?xml") == 0) {
            const size_t end = s_.find("?>");
            if (end == std::string::npos) return "unterminated prolog";
            i_ = end + 2;
        }
        SkipSpace();
        if (!Element()) return error_ + " at offset " + std::to_string(i_);
        SkipSpace();
        if (i_ != s_.size()) return "content after the root element at offset " + std::to_string(i_);
        return "";
    }
    int elements() const { return elements_; }

private:
    bool Fail(const std::string &why) {
        if (error_.empty()) error_ = why;
        return false;
    }
    void SkipSpace() {
        while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
    }
    std::string Name() {
        const size_t b = i_;
        while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '-' ||
                                  s_[i_] == '_' || s_[i_] == ':' || s_[i_] == '.')) {
            ++i_;
        }
        return s_.substr(b, i_ - b);
    }
    // Character data up to `stop`; '&' must start a known entity, '<' may not appear, control
    // characters other than tab/LF/CR may not appear, and the bytes must be valid UTF-8.
    bool Chars(char stop) {
        const size_t b = i_;
        while (i_ < s_.size() && s_[i_] != stop) {
            const unsigned char c = static_cast<unsigned char>(s_[i_]);
            if (c == '<' && stop != '<') return Fail("'<' in an attribute value");
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return Fail("control character");
            if (c == '&') {
                const size_t semi = s_.find(';', i_);
                if (semi == std::string::npos) return Fail("unterminated entity");
                const std::string ent = s_.substr(i_ + 1, semi - i_ - 1);
                const bool known = ent == "amp" || ent == "lt" || ent == "gt" || ent == "quot" || ent == "apos" ||
                                   (ent.size() > 1 && ent[0] == '#' &&
                                    ent.find_first_not_of("0123456789", 1) == std::string::npos);
                if (!known) return Fail("unknown entity &" + ent + ";");
                i_ = semi;
            }
            ++i_;
        }
        if (SanitizeUtf8(s_.substr(b, i_ - b)) != s_.substr(b, i_ - b)) return Fail("invalid UTF-8");
        return true;
    }
    bool Element() {
        if (i_ >= s_.size() || s_[i_] != '<') return Fail("expected '<'");
        ++i_;
        const std::string name = Name();
        if (name.empty()) return Fail("empty element name");
        ++elements_;
        for (;;) {
            SkipSpace();
            if (i_ >= s_.size()) return Fail("unterminated start tag");
            if (s_.compare(i_, 2, "/>") == 0) {
                i_ += 2;
                return true;
            }
            if (s_[i_] == '>') {
                ++i_;
                break;
            }
            if (Name().empty()) return Fail("bad attribute name");
            if (i_ + 1 >= s_.size() || s_[i_] != '=' || s_[i_ + 1] != '"') return Fail("attribute without =\"");
            i_ += 2;
            if (!Chars('"')) return false;
            if (i_ >= s_.size()) return Fail("unterminated attribute");
            ++i_;
        }
        for (;;) {
            if (!Chars('<')) return false;
            if (i_ >= s_.size()) return Fail("unterminated element " + name);
            if (s_.compare(i_, 2, "</") == 0) {
                i_ += 2;
                if (Name() != name) return Fail("mismatched end tag for " + name);
                SkipSpace();
                if (i_ >= s_.size() || s_[i_] != '>') return Fail("bad end tag");
                ++i_;
                return true;
            }
            if (!Element()) return false;
        }
    }

    const std::string &s_;
    size_t i_ = 0;
    int elements_ = 0;
    std::string error_;
};

int Count(const std::string &text, const std::string &what) {
    int n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

TEST(Escape, Xml) {
    EXPECT_EQ(XmlEscape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;");
    EXPECT_EQ(XmlEscape("t\tn\nr\r"), "t&#9;n&#10;r&#13;");
    EXPECT_EQ(XmlEscape("\x01"), "\xEF\xBF\xBD");
    EXPECT_EQ(XmlEscape("\xff"), "\xEF\xBF\xBD");
    EXPECT_EQ(XmlEscape("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
    EXPECT_EQ(XmlEscape("caf\xC3\xA9 \xE2\x89\xA4"), "caf\xC3\xA9 \xE2\x89\xA4");
}

TEST(Escape, Markdown) {
    EXPECT_EQ(MarkdownCode("a`b"), "``a`b``");
    EXPECT_EQ(MarkdownCode("`x`"), "`` `x` ``");
    EXPECT_EQ(MarkdownCode("a|b", true), "`a\\|b`");
    EXPECT_EQ(MarkdownText("<b>*x*|"), "&lt;b&gt;\\*x\\*\\|");
    EXPECT_EQ(MarkdownFence("a ``` b", "sh"), "````sh\na ``` b\n````\n");
}

TEST(JUnit, WellFormedWithHostileStrings) {
    const Results res = Sample();
    const std::string xml = RenderJUnit(res);
    XmlReader reader(xml);
    EXPECT_EQ(reader.Check(), "") << xml;
    EXPECT_EQ(reader.elements(), 2 + 1 + 4 /* properties */ + 4 /* testcases */ + 3 /* failure, failure, skipped */);
    EXPECT_NE(xml.find("tests=\"4\" failures=\"2\" errors=\"0\" skipped=\"1\""), std::string::npos) << xml;
    EXPECT_NE(xml.find("classname=\"matmul_all_reduce.atlas_a2.float16.w2\""), std::string::npos);
    EXPECT_NE(xml.find("classname=\"unparsed\""), std::string::npos);
    // The failure message carries the reason and the reproducer with the run's --impl.
    EXPECT_NE(xml.find("__REPRO: mc2conf run --impl &apos;/opt/vendor lib/libascend&apos;\\&apos;&apos;s.so&apos;"),
              std::string::npos)
        << xml;
    EXPECT_EQ(xml.find("<script"), std::string::npos);
    EXPECT_EQ(xml.find("\x01"), std::string::npos);
}

TEST(Markdown, ReportSectionsAndEscaping) {
    const std::string md = RenderMarkdownReport(Sample());
    EXPECT_NE(md.find("**Verdict: FAIL**"), std::string::npos);
    EXPECT_NE(md.find("## Summary"), std::string::npos);
    EXPECT_NE(md.find("### Invalid cases by rule family"), std::string::npos);
    EXPECT_NE(md.find("| `mar.dtype` | 1 | 1 | 0 | 0 | 1 |"), std::string::npos) << md;
    EXPECT_NE(md.find("## Error statistics"), std::string::npos);
    EXPECT_NE(md.find("## Numerics contract"), std::string::npos);
    EXPECT_NE(md.find("### Numerics contract: MatmulAllReduce"), std::string::npos) << "contract.md embedded";
    EXPECT_NE(md.find("`aclInit`"), std::string::npos);
    EXPECT_NE(md.find("(not exported)"), std::string::npos);
    // The reproducer sits in a fenced block whose fence outgrows the backticks inside.
    EXPECT_NE(md.find("```sh\nmc2conf run --impl "), std::string::npos) << md;
    // Outside code blocks (which Markdown shows literally) no raw HTML survives.
    std::string prose;
    bool in_fence = false;
    std::istringstream lines(md);
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with("```")) in_fence = !in_fence;
        if (!in_fence) prose += line + "\n";
    }
    EXPECT_EQ(prose.find("<script>"), std::string::npos) << prose;
    EXPECT_NE(md.find("```text\nx<script>"), std::string::npos) << "the reason, verbatim in a code block";
    EXPECT_EQ(md.find("\x01"), std::string::npos);
    EXPECT_EQ(md.find("\xff"), std::string::npos);
}

TEST(Html, SelfContainedWithSvgPlots) {
    const std::string html = RenderHtmlReport(Sample());
    EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
    EXPECT_EQ(Count(html, "<svg "), 2) << "one histogram and one observed/bound plot per op x dtype";
    EXPECT_EQ(Count(html, "<svg "), Count(html, "</svg>"));
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_EQ(html.find("src=\""), std::string::npos) << "no external assets";
    EXPECT_EQ(html.find("href=\"http"), std::string::npos);
    EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
    EXPECT_EQ(html.find("\x01"), std::string::npos);
    EXPECT_EQ(html.find("\xff"), std::string::npos);
    EXPECT_NE(html.find("<rect"), std::string::npos);
    EXPECT_NE(html.find("<circle"), std::string::npos);
    EXPECT_NE(html.find("Numerics contract: MatmulAllReduce"), std::string::npos);
    // Each SVG is well-formed XML on its own.
    for (size_t at = html.find("<svg "); at != std::string::npos; at = html.find("<svg ", at + 1)) {
        const std::string svg = html.substr(at, html.find("</svg>", at) + 6 - at);
        XmlReader reader(svg);
        EXPECT_EQ(reader.Check(), "") << svg;
    }
}

TEST(Results, JsonRoundTripRendersTheSameReports) {
    const Results res = Sample();
    std::string error;
    const auto back = ResultsFromJson(ResultsToJson(res), &error);
    ASSERT_TRUE(back) << error;
    EXPECT_EQ(back->cases.size(), res.cases.size());
    EXPECT_EQ(back->info.symbols.size(), 2u);
    EXPECT_EQ(RenderJUnit(*back), RenderJUnit(res));
    EXPECT_EQ(back->cases[0].result.ranks[0].checks[0].ulp_histogram, res.cases[0].result.ranks[0].checks[0].ulp_histogram);
    // Invalid UTF-8 became U+FFFD on the way, so the Markdown differs only there: compare the HTML
    // of the passing part instead.
    EXPECT_FALSE(ResultsFromJson("{\"format\": \"other\"}", &error));
    EXPECT_NE(error.find("not an mc2conf results file"), std::string::npos);
    EXPECT_FALSE(ResultsFromJson("[1,2", &error));
}

TEST(Summary, CountsGroupsAndFamilies) {
    const Summary s = Summarize(Sample());
    EXPECT_EQ(s.total.cases, 4);
    EXPECT_EQ(s.total.failures(), 2);
    EXPECT_EQ(s.total.not_supported, 1);
    ASSERT_EQ(s.families.size(), 1u);
    EXPECT_EQ(s.families[0].family, "mar.dtype");
    ASSERT_EQ(s.groups.size(), 1u);
    EXPECT_EQ(s.groups[0].counts.cases, 3);
    ASSERT_EQ(s.errors.size(), 1u);
    EXPECT_EQ(s.errors[0].checks, 2);
    EXPECT_EQ(s.errors[0].elements, 768);
    EXPECT_EQ(s.errors[0].histogram[0], 600);
    const std::string table = RenderSummaryText(s);
    EXPECT_NE(table.find("total"), std::string::npos);
    EXPECT_NE(table.find("mar.dtype"), std::string::npos);
}

// A WARNING (a hardening rule not met, DESIGN.md "Verdicts") passes: counted in its own column,
// listed in the reports, a passing JUnit test with a note, and kept through results.json.
TEST(Reports, WarningIsAPassingStatusWithANote) {
    Results res = Sample();
    CaseRecord warned = Passing(kValid);
    warned.kind = "invalid";
    warned.rule_id = "mar.shape.storage";
    warned.result.status = Status::kWarning;
    warned.result.reason = "rank 0: [mar.shape.storage] hardening rule not met: expected 161002, got 0";
    warned.result.ranks.clear();
    res.cases.push_back(warned);
    const Summary s = Summarize(res);
    EXPECT_EQ(s.total.warning, 1);
    EXPECT_EQ(s.total.failures(), 2);
    ASSERT_EQ(s.warnings.size(), 1u);
    EXPECT_EQ(s.warnings[0], res.cases.size() - 1);
    EXPECT_NE(RenderSummaryText(s).find("warning"), std::string::npos);

    const std::string xml = RenderJUnit(res);
    size_t failures = 0;
    for (size_t at = xml.find("<failure"); at != std::string::npos; at = xml.find("<failure", at + 1)) ++failures;
    EXPECT_EQ(failures, 2u) << xml;
    EXPECT_NE(xml.find("<system-out>WARNING: rank 0: [mar.shape.storage]"), std::string::npos) << xml;

    const std::string md = RenderMarkdownReport(res);
    EXPECT_NE(md.find("1 warnings"), std::string::npos);
    const size_t section = md.find("## Warnings");
    ASSERT_NE(section, std::string::npos);
    EXPECT_NE(md.find("`mar.shape.storage`", section), std::string::npos) << md;
    EXPECT_NE(RenderHtmlReport(res).find("id=\"warnings\""), std::string::npos);

    std::string error;
    const auto back = ResultsFromJson(ResultsToJson(res), &error);
    ASSERT_TRUE(back) << error;
    EXPECT_EQ(back->cases.back().result.status, Status::kWarning);
}

TEST(UlpHistogram, Bins) {
    EXPECT_EQ(UlpBin(0), 0);
    EXPECT_EQ(UlpBin(0x1p-6), 1);
    EXPECT_EQ(UlpBin(0x1p-4), 1);
    EXPECT_EQ(UlpBin(0.0625000001), 2);
    EXPECT_EQ(UlpBin(0.5), 4);
    EXPECT_EQ(UlpBin(1), 5);
    EXPECT_EQ(UlpBin(1.5), 6);
    EXPECT_EQ(UlpBin(0x1p16), kUlpBins - 3);
    EXPECT_EQ(UlpBin(0x1p16 + 1), kUlpBins - 2);
    EXPECT_EQ(UlpBinLabel(0), "0");
    EXPECT_EQ(UlpBinLabel(5), "\u22641");
    EXPECT_EQ(UlpBinLabel(2), "\u22641/8");
}

TEST(UlpHistogram, AgreesWithTheComparator) {
    oracle::Bounds b;
    b.rows = 1;
    b.cols = 5;
    b.dtype = ACL_FLOAT16;
    b.exact = {1.0, 1000.0, 0.0, 3.0, -2.0};
    b.lo = {0.99, 990.0, -1.0, 2.0, -3.0};
    b.hi = {1.01, 1010.0, 1.0, 4.0, -1.0};
    b.scale = {1, 1, 1, 1, 1};
    const std::vector<double> got = {1.0, 1001.0, 0x1p-20, 3.0 + 0x1p-9, -2.0};
    const CompareReport r = Compare(b, got);
    const std::vector<int64_t> h = UlpHistogram(ACL_FLOAT16, b.exact, got);
    ASSERT_EQ(h.size(), static_cast<size_t>(kUlpBins));
    int last = 0;
    for (int i = 0; i < kUlpBins; ++i) {
        if (h[static_cast<size_t>(i)] > 0) last = i;
    }
    EXPECT_EQ(last, UlpBin(r.ulp_max));
    EXPECT_EQ(h[0], 2);  // two exact elements
    int64_t total = 0;
    for (int64_t n : h) total += n;
    EXPECT_EQ(total, 5);
}

}  // namespace
}  // namespace mc2::harness::report
