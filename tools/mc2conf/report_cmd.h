// tools/mc2conf/report_cmd.h — `mc2conf report --results results.json [--junit F]
// [--markdown F] [--html F]`: re-renders reports from a results file (e.g. after changing the
// report writers, or to publish a CI run's results in another format).
#ifndef MC2_TOOLS_MC2CONF_REPORT_CMD_H_
#define MC2_TOOLS_MC2CONF_REPORT_CMD_H_

#include "tools/mc2conf/command.h"

namespace mc2::tools {

Command AddReportCommand(CLI::App &app);

}  // namespace mc2::tools

#endif  // MC2_TOOLS_MC2CONF_REPORT_CMD_H_
