// harness/report/junit.h — results as JUnit XML for CI systems (Jenkins, GitLab, GitHub
// reporters): one <testcase> per case, classname = op.platform.dtype.wN, a <failure> carrying
// the reason and the reproducer for FAILED / CRASH / TIMEOUT, <skipped> for NOT_SUPPORTED.
#ifndef MC2_HARNESS_REPORT_JUNIT_H_
#define MC2_HARNESS_REPORT_JUNIT_H_

#include <string>

#include "harness/report/results.h"

namespace mc2::harness::report {

std::string RenderJUnit(const Results &results);

}  // namespace mc2::harness::report

#endif  // MC2_HARNESS_REPORT_JUNIT_H_
