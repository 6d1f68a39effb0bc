// harness/report/markdown.h — the conformance report as Markdown (GitHub-flavoured): verdict,
// summary table, invalid cases per rule family, failures with reproducers, error statistics of
// the passing cases, the numerics contract they were judged under (oracle/contract.md), and
// the implementation libraries with the provenance of every entry point.
#ifndef MC2_HARNESS_REPORT_MARKDOWN_H_
#define MC2_HARNESS_REPORT_MARKDOWN_H_

#include <string>

#include "harness/report/results.h"

namespace mc2::harness::report {

std::string RenderMarkdownReport(const Results &results);

// Helpers the HTML page shares: "%.3g" without exponent noise for small numbers, and a share
// as a percentage.
std::string FormatNumber(double value);
std::string FormatPercent(double share);

}  // namespace mc2::harness::report

#endif  // MC2_HARNESS_REPORT_MARKDOWN_H_
