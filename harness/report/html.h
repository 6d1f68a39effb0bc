// harness/report/html.h — the conformance report as one self-contained HTML page: no external
// assets, no JavaScript; plots are inline SVG. Per operator × dtype: the histogram of errors in
// output ulps over every element of the passing cases, and observed/bound per case; the
// summary tables; the failures with their reproducers; the numerics contract; the libraries.
#ifndef MC2_HARNESS_REPORT_HTML_H_
#define MC2_HARNESS_REPORT_HTML_H_

#include <string>

#include "harness/report/results.h"

namespace mc2::harness::report {

std::string RenderHtmlReport(const Results &results);

}  // namespace mc2::harness::report

#endif  // MC2_HARNESS_REPORT_HTML_H_
