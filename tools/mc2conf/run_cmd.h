// tools/mc2conf/run_cmd.h — `mc2conf run`: a conformance gate (`--gate quick|full|gpt3`), every
// case in a supervised child, `--jobs` at a time, with a progress display, a closing summary
// table, the failures with their reproducers, and the reports in --out; or one case given by
// its descriptor (`mc2conf run '<descriptor>' [-v]`), which is what every reproducer line runs.
// Exit status: 0 when no case failed, 1 when one did, 2 for bad input.
#ifndef MC2_TOOLS_MC2CONF_RUN_CMD_H_
#define MC2_TOOLS_MC2CONF_RUN_CMD_H_

#include "tools/mc2conf/command.h"

namespace mc2::tools {

Command AddRunCommand(CLI::App &app);

}  // namespace mc2::tools

#endif  // MC2_TOOLS_MC2CONF_RUN_CMD_H_
