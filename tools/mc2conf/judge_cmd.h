// tools/mc2conf/judge_cmd.h — `mc2conf judge DIR`: judges the answers an adapter wrote into a
// case bundle (bundle.h) as `mc2conf run` judges a library's, with the same statuses and
// reports. Also the hidden `mc2conf adapt-builtin DIR`, an adapter that answers through a C
// library (the built-in one by default), so the round trip export -> adapt -> judge can be
// compared with `run` (tests/tools/mc2conf_bundle_test.cc).
#ifndef MC2_TOOLS_MC2CONF_JUDGE_CMD_H_
#define MC2_TOOLS_MC2CONF_JUDGE_CMD_H_

#include <CLI/CLI.hpp>

#include "tools/mc2conf/command.h"

namespace mc2::tools {

Command AddJudgeCommand(CLI::App &app);
Command AddAdaptBuiltinCommand(CLI::App &app);

}  // namespace mc2::tools

#endif  // MC2_TOOLS_MC2CONF_JUDGE_CMD_H_
