// tools/mc2conf/convert_cmd.h — `mc2conf convert`: float32 values to codes of a format and
// back, with the oracle's codebook codecs (oracle/codecs), e.g. to check a single value by hand.
#ifndef MC2_TOOLS_MC2CONF_CONVERT_CMD_H_
#define MC2_TOOLS_MC2CONF_CONVERT_CMD_H_

#include "tools/mc2conf/command.h"

namespace mc2::tools {

// Registers the `convert` subcommand on the top-level app.
Command AddConvertCommand(CLI::App &app);

}  // namespace mc2::tools

#endif  // MC2_TOOLS_MC2CONF_CONVERT_CMD_H_
