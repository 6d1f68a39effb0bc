// tools/mc2conf/report_cmd.cc — `mc2conf report` (report_cmd.h). Without an output option it
// prints the summary table (as `run` does at its end), so a results file can be inspected.
#include "tools/mc2conf/report_cmd.h"

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "harness/report/html.h"
#include "harness/report/junit.h"
#include "harness/report/markdown.h"
#include "harness/report/results.h"
#include "harness/report/summary.h"
#include "tools/mc2conf/output_files.h"

namespace mc2::tools {
namespace {

struct ReportOptions {
    std::string results;
    std::string junit;
    std::string markdown;
    std::string html;
};

int RunReport(const ReportOptions &o) {
    std::ifstream in(o.results, std::ios::binary);
    if (!in) throw UsageError("report: cannot read '" + o.results + "'");
    std::ostringstream text;
    text << in.rdbuf();
    std::string error;
    const std::optional<harness::report::Results> results = harness::report::ResultsFromJson(text.str(), &error);
    if (!results) throw UsageError("report: " + o.results + ": " + error);
    // Render everything before writing anything, so a rendering failure leaves no partial set.
    std::vector<std::pair<std::string, std::string>> files;
    if (!o.junit.empty()) files.emplace_back(o.junit, harness::report::RenderJUnit(*results));
    if (!o.markdown.empty()) files.emplace_back(o.markdown, harness::report::RenderMarkdownReport(*results));
    if (!o.html.empty()) files.emplace_back(o.html, harness::report::RenderHtmlReport(*results));
    for (const auto &[path, content] : files) {
        try {
            WriteTextFile(path, content);
        } catch (const std::runtime_error &e) {
            throw UsageError(std::string("report: ") + e.what());
        }
    }
    if (o.junit.empty() && o.markdown.empty() && o.html.empty()) {
        std::fputs(harness::report::RenderSummaryText(harness::report::Summarize(*results)).c_str(), stdout);
    }
    return 0;
}

}  // namespace

Command AddReportCommand(CLI::App &app) {
    auto o = std::make_shared<ReportOptions>();
    CLI::App *sub = app.add_subcommand("report", "Re-render reports from a results.json of `mc2conf run`");
    sub->add_option("--results", o->results, "The results.json to read")->required();
    sub->add_option("--junit", o->junit, "Write JUnit XML here");
    sub->add_option("--markdown", o->markdown, "Write the Markdown report here");
    sub->add_option("--html", o->html, "Write the HTML report here");
    return Command{sub, [o] { return RunReport(*o); }};
}

}  // namespace mc2::tools
