// harness/report/junit.cc — JUnit XML writer (junit.h). Every string that came from a case or an
// implementation goes through XmlEscape; the document is UTF-8 XML 1.0.
#include "harness/report/junit.h"

#include <cstdio>

#include "harness/report/escape.h"
#include "harness/report/summary.h"

namespace mc2::harness::report {
namespace {

std::string Seconds(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", s);
    return buf;
}

std::string Attr(const char *name, const std::string &value) {
    return std::string(" ") + name + "=\"" + XmlEscape(value) + "\"";
}

// The testcase name: unique within the run (its index), then why it was run, then the case.
std::string CaseName(const CaseRecord &r, size_t index) {
    std::string name = std::to_string(index) + " " + r.kind;
    if (!r.rule_id.empty()) name += " " + r.rule_id;
    if (!r.note.empty()) name += " (" + r.note + ")";
    return name + ": " + r.result.descriptor;
}

// Per-rank detail for the failure body: what each phase returned and what was expected.
std::string Detail(const CaseResult &r) {
    std::string out;
    if (!r.schedule.empty()) out += "schedule: " + r.schedule + "\n";
    for (const RankReport &rank : r.ranks) {
        out += "rank " + std::to_string(rank.rank) + ": expected " + rank.expected;
        if (rank.prepare_called) out += "; prepare " + std::to_string(rank.prepare_status);
        if (rank.execute_called) out += "; execute " + std::to_string(rank.execute_status);
        if (rank.sync_called) out += "; sync " + std::to_string(rank.sync_status);
        if (!rank.verdict.empty()) out += "; verdict: " + rank.verdict;
        if (!rank.messages.empty()) out += "; messages: " + rank.messages;
        out += "\n";
    }
    return out;
}

}  // namespace

std::string RenderJUnit(const Results &results) {
    const Summary s = Summarize(results);
    const int failures = s.total.failures();
    const std::string suite = "mc2conf" + (results.info.gate.empty() ? std::string() : "." + results.info.gate);
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += "<testsuites" + Attr("name", "mc2conf") + Attr("tests", std::to_string(s.total.cases)) +
           Attr("failures", std::to_string(failures)) + Attr("errors", "0") +
           Attr("skipped", std::to_string(s.total.not_supported)) + Attr("time", Seconds(results.info.wall_seconds)) +
           ">\n";
    out += "  <testsuite" + Attr("name", suite) + Attr("tests", std::to_string(s.total.cases)) +
           Attr("failures", std::to_string(failures)) + Attr("errors", "0") +
           Attr("skipped", std::to_string(s.total.not_supported)) + Attr("time", Seconds(results.info.wall_seconds));
    if (!results.info.started_utc.empty()) out += Attr("timestamp", results.info.started_utc);
    out += ">\n    <properties>\n";
    auto property = [&](const char *name, const std::string &value) {
        out += "      <property" + Attr("name", name) + Attr("value", value) + "/>\n";
    };
    property("gate", results.info.gate);
    property("seed", std::to_string(results.info.seed));
    for (const std::string &lib : results.info.impl_paths) property("impl", lib);
    property("suite_version", results.info.suite_version);
    out += "    </properties>\n";
    for (size_t i = 0; i < results.cases.size(); ++i) {
        const CaseRecord &r = results.cases[i];
        out += "    <testcase" + Attr("classname", ClassName(r)) + Attr("name", CaseName(r, i)) +
               Attr("time", Seconds(r.result.seconds));
        const Status status = r.result.status;
        if (IsFailure(status)) {
            const std::string message = StatusName(status) + (r.result.reason.empty() ? "" : ": " + r.result.reason) +
                                        " __REPRO: " + ReproCommand(r.result.descriptor, results.info.impl_args);
            out += ">\n      <failure" + Attr("message", message) + Attr("type", StatusName(status)) + ">" +
                   XmlEscape(Detail(r.result)) + "</failure>\n    </testcase>\n";
        } else if (status == Status::kNotSupported) {
            out += ">\n      <skipped" + Attr("message", r.result.reason) + "/>\n    </testcase>\n";
        } else if (status == Status::kMistrusted || status == Status::kWarning) {
            // Passing, with a note (a WARNING met the documents but not a hardening rule).
            out += ">\n      <system-out>" + XmlEscape(StatusName(status) + ": " + r.result.reason) +
                   "</system-out>\n    </testcase>\n";
        } else {
            out += "/>\n";
        }
    }
    out += "  </testsuite>\n</testsuites>\n";
    return out;
}

}  // namespace mc2::harness::report
