// harness/report/html.cc — the self-contained HTML report (html.h). Everything from a case or an
// implementation goes through XmlEscape (HTML text and attributes alike); plots are SVG drawn
// here, with <title> tooltips instead of scripts; the contract's Markdown is rendered by a
// small converter for the subset it uses (headings, paragraphs, lists, pipe tables, `code`,
// **bold**, *italics*).
#include "harness/report/html.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "harness/report/contract_text.h"
#include "harness/report/escape.h"
#include "harness/report/markdown.h"
#include "harness/report/summary.h"
#include "harness/report/ulp_histogram.h"

namespace mc2::harness::report {
namespace {

constexpr size_t kMaxFailures = 200;

std::string E(std::string_view text) { return XmlEscape(text); }

std::string Num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

constexpr const char *kStyle = R"css(
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 14px; color: #1d2329; margin: 24px auto;
       max-width: 1320px; padding: 0 16px; }
h1 { font-size: 24px; margin-bottom: 4px; }
h2 { font-size: 19px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; margin-top: 32px; }
h3 { font-size: 16px; margin-top: 20px; }
table { border-collapse: collapse; margin: 8px 0 16px; }
th, td { border: 1px solid #d0d7de; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f3f5f7; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
td.bad { background: #ffd9d6; font-weight: bold; }
td.warn { background: #fff1c2; }
tr.total td { font-weight: bold; background: #f7f8fa; }
.verdict { font-size: 18px; font-weight: bold; padding: 8px 12px; border-radius: 4px; display: inline-block; }
.verdict.pass { background: #dafbe1; color: #116329; }
.verdict.fail { background: #ffd9d6; color: #a40e26; }
pre, code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 12.5px; }
pre { background: #f6f8fa; border: 1px solid #d0d7de; padding: 6px 8px; white-space: pre-wrap;
      word-break: break-all; margin: 4px 0; }
.failure { margin: 10px 0 18px; }
.plots { display: flex; flex-wrap: wrap; gap: 16px; margin: 8px 0 20px; }
.plot { border: 1px solid #d0d7de; border-radius: 4px; background: #fff; }
.note { color: #57606a; }
.contract { border-left: 4px solid #d0d7de; padding-left: 12px; }
.contract table { font-size: 12.5px; }
)css";

std::string CountsCells(const Counts &c) {
    auto cell = [](int v, bool bad, bool warn = false) {
        const char *cls = v > 0 && bad ? "n bad" : (v > 0 && warn ? "n warn" : "n");
        return std::string("<td class=\"") + cls + "\">" + std::to_string(v) + "</td>";
    };
    return cell(c.cases, false) + cell(c.passed, false) + cell(c.warning, false, true) + cell(c.failed, true) +
           cell(c.crash, true) + cell(c.timeout, true) + cell(c.mistrusted, false, true) + cell(c.not_supported, false, true);
}

constexpr const char *kCountsHead =
    "<th>cases</th><th>passed</th><th>warning</th><th>failed</th><th>crash</th><th>timeout</th><th>mistrusted</th>"
    "<th>not supported</th>";

// ---- plots ----

struct Frame {
    double width, height, left, right, top, bottom;
    double PlotW() const { return width - left - right; }
    double PlotH() const { return height - top - bottom; }
};

std::string SvgOpen(const Frame &f, const std::string &label) {
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot\" width=\"" + Num(f.width) + "\" height=\"" +
           Num(f.height) + "\" viewBox=\"0 0 " + Num(f.width) + " " + Num(f.height) + "\" role=\"img\" aria-label=\"" +
           E(label) + "\" font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"11\">\n";
}

std::string Text(double x, double y, const std::string &text, const std::string &extra = "") {
    return "<text x=\"" + Num(x) + "\" y=\"" + Num(y) + "\"" + extra + ">" + E(text) + "</text>\n";
}

std::string Line(double x1, double y1, double x2, double y2, const std::string &style) {
    return "<line x1=\"" + Num(x1) + "\" y1=\"" + Num(y1) + "\" x2=\"" + Num(x2) + "\" y2=\"" + Num(y2) + "\" " +
           style + "/>\n";
}

// Histogram of errors in output ulps, log-scaled counts (exact results usually dominate).
std::string HistogramSvg(const ErrorStats &e) {
    const Frame f{600, 260, 58, 12, 30, 62};
    std::string svg = SvgOpen(f, "histogram of errors in output ulps, " + e.op + " " + e.dtype);
    int64_t total = 0, peak = 0;
    int last = 5;  // always show up to the "≤1 ulp" bin
    for (size_t b = 0; b < e.histogram.size(); ++b) {
        total += e.histogram[b];
        peak = std::max(peak, e.histogram[b]);
        if (e.histogram[b] > 0) last = std::max(last, static_cast<int>(b));
    }
    svg += Text(f.left, 18, "error in output ulps: " + std::to_string(total) + " elements of " +
                                std::to_string(e.cases) + " cases",
                " font-size=\"13\" font-weight=\"bold\"");
    const double decades = std::max(1.0, std::ceil(std::log10(static_cast<double>(std::max<int64_t>(peak, 1)))));
    const auto y_of = [&](double count) {
        const double v = count <= 0 ? 0 : std::log10(count);
        return f.top + f.PlotH() * (1 - v / decades);
    };
    // Axes and decade grid lines.
    for (int d = 0; d <= static_cast<int>(decades); ++d) {
        const double y = y_of(std::pow(10.0, d));
        svg += Line(f.left, y, f.width - f.right, y, "stroke=\"#e1e4e8\"");
        svg += Text(f.left - 6, y + 4, d == 0 ? "1" : "1e" + std::to_string(d), " text-anchor=\"end\"");
    }
    svg += Line(f.left, f.top, f.left, f.top + f.PlotH(), "stroke=\"#57606a\"");
    svg += Line(f.left, f.top + f.PlotH(), f.width - f.right, f.top + f.PlotH(), "stroke=\"#57606a\"");
    const int bins = last + 1;
    const double slot = f.PlotW() / bins;
    for (int b = 0; b < bins; ++b) {
        const int64_t count = b < static_cast<int>(e.histogram.size()) ? e.histogram[static_cast<size_t>(b)] : 0;
        const double x = f.left + b * slot;
        const std::string label = UlpBinLabel(b);
        if (count > 0) {
            // A single element still gets a visible bar: counts start at 1 = the axis plus 3 px.
            const double y = std::min(y_of(static_cast<double>(count)), f.top + f.PlotH() - 3);
            const char *colour = b == kUlpBins - 1 ? "#cf222e" : (b <= 5 ? "#2f81f7" : "#8250df");
            svg += "<rect x=\"" + Num(x + slot * 0.12) + "\" y=\"" + Num(y) + "\" width=\"" + Num(slot * 0.76) +
                   "\" height=\"" + Num(f.top + f.PlotH() - y) + "\" fill=\"" + colour + "\"><title>" +
                   E(label + " ulp: " + std::to_string(count) + " elements") + "</title></rect>\n";
        }
        const double lx = x + slot / 2, ly = f.top + f.PlotH() + 10;
        svg += "<text x=\"" + Num(lx) + "\" y=\"" + Num(ly) + "\" text-anchor=\"end\" transform=\"rotate(-45 " + Num(lx) +
               " " + Num(ly) + ")\" font-size=\"10\">" + E(label) + "</text>\n";
    }
    svg += Text(f.left + f.PlotW() / 2, f.height - 4, "|got − exact| in ulps of the output dtype (bins: powers of two)",
                " text-anchor=\"middle\" fill=\"#57606a\"");
    svg += "<text x=\"12\" y=\"" + Num(f.top + f.PlotH() / 2) + "\" transform=\"rotate(-90 12 " +
           Num(f.top + f.PlotH() / 2) + ")\" text-anchor=\"middle\" fill=\"#57606a\">elements (log)</text>\n";
    return svg + "</svg>\n";
}

// observed/bound per case, in run order; the dashed line is the bound (1).
std::string RatioSvg(const ErrorStats &e, const Results &results) {
    const Frame f{600, 260, 58, 12, 30, 40};
    std::string svg = SvgOpen(f, "observed error over bound per case, " + e.op + " " + e.dtype);
    svg += Text(f.left, 18, "observed/bound per case (worst element of any rank)",
                " font-size=\"13\" font-weight=\"bold\"");
    double top = 1.0;
    for (const RatioPoint &p : e.points) {
        if (std::isfinite(p.ratio)) top = std::max(top, p.ratio);
    }
    top = std::ceil(top * 4) / 4;
    const auto y_of = [&](double v) { return f.top + f.PlotH() * (1 - std::min(v, top) / top); };
    for (double t = 0; t <= top + 1e-9; t += top <= 1 ? 0.25 : std::ceil(top / 4)) {
        svg += Line(f.left, y_of(t), f.width - f.right, y_of(t), "stroke=\"#e1e4e8\"");
        svg += Text(f.left - 6, y_of(t) + 4, FormatNumber(t), " text-anchor=\"end\"");
    }
    svg += Line(f.left, y_of(1), f.width - f.right, y_of(1), "stroke=\"#cf222e\" stroke-dasharray=\"6 4\"");
    // The legend of the dashed line sits above the plot area, where no point can hide it.
    svg += Text(f.width - f.right, f.top - 6, "- - bound (1)", " text-anchor=\"end\" fill=\"#cf222e\"");
    svg += Line(f.left, f.top, f.left, f.top + f.PlotH(), "stroke=\"#57606a\"");
    svg += Line(f.left, f.top + f.PlotH(), f.width - f.right, f.top + f.PlotH(), "stroke=\"#57606a\"");
    const size_t n = e.points.size();
    for (size_t i = 0; i < n; ++i) {
        const RatioPoint &p = e.points[i];
        const double x = f.left + f.PlotW() * (static_cast<double>(i) + 0.5) / static_cast<double>(n);
        const double y = y_of(std::isfinite(p.ratio) ? p.ratio : top);
        // The case's group rather than its descriptor: descriptors would make the page megabytes.
        const std::string label = ClassName(results.cases[p.case_index]);
        svg += "<circle cx=\"" + Num(x) + "\" cy=\"" + Num(y) + "\" r=\"3.5\" fill=\"" +
               (p.vendor_pass ? "#1a7f37" : "#bf8700") + "\" fill-opacity=\"0.8\"><title>" +
               E("case " + std::to_string(p.case_index) + ": observed/bound " + FormatNumber(p.ratio) + ", max " +
                 FormatNumber(p.ulp_max) + " ulp, vendor criterion " + (p.vendor_pass ? "pass" : "fail") + ", " +
                 label) +
               "</title></circle>\n";
    }
    svg += Text(f.left + f.PlotW() / 2, f.height - 8,
                "passing cases in run order (green: vendor criterion passes, amber: it fails)",
                " text-anchor=\"middle\" fill=\"#57606a\"");
    return svg + "</svg>\n";
}

// ---- the contract's Markdown subset ----

// Inline spans of text that is already escaped.
std::string InlineEscaped(const std::string &text) {
    std::string out;
    for (size_t i = 0; i < text.size();) {
        if (text[i] == '`') {
            const size_t end = text.find('`', i + 1);
            if (end != std::string::npos) {
                out += "<code>" + text.substr(i + 1, end - i - 1) + "</code>";
                i = end + 1;
                continue;
            }
        }
        if (text.compare(i, 2, "**") == 0) {
            const size_t end = text.find("**", i + 2);
            if (end != std::string::npos) {
                out += "<strong>" + InlineEscaped(text.substr(i + 2, end - i - 2)) + "</strong>";
                i = end + 2;
                continue;
            }
        }
        if (text[i] == '*' && i + 1 < text.size() && text[i + 1] != ' ') {
            const size_t end = text.find('*', i + 1);
            if (end != std::string::npos && text[end - 1] != ' ') {
                out += "<em>" + text.substr(i + 1, end - i - 1) + "</em>";
                i = end + 1;
                continue;
            }
        }
        if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '|') {
            out += '|';
            i += 2;
            continue;
        }
        out += text[i++];
    }
    return out;
}

std::string Inline(const std::string &raw) { return InlineEscaped(E(raw)); }

std::vector<std::string> Cells(const std::string &row) {
    std::vector<std::string> cells;
    std::string cell;
    for (size_t i = 0; i < row.size(); ++i) {
        if (row[i] == '\\' && i + 1 < row.size() && row[i + 1] == '|') {
            cell += "\\|";
            ++i;
        } else if (row[i] == '|') {
            cells.push_back(cell);
            cell.clear();
        } else {
            cell += row[i];
        }
    }
    cells.push_back(cell);
    // A row "| a | b |" splits into "", " a ", " b ", "".
    if (!cells.empty() && cells.front().find_first_not_of(' ') == std::string::npos) cells.erase(cells.begin());
    if (!cells.empty() && cells.back().find_first_not_of(' ') == std::string::npos) cells.pop_back();
    for (std::string &c : cells) {
        const size_t b = c.find_first_not_of(' '), e = c.find_last_not_of(' ');
        c = b == std::string::npos ? "" : c.substr(b, e - b + 1);
    }
    return cells;
}

std::string MarkdownToHtml(std::string_view markdown) {
    std::istringstream in{std::string(markdown)};
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    std::string out, paragraph;
    auto flush = [&] {
        if (!paragraph.empty()) out += "<p>" + Inline(paragraph) + "</p>\n";
        paragraph.clear();
    };
    for (size_t i = 0; i < lines.size(); ++i) {
        const std::string &line = lines[i];
        if (line.empty()) {
            flush();
        } else if (line[0] == '#') {
            flush();
            const size_t level = std::min<size_t>(line.find_first_not_of('#'), 3);
            const std::string tag = "h" + std::to_string(level + 2);
            out += "<" + tag + ">" + Inline(line.substr(line.find_first_not_of("# "))) + "</" + tag + ">\n";
        } else if (line[0] == '|') {
            flush();
            out += "<table>\n";
            bool head = true;
            for (; i < lines.size() && !lines[i].empty() && lines[i][0] == '|'; ++i) {
                if (lines[i].find_first_not_of("|-: ") == std::string::npos) continue;  // the separator row
                out += "<tr>";
                for (const std::string &c : Cells(lines[i])) {
                    out += (head ? "<th>" : "<td>") + Inline(c) + (head ? "</th>" : "</td>");
                }
                out += "</tr>\n";
                head = false;
            }
            --i;
            out += "</table>\n";
        } else if (line.starts_with("* ") || line.starts_with("- ")) {
            flush();
            out += "<ul>\n";
            for (; i < lines.size() && (lines[i].starts_with("* ") || lines[i].starts_with("- ") ||
                                        (lines[i].starts_with("  ") && !lines[i].empty()));
                 ++i) {
                if (lines[i].starts_with("  ")) {
                    out.insert(out.size() - 6, " " + Inline(lines[i].substr(2)));  // continuation line
                } else {
                    out += "<li>" + Inline(lines[i].substr(2)) + "</li>\n";
                }
            }
            --i;
            out += "</ul>\n";
        } else {
            paragraph += (paragraph.empty() ? "" : " ") + line;
        }
    }
    flush();
    return out;
}

}  // namespace

std::string RenderHtmlReport(const Results &results) {
    const RunInfo &info = results.info;
    const Summary s = Summarize(results);
    const bool pass = s.total.failures() == 0;
    std::string h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>";
    h += E("mc2conf conformance report" + (info.gate.empty() ? std::string() : " — " + info.gate + " gate"));
    h += "</title>\n<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n";
    h += "<h1>mc2conf conformance report</h1>\n";
    h += std::string("<p><span class=\"verdict ") + (pass ? "pass\">PASS" : "fail\">FAIL") + "</span> " +
         std::to_string(s.total.cases) + " cases: " + std::to_string(s.total.passed) + " passed, " +
         std::to_string(s.total.warning) + " warnings, " + std::to_string(s.total.failed) + " failed, " +
         std::to_string(s.total.crash) + " crashed, " +
         std::to_string(s.total.timeout) + " timed out, " + std::to_string(s.total.mistrusted) + " mistrusted, " +
         std::to_string(s.total.not_supported) + " not supported.</p>\n";

    h += "<table>\n";
    if (!info.gate.empty()) {
        std::string gate = info.gate + " (seed " + std::to_string(info.seed) + ")";
        if (static_cast<size_t>(info.total_cases) > results.cases.size()) {
            gate += ", first " + std::to_string(results.cases.size()) + " of " + std::to_string(info.total_cases) +
                    " cases";
        }
        h += "<tr><th>gate</th><td>" + E(gate) + "</td></tr>\n";
        h += "<tr><th>filter</th><td>platform " + E(info.platform_filter) + ", operator " +
             E(info.op_filter.empty() ? "all" : info.op_filter) + "</td></tr>\n";
    }
    h += "<tr><th>implementation</th><td>";
    for (size_t i = 0; i < info.impl_paths.size(); ++i) h += (i ? ", " : "") + ("<code>" + E(info.impl_paths[i]) + "</code>");
    h += "</td></tr>\n<tr><th>started (UTC)</th><td>" + E(info.started_utc) + "</td></tr>\n";
    h += "<tr><th>wall time</th><td>" + E(FormatNumber(info.wall_seconds)) + " s, " + std::to_string(info.jobs) +
         " job(s), " + (info.supervised ? "supervised (one child process per case)" : "in-process") + ", " +
         E(FormatNumber(info.timeout_s)) + " s per case</td></tr>\n";
    h += "<tr><th>suite</th><td>mc2conf " + E(info.suite_version) + "</td></tr>\n</table>\n";
    h += "<p>Sections: <a href=\"#errors\">error distribution</a> · <a href=\"#summary\">summary</a> · <a "
         "href=\"#failures\">failures (" + std::to_string(s.failures.size()) + ")</a> · <a href=\"#contract\">numerics "
         "contract</a> · <a href=\"#implementation\">implementation</a></p>\n";
    h += "<p class=\"note\">Statuses follow benchdnn and the Khronos CTS: PASSED, MISTRUSTED (passed, but the data "
         "say little), WARNING (met the documented behaviour but not one of this suite's hardening rules; FAILED "
         "under <code>--strict</code>) and NOT_SUPPORTED are not failures; FAILED, CRASH and TIMEOUT are.</p>\n";

    // Plots first after the verdict: they are what a reader of a passing report looks for.
    h += "<h2 id=\"errors\">Error distribution of the passing cases</h2>\n";
    h += "<p class=\"note\">Per operator and dtype, over every element of every output check (rank × output) of "
         "the passing cases that produced outputs. Left: |got − exact| in units of the output dtype's spacing at "
         "the exact value. Right: observed/bound, the worst element's |got − exact| over the acceptance "
         "interval's extent on that side (≤ 1 passes; how much of the contract's freedom the implementation "
         "used). Hover for details.</p>\n";
    if (s.errors.empty()) h += "<p>No passing case produced outputs.</p>\n";
    for (const ErrorStats &e : s.errors) {
        h += "<h3>" + E(e.op + " · " + e.dtype) + "</h3>\n<div class=\"plots\">\n" + HistogramSvg(e) +
             RatioSvg(e, results) + "</div>\n";
    }
    if (!s.errors.empty()) {
        h += "<table>\n<tr><th>operator</th><th>dtype</th><th>cases</th><th>checks</th><th>elements</th><th>exact-checked</th><th>ulp "
             "median</th><th>ulp p99 (max)</th><th>ulp max</th><th>observed/bound max</th><th>vendor "
             "criterion</th></tr>\n";
        for (const ErrorStats &e : s.errors) {
            h += "<tr><td>" + E(e.op) + "</td><td>" + E(e.dtype) + "</td><td class=\"n\">" + std::to_string(e.cases) +
                 "</td><td class=\"n\">" + std::to_string(e.checks) + "</td><td class=\"n\">" +
                 std::to_string(e.elements) + "</td><td class=\"n\">" +
                 E(FormatPercent(e.elements ? static_cast<double>(e.exact_checked) / static_cast<double>(e.elements)
                                            : 0.0)) +
                 "</td><td class=\"n\">" + E(FormatNumber(e.ulp_median)) +
                 "</td><td class=\"n\">" + E(FormatNumber(e.ulp_p99)) + "</td><td class=\"n\">" +
                 E(FormatNumber(e.ulp_max)) + "</td><td class=\"n\">" + E(FormatNumber(e.ratio_max)) + "</td><td>" +
                 std::to_string(e.vendor_passed) + "/" + std::to_string(e.checks) + " pass (worst failing share " +
                 E(FormatPercent(e.vendor_fail_share_max)) + ")</td></tr>\n";
        }
        h += "</table>\n<p class=\"note\">The vendor criterion (ATB: |got − exact| ≤ thr·max(1, |exact|), thr = "
             "2<sup>-8</sup> fp16, 2<sup>-7</sup> bf16, 2<sup>-11</sup> fp32, at most 0.1% of the elements over "
             "it) is shown for comparison; the verdict is the acceptance interval's.</p>\n";
    }

    h += "<h2 id=\"summary\">Summary</h2>\n<p class=\"note\">Cases expected to run (valid, edge and typical cases), per operator, "
         "platform, dtype combination and world size.</p>\n";
    h += std::string("<table>\n<tr><th>operator</th><th>platform</th><th>dtype</th><th>world</th>") + kCountsHead +
         "</tr>\n";
    for (const GroupRow &g : s.groups) {
        h += "<tr><td>" + E(g.op) + "</td><td>" + E(g.platform) + "</td><td>" + E(g.dtype) + "</td><td class=\"n\">" +
             std::to_string(g.world) + "</td>" + CountsCells(g.counts) + "</tr>\n";
    }
    h += "<tr class=\"total\"><td colspan=\"4\">all</td>" + CountsCells(s.valid_total) + "</tr>\n</table>\n";
    if (!s.families.empty()) {
        h += "<h3>Invalid cases by rule family</h3>\n<p class=\"note\">Each case breaks one rule of the spec "
             "catalogue (<code>mc2conf spec --markdown</code>); it passes when every rank returns what the rule "
             "prescribes and leaves its outputs untouched.</p>\n";
        h += std::string("<table>\n<tr><th>rule family</th><th>rules</th>") + kCountsHead + "</tr>\n";
        for (const FamilyRow &f : s.families) {
            h += "<tr><td><code>" + E(f.family) + "</code></td><td class=\"n\">" + std::to_string(f.rules) + "</td>" +
                 CountsCells(f.counts) + "</tr>\n";
        }
        h += "<tr class=\"total\"><td colspan=\"2\">all</td>" + CountsCells(s.invalid_total) + "</tr>\n</table>\n";
    }
    h += "<p><strong>Total:</strong> " + std::to_string(s.total.cases) + " cases, " +
         std::to_string(s.total.failures()) + " failures.</p>\n";

    h += "<h2 id=\"warnings\">Warnings</h2>\n";
    if (s.warnings.empty()) h += "<p>None.</p>\n";
    if (!s.warnings.empty()) h += "<ul>\n";
    for (size_t i = 0; i < s.warnings.size() && i < kMaxFailures; ++i) {
        const CaseRecord &r = results.cases[s.warnings[i]];
        h += "<li><code>" + E(ClassName(r)) + "</code> " +
             (r.rule_id.empty() ? "" : "<code>" + E(r.rule_id) + "</code> ") + E(r.result.reason) + "</li>\n";
    }
    if (!s.warnings.empty()) h += "</ul>\n";

    h += "<h2 id=\"failures\">Failures</h2>\n";
    if (s.failures.empty()) h += "<p>None.</p>\n";
    for (size_t i = 0; i < s.failures.size() && i < kMaxFailures; ++i) {
        const CaseRecord &r = results.cases[s.failures[i]];
        std::string why = r.kind;
        if (!r.rule_id.empty()) why += " " + r.rule_id;
        if (!r.note.empty()) why += ", " + r.note;
        h += "<div class=\"failure\"><p><strong>" + std::to_string(i + 1) + ". " + E(StatusName(r.result.status)) +
             "</strong> " + E(ClassName(r)) + " <span class=\"note\">(" + E(why) + ")</span></p>\n";
        h += "<pre>" + E(r.result.reason.empty() ? StatusName(r.result.status) : r.result.reason) + "</pre>\n";
        h += "<pre>" + E(ReproCommand(r.result.descriptor, info.impl_args)) + "</pre></div>\n";
    }
    if (s.failures.size() > kMaxFailures) {
        h += "<p>" + std::to_string(s.failures.size() - kMaxFailures) +
             " more failures are listed in <code>results.json</code> and <code>junit.xml</code>.</p>\n";
    }

    h += "<h2 id=\"contract\">Numerics contract</h2>\n<p class=\"note\">The acceptance intervals are computed under this contract "
         "(summary of <code>oracle/contract.md</code>, as built into this binary).</p>\n<div class=\"contract\">\n" +
         MarkdownToHtml(ContractSummary()) + "</div>\n";

    h += "<h2 id=\"implementation\">Implementation</h2>\n<ul>\n";
    for (const std::string &lib : info.impl_paths) h += "<li><code>" + E(lib) + "</code></li>\n";
    h += "</ul>\n";
    if (!info.symbols_error.empty()) h += "<p>Symbol provenance unavailable: " + E(info.symbols_error) + "</p>\n";
    if (!info.symbols.empty()) {
        std::map<std::string, std::string> by_library;
        for (const SymbolSource &sym : info.symbols) {
            std::string &list = by_library[sym.library.empty() ? "(not exported)" : sym.library];
            list += (list.empty() ? "" : ", ") + ("<code>" + E(sym.symbol) + "</code>");
        }
        h += "<p>Where each entry point the suite calls was resolved (the first library exporting it):</p>\n"
             "<table>\n<tr><th>library</th><th>symbols</th></tr>\n";
        for (const auto &[lib, list] : by_library) h += "<tr><td><code>" + E(lib) + "</code></td><td>" + list + "</td></tr>\n";
        h += "</table>\n";
    }
    h += "</body>\n</html>\n";
    return h;
}

}  // namespace mc2::harness::report
