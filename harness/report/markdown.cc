// harness/report/markdown.cc — Markdown report writer (markdown.h). Strings from cases and
// implementations go through escape.h: plain text via MarkdownText, descriptors and
// reproducers in code spans or fenced blocks.
#include "harness/report/markdown.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "harness/report/contract_text.h"
#include "harness/report/escape.h"
#include "harness/report/summary.h"

namespace mc2::harness::report {
namespace {

constexpr size_t kMaxFailures = 200;  // listed in full; the rest are in results.json / junit.xml

std::string CountsCells(const Counts &c) {
    char buf[160];
    std::snprintf(buf, sizeof buf, " %d | %d | %d | %d | %d | %d | %d | %d |", c.cases, c.passed, c.warning,
                  c.failed, c.crash, c.timeout, c.mistrusted, c.not_supported);
    return buf;
}

constexpr const char *kCountsHeader =
    " cases | passed | warning | failed | crash | timeout | mistrusted | not supported |";
constexpr const char *kCountsRule = "---:|---:|---:|---:|---:|---:|---:|---:|";

// The contract's headings one level down (its "#" title becomes "###"), so it nests under ours.
std::string Nested(std::string_view markdown) {
    std::string out;
    std::istringstream in{std::string(markdown)};
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line[0] == '#') line = "##" + line;
        out += line + "\n";
    }
    return out;
}

}  // namespace

std::string FormatNumber(double value) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", value);
    return buf;
}

std::string FormatPercent(double share) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g%%", share * 100);
    return buf;
}

std::string RenderMarkdownReport(const Results &results) {
    const RunInfo &info = results.info;
    const Summary s = Summarize(results);
    std::string md;
    md += "# mc2conf conformance report\n\n";
    const bool pass = s.total.failures() == 0;
    md += std::string("**Verdict: ") + (pass ? "PASS" : "FAIL") + "** — " + std::to_string(s.total.cases) +
          " cases: " + std::to_string(s.total.passed) + " passed, " + std::to_string(s.total.warning) +
          " warnings, " + std::to_string(s.total.failed) + " failed, " + std::to_string(s.total.crash) +
          " crashed, " + std::to_string(s.total.timeout) + " timed out, " +
          std::to_string(s.total.mistrusted) + " mistrusted, " + std::to_string(s.total.not_supported) +
          " not supported.\n\n";
    md += "| run | |\n|---|---|\n";
    if (!info.gate.empty()) {
        md += "| gate | " + MarkdownText(info.gate) + " (seed " + std::to_string(info.seed) + ")";
        if (static_cast<size_t>(info.total_cases) > results.cases.size()) {
            md += ", first " + std::to_string(results.cases.size()) + " of " + std::to_string(info.total_cases) +
                  " cases";
        }
        md += " |\n";
        md += "| filter | platform " + MarkdownText(info.platform_filter) + ", operator " +
              MarkdownText(info.op_filter.empty() ? "all" : info.op_filter) + " |\n";
    }
    md += "| implementation |";
    for (size_t i = 0; i < info.impl_paths.size(); ++i) md += (i ? ", " : " ") + MarkdownCode(info.impl_paths[i], true);
    md += " |\n";
    md += "| started (UTC) | " + MarkdownText(info.started_utc) + " |\n";
    md += "| wall time | " + FormatNumber(info.wall_seconds) + " s, " + std::to_string(info.jobs) + " job(s), " +
          (info.supervised ? "supervised (one child process per case)" : "in-process") + ", " +
          FormatNumber(info.timeout_s) + " s per case |\n";
    md += "| suite | mc2conf " + MarkdownText(info.suite_version) + " |\n\n";
    if (info.incomplete) {
        md += "**Incomplete run**: stopped by " + MarkdownText(info.stopped_by) + " after " +
              std::to_string(results.cases.size()) + " finished cases; the cases below are those.\n\n";
    }
    md += "Statuses follow benchdnn and the Khronos CTS: PASSED, MISTRUSTED (passed, but the data say little), "
          "WARNING (met the documented behaviour but not one of this suite's hardening rules; FAILED under "
          "`--strict`) and NOT_SUPPORTED are not failures; FAILED, CRASH and TIMEOUT are.\n\n";

    md += "## Summary\n\nCases expected to run (valid, edge and typical cases), per operator, platform, dtype "
          "combination and world size.\n\n";
    md += std::string("| operator | platform | dtype | world |") + kCountsHeader + "\n|---|---|---|---:|" + kCountsRule +
          "\n";
    for (const GroupRow &g : s.groups) {
        md += "| " + MarkdownCode(g.op, true) + " | " + MarkdownCode(g.platform, true) + " | " +
              MarkdownCode(g.dtype, true) + " | " +
              std::to_string(g.world) + " |" + CountsCells(g.counts) + "\n";
    }
    md += "| **all** | | | |" + CountsCells(s.valid_total) + "\n\n";
    if (!s.families.empty()) {
        md += "### Invalid cases by rule family\n\nEach case breaks one rule of the spec catalogue (`mc2conf spec "
              "--markdown`); it passes when every rank returns what the rule prescribes and leaves its outputs "
              "untouched.\n\n";
        md += std::string("| rule family | rules |") + kCountsHeader + "\n|---|---:|" + kCountsRule + "\n";
        for (const FamilyRow &f : s.families) {
            md += "| " + MarkdownCode(f.family, true) + " | " + std::to_string(f.rules) + " |" + CountsCells(f.counts) +
                  "\n";
        }
        md += "| **all** | |" + CountsCells(s.invalid_total) + "\n\n";
    }
    md += "**Total:** " + std::to_string(s.total.cases) + " cases, " + std::to_string(s.total.failures()) +
          " failures.\n\n";

    md += "## Warnings\n\nCases that met the documented behaviour but not a hardening rule of the catalogue.\n\n";
    if (s.warnings.empty()) md += "None.\n\n";
    for (size_t i = 0; i < s.warnings.size() && i < kMaxFailures; ++i) {
        const CaseRecord &r = results.cases[s.warnings[i]];
        md += "- " + MarkdownCode(ClassName(r)) + (r.rule_id.empty() ? "" : " " + MarkdownCode(r.rule_id)) + ": " +
              MarkdownCode(r.result.reason) + "\n";
    }
    if (s.warnings.size() > kMaxFailures) {
        md += "- " + std::to_string(s.warnings.size() - kMaxFailures) + " more in `results.json`.\n";
    }
    if (!s.warnings.empty()) md += "\n";

    md += "## Failures\n\n";
    if (s.failures.empty()) md += "None.\n\n";
    for (size_t i = 0; i < s.failures.size() && i < kMaxFailures; ++i) {
        const CaseRecord &r = results.cases[s.failures[i]];
        // The rule id stays out of MarkdownText: its underscores would come out backslashed.
        std::string why = MarkdownText(r.kind);
        if (!r.rule_id.empty()) why += " " + MarkdownCode(r.rule_id);
        if (!r.note.empty()) why += ", " + MarkdownText(r.note);
        md += "### " + std::to_string(i + 1) + ". " + StatusName(r.result.status) + " — " +
              MarkdownCode(ClassName(r)) + " (" + why + ")\n\n";
        md += MarkdownFence(r.result.reason.empty() ? StatusName(r.result.status) : r.result.reason, "text");
        md += MarkdownFence(ReproCommand(r.result.descriptor, info.impl_args), "sh") + "\n";
    }
    if (s.failures.size() > kMaxFailures) {
        md += std::to_string(s.failures.size() - kMaxFailures) + " more failures are listed in `results.json` and "
              "`junit.xml`.\n\n";
    }

    md += "## Error statistics\n\nOver every output check (rank × output) of the passing cases that produced "
          "outputs. Errors are in units of the output dtype's spacing at the exact value (ulps); observed/bound is "
          "the largest |got − exact| over the acceptance interval's extent on that side (≤ 1 inside the interval: "
          "how much of the contract's freedom was used). The vendor criterion is ATB's relative-error rule "
          "(|got − exact| ≤ thr·max(1, |exact|), thr = 2^-8 fp16, 2^-7 bf16, 2^-11 fp32; at most 0.1% of the "
          "elements over it), shown for comparison only.\n\n";
    if (s.errors.empty()) {
        md += "No passing case produced outputs.\n\n";
    } else {
        md += "| operator | dtype | cases | checks | elements | exact-checked | ulp median | ulp p99 (max) | ulp max | "
              "observed/bound max | vendor criterion |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n";
        for (const ErrorStats &e : s.errors) {
            md += "| " + MarkdownCode(e.op, true) + " | " + MarkdownCode(e.dtype, true) + " | " +
                  std::to_string(e.cases) + " | " +
                  std::to_string(e.checks) + " | " + std::to_string(e.elements) + " | " +
                  FormatPercent(e.elements ? static_cast<double>(e.exact_checked) / static_cast<double>(e.elements) : 0.0) +
                  " | " + FormatNumber(e.ulp_median) +
                  " | " + FormatNumber(e.ulp_p99) + " | " + FormatNumber(e.ulp_max) + " | " +
                  FormatNumber(e.ratio_max) + " | " + std::to_string(e.vendor_passed) + "/" +
                  std::to_string(e.checks) + " pass (worst failing share " + FormatPercent(e.vendor_fail_share_max) +
                  ") |\n";
        }
        md += "\nExact-checked: the share of elements whose acceptance set is one value (judged by equality); the "
              "rest are judged by their interval.\n\n";
        bool any_readings = false;
        for (const ErrorStats &e : s.errors) any_readings = any_readings || !e.readings.empty();
        if (any_readings) {
            md += "Readings of UNVERIFIED steps: where the documents leave a rounding step open, the oracle admits each "
                  "reading and the interval is their union; this counts the output checks whose every element is "
                  "consistent with a reading (the documented or assumed reading first).\n\n"
                  "| operator | dtype | reading | checks consistent in full |\n|---|---|---|---:|\n";
            for (const ErrorStats &e : s.errors) {
                for (const ErrorStats::ReadingRow &r : e.readings) {
                    md += "| " + MarkdownCode(e.op, true) + " | " + MarkdownCode(e.dtype, true) + " | " + r.name + " | " +
                          std::to_string(r.consistent_in_full) + "/" + std::to_string(r.checks) + " |\n";
                }
            }
            md += "\n";
        }
        md += "The HTML report plots the distribution of the errors and observed/bound per case.\n\n";
    }

    md += "## Numerics contract\n\nThe acceptance intervals are computed under this contract (summary of "
          "`oracle/contract.md`, as built into this binary).\n\n";
    md += Nested(ContractSummary()) + "\n";

    md += "## Implementation\n\n";
    for (const std::string &lib : info.impl_paths) md += "- " + MarkdownCode(lib) + "\n";
    md += "\n";
    if (!info.symbols_error.empty()) md += "Symbol provenance unavailable: " + MarkdownText(info.symbols_error) + "\n\n";
    if (!info.symbols.empty()) {
        md += "Where each entry point the suite calls was resolved (the first library exporting it):\n\n"
              "| library | symbols |\n|---|---|\n";
        std::map<std::string, std::string> by_library;
        for (const SymbolSource &sym : info.symbols) {
            std::string &list = by_library[sym.library.empty() ? "(not exported)" : sym.library];
            list += (list.empty() ? "" : ", ") + MarkdownCode(sym.symbol, true);
        }
        for (const auto &[lib, list] : by_library) md += "| " + MarkdownCode(lib, true) + " | " + list + " |\n";
        md += "\n";
    }
    return md;
}

}  // namespace mc2::harness::report
