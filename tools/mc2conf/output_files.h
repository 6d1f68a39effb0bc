// tools/mc2conf/output_files.h — writing the report files of a run (results.json, junit.xml,
// report.md, report.html), shared by `run` and `report`.
#ifndef MC2_TOOLS_MC2CONF_OUTPUT_FILES_H_
#define MC2_TOOLS_MC2CONF_OUTPUT_FILES_H_

#include <string>

#include "harness/report/results.h"

namespace mc2::tools {

// Writes `text` to `path` (through a temporary file renamed into place, so a report that is
// being re-rendered is never seen half-written). Throws std::runtime_error with one line.
void WriteTextFile(const std::string &path, const std::string &text);

// Creates `dir` (and its parents); throws UsageError when it cannot.
void EnsureDirectory(const std::string &dir);

// Writes every format into `dir`: results.json, junit.xml, report.md, report.html.
void WriteAllReports(const harness::report::Results &results, const std::string &dir);

}  // namespace mc2::tools

#endif  // MC2_TOOLS_MC2CONF_OUTPUT_FILES_H_
